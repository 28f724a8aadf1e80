// JSON methods for JOSE: JWS verification (JWK or raw keys), unverified JWT decode, ID token
// validation.
#include "api_internal.hpp"
#include "ssokit/id_token.hpp"
#include "ssokit/jose.hpp"

namespace ssokit::api {
namespace {

// A verify effect for the host. The method's answer comes from flow.step {state, verified}:
// its "result" (jws_verified, id_token_verified below).
Json verify_step(Json state, const VerifyRequest& request) {
  Json out = Json::object();
  out.set("state", std::move(state));
  out.set("verify", request.to_json());
  return out;
}

// {alg, key: JWK, signing_input, signature: base64url} -> {"valid": false} when the core's rules
// refuse (key unusable for the alg, wrong signature length), else a verify effect whose
// continuation answers {"valid": <the host's answer>}.
Result<Json> m_jws_verify(const Json& p) {
  SSOKIT_TRY(std::string alg, need_string(p, "alg"));
  SSOKIT_TRY(std::string signing_input, need_string(p, "signing_input"));
  SSOKIT_TRY(std::string signature, need_string(p, "signature"));
  const Json* key_json = json_member(p, "key");
  if (key_json == nullptr) return bad_param("key", "is required (a JWK object)");
  auto key = parse_jwk(*key_json, ErrorCode::invalid_argument);
  if (!key.ok()) return bad_param("key", "is not a usable JWK: " + key.error().message);
  Jws jws;
  jws.alg = alg;
  jws.kid = key->kid;
  jws.signing_input = std::move(signing_input);
  auto sig = base64url_decode(signature);
  if (!sig.ok()) return bad_param("signature", "must be strict base64url");
  jws.signature = std::move(sig).value();
  auto request = jws_verify_request(jws, key.value());
  if (!request.ok()) return json_object("valid", false);
  return verify_step(json_object("kind", "jws"), request.value());
}

// Test vectors: {scheme, hash (not for ed25519), key material, message, signature}, hex. The key becomes a JWK
// (parse_jwk's rules), the scheme and hash a JWS alg; the core's rules then apply as for
// jws.verify, except jwk_usable_for (so HMAC keys of any length are tried). Same answers.
Result<Json> m_jws_verify_raw(const Json& p) {
  SSOKIT_TRY(std::string scheme, need_string(p, "scheme"));
  // Ed25519 hashes inside the signature scheme (RFC 8032): no hash parameter.
  std::string hash = "SHA-512";
  if (scheme != "ed25519") {
    SSOKIT_TRY(hash, need_string(p, "hash"));
  }
  if (hash != "SHA-256" && hash != "SHA-384" && hash != "SHA-512") {
    return bad_param("hash", "must be one of SHA-256, SHA-384, SHA-512");
  }
  const std::string bits = hash.substr(4);
  SSOKIT_TRY(Bytes message, need_hex(p, "message"));
  SSOKIT_TRY(Bytes signature, need_hex(p, "signature"));
  std::string alg;
  Json jwk;
  if (scheme == "rsa_pkcs1" || scheme == "rsa_pss") {
    SSOKIT_TRY(Bytes n, need_hex(p, "n"));
    SSOKIT_TRY(Bytes e, need_hex(p, "e"));
    alg = (scheme == "rsa_pss" ? "PS" : "RS") + bits;
    jwk = {{"kty", "RSA"}, {"n", base64url_encode(n)}, {"e", base64url_encode(e)}};
  } else if (scheme == "ecdsa_p1363") {
    SSOKIT_TRY(std::string curve, need_string(p, "curve"));
    SSOKIT_TRY(Bytes x, need_hex(p, "x"));
    SSOKIT_TRY(Bytes y, need_hex(p, "y"));
    alg = "ES" + bits;
    jwk = {{"kty", "EC"}, {"crv", curve}, {"x", base64url_encode(x)}, {"y", base64url_encode(y)}};
  } else if (scheme == "ed25519") {
    SSOKIT_TRY(Bytes x, need_hex(p, "x"));
    alg = "EdDSA";
    jwk = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", base64url_encode(x)}};
  } else if (scheme == "hmac") {
    SSOKIT_TRY(Bytes key, need_hex(p, "key"));
    alg = "HS" + bits;
    jwk = {{"kty", "oct"}, {"k", base64url_encode(key)}};
  } else {
    return bad_param("scheme", "must be one of rsa_pkcs1, rsa_pss, ecdsa_p1363, ed25519, hmac");
  }
  auto key = parse_jwk(jwk, ErrorCode::invalid_argument);
  if (!key.ok()) return json_object("valid", false);
  auto request = make_verify_request(alg, key.value(), std::string(message.begin(), message.end()), std::move(signature));
  if (!request.ok()) return json_object("valid", false);
  return verify_step(json_object("kind", "jws"), request.value());
}

// {jwt} -> {header, payload}, NOT verified.
Result<Json> m_jwt_decode(const Json& p) {
  SSOKIT_TRY(std::string jwt, need_string(p, "jwt"));
  SSOKIT_TRY(Jws jws, decode_jwt(jwt));
  Json out = Json::object();
  out.set("header", std::move(jws.header));
  out.set("payload", std::move(jws.payload));
  return out;
}

}  // namespace

Result<IdTokenExpectations> expectations_from_json(const Json& p) {
  const Json* expect = json_member(p, "expect");
  if (expect == nullptr || !expect->is_object()) return bad_param("expect", "is required (an object)");
  IdTokenExpectations e;
  SSOKIT_TRY(e.issuer, need_string(*expect, "issuer"));
  SSOKIT_TRY(e.client_id, need_string(*expect, "client_id"));
  auto now = json_int(*expect, "now");
  if (!now) return bad_param("expect.now", "is required (seconds since the epoch)");
  e.now = *now;
  if (json_member(*expect, "nonce") != nullptr) {
    auto nonce = json_string_at(*expect, "nonce");
    if (!nonce) return bad_param("expect.nonce", "must be a string");
    e.nonce = *nonce;
  }
  if (json_member(*expect, "max_age") != nullptr) {
    auto max_age = json_int(*expect, "max_age");
    if (!max_age || *max_age < 0) return bad_param("expect.max_age", "must be a non-negative integer");
    e.max_age = *max_age;
  }
  if (json_member(*expect, "clock_skew") != nullptr) {
    auto skew = json_int(*expect, "clock_skew");
    if (!skew || *skew < 0 || *skew > 600) return bad_param("expect.clock_skew", "must be an integer from 0 to 600");
    e.clock_skew = *skew;
  }
  e.client_secret = opt_string(*expect, "client_secret");
  if (const Json* audiences = json_member(*expect, "trusted_audiences"); audiences != nullptr) {
    if (!audiences->is_array()) return bad_param("expect.trusted_audiences", "must be an array of strings");
    for (const auto& a : *audiences) {
      if (!a.is_string()) return bad_param("expect.trusted_audiences", "must be an array of strings");
      e.trusted_audiences.push_back(a.get<std::string>());
    }
  }
  if (const Json* algs = json_member(*expect, "allowed_algs"); algs != nullptr) {
    if (!algs->is_array()) return bad_param("expect.allowed_algs", "must be an array of strings");
    e.allowed_algs.clear();
    for (const auto& a : *algs) {
      if (!a.is_string()) return bad_param("expect.allowed_algs", "must be an array of strings");
      e.allowed_algs.push_back(a.get<std::string>());
    }
  }
  return e;
}

namespace {

// {id_token, jwks, expect} -> a verify effect whose continuation answers {header, claims}.
Result<Json> m_id_token_validate(const Json& p) {
  SSOKIT_TRY(std::string id_token, need_string(p, "id_token"));
  const Json* jwks_json = json_member(p, "jwks");
  if (jwks_json == nullptr) return bad_param("jwks", "is required (a JWK set object)");
  SSOKIT_TRY(Jwks jwks, Jwks::parse(*jwks_json));
  SSOKIT_TRY(IdTokenExpectations e, expectations_from_json(p));
  SSOKIT_TRY(PendingIdToken pending, prepare_id_token(id_token, jwks, e));
  return verify_step(json_object("kind", "id_token", "id_token", id_token, "expect", p["expect"]), pending.verify);
}

}  // namespace

FlowStep jws_verified(const Json&, bool verified) {
  FlowStep step;
  step.state = json_object("kind", "jws");
  step.result = json_object("valid", verified);
  return step;
}

Result<FlowStep> id_token_verified(const Json& state, bool verified) {
  SSOKIT_TRY(std::string id_token, need_string(state, "id_token"));
  SSOKIT_TRY(IdTokenExpectations e, expectations_from_json(state));
  SSOKIT_TRY(Jws jws, parse_jws(id_token));
  SSOKIT_TRY(ValidatedIdToken token, finish_id_token(std::move(jws), verified, e));
  FlowStep step;
  step.state = json_object("kind", "id_token");
  step.result = json_object("header", std::move(token.header), "claims", std::move(token.claims));
  return step;
}

namespace {

constexpr Method kJoseMethods[] = {
    {"jwt.decode", m_jwt_decode},
    {"id_token.validate", m_id_token_validate},
};

constexpr Method kJoseToolMethods[] = {
    {"jws.verify", m_jws_verify},
    {"jws.verify_raw", m_jws_verify_raw},
};

}  // namespace

MethodTable jose_methods() { return {kJoseMethods, sizeof kJoseMethods / sizeof kJoseMethods[0]}; }
MethodTable jose_tool_methods() { return {kJoseToolMethods, sizeof kJoseToolMethods / sizeof kJoseToolMethods[0]}; }

}  // namespace ssokit::api
