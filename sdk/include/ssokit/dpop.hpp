// DPoP (RFC 9449), the core's half: the proof JWT's header and claims, built here and signed by
// the host through the sign effect (SignRequest, key "dpop": the host holds the private key and
// gives the core only its public JWK); the key's thumbprint for dpop_jkt; the DPoP-Nonce a server
// asks for and the nonces remembered per server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ssokit/http.hpp"
#include "ssokit/json.hpp"
#include "ssokit/oauth.hpp"
#include "ssokit/random.hpp"

namespace ssokit {

// The public half of the host's DPoP key. ES256 (P-256) by default; RS256 and PS256 take an RSA key.
struct DpopKey {
  std::string alg = "ES256";
  Json jwk = Json::object();  // public members only (kty, crv, x, y / kty, n, e)

  // {alg?, jwk}; invalid_argument when the JWK does not fit the algorithm or holds a private part.
  static Result<DpopKey> from_json(const Json& value);
  Json to_json() const;
};

// Whether a sign-in uses DPoP: the client asks (ClientConfig::dpop) or the provider binds every
// access token (dpop_bound_access_tokens). The driver asks before a sign-in and then makes a new key.
bool dpop_wanted(const ClientConfig& client, const ProviderMetadata& provider);

// The key's JWK SHA-256 thumbprint (RFC 7638), base64url: dpop_jkt (RFC 9449 10) and cnf.jkt.
Result<std::string> jwk_thumbprint(const Json& jwk);

// htu (RFC 9449 4.2): the request URL without query and fragment, scheme and host in lower case,
// the default port dropped. invalid_url for a URL that does not parse.
Result<std::string> dpop_htu(std::string_view url);

// A proof for one request: header {typ: "dpop+jwt", alg, jwk}, claims {jti (random, 128 bits),
// htm, htu, iat, nonce?, ath? (base64url SHA-256 of the access token, for resource requests)}. The
// host signs `input` with its "dpop" key and sets the DPoP header.
Result<SignRequest> dpop_proof(const DpopKey& key, std::string_view method, std::string_view url, std::int64_t now,
                               RandomSource& random, std::string_view nonce = {}, std::string_view access_token = {});

// Adds the proof to the request (the sign effect); with an access token it also sets
// "Authorization: DPoP <token>" in place of any Authorization header.
Status add_dpop_proof(HttpRequest& request, const DpopKey& key, std::int64_t now, RandomSource& random,
                      std::string_view nonce = {}, std::string_view access_token = {});

// The nonce a server asks the client to retry with (RFC 9449 8 and 9): an authorization server's
// 400 with error "use_dpop_nonce", or a resource server's 401 with WWW-Authenticate: DPoP
// error="use_dpop_nonce", each with a DPoP-Nonce header. nullopt for any other answer.
std::optional<std::string> dpop_nonce_challenge(const HttpResponse& response);

// Nonces remembered per server (origin -> latest DPoP-Nonce), as JSON so that it crosses the
// wasm boundary and can be stored: `remember` keeps a DPoP-Nonce header the response carries.
void remember_dpop_nonce(Json& nonces, std::string_view url, const HttpResponse& response);
std::string dpop_nonce_for(const Json& nonces, std::string_view url);

}  // namespace ssokit
