// OpenID Connect ID token validation (OIDC Core 3.1.3.7), each failure with its own error code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssokit/jose.hpp"

namespace ssokit {

struct IdTokenExpectations {
  std::string issuer;
  std::string client_id;
  std::optional<std::string> nonce;     // required and equal when set; not checked when unset
  std::optional<std::int64_t> max_age;  // when set: auth_time required, auth_time + max_age + skew >= now
  std::int64_t now = 0;                 // seconds since the epoch (the core reads no clock)
  std::int64_t clock_skew = 60;
  // Non-empty enables HS256 with this secret (confidential clients): on top of the default
  // allowed_algs, or when a custom allowed_algs names HS256. Empty: HS256 is never accepted.
  std::string client_secret;
  std::vector<std::string> allowed_algs = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"};
  // The access token that came with the ID token. When set and the ID token has an at_hash
  // claim, the two must match (OIDC Core 3.1.3.8, 3.2.2.9): else invalid_response.
  std::optional<std::string> access_token;
  // Audiences besides client_id that the client accepts in aud (OIDC Core 3.1.3.7 step 3): an
  // ID token with any other extra audience is id_token_aud_mismatch. Empty: only client_id.
  std::vector<std::string> trusted_audiences;
};

struct ValidatedIdToken {
  Json header;
  Json claims;
};

// Checks, in order: form (id_token_malformed), alg (id_token_alg_not_allowed), typ and crit
// (id_token_malformed: a typ of another explicitly typed JWT such as "at+jwt" is not an ID
// token, RFC 8725 3.11), key (id_token_key_not_found), signature (id_token_signature_invalid),
// iss, aud, azp, exp, iat, nbf, nonce, sub, then max_age/auth_time (login_required), then
// at_hash against `access_token` (invalid_response).
//
// The signature is the host's effect, so validation comes in two halves around it:
// prepare_id_token checks up to the key and gives the VerifyRequest; the host verifies it;
// finish_id_token takes the host's answer and checks the claims.
struct PendingIdToken {
  Jws jws;
  VerifyRequest verify;
};
Result<PendingIdToken> prepare_id_token(std::string_view jwt, const Jwks& jwks, const IdTokenExpectations& e);
// id_token_signature_invalid unless `verified`, then the claims of `jws` (the prepared token).
Result<ValidatedIdToken> finish_id_token(Jws jws, bool verified, const IdTokenExpectations& e);
// Both halves, with `verify` answering the effect (natively: verify_signature).
Result<ValidatedIdToken> validate_id_token(std::string_view jwt, const Jwks& jwks, const IdTokenExpectations& e,
                                           const SignatureVerifier& verify);

// The ID token's signature rules for any JWT the provider signs (also the signed user-info
// response, OIDC Core 5.3.2): the alg allow-list (never "none"; HS256 only with the client
// secret), typ and crit, then the key from `jwks`. `what` names the token in messages ("ID
// token"). Fails with the id_token_* codes (id_token_key_not_found lets a flow refetch the JWKS).
Result<VerifyRequest> jwt_verify_request(const Jws& jws, const Jwks& jwks, const std::vector<std::string>& allowed_algs,
                                         const std::string& client_secret, std::string_view what);

// Unverified decode (header and payload), for display only (`ssokit decode`).
Result<Jws> decode_jwt(std::string_view jwt);

}  // namespace ssokit
