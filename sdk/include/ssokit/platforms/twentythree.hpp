// TwentyThree (formerly 23 Video / Visualplatform) single sign-on: the portal's "remote login page"
// side (docs/platforms/twentythree.md).
//
//   1. the site sends an unknown visitor to the portal with ?return_url=<relative path>;
//   2. the portal authenticates the visitor, then asks the site for a session token with
//      /api/session/get-token (OAuth 1.0a-signed with the site owner's "super" credentials);
//   3. the browser goes to /api/session/redeem-token?session_token=<the answer's access_token>,
//      which sets the site's session cookie and redirects to return_url.
//
// Back-end (administrator) login with /api/user/get-login-token is an explicit opt-in.
// Requests are signed with OAuth 1.0a HMAC-SHA1 (RFC 5849); the signing functions are public so
// they can be checked against the RFC's own examples. Sans-I/O like the rest of the core.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ssokit/http.hpp"
#include "ssokit/json.hpp"
#include "ssokit/random.hpp"
#include "ssokit/session.hpp"
#include "ssokit/url.hpp"

namespace ssokit::twentythree {

// ---------------------------------------------------------------------------------------------
// OAuth 1.0a, HMAC-SHA1 (RFC 5849 section 3)

struct OAuth1Credentials {
  std::string consumer_key;
  std::string consumer_secret;
  std::string token;         // the access token ("oauth_token")
  std::string token_secret;  // the access token secret
};

// Where the protocol parameters (oauth_*) travel (RFC 5849 section 3.5).
enum class OAuth1Placement {
  header,  // Authorization: OAuth ... (the default)
  body,    // in the application/x-www-form-urlencoded body (POST only)
  query,   // in the query string (GET only: TwentyThree ignores the query string of a POST)
};

// RFC 5849 section 3.6: every byte outside A-Z a-z 0-9 - . _ ~ as %XX (upper-case hex): a space
// is always %20, never '+'.
std::string oauth1_encode(std::string_view text);

// Section 3.4.1.2: scheme and host lower-cased, the port only when not the scheme's default,
// the path ("/" when empty); no query, no fragment. invalid_url when `url` does not parse.
Result<std::string> oauth1_base_string_uri(std::string_view url);

// Section 3.4.1.3.1: the decoded parameters that are signed: the URL's query, the form body
// (form_body: pass "" when the body is not application/x-www-form-urlencoded), and the protocol
// parameters (without oauth_signature and realm).
Result<Params> oauth1_collect_parameters(std::string_view url, std::string_view form_body, const Params& protocol);

// Section 3.4.1.3.2: each name and value encoded, sorted by name then value, joined with '&'.
std::string oauth1_normalize_parameters(const Params& decoded);

// Section 3.4.1.1: METHOD & encode(base string URI) & encode(normalized parameters).
Result<std::string> oauth1_signature_base_string(std::string_view method, std::string_view url,
                                                 const Params& decoded);

// Section 3.4.2: base64(HMAC-SHA1(encode(consumer_secret) & encode(token_secret), base string)).
std::string oauth1_hmac_sha1(std::string_view base_string, std::string_view consumer_secret,
                             std::string_view token_secret);

// Section 3.5.1: the Authorization header value for the protocol parameters (signature included).
std::string oauth1_authorization_header(const Params& protocol);

// An API request before signing: its own parameters (decoded), sent in the query (GET) or the
// form body (POST; the URL must then have no query: TwentyThree does not read it on POST).
struct OAuth1Request {
  std::string method = "POST";  // "GET" or "POST"
  std::string url;              // without the request's parameters
  Params params;
  OAuth1Placement placement = OAuth1Placement::header;
};

// Signs with explicit nonce and timestamp (the RFC vectors need them). invalid_argument for an
// empty credential, a method other than GET/POST, a placement the method cannot carry, a query
// on a POST URL, or a request parameter named oauth_*.
Result<HttpRequest> oauth1_sign(const OAuth1Request& request, const OAuth1Credentials& credentials,
                                std::string_view nonce, std::int64_t timestamp);
// The same with a fresh nonce (128 random bits) and timestamp = now.
Result<HttpRequest> oauth1_sign(const OAuth1Request& request, const OAuth1Credentials& credentials,
                                RandomSource& random, std::int64_t now);

// ---------------------------------------------------------------------------------------------
// The TwentyThree API

enum class ResponseFormat { json, xml };  // json asks for format=json&raw=1; xml is the API's default

struct SiteOptions {
  // The video site's base URL, e.g. https://videos.example.com (https; http only for loopback).
  std::string site;
  OAuth1Credentials credentials;  // "super" credentials from the site's Settings -> API & Application
  ResponseFormat format = ResponseFormat::json;
  std::string method = "POST";  // POST keeps e-mail and name out of URLs and server logs
  OAuth1Placement placement = OAuth1Placement::header;
};

// The site's base URL, checked and without a trailing '/': invalid_url when it is not http(s),
// has a query, fragment or user-info, or is plain http to a host other than a loopback address.
Result<std::string> normalize_site(std::string_view site);

// The incoming return_url of the remote login page: a relative path on the site (starts with one
// '/', no scheme, no '//' or '/\', no control characters, ...: ssokit::validate_return_url).
// Error: invalid_return_url.
Result<std::string> validate_return_url(std::string_view return_url);

struct GetTokenParams {
  std::string return_url;  // validated with validate_return_url
  // Whenever possible include both (the seed). Pass only an e-mail your identity provider has
  // verified: with the site's "back-end login" setting, a matching user account is logged in.
  std::optional<std::string> email;
  std::optional<std::string> full_name;
};

// /api/session/get-token as a step machine: the first step holds the signed request; feed its
// response to twentythree_step(). Result: {"redirect_url", "return_url", "expires_at"} (the token must be
// redeemed within 15 minutes).
Result<FlowStep> get_token(const SiteOptions& options, const GetTokenParams& params, RandomSource& random,
                           std::int64_t now);

struct LoginTokenParams {
  std::string user_id;
  std::optional<std::string> return_url;
  // Must be true: logging someone into the site's back-end can grant administrator rights.
  bool allow_backend_login = false;
};

// /api/user/get-login-token (back-end login as an existing user) as a step machine. Refused with
// invalid_argument unless params.allow_backend_login. Result: {"redirect_url", "return_url",
// "user_id", "expires_at"}.
Result<FlowStep> get_login_token(const SiteOptions& options, const LoginTokenParams& params, RandomSource& random,
                                 std::int64_t now);

// {site}/api/session/redeem-token?session_token=... (the get-token answer's access_token is the
// redeem's session_token) and {site}/api/user/redeem-login-token?login_token=...
Result<std::string> redeem_url(std::string_view site, std::string_view session_token);
Result<std::string> redeem_login_url(std::string_view site, std::string_view login_token);

// A TwentyThree answer, XML (<response status=...>) or JSON (raw, or wrapped as "var x = {...}"),
// as JSON: {"status", "code"?, "message"?, ...root attributes..., "data": {the method's fields}}.
// `object` names the JSON member holding the fields ("sessiontoken", "logintoken"); XML keeps them
// as the root's child elements. Errors: http_error (status other than 200), platform_error
// (status="error": details.platform_code is the API's code, e.g. "invalid_signature"),
// invalid_response (anything else that is not a well-formed "ok" answer).
Result<Json> parse_response(const HttpResponse& response, std::string_view object);

}  // namespace ssokit::twentythree

namespace ssokit {
// Advances twentythree::get_token / get_login_token with the response to the step's request
// (natively: drive_steps(transport, first, platform_machine(twentythree_step), options)).
Result<FlowStep> twentythree_step(const Json& state, const HttpResponse& response, std::int64_t now);
}  // namespace ssokit
