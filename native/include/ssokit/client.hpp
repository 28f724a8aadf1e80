// SsoClient: the high-level native client. Discovery (cached), login URL with the pending
// transaction kept in the TokenStore, callback completion, access tokens refreshed near expiry
// (one refresh for many concurrent callers, also when it fails), revocation, logout.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

#include "ssokit/device.hpp"
#include "ssokit/dpop.hpp"
#include "ssokit/session.hpp"
#include "ssokit/signing.hpp"

namespace ssokit {

namespace native {
class DpopSigner;
}

struct SsoClientOptions {
  // config.dpop = true: DPoP (RFC 9449) for every new sign-in (login_url, device sign-in); it is
  // on anyway when the provider's discovery says dpop_bound_access_tokens. Each sign-in gets a new
  // ES256 key (mbedTLS), kept in the TokenStore beside the session as "<storage_key>.dpop_key"
  // (encrypted when the store is); a stored DPoP session refreshes with its key whatever this says.
  ClientConfig config;
  SignInOptions signin;
  std::int64_t refresh_leeway = 60;   // refresh when the access token expires within this
  std::int64_t metadata_ttl = 3600;   // discovery cache lifetime
  std::string storage_key = "ssokit"; // prefix of the TokenStore keys
  // How the device flow waits between polls; empty: std::this_thread::sleep_for. Tests inject a
  // fake that advances their clock.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Completes the sign effect of every request the client sends (the private_key_jwt client
  // assertion; DPoP proofs): native::KeySigner with the keys loaded. Empty: a request that must be
  // signed fails with invalid_argument and is not sent.
  std::shared_ptr<Signer> signer;
};

// private_key_jwt natively: loads options.config.private_key (PEM PKCS#8 or a private JWK) into a
// native::KeySigner as the "client" key, sets config.private_key_alg (RS256 for RSA, ES256 for EC)
// and config.private_key_id (the JWK's kid) unless given, and puts the signer in options.signer.
// Nothing to do without a key. invalid_argument for an unusable key, a private_key_alg that does
// not fit it; the key text is never in the message. SsoClient calls it itself when the caller did
// not (its first call then fails with the same error).
Status load_client_key(SsoClientOptions& options);

// Serializes a TokenStore: callers of one client on several threads (an access token asked for
// while another thread refreshes) never reach the store at the same time, whatever the store
// does itself (MemoryTokenStore does nothing).
class SerializedStore final : public TokenStore {
 public:
  explicit SerializedStore(TokenStore& inner) : inner_(inner) {}
  Result<std::optional<std::string>> get(std::string_view key) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return inner_.get(key);
  }
  Status put(std::string_view key, std::string_view value) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return inner_.put(key, value);
  }
  Status remove(std::string_view key) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return inner_.remove(key);
  }
  // The inner store's lock across processes (taken by one refresh at a time: the client's own
  // refresh mutex serializes its threads first).
  Result<std::unique_ptr<StoreLock>> lock_for_refresh() override { return inner_.lock_for_refresh(); }

 private:
  TokenStore& inner_;
  std::mutex mutex_;
};

// The native driver of the core's session policy (in native/: it sleeps through device-flow
// waits, locks for concurrent callers, verifies signatures with mbedTLS). Thread-safe: any
// number of threads may call access_token() and refresh() at once.
class SsoClient {
 public:
  using Clock = std::function<std::int64_t()>;
  using SessionListener = std::function<void(const Session* session)>;  // nullptr: signed out

  SsoClient(SsoClientOptions options, HttpTransport& transport, TokenStore& store, RandomSource& random, Clock clock);

  Result<ProviderMetadata> discover();
  // Builds the authorization URL and stores the pending transaction (single use). With a pushed
  // authorization request (config.par, or the provider's pushed_authorization_request_endpoint)
  // the parameters are POSTed first and the URL carries only client_id and request_uri.
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
  // `show` (may be empty) gets the code before the flow starts, so a viewer sees it even when it
  // has already expired.
  Result<DeviceStart> device_start(const std::function<void(const DeviceAuthorization&)>& show = {});
  Result<Session> device_finish(const Json& result);
  // The stored session, if any.
  Result<std::optional<Session>> session();
  // A usable access token; refreshes within `refresh_leeway` of expiry. login_required when
  // nobody is signed in or the provider refused the refresh (the session is then forgotten).
  Result<std::string> access_token();
  Result<Session> refresh();
  // A request to the app's own API with the session's access token (fresh, refreshed when due, as
  // access_token()): "Authorization: DPoP <token>" and a DPoP proof (ath, the server's remembered
  // nonce) for a DPoP-bound session, "Authorization: Bearer <token>" otherwise. Sent through the
  // client's transport; a resource server's use_dpop_nonce challenge (401 + DPoP-Nonce) is retried
  // once with the new nonce, never twice. Any HTTP status is the response; errors are the
  // session's (login_required, refresh_failed) and the transport's. Thread-safe.
  Result<HttpResponse> authorized_request(HttpRequest request);
  // Ends the session: forgets it locally first (always), then revokes the refresh token (or the
  // access token without one) at the provider (RFC 7009). The same on every host.
  Status revoke();
  // Forgets the session locally first (always, offline too), then gives the provider's logout
  // URL (RP-initiated logout) for it.
  Result<std::string> logout_url(const std::string& post_logout_redirect_uri = {}, const std::string& state = {});
  // Forgets the session locally only.
  Status forget();

  void on_session_change(SessionListener listener);

  // Sends through the client's transport, completing the request's signatures first (hosts that
  // send a step's request themselves, as the C API's ssokit_device_step does).
  Result<HttpResponse> send(const HttpRequest& request) { return transport_.send(request); }

 private:
  Result<Json> run(Result<FlowStep> first);
  void keep_jwks(const Json& result);
  SignInOptions signin_options();
  Status save(const std::optional<Session>& session);
  // DPoP keys: a new one for a sign-in; the stored session's loaded into the signer (missing:
  // the session is forgotten, login_required); a new session's stored beside it.
  Result<std::optional<DpopKey>> new_dpop_key(const ProviderMetadata& provider, std::string* private_jwk);
  Status load_session_key(const Session& session);
  Status save_signed_in(const Session& session, const std::optional<std::string>& private_jwk);
  Result<Session> usable_session();
  Result<Session> refresh_locked();
  std::string key(std::string_view name) const;

  SsoClientOptions options_;
  Status key_status_;           // load_client_key's outcome; every call that reaches the provider fails with it
  std::shared_ptr<native::DpopSigner> signer_;  // the DPoP keys, then options_.signer for the rest
  SigningTransport transport_;  // the caller's transport, behind the sign effect
  SerializedStore store_;
  RandomSource& random_;
  Clock clock_;
  std::optional<ProviderMetadata> provider_;
  std::int64_t provider_fetched_at_ = 0;
  std::vector<SessionListener> listeners_;
  std::mutex refresh_mutex_;
  std::mutex state_mutex_;
  std::uint64_t refresh_generation_ = 0;
  std::optional<Error> last_refresh_error_;
  Json dpop_nonces_ = Json::object();              // origin -> the server's latest DPoP-Nonce (state_mutex_)
  std::vector<std::pair<std::string, std::string>> device_keys_;  // device sign-ins in progress: thumbprint, private JWK
};

}  // namespace ssokit
