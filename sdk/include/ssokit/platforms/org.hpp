// Organization SSO (seed 004, docs/platforms/org.md): an organization API in the style of Better
// Auth, where each organization registers its own OIDC identity provider.
//
// Two sides:
// - Sign-in routing (browser-safe, no secret): the e-mail's domain decides whether the person must
//   use the organization's SSO (`/api/auth/sso/{slug}/login`), may use it, or signs in with a
//   password. The lookup is the platform's public `POST /api/auth/identify`.
// - Administration (server only: an API key): SSO settings (PUT, DELETE, POST .../test), domains
//   (add, verify) and the security settings, with a guard that refuses to require SSO before the
//   configuration test passes.
//
// Every operation is a step machine (ssokit/session.hpp): start it, send step.request, feed the
// response to org_step, until step.result. A 429 answer gives a step that repeats the request
// after step.wait_seconds (the platform's Retry-After); drive it with drive_steps natively
// (ssokit/native/drive.hpp, which waits), or wait yourself. Responses use the platform's envelope; errors are platform_error with
// details {platform_code, status, errors: [{field, error, location}]}.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ssokit/http.hpp"
#include "ssokit/json.hpp"
#include "ssokit/session.hpp"

namespace ssokit {
namespace org {

// Rate limiting: how often and how long a 429 is waited out. The caps are hard (a caller may ask
// for less, never for more): a portal request should not hang for minutes.
inline constexpr int kMaxRetries = 2;
inline constexpr std::int64_t kMaxWaitSeconds = 60;
// Wait when a 429 carries no usable Retry-After (a browser cannot read it across origins unless
// the API exposes the header).
inline constexpr std::int64_t kDefaultRetryAfter = 2;

struct Connection {
  // The API's base URL, e.g. "https://api.example.com" (a path prefix is kept). https, or http
  // on a loopback host for development.
  std::string base;
  int max_retries = kMaxRetries;                  // 0..kMaxRetries
  std::int64_t max_wait = kMaxWaitSeconds;        // 0..kMaxWaitSeconds
};

// ---- Sign-in routing (browser-safe) ----

// Checks and normalizes an e-mail address (the domain lower-cased). invalid_argument when it is
// malformed: one '@', a non-empty local part of printable ASCII, a domain of at least two
// DNS labels (letters, digits, '-'), at most 254 characters.
Result<std::string> normalize_email(std::string_view email);

// `{base}/api/auth/sso/{slug}/login`: the canonical SSO entry point of an organization.
Result<std::string> sso_login_url(std::string_view base, std::string_view slug);
// `{base}/api/auth/sso/callback`: the one redirect URI every organization registers at its IdP.
Result<std::string> sso_callback_url(std::string_view base);

// Where an e-mail signs in: POST {base}{identify_path} {"email"}. Result:
//   {"method": "sso", "login_url", "slug", "provider", "email", "domain"}  SSO only: never show a
//        password form, send the browser to login_url;
//   {"method": "any", "login_url", ...}  the domain is routed to SSO (the seed auto-redirects
//        verified domains) but other methods are allowed too;
//   {"method": "password", "email", "domain"}  no SSO for this domain.
// The login URL is always rebuilt from `base` and the slug: a redirect target from a response is
// never followed as is.
Result<FlowStep> login_route(const Connection& connection, std::string_view email,
                             std::string_view identify_path = "/api/auth/identify");

// ---- Administration (server only: the API key is a secret) ----

struct Admin {
  Connection connection;
  std::string organization_id;  // the {organizationId} path segment
  std::string api_key;          // a personal access token (ba_...)
  bool bearer = false;          // send "Authorization: Bearer" instead of "X-Api-Key"
};

struct SsoSettings {
  std::string provider;       // okta, azure, google, oidc, ...
  std::string issuer_url;     // https, without /.well-known/... (the platform appends it)
  std::string client_id;
  std::string client_secret;  // never in a message
  // Skip the SSO test sso_set runs right after saving (the lock-out guard's check).
  bool force = false;
};

// The checks made before anything is sent: invalid_argument with details.field naming the
// request body field (provider, issuerUrl, clientId, clientSecret).
Status validate_sso_settings(const SsoSettings& settings);

enum class AuthRequired { any, mfa, sso };
Result<AuthRequired> parse_auth_required(std::string_view text);
const char* auth_required_name(AuthRequired value);

struct SecuritySettings {
  AuthRequired auth_required = AuthRequired::any;
  bool require_mfa = false;
  // Raise authRequired to sso without running the SSO test first (the lock-out guard).
  bool force = false;
};

// The lock-out guard around SSO changes (issue 16): with authRequired sso, a broken or deleted
// SSO configuration locks every member out, and the API can neither read authRequired nor test
// settings before they are saved. So:
// PUT settings/sso, then POST settings/sso/test (unless settings.force): a failing test is
// sso_test_failed with details.saved true, saying how to restore access. Result {"message",
// "data", "idp": {the IdP settings the seed asks for, including the shared redirect URI},
// "sso_test": {"valid", "message"} unless forced, "forced": true when forced}.
Result<FlowStep> sso_set(const Admin& admin, const SsoSettings& settings);
// DELETE settings/sso, only with `force` (without it invalid_argument, nothing sent): lower
// authRequired first. Result {"message", "data"}.
Result<FlowStep> sso_delete(const Admin& admin, bool force = false);
// POST settings/sso/test (no body). Result {"valid": true, "message", "data"}; a configuration the
// platform cannot reach is sso_test_failed.
Result<FlowStep> sso_test(const Admin& admin);
// POST domains {"domain"}. Result {"message", "data", "txt_record": {"name", "value"} or null}.
Result<FlowStep> domain_add(const Admin& admin, std::string_view domain);
// POST domains/{domainId}/verify. Result {"message", "data", "verified": bool}.
Result<FlowStep> domain_verify(const Admin& admin, std::string_view domain_id);
// PUT settings/security {"authRequired", "requireMfa"}. Raising authRequired to sso first runs the
// SSO test (unless force): a failing test is sso_test_failed and nothing is changed. Result
// {"message", "data", "sso_test": {"valid", "message"} when the guard ran}.
Result<FlowStep> set_security(const Admin& admin, const SecuritySettings& settings);

// ---- Response handling (exposed for tests) ----

// The envelope's data on success (code "OK"); otherwise the platform's error as platform_error
// (or http_error / invalid_response when the body is no envelope). A 429 is rate_limited here:
// the step machine waits it out before it gets this far.
struct Reply {
  int status = 0;
  std::string message;
  Json data;  // null when the platform sent none
};
Result<Reply> parse_reply(const HttpResponse& response);

// Seconds to wait from a Retry-After header: delay-seconds or an HTTP-date (IMF-fixdate, relative
// to `now`); nullopt when absent or unreadable.
std::optional<std::int64_t> retry_after_seconds(const HttpResponse& response, std::int64_t now);
// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") as unix seconds.
std::optional<std::int64_t> parse_http_date(std::string_view text);

}  // namespace org

// The step function of every org operation (sign-in routing and administration alike).
Result<FlowStep> org_step(const Json& state, const HttpResponse& response, std::int64_t now);
// org_step for the identify operation (login_route) only; any other operation is server_only.
// The browser build's "org.step" is this one, so the administration code stays out of pages.
Result<FlowStep> org_identify_step(const Json& state, const HttpResponse& response, std::int64_t now);

}  // namespace ssokit
