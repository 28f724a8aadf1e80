// OAuth 2.0 / OpenID Connect client steps, sans-I/O. Each network step is a pair, as in
// oauth4webapi: `xxx_request(...)` builds an HttpRequest; `process_xxx_response(...)` validates
// the HttpResponse. The caller (native/ with libcurl, web/ with fetch, tests with a fake) sends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ssokit/http.hpp"
#include "ssokit/json.hpp"
#include "ssokit/random.hpp"

namespace ssokit {

// ---- Discovery (OpenID Connect Discovery 1.0 / RFC 8414) ----

struct ProviderMetadata {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string userinfo_endpoint;
  std::string jwks_uri;
  std::string end_session_endpoint;
  std::string revocation_endpoint;
  std::string device_authorization_endpoint;
  std::string pushed_authorization_request_endpoint;  // RFC 9126
  bool require_pushed_authorization_requests = false;  // RFC 9126 5: the provider takes pushed requests only
  bool authorization_response_iss_parameter_supported = false;  // RFC 9207
  std::vector<std::string> code_challenge_methods_supported;
  std::vector<std::string> token_endpoint_auth_methods_supported;
  std::vector<std::string> revocation_endpoint_auth_methods_supported;  // RFC 8414; empty: the token list applies
  std::vector<std::string> id_token_signing_alg_values_supported;
  // RFC 9449 5.1: the algorithms the provider takes for DPoP proofs (empty: not published).
  std::vector<std::string> dpop_signing_alg_values_supported;
  // The provider binds every access token to a DPoP key (RFC 9449 5.2's client metadata, also
  // honoured when discovery states it): DPoP is then on without the client asking (dpop_wanted).
  bool dpop_bound_access_tokens = false;
  Json raw = Json::object();  // the whole document, for fields not modelled here

  Json to_json() const;
  static Result<ProviderMetadata> from_json(const Json& document);
};

// GET {issuer}/.well-known/openid-configuration. invalid_url for an unusable issuer.
Result<HttpRequest> discovery_request(std::string_view issuer);
// RFC 8414 form: {scheme}://{host}/.well-known/oauth-authorization-server{path}.
Result<HttpRequest> oauth_metadata_request(std::string_view issuer);
// Validates status, JSON, required endpoints; `issuer` must equal the configured issuer exactly
// (discovery_issuer_mismatch). discovery_failed for anything else wrong.
Result<ProviderMetadata> process_discovery_response(std::string_view issuer, const HttpResponse& response);

// ---- Client configuration ----

// Client authentication at the token, device authorization and revocation endpoints (RFC 6749
// 2.3.1, OIDC Core 9, RFC 7523): none (public clients, PKCE), the secret in the Authorization
// header or the form, or a JWT client assertion: HS256 over the secret (client_secret_jwt) or
// signed with the host's private key (private_key_jwt: the sign effect, ssokit/signing.hpp).
enum class ClientAuth { none, client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt };

struct ClientConfig {
  std::string issuer;
  std::string client_id;
  std::string client_secret;  // empty for public clients; never logged
  // Empty: the first method of the provider's token_endpoint_auth_methods_supported (for
  // revocation: revocation_endpoint_auth_methods_supported, else the token list) that the
  // credentials allow (effective_client_auth). A method set here is used even when the provider
  // does not list it: the provider decides.
  std::optional<ClientAuth> auth;
  // private_key_jwt: the host's private key (PEM PKCS#8 or a private JWK). The core never reads it;
  // the native host loads it into its Signer (native::KeySigner) and never serializes it (to_json
  // leaves it out). In JavaScript the key stays with the fetch transport (web/src/sign.js).
  std::string private_key;
  // The client assertion's alg (RS256, PS256, ES256) when the host holds a "client" key; empty:
  // no key. The native host sets it from the key (RS256 for RSA, ES256 for EC) unless given.
  std::string private_key_alg;
  std::string private_key_id;  // the assertion header's kid; empty: the JWK's kid, else none
  std::string redirect_uri;
  std::string scope = "openid profile email";
  std::int64_t clock_skew = 60;              // seconds allowed for exp/iat/nbf
  std::int64_t transaction_ttl = 600;        // a pending authorization expires after 10 minutes
  std::vector<std::string> allowed_algs;     // empty: the secure default list
  // Push the authorization request (RFC 9126) even when the provider does not ask for it; it is
  // pushed anyway whenever the provider has a pushed_authorization_request_endpoint.
  bool par = false;
  // DPoP (RFC 9449): the host makes a key per sign-in and every token request carries a proof
  // signed with it, so the tokens are bound to that key (token_type DPoP). Also on when the
  // provider sets dpop_bound_access_tokens (dpop_wanted).
  bool dpop = false;
  // Audiences besides client_id an ID token may name (OIDC Core 3.1.3.7 step 3); any other extra
  // audience is id_token_aud_mismatch. Empty: an ID token must be for this client alone.
  std::vector<std::string> trusted_audiences;

  // {issuer, client_id, client_secret?, auth?, private_key?, private_key_alg?, private_key_id?,
  // redirect_uri, scope?, clock_skew?, transaction_ttl?, allowed_algs?, trusted_audiences?, par?, dpop?};
  // without auth the method is chosen from discovery (effective_client_auth). invalid_argument when
  // malformed (an unknown method name, a private_key_alg other than RS256/PS256/ES256).
  static Result<ClientConfig> from_json(const Json& value);
  Json to_json() const;  // includes the secret (not the private key): for the wasm boundary only
};

// The method used at the token endpoint (revocation = false) or the revocation endpoint: the
// configured one, else the first method the provider lists that the credentials allow (a secret:
// client_secret_basic, client_secret_post, client_secret_jwt; a key: private_key_jwt; neither:
// none); without a list or a fitting entry the OIDC Discovery default client_secret_basic with a
// secret, private_key_jwt with a key, none otherwise.
ClientAuth effective_client_auth(const ClientConfig& client, const ProviderMetadata& provider, bool revocation = false);

// Client assertions (RFC 7523 section 3, OIDC Core 9) last this long: iat + 60 s.
inline constexpr std::int64_t kClientAssertionLifetime = 60;

// The checks a client can make before any request, so a mistake shows when the client is created,
// not at the first sign-in: issuer (check_issuer), client_id present, redirect_uri an absolute URL
// without a fragment (RFC 6749 3.1.2), allowed_algs supported (check_allowed_algs). invalid_url or
// invalid_argument, with a message that says the fix.
Status check_client_config(const ClientConfig& client);
// Every name is a JWS algorithm the SDK verifies; invalid_argument naming the supported ones.
Status check_allowed_algs(const std::vector<std::string>& algs);
// The issuer rules of discovery: a valid absolute URL, https (plain http only to a loopback host),
// no query or fragment, not the discovery document's own URL (".../.well-known/openid-configuration").
Status check_issuer(std::string_view issuer);

// ---- Authorization request ----

struct AuthorizationOptions {
  std::optional<std::string> scope;  // overrides ClientConfig::scope
  std::optional<std::string> prompt;
  std::optional<std::string> login_hint;
  std::optional<std::int64_t> max_age;
  std::optional<std::string> acr_values;
  std::optional<std::string> ui_locales;
  std::string return_to = "/";  // validated with validate_return_url
  Params extra;                 // further parameters; may not override the protocol ones
  // The public JWK of the host's DPoP key for this sign-in: sent as dpop_jkt (RFC 9449 10), which
  // binds the authorization code to that key.
  std::optional<Json> dpop_jwk;
};

// The pending authorization kept between the redirect and the callback. Single use.
struct Transaction {
  std::string state;
  std::string nonce;  // empty when `openid` was not requested
  std::string code_verifier;
  std::string redirect_uri;
  std::string return_to;
  std::string issuer;
  std::string client_id;
  std::optional<std::int64_t> max_age;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;

  Json to_json() const;
  static Result<Transaction> from_json(const Json& value);  // storage_error when malformed
};

struct AuthorizationRequest {
  std::string url;  // empty when `push` is set: the URL comes from the pushed request's answer
  Transaction transaction;
  // Pushed authorization request (RFC 9126): set when the client asks (ClientConfig::par) or the
  // provider has a pushed_authorization_request_endpoint. The host sends it and gives the answer
  // to process_pushed_authorization_response, which returns the URL to send the browser to.
  std::optional<HttpRequest> push;
};

// An absolute URL without a fragment (RFC 6749 section 3.1.2); invalid_argument otherwise.
Status validate_redirect_uri(std::string_view redirect_uri);

// With scope openid, also check_provider_algs (an ID token this client cannot verify is refused
// before the user is sent to the provider).
Result<AuthorizationRequest> build_authorization_request(const ClientConfig& client,
                                                         const ProviderMetadata& provider,
                                                         const AuthorizationOptions& options,
                                                         RandomSource& random, std::int64_t now);

// The ID-token algorithms the client accepts: allowed_algs, or the default list (plus HS256 with a
// client secret), as the ID-token check applies them.
std::vector<std::string> effective_allowed_algs(const ClientConfig& client);
// When the provider publishes id_token_signing_alg_values_supported and none of them is in
// effective_allowed_algs: id_token_alg_not_allowed naming both lists (details: provider_algs,
// allowed_algs). An unpublished list passes.
Status check_provider_algs(const ClientConfig& client, const ProviderMetadata& provider);
// RFC 9126 2.1: POSTs the authorization parameters to the pushed_authorization_request_endpoint
// with the client's authentication (as at the token endpoint; `now` dates a client assertion).
// invalid_argument without one.
Result<HttpRequest> pushed_authorization_request(const ClientConfig& client, const ProviderMetadata& provider,
                                                 const Params& authorization_params, std::int64_t now);
// RFC 9126 2.2/2.3: a 201 with request_uri and expires_in gives the authorization URL that carries
// only client_id and request_uri. An OAuth error is authorization_error (the provider's error,
// error_description in details); another status http_error; a malformed answer invalid_response.
Result<std::string> process_pushed_authorization_response(const ClientConfig& client, const ProviderMetadata& provider,
                                                          const HttpResponse& response);

// ---- Callback ----

struct CallbackResult {
  std::string code;
  std::string state;
};

// Reads the authorization response from the redirect URL's query (or fragment when the query
// has no response parameters). Checks: provider error (authorization_error, with error,
// error_description, error_uri in details), state present (state_missing) and equal to the
// transaction's (state_mismatch), transaction not expired (transaction_not_found), RFC 9207
// iss (iss_mismatch) when the provider supports it or sends it, code present.
Result<CallbackResult> process_callback(std::string_view callback_url, const Transaction& transaction,
                                        const ProviderMetadata& provider, std::int64_t now);
// Just the state of a callback URL, to find the stored transaction it belongs to. Without a state,
// a provider error (e.g. invalid_request_uri for an expired pushed request) is that error
// (authorization_error, access_denied, login_required as process_callback), else state_missing.
Result<std::string> callback_state(std::string_view callback_url);
// True when the URL carries an authorization response: a code, error or state parameter in its
// query (or, without one there, in its fragment). False for any other page, also a malformed URL.
bool is_authorization_response(std::string_view callback_url);
// True when the URL is at the redirect URI (same scheme, host, port and path; the query may
// differ) and carries an authorization response: "is this page the sign-in callback?".
bool is_callback_for(std::string_view url, std::string_view redirect_uri);

// ---- Token endpoint ----

struct TokenSet {
  std::string token_type;
  std::string access_token;
  std::string refresh_token;
  std::string id_token;
  std::string scope;
  std::optional<std::int64_t> expires_in;
  std::int64_t expires_at = 0;  // 0: unknown
  Json raw = Json::object();

  // Redacted view for logs and printing: token values replaced by "[redacted]".
  std::string to_string() const;
  // Full JSON (for storage or the CLI's explicit output).
  Json to_json() const;
  static Result<TokenSet> from_json(const Json& value);
};

// `now` (unix seconds) dates a client assertion (client_secret_jwt, private_key_jwt); those
// methods fail with invalid_argument without it.
Result<HttpRequest> authorization_code_request(const ClientConfig& client, const ProviderMetadata& provider,
                                               const Transaction& transaction, std::string_view code,
                                               std::int64_t now = 0);
Result<HttpRequest> refresh_request(const ClientConfig& client, const ProviderMetadata& provider,
                                    std::string_view refresh_token, std::optional<std::string> scope = {},
                                    std::int64_t now = 0);
// Validates the token response: OAuth error bodies -> token_error (provider's error in details);
// malformed -> invalid_response; non-2xx without an OAuth error -> http_error. token_type must be
// Bearer, or DPoP when the request carried a DPoP proof (`dpop`); anything else invalid_response.
Result<TokenSet> process_token_response(const HttpResponse& response, std::int64_t now, bool dpop = false);

// ---- User-info, revocation, logout ----

Result<HttpRequest> userinfo_request(const ProviderMetadata& provider, std::string_view access_token);
// A JSON answer; `expected_sub` from the validated ID token: userinfo_sub_mismatch when different.
// A refused access token is token_error naming the provider's error and error_description; a
// signed answer (application/jwt) is invalid_response here: userinfo.hpp verifies it.
Result<Json> process_userinfo_response(const HttpResponse& response, std::string_view expected_sub);

// RFC 7009. token_type_hint: "refresh_token" or "access_token".
Result<HttpRequest> revocation_request(const ClientConfig& client, const ProviderMetadata& provider,
                                       std::string_view token, std::string_view token_type_hint,
                                       std::int64_t now = 0);
Status process_revocation_response(const HttpResponse& response);

struct LogoutOptions {
  std::string id_token_hint;
  std::string post_logout_redirect_uri;
  std::string state;
  std::string client_id;
  std::string ui_locales;
};
// RP-initiated logout URL (OpenID Connect RP-Initiated Logout 1.0): end_session_endpoint.
Result<std::string> build_logout_url(const ProviderMetadata& provider, const LogoutOptions& options);

std::string client_auth_name(ClientAuth auth);
Result<ClientAuth> parse_client_auth(std::string_view name);

}  // namespace ssokit
