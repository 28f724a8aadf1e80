// ID token validation, OpenID Connect Core 1.0 section 3.1.3.7.
#include "ssokit/id_token.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "ssokit/base64.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/text.hpp"

namespace ssokit {
namespace {

// The token's alg for a message: the token is untrusted, so at most 32 printable ASCII characters.
std::string printable_alg(std::string_view alg) {
  std::string out = "\"";
  for (char c : alg.substr(0, 32)) out += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? c : '?';
  return out + "\"";
}

// A NumericDate (RFC 7519 2): any JSON number; fractions are truncated towards the past.
std::optional<std::int64_t> numeric_date(const Json& claims, std::string_view name) {
  const Json* v = json_member(claims, name);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  if (v->is_number_float()) {
    const double d = v->get<double>();
    if (!std::isfinite(d) || d < -9.0e15 || d > 9.0e15) return std::nullopt;
    return static_cast<std::int64_t>(std::floor(d));
  }
  return json_int(claims, name);
}

// Adds without overflow: claims come from the network and may be huge.
std::int64_t add_sat(std::int64_t a, std::int64_t b) {
  if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
  if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
  return a + b;
}

std::string clip(const std::string& s) { return s.substr(0, 256); }

// A claim value for a message: printable ASCII only, clipped.
std::string printable(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 128)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

Status check_crit(const Json& header, const std::string& the) {
  const Json* crit = json_member(header, "crit");
  if (crit == nullptr) return {};
  // RFC 7515 4.1.11: we understand no extension, so any listed name (or a bad crit) is fatal.
  Json names = Json::array();
  if (crit->is_array()) {
    for (const auto& n : *crit) {
      if (n.is_string()) names.push_back(clip(n.get<std::string>()));
    }
  }
  return make_error(ErrorCode::id_token_malformed,
                    the + " header lists critical extensions (crit) that ssokit does not understand",
                    json_object("crit", names));
}

// RFC 8725 3.11: explicitly typed JWTs of other kinds ("at+jwt" access tokens, "logout+jwt",
// "secevent+jwt", ...) must not pass as ID tokens, which are untyped or typed "JWT".
Status check_typ(const Json& header, std::string_view what) {
  const Json* typ = json_member(header, "typ");
  if (typ == nullptr) return {};
  if (!typ->is_string()) return make_error(ErrorCode::id_token_malformed, "the " + std::string(what) + " header's typ is not a string");
  const std::string lower = ascii_lower(typ->get<std::string>());
  const std::string suffix = "+jwt";
  if (lower.size() >= suffix.size() && lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return make_error(ErrorCode::id_token_malformed,
                      "the token's typ says it is another kind of JWT, not the expected " + std::string(what) + " (RFC 8725 3.11)",
                      json_object("typ", clip(typ->get<std::string>())));
  }
  return {};
}

// OIDC Core 3.1.3.8 / 3.2.2.9: at_hash is the left half of the access token's hash with the
// hash of the ID token's alg. Optional in the code flow, but when present it must match: an ID
// token and an access token that do not belong together are a broken or tampered response.
Status check_at_hash(const Json& claims, std::string_view alg, const std::optional<std::string>& access_token) {
  const Json* at_hash = json_member(claims, "at_hash");
  if (at_hash == nullptr || !access_token) return {};
  HashAlg hash_alg = HashAlg::sha256;
  if (alg.size() == 5 && alg.substr(2) == "384") hash_alg = HashAlg::sha384;
  if (alg.size() == 5 && alg.substr(2) == "512") hash_alg = HashAlg::sha512;
  const Bytes digest = hash(hash_alg, *access_token);
  const std::string expected = base64url_encode(digest.data(), digest.size() / 2);
  if (!at_hash->is_string() || !constant_time_equal(at_hash->get<std::string>(), expected)) {
    return make_error(ErrorCode::invalid_response,
                      "the ID token's at_hash does not match the access token it came with; sign in again",
                      json_object("claim", "at_hash"));
  }
  return {};
}

Status check_audience(const Json& claims, const IdTokenExpectations& e) {
  const Json* aud = json_member(claims, "aud");
  bool contains = false;
  std::size_t count = 0;
  bool well_formed = aud != nullptr;
  if (aud != nullptr && aud->is_string()) {
    count = 1;
    contains = aud->get<std::string>() == e.client_id;
  } else if (aud != nullptr && aud->is_array()) {
    for (const auto& a : *aud) {
      if (!a.is_string()) {
        well_formed = false;
        break;
      }
      ++count;
      if (a.get<std::string>() == e.client_id) contains = true;
    }
  } else {
    well_formed = false;
  }
  if (!well_formed || !contains) {
    return make_error(ErrorCode::id_token_aud_mismatch,
                      "the ID token's audience (aud) does not include this client_id; check the client configuration",
                      json_object("expected", clip(e.client_id)));
  }
  // OIDC Core 3.1.3.7 step 3: an audience the client does not trust is refused, even beside client_id.
  if (aud->is_array()) {
    for (const auto& a : *aud) {
      const std::string& value = a.get_ref<const std::string&>();
      if (value == e.client_id) continue;
      if (std::find(e.trusted_audiences.begin(), e.trusted_audiences.end(), value) != e.trusted_audiences.end()) continue;
      return make_error(ErrorCode::id_token_aud_mismatch,
                        "the ID token is also meant for \"" + printable(value) +
                            "\", an audience this client does not trust (OIDC Core 3.1.3.7); add it to trusted_audiences "
                            "only if that party may hold this client's ID tokens",
                        json_object("expected", clip(e.client_id), "untrusted", printable(value)));
    }
  }
  const Json* azp = json_member(claims, "azp");
  if (azp != nullptr && !(azp->is_string() && azp->get<std::string>() == e.client_id)) {
    return make_error(ErrorCode::id_token_azp_mismatch,
                      "the ID token's authorized party (azp) is not this client_id", json_object("expected", clip(e.client_id)));
  }
  if (count > 1 && azp == nullptr) {
    return make_error(ErrorCode::id_token_azp_mismatch,
                      "the ID token has several audiences but no authorized party (azp) claim",
                      json_object("expected", clip(e.client_id)));
  }
  return {};
}

Status check_times(const Json& claims, const IdTokenExpectations& e) {
  const auto exp = numeric_date(claims, "exp");
  if (!exp) return make_error(ErrorCode::id_token_expired, "the ID token has no numeric expiry (exp) claim");
  if (e.now > add_sat(*exp, e.clock_skew)) {
    return make_error(ErrorCode::id_token_expired, "the ID token has expired; sign in again (or check the device clock)",
                      json_object("exp", *exp, "now", e.now, "clock_skew", e.clock_skew));
  }
  const auto iat = numeric_date(claims, "iat");
  if (!iat) return make_error(ErrorCode::id_token_iat_invalid, "the ID token has no numeric issued-at (iat) claim");
  if (*iat > add_sat(e.now, e.clock_skew)) {
    return make_error(ErrorCode::id_token_iat_invalid,
                      "the ID token was issued in the future (iat); check the device clock",
                      json_object("iat", *iat, "now", e.now, "clock_skew", e.clock_skew));
  }
  if (json_member(claims, "nbf") != nullptr) {
    const auto nbf = numeric_date(claims, "nbf");
    if (!nbf) return make_error(ErrorCode::id_token_not_yet_valid, "the ID token's not-before (nbf) claim is not a number");
    if (add_sat(e.now, e.clock_skew) < *nbf) {
      return make_error(ErrorCode::id_token_not_yet_valid, "the ID token is not valid yet (nbf); check the device clock",
                        json_object("nbf", *nbf, "now", e.now, "clock_skew", e.clock_skew));
    }
  }
  return {};
}

}  // namespace

Result<Jws> decode_jwt(std::string_view jwt) { return parse_jws(jwt, ErrorCode::id_token_malformed); }

Result<VerifyRequest> jwt_verify_request(const Jws& jws, const Jwks& jwks, const std::vector<std::string>& allowed_algs,
                                         const std::string& client_secret, std::string_view what) {
  const std::string the = "the " + std::string(what);
  // Algorithm: an explicit allow-list; never "none"; HMAC only with the client's own secret.
  const Json* alg_member = json_member(jws.header, "alg");
  if (alg_member == nullptr || !alg_member->is_string() || jws.alg.empty()) {
    return make_error(ErrorCode::id_token_alg_not_allowed, the + " header has no alg");
  }
  Json alg_details = Json::object();
  alg_details.set("alg", jws.alg.substr(0, 32));
  if (!jws.kid.empty()) alg_details["kid"] = jws.kid.substr(0, 128);
  const bool hmac = jws.alg == "HS256";
  if (hmac && client_secret.empty()) {
    return make_error(ErrorCode::id_token_alg_not_allowed,
                      the + " is signed with HS256, which only a confidential client (with a client secret) can verify",
                      alg_details);
  }
  bool listed = std::find(allowed_algs.begin(), allowed_algs.end(), jws.alg) != allowed_algs.end();
  // A client secret enables HS256 on top of the default list; a custom list must name it.
  if (hmac && !listed && !client_secret.empty()) listed = allowed_algs == IdTokenExpectations().allowed_algs;
  if (jws.alg == "none" || !listed || !jws_alg_supported(jws.alg)) {
    std::string allowed;
    for (const auto& name : allowed_algs) allowed += (allowed.empty() ? "" : ", ") + name;
    if (!client_secret.empty() && allowed_algs == IdTokenExpectations().allowed_algs) allowed += ", HS256";
    const std::string why = jws_alg_supported(jws.alg) && jws.alg != "none" ? "is not in the allowed list"
                                                                             : "is not a supported JWS algorithm";
    alg_details["allowed_algs"] = allowed_algs;
    return make_error(ErrorCode::id_token_alg_not_allowed,
                      the + " is signed with " + printable_alg(jws.alg) + ", which " + why + " (" + allowed +
                          "; \"none\" never is)",
                      std::move(alg_details));
  }
  SSOKIT_CHECK(check_typ(jws.header, what));
  SSOKIT_CHECK(check_crit(jws.header, the));

  // Key and signature.
  if (hmac) {
    // OIDC Core 10.1: the key is the octets of the client secret; never JWKS material.
    Jwk secret;
    secret.kty = "oct";
    secret.k.assign(client_secret.begin(), client_secret.end());
    if (secret.k.size() < 32) {
      return make_error(ErrorCode::id_token_signature_invalid,
                        "the client secret is shorter than 32 bytes, too short for HS256 (RFC 7518 3.2)",
                        std::move(alg_details));
    }
    return jws_verify_request(jws, secret);
  }
  const Json* kid_member = json_member(jws.header, "kid");
  if (kid_member != nullptr && !kid_member->is_string()) {
    return make_error(ErrorCode::id_token_malformed, the + " header's kid is not a string");
  }
  std::optional<std::string> kid;
  if (kid_member != nullptr) kid = jws.kid;
  SSOKIT_TRY(const Jwk* key, jwks.select(jws.alg, kid));
  return jws_verify_request(jws, *key);
}

Result<PendingIdToken> prepare_id_token(std::string_view jwt, const Jwks& jwks, const IdTokenExpectations& e) {
  if (jwt.empty()) return make_error(ErrorCode::id_token_malformed, "the ID token is empty");
  SSOKIT_TRY(Jws jws, parse_jws(jwt, ErrorCode::id_token_malformed));
  SSOKIT_TRY(VerifyRequest request, jwt_verify_request(jws, jwks, e.allowed_algs, e.client_secret, "ID token"));
  return PendingIdToken{std::move(jws), std::move(request)};
}

Result<ValidatedIdToken> finish_id_token(Jws jws, bool verified, const IdTokenExpectations& e) {
  if (!verified) {
    Json details = Json::object();
    details.set("alg", jws.alg.substr(0, 32));
    details.set("kid", jws.kid.substr(0, 128));
    return make_error(ErrorCode::id_token_signature_invalid, "the JWS signature does not verify with the selected key",
                      std::move(details));
  }

  const Json& claims = jws.payload;
  const auto iss = json_string_at(claims, "iss");
  if (!iss || *iss != e.issuer) {
    return make_error(ErrorCode::id_token_iss_mismatch, "the ID token's issuer (iss) is not the expected issuer",
                      json_object("expected", clip(e.issuer), "actual", clip(json_text(claims, "iss"))));
  }
  SSOKIT_CHECK(check_audience(claims, e));
  SSOKIT_CHECK(check_times(claims, e));
  if (e.nonce) {
    const auto nonce = json_string_at(claims, "nonce");
    if (!nonce || !constant_time_equal(*nonce, *e.nonce)) {
      return make_error(ErrorCode::id_token_nonce_mismatch,
                        nonce ? "the ID token's nonce does not match this sign-in; start the sign-in again"
                              : "the ID token has no nonce although one was sent; start the sign-in again");
    }
  }
  const auto sub = json_string_at(claims, "sub");
  if (!sub || sub->empty()) return make_error(ErrorCode::id_token_sub_missing, "the ID token has no subject (sub)");
  if (e.max_age) {
    const auto auth_time = numeric_date(claims, "auth_time");
    if (!auth_time) {
      return make_error(ErrorCode::login_required,
                        "max_age was requested but the ID token has no auth_time; sign in again");
    }
    if (add_sat(add_sat(*auth_time, *e.max_age), e.clock_skew) < e.now) {
      return make_error(ErrorCode::login_required,
                        "the last authentication is older than max_age allows; sign in again",
                        json_object("auth_time", *auth_time, "max_age", *e.max_age, "now", e.now));
    }
  }

  SSOKIT_CHECK(check_at_hash(claims, jws.alg, e.access_token));

  ValidatedIdToken out;
  out.header = std::move(jws.header);
  out.claims = std::move(jws.payload);
  return out;
}

Result<ValidatedIdToken> validate_id_token(std::string_view jwt, const Jwks& jwks, const IdTokenExpectations& e,
                                           const SignatureVerifier& verify) {
  SSOKIT_TRY(PendingIdToken pending, prepare_id_token(jwt, jwks, e));
  const bool verified = verify(pending.verify);
  return finish_id_token(std::move(pending.jws), verified, e);
}

}  // namespace ssokit
