// User-info (OIDC Core 5.3): the answer as JSON or as a signed JWT (application/jwt, 5.3.2).
// userinfo_request and process_userinfo_response (JSON answers) are declared in oauth.hpp; a
// signed answer is verified like the ID token: its signature is the host's verify effect.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ssokit/id_token.hpp"
#include "ssokit/jose.hpp"
#include "ssokit/oauth.hpp"

namespace ssokit {

// What a signed user-info response must satisfy (OIDC Core 5.3.2).
struct UserinfoExpectations {
  std::string issuer;     // iss, when present, must equal it
  std::string client_id;  // aud, when present, must contain it
  std::string sub;        // the ID token's sub: required and equal (userinfo_sub_mismatch)
  std::int64_t now = 0;   // exp and nbf, when present, are checked with clock_skew
  std::int64_t clock_skew = 60;
  // The ID token's algorithm rules: the allow-list (never "none"), HS256 only with the secret.
  std::string client_secret;
  std::vector<std::string> allowed_algs = IdTokenExpectations().allowed_algs;
};
// The same issuer, client, clock and algorithm rules as the ID token's, for the subject `sub`.
UserinfoExpectations userinfo_expectations(const IdTokenExpectations& id_token, std::string sub);

// The user-info endpoint's answer, read but not yet trusted: a JSON answer (its sub already
// checked against `expected_sub`) or a signed one to verify (`jwt`). Errors: a refused access
// token (401/403 with WWW-Authenticate: Bearer error=..., RFC 6750 3, or an OAuth error body) is
// token_error naming the provider's error and error_description (details: error,
// error_description, error_uri, status); another status http_error; an encrypted (JWE) or
// malformed answer invalid_response.
struct UserinfoAnswer {
  Json claims = Json::object();
  std::optional<Jws> jwt;  // application/jwt: verify with signed_userinfo_verify_request
};
Result<UserinfoAnswer> read_userinfo_response(const HttpResponse& response, std::string_view expected_sub);

// The verify effect for a signed answer: alg and key rules of the ID token, keys from `jwks`.
// Failures are invalid_response with details.reason (alg_not_allowed, key_not_found, malformed,
// signature_invalid); key_not_found lets a flow refetch the JWKS (key rotation).
Result<VerifyRequest> signed_userinfo_verify_request(const Jws& jwt, const Jwks& jwks, const UserinfoExpectations& e);
// The host's answer, then the claims: iss and aud when present, exp and nbf when present, sub.
// invalid_response (details.reason: signature_invalid, iss_mismatch, aud_mismatch, expired,
// not_yet_valid, sub_missing) or userinfo_sub_mismatch; the claims otherwise.
Result<Json> finish_signed_userinfo(const Jws& jwt, bool verified, const UserinfoExpectations& e);

}  // namespace ssokit
