// OAuth 2.0 Device Authorization Grant (RFC 8628), sans-I/O: for set-top boxes, TVs and
// command lines where typing a password is impractical. The device asks for a user code, shows
// it (and a QR code of the verification URL), and polls the token endpoint while the person
// confirms on a phone or computer.
//
//   device_authorization_request -> process_device_authorization_response -> DeviceAuthorization
//   device_flow(...) -> FlowStep {request, wait_seconds}: wait, send, flow_step(...), repeat
//
// The step machine validates the ID token, fetches user-info and maps the profile exactly as
// signin_flow does (no nonce: the device flow has none).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ssokit/oauth.hpp"
#include "ssokit/session.hpp"

namespace ssokit {

// RFC 8628 3.5: without an `interval` in the answer the client waits 5 seconds between polls.
inline constexpr std::int64_t kDefaultDevicePollInterval = 5;
// RFC 8628 3.5: slow_down adds 5 seconds to the interval for this and all later polls.
inline constexpr std::int64_t kDeviceSlowDownIncrement = 5;
// expires_in and interval beyond this (31 days) are refused as implausible (and would overflow
// the arithmetic on them).
inline constexpr std::int64_t kMaxDeviceCodeLifetime = 31 * 24 * 3600;

// A user_code longer than this, or holding anything but printable ASCII (no control characters,
// no leading or trailing space), is refused as invalid_response (RFC 8628 6.1: a person types it).
inline constexpr std::size_t kMaxUserCodeLength = 32;

// The device authorization response (RFC 8628 3.2).
struct DeviceAuthorization {
  std::string device_code;  // a credential: never logged, redacted in to_string
  std::string user_code;
  std::string verification_uri;
  std::string verification_uri_complete;  // empty when the provider gave none
  std::int64_t expires_in = 0;
  std::int64_t interval = kDefaultDevicePollInterval;
  std::int64_t expires_at = 0;  // unix seconds

  // The URL to show (and to put in a QR code): verification_uri_complete when given.
  const std::string& display_uri() const {
    return verification_uri_complete.empty() ? verification_uri : verification_uri_complete;
  }
  Json to_json() const;  // includes the device code (for the flow state and the JSON API)
  static Result<DeviceAuthorization> from_json(const Json& value);  // invalid_argument when malformed
  std::string to_string() const;  // redacted, for logs
};

// POST device_authorization_endpoint with client_id (and the client's authentication, as for the
// token request) and the scope (`scope`, else the client's; omitted when empty).
// invalid_argument when the provider has no device_authorization_endpoint.
Result<HttpRequest> device_authorization_request(const ClientConfig& client, const ProviderMetadata& provider,
                                                 std::optional<std::string> scope = {}, std::int64_t now = 0);
// Validates the answer: an OAuth error body -> authorization_error (provider's error in details);
// non-2xx otherwise -> http_error; missing or mistyped fields -> invalid_response. `interval`
// defaults to 5 seconds; `verification_url` (an older draft's name) is accepted too.
Result<DeviceAuthorization> process_device_authorization_response(const HttpResponse& response, std::int64_t now);

// The token request of one poll (grant_type urn:ietf:params:oauth:grant-type:device_code).
Result<HttpRequest> device_token_request(const ClientConfig& client, const ProviderMetadata& provider,
                                         std::string_view device_code, std::int64_t now = 0);

enum class DevicePollStatus { authorized, pending, slow_down };

struct DevicePoll {
  DevicePollStatus status = DevicePollStatus::pending;
  TokenSet tokens;  // when authorized
};

// Classifies the token endpoint's answer to a poll (RFC 8628 3.5): tokens -> authorized;
// authorization_pending -> pending; slow_down -> slow_down; expired_token -> device_code_expired;
// access_denied -> access_denied; any other OAuth error -> token_error; malformed ->
// invalid_response / http_error as process_token_response (`dpop`: token_type must be DPoP).
Result<DevicePoll> process_device_token_response(const HttpResponse& response, std::int64_t now, bool dpop = false);

// RFC 8628 3.5, network trouble while polling (the driver's transport failed with
// network_error or timeout on a poll): how long to wait before polling again, twice the last
// wait (at least the interval), at most 60 s; nullopt when that would come after the code's
// expiry or the failure is of another kind (give up with it).
std::optional<std::int64_t> device_retry_wait(ErrorCode failure, std::int64_t last_backoff, std::int64_t interval,
                                              std::int64_t now, std::int64_t expires_at);

// The device flow as a step machine (see session.hpp). Each poll step has `wait_seconds` > 0:
// wait that long, send the request, and hand the response to flow_step. After authorization the
// steps are the sign-in's (JWKS, user-info: wait_seconds 0) and the result is signin_flow's
// {"session", "jwks", "jwks_fetched_at"}. device_code_expired once the next poll would come after
// the code's expiry (the number of polls is bounded by it). Cancelling is the caller's: stop
// stepping. With SignInOptions::dpop every poll carries a new DPoP proof.
Result<FlowStep> device_flow(const ClientConfig& client, const ProviderMetadata& provider,
                             const DeviceAuthorization& device, const SignInOptions& options, std::int64_t now,
                             RandomSource& random = system_random());

}  // namespace ssokit
