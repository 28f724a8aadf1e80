// DPoP (RFC 9449): proofs built by the core, signed by the host (the sign effect, key "dpop").
#include "ssokit/dpop.hpp"

#include "ssokit/base64.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/text.hpp"
#include "ssokit/url.hpp"

namespace ssokit {
namespace {

Error bad_key(const std::string& why) {
  return make_error(ErrorCode::invalid_argument, "the DPoP key cannot be used: " + why);
}

bool base64url_of_size(const Json& jwk, const char* member, std::size_t size) {
  auto v = json_string_at(jwk, member);
  if (!v) return false;
  auto bytes = base64url_decode(*v);
  return bytes.ok() && (size == 0 ? !bytes->empty() : bytes->size() == size);
}

// The members RFC 7638 3.2 hashes, checked: EC P-256 (crv, kty, x, y) or RSA (e, kty, n).
Result<Json> required_members(const Json& jwk) {
  if (!jwk.is_object()) return bad_key("the public key must be a JWK object");
  for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "k"}) {
    if (json_member(jwk, secret) != nullptr) {
      return bad_key(std::string("the JWK holds the private member \"") + secret + "\"; give the public key only");
    }
  }
  const std::string kty = json_text(jwk, "kty");
  if (kty == "EC") {
    if (json_text(jwk, "crv") != "P-256") return bad_key("an EC key must be on P-256");
    if (!base64url_of_size(jwk, "x", 32) || !base64url_of_size(jwk, "y", 32)) {
      return bad_key("an EC P-256 key needs x and y of 32 bytes each, base64url");
    }
    Json out = Json::object();
    out.set("crv", "P-256");
    out.set("kty", "EC");
    out.set("x", *json_string(jwk, "x"));
    out.set("y", *json_string(jwk, "y"));
    return out;
  }
  if (kty == "RSA") {
    if (!base64url_of_size(jwk, "n", 0) || !base64url_of_size(jwk, "e", 0)) return bad_key("an RSA key needs n and e, base64url");
    Json out = Json::object();
    out.set("e", *json_string(jwk, "e"));
    out.set("kty", "RSA");
    out.set("n", *json_string(jwk, "n"));
    return out;
  }
  return bad_key("the JWK's kty must be EC or RSA");
}

}  // namespace

bool dpop_wanted(const ClientConfig& client, const ProviderMetadata& provider) {
  return client.dpop || provider.dpop_bound_access_tokens;
}

Result<DpopKey> DpopKey::from_json(const Json& value) {
  if (!value.is_object()) return bad_key("expected {alg, jwk}");
  DpopKey key;
  if (const Json* alg = json_member(value, "alg"); alg != nullptr && !alg->is_null()) {
    if (!alg->is_string()) return bad_key("alg must be a string");
    key.alg = alg->get<std::string>();
  }
  const Json* jwk = json_member(value, "jwk");
  if (jwk == nullptr) return bad_key("the public JWK (jwk) is missing");
  SSOKIT_TRY(Json members, required_members(*jwk));
  const std::string kty = json_text(members, "kty");
  if (key.alg == "ES256" ? kty != "EC" : (key.alg == "RS256" || key.alg == "PS256") ? kty != "RSA" : true) {
    return bad_key("alg \"" + key.alg.substr(0, 20) + "\" does not fit the " + kty + " key (ES256: EC P-256; RS256, PS256: RSA)");
  }
  key.jwk = std::move(members);  // only the public members travel in a proof
  return key;
}

Json DpopKey::to_json() const { return {{"alg", alg}, {"jwk", jwk}}; }

Result<std::string> jwk_thumbprint(const Json& jwk) {
  SSOKIT_TRY(Json members, required_members(jwk));
  // Json objects keep their members sorted and dump without whitespace: RFC 7638 3.3's form.
  return base64url_encode(sha256(members.dump()));
}

Result<std::string> dpop_htu(std::string_view url) {
  SSOKIT_TRY(Url u, parse_url(url));
  if (u.host.empty()) return make_error(ErrorCode::invalid_url, "a DPoP proof needs an absolute http(s) URL");
  u.scheme = ascii_lower(u.scheme);
  u.host = ascii_lower(u.host);
  if (u.port && ((u.scheme == "https" && *u.port == 443) || (u.scheme == "http" && *u.port == 80))) u.port.reset();
  u.query.reset();
  u.fragment.reset();
  u.userinfo.reset();
  if (u.path.empty()) u.path = "/";
  return u.to_string();
}

Result<SignRequest> dpop_proof(const DpopKey& key, std::string_view method, std::string_view url, std::int64_t now,
                               RandomSource& random, std::string_view nonce, std::string_view access_token) {
  if (method.empty()) return make_error(ErrorCode::invalid_argument, "a DPoP proof needs the request's method");
  SSOKIT_TRY(std::string htu, dpop_htu(url));
  SSOKIT_TRY(std::string jti, random_token(random, 16));  // 128 bits: unique per proof (RFC 9449 4.2)
  const Json header = {{"typ", "dpop+jwt"}, {"alg", key.alg}, {"jwk", key.jwk}};
  Json claims = Json::object();
  claims.set("jti", jti);
  claims.set("htm", std::string(method));
  claims.set("htu", htu);
  claims.set("iat", now);
  if (!nonce.empty()) claims["nonce"] = std::string(nonce);
  if (!access_token.empty()) claims["ath"] = base64url_encode(sha256(access_token));
  SignRequest sign;
  sign.alg = key.alg;
  sign.key = "dpop";
  sign.input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
  sign.header = "DPoP";
  return sign;
}

Status add_dpop_proof(HttpRequest& request, const DpopKey& key, std::int64_t now, RandomSource& random,
                      std::string_view nonce, std::string_view access_token) {
  SSOKIT_TRY(SignRequest proof, dpop_proof(key, request.method, request.url, now, random, nonce, access_token));
  if (!access_token.empty()) {
    Params headers;
    for (auto& h : request.headers) {
      if (!ascii_iequals(h.first, "authorization")) headers.push_back(std::move(h));
    }
    headers.emplace_back("Authorization", "DPoP " + std::string(access_token));
    request.headers = std::move(headers);
  }
  // One proof per request: a proof from an earlier attempt (the nonce retry) is replaced.
  std::vector<SignRequest> sign;
  for (auto& s : request.sign) {
    if (s.key != "dpop") sign.push_back(std::move(s));
  }
  sign.push_back(std::move(proof));
  request.sign = std::move(sign);
  return {};
}

std::optional<std::string> dpop_nonce_challenge(const HttpResponse& response) {
  auto nonce = response.header("DPoP-Nonce");
  if (!nonce || nonce->empty()) return std::nullopt;
  if (response.status == 400) {
    auto body = parse_json_object(response.body);
    if (body.ok() && json_text(body.value(), "error") == "use_dpop_nonce") return nonce;
    return std::nullopt;
  }
  if (response.status == 401) {
    // WWW-Authenticate: DPoP error="use_dpop_nonce", ... (RFC 9449 9). The scheme is
    // case-insensitive; the error value is matched as a token or a quoted string.
    const std::string challenge = ascii_lower(response.header("WWW-Authenticate").value_or(""));
    const std::size_t scheme = challenge.find("dpop");
    if (scheme == std::string::npos) return std::nullopt;
    const std::string rest = challenge.substr(scheme + 4);
    if (rest.find("error=\"use_dpop_nonce\"") != std::string::npos || rest.find("error=use_dpop_nonce") != std::string::npos) {
      return nonce;
    }
  }
  return std::nullopt;
}

void remember_dpop_nonce(Json& nonces, std::string_view url, const HttpResponse& response) {
  auto nonce = response.header("DPoP-Nonce");
  if (!nonce || nonce->empty()) return;
  auto u = parse_url(url);
  if (!u.ok()) return;
  if (!nonces.is_object()) nonces = Json::object();
  nonces[u->origin()] = *nonce;
}

std::string dpop_nonce_for(const Json& nonces, std::string_view url) {
  auto u = parse_url(url);
  if (!u.ok() || !nonces.is_object()) return "";
  return json_text(nonces, u->origin());
}

}  // namespace ssokit
