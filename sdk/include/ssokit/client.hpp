// SsoClient: the high-level native client. Discovery (cached), login URL with the pending
// transaction kept in the TokenStore, callback completion, access tokens refreshed near expiry
// (one refresh for many concurrent callers, also when it fails), revocation, logout.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

#include "ssokit/device.hpp"
#include "ssokit/session.hpp"

namespace ssokit {

struct SsoClientOptions {
  ClientConfig config;
  SignInOptions signin;
  std::int64_t refresh_leeway = 60;   // refresh when the access token expires within this
  std::int64_t metadata_ttl = 3600;   // discovery cache lifetime
  std::string storage_key = "ssokit"; // prefix of the TokenStore keys
  // How the device flow waits between polls; empty: std::this_thread::sleep_for. Tests inject a
  // fake that advances their clock.
  std::function<void(std::chrono::milliseconds)> sleep;
};

class SsoClient {
 public:
  using Clock = std::function<std::int64_t()>;
  using SessionListener = std::function<void(const Session* session)>;  // nullptr: signed out

  SsoClient(SsoClientOptions options, HttpTransport& transport, TokenStore& store, RandomSource& random, Clock clock);

  Result<ProviderMetadata> discover();
  // Builds the authorization URL and stores the pending transaction (single use).
  Result<std::string> login_url(const AuthorizationOptions& options = {});
  // Completes the sign-in for the URL the browser came back to; stores and returns the session.
  Result<Session> handle_callback(std::string_view callback_url);
  // Device Authorization Grant (RFC 8628): asks the provider for a user code, hands it to `show`
  // (display it, with a QR code of display_uri()), waits and polls until the person confirms
  // elsewhere, then validates and stores the session as handle_callback does. access_denied when
  // the person declines, device_code_expired when nobody confirms in time, cancelled as soon as
  // `cancelled` returns true (checked at least every 250 ms while waiting). Network trouble while
  // polling backs off (doubling the wait, up to 60 s) until the code expires.
  Result<Session> device_sign_in(const std::function<void(const DeviceAuthorization&)>& show,
                                 const std::function<bool()>& cancelled = {});
  // The same, step by step, for hosts that do the waiting themselves (the C API's
  // ssokit_device_step): device_start asks for the code and gives the device flow's first step;
  // the host sends each step's request after its wait_seconds and hands the answer to flow_step;
  // device_finish stores the final step's result as device_sign_in does.
  struct DeviceStart {
    DeviceAuthorization device;
    FlowStep step;
  };
  Result<DeviceStart> device_start();
  Result<Session> device_finish(const Json& result);
  // The stored session, if any.
  Result<std::optional<Session>> session();
  // A usable access token; refreshes within `refresh_leeway` of expiry. login_required when
  // nobody is signed in or the provider refused the refresh (the session is then forgotten).
  Result<std::string> access_token();
  Result<Session> refresh();
  // RFC 7009 revocation of the refresh token (or the access token without one).
  Status revoke();
  // The provider's logout URL (RP-initiated logout) for the stored session; forgets it locally.
  Result<std::string> logout_url(const std::string& post_logout_redirect_uri = {}, const std::string& state = {});
  // Forgets the session locally only.
  Status forget();

  void on_session_change(SessionListener listener);

 private:
  Result<Json> run(Result<FlowStep> first);
  void keep_jwks(const Json& result);
  Status save(const std::optional<Session>& session);
  Result<Session> refresh_locked();
  std::string key(std::string_view name) const;

  SsoClientOptions options_;
  HttpTransport& transport_;
  TokenStore& store_;
  RandomSource& random_;
  Clock clock_;
  std::optional<ProviderMetadata> provider_;
  std::int64_t provider_fetched_at_ = 0;
  std::vector<SessionListener> listeners_;
  std::mutex refresh_mutex_;
  std::mutex state_mutex_;
  std::uint64_t refresh_generation_ = 0;
  std::optional<Error> last_refresh_error_;
};

}  // namespace ssokit
