#include "ssokit/client.hpp"
#include "ssokit/native/dpop_key.hpp"
#include "ssokit/native/drive.hpp"
#include "ssokit/native/key_signer.hpp"

#include <algorithm>

#include "ssokit/redact.hpp"
#include "ssokit/signout.hpp"

namespace ssokit {
namespace {

// The store entry of the session's DPoP private key, and of a pending browser sign-in's.
constexpr const char* kDpopKeyName = "dpop_key";
std::string pending_dpop_key_name(const std::string& pending) { return pending + "." + kDpopKeyName; }

}  // namespace

SsoClient::SsoClient(SsoClientOptions options, HttpTransport& transport, TokenStore& store, RandomSource& random,
                     Clock clock)
: options_(std::move(options)),
      key_status_(options_.signer ? Status{} : load_client_key(options_)),
      signer_(std::make_shared<native::DpopSigner>(options_.signer)),
      transport_(transport, signer_),
      store_(store), random_(random), clock_(std::move(clock)) {}

std::string SsoClient::key(std::string_view name) const { return options_.storage_key + "." + std::string(name); }

Status load_client_key(SsoClientOptions& options) {
  ClientConfig& config = options.config;
  if (config.private_key.empty() || options.signer) return {};
  auto signer = std::make_shared<native::KeySigner>();
  SSOKIT_CHECK(signer->add_key("client", config.private_key));
  const std::string kty = signer->key_type("client");
  if (config.private_key_alg.empty()) config.private_key_alg = signer->default_alg("client");
  const bool fits = kty == "RSA" ? (config.private_key_alg == "RS256" || config.private_key_alg == "PS256")
                                 : config.private_key_alg == "ES256";
  if (!fits) {
    return make_error(ErrorCode::invalid_argument, "private_key_alg " + config.private_key_alg.substr(0, 10) +
                                                       " does not fit the " + kty + " private key (RSA: RS256 or PS256; EC P-256: ES256)");
  }
  if (config.private_key_id.empty()) config.private_key_id = signer->key_id("client");
  options.signer = std::move(signer);
  return {};
}

Result<ProviderMetadata> SsoClient::discover() {
  SSOKIT_CHECK(key_status_);
  std::lock_guard<std::mutex> lock(state_mutex_);
  const std::int64_t now = clock_();
  if (provider_ && now - provider_fetched_at_ < options_.metadata_ttl) return *provider_;
  SSOKIT_TRY(HttpRequest request, discovery_request(options_.config.issuer));
  SSOKIT_TRY(HttpResponse response, transport_.send(request));
  SSOKIT_TRY(ProviderMetadata metadata, process_discovery_response(options_.config.issuer, response));
  provider_ = metadata;
  provider_fetched_at_ = now;
  return metadata;
}

Result<std::string> SsoClient::login_url(const AuthorizationOptions& given) {
  SSOKIT_TRY(ProviderMetadata provider, discover());
  // DPoP: a new key for this sign-in, named by dpop_jkt and kept with the pending transaction.
  std::string private_jwk;
  SSOKIT_TRY(std::optional<DpopKey> dpop, new_dpop_key(provider, &private_jwk));
  AuthorizationOptions options = given;
  if (dpop) options.dpop_jwk = dpop->jwk;
  SSOKIT_TRY(AuthorizationRequest request,
             build_authorization_request(options_.config, provider, options, random_, clock_()));
  if (request.push) {
    // RFC 9126: the parameters go to the provider; the browser gets client_id and request_uri.
    SSOKIT_TRY(HttpResponse pushed, transport_.send(*request.push));
    auto url = process_pushed_authorization_response(options_.config, provider, pushed);
    if (!url.ok()) return redact_secrets(url.take_error(), {options_.config.client_secret});
    request.url = std::move(url).value();
  }
  if (dpop) SSOKIT_CHECK(store_.put(key(pending_dpop_key_name("tx." + request.transaction.state)), private_jwk));
  SSOKIT_CHECK(store_.put(key("tx." + request.transaction.state), dump_json(request.transaction.to_json())));
  // Remembered so a callback with a tampered state can be told apart from a replay.
  SSOKIT_CHECK(store_.put(key("tx.latest"), request.transaction.state));
  return request.url;
}

Result<Json> SsoClient::run(Result<FlowStep> first) {
  DriveOptions drive;
  drive.clock = clock_;
  drive.sleep = options_.sleep;
  SSOKIT_TRY(Json result, drive_steps(transport_, std::move(first), flow_machine(), drive));
  keep_jwks(result);
  return result;
}

SignInOptions SsoClient::signin_options() {
  std::lock_guard<std::mutex> lock(state_mutex_);
  SignInOptions copy = options_.signin;  // a copy: keep_jwks may change the keys from another thread
  copy.dpop_nonces = dpop_nonces_;
  return copy;
}

Result<std::optional<DpopKey>> SsoClient::new_dpop_key(const ProviderMetadata& provider, std::string* private_jwk) {
  if (!dpop_wanted(options_.config, provider)) return std::optional<DpopKey>();
  SSOKIT_TRY(*private_jwk, native::generate_dpop_key());
  SSOKIT_TRY(DpopKey key, signer_->add(*private_jwk));
  return std::optional<DpopKey>(std::move(key));
}

Status SsoClient::load_session_key(const Session& session) {
  if (!session.dpop || signer_->holds(*session.dpop)) return {};
  auto forget_it = [&](const char* why) -> Status {
    SSOKIT_CHECK(save(std::nullopt));
    return make_error(ErrorCode::login_required, std::string("the session's tokens are bound to a DPoP key that ") + why +
                                                     "; sign in again");
  };
  SSOKIT_TRY(std::optional<std::string> stored, store_.get(key(kDpopKeyName)));
  if (!stored) return forget_it("is not in the store");
  auto loaded = signer_->add(*stored);
  if (!loaded.ok()) return forget_it("the store holds in an unusable form");
  auto held = jwk_thumbprint(loaded->jwk);
  auto wanted = jwk_thumbprint(session.dpop->jwk);
  if (!held.ok() || !wanted.ok() || held.value() != wanted.value()) {
    signer_->remove(*loaded);
    return forget_it("is not the one in the store");
  }
  return {};
}

Status SsoClient::save_signed_in(const Session& session, const std::optional<std::string>& private_jwk) {
  // The key first: a stored DPoP session is never without it. A Bearer session leaves none behind.
  if (session.dpop) {
    if (!private_jwk) return make_error(ErrorCode::internal_error, "the sign-in's DPoP key was lost");
    SSOKIT_CHECK(store_.put(key(kDpopKeyName), *private_jwk));
  } else {
    SSOKIT_CHECK(store_.remove(key(kDpopKeyName)));
  }
  return save(session);
}

void SsoClient::keep_jwks(const Json& result) {
  // Keep the JWKS for the next flow: no refetch unless a kid is unknown (key rotation).
  std::lock_guard<std::mutex> lock(state_mutex_);
  // And the servers' DPoP nonces (the flow started from ours and added what it was told).
  if (const Json* nonces = json_member(result, "dpop_nonces"); nonces != nullptr && nonces->is_object()) dpop_nonces_ = *nonces;
  if (const Json* jwks = json_member(result, "jwks"); jwks != nullptr && jwks->is_object()) {
    options_.signin.jwks = *jwks;
    options_.signin.jwks_fetched_at = json_int(result, "jwks_fetched_at").value_or(0);
    options_.signin.jwks_unknown_kid_at = json_int(result, "jwks_unknown_kid_at").value_or(0);
  }
}

Result<SsoClient::DeviceStart> SsoClient::device_start(const std::function<void(const DeviceAuthorization&)>& show) {
  SSOKIT_TRY(ProviderMetadata provider, discover());
  SSOKIT_TRY(HttpRequest request, device_authorization_request(options_.config, provider, std::nullopt, clock_()));
  SSOKIT_TRY(HttpResponse response, transport_.send(request));
  auto authorization = process_device_authorization_response(response, clock_());
  if (!authorization.ok()) return redact_secrets(authorization.take_error(), {options_.config.client_secret, options_.config.private_key});
  DeviceAuthorization device = std::move(authorization).value();
  if (show) show(device);
  SignInOptions signin = signin_options();
  // DPoP: a new key for this sign-in, held until device_finish stores it with the session.
  std::string private_jwk;
  SSOKIT_TRY(signin.dpop, new_dpop_key(provider, &private_jwk));
  if (signin.dpop) {
    SSOKIT_TRY(std::string thumbprint, jwk_thumbprint(signin.dpop->jwk));
    std::lock_guard<std::mutex> lock(state_mutex_);
    if (device_keys_.size() >= 4) device_keys_.erase(device_keys_.begin());  // abandoned sign-ins
    device_keys_.emplace_back(std::move(thumbprint), std::move(private_jwk));
  }
  SSOKIT_TRY(FlowStep step, device_flow(options_.config, provider, device, signin, clock_()));
  return DeviceStart{std::move(device), std::move(step)};
}

Result<Session> SsoClient::device_finish(const Json& result) {
  keep_jwks(result);
  const Json* session_json = json_member(result, "session");
  if (session_json == nullptr) return make_error(ErrorCode::internal_error, "the device flow's result has no session");
  SSOKIT_TRY(Session session, Session::from_json(*session_json));
  std::optional<std::string> private_jwk;
  if (session.dpop) {
    SSOKIT_TRY(std::string thumbprint, jwk_thumbprint(session.dpop->jwk));
    std::lock_guard<std::mutex> lock(state_mutex_);
    for (auto it = device_keys_.begin(); it != device_keys_.end(); ++it) {
      if (it->first == thumbprint) {
        private_jwk = std::move(it->second);
        device_keys_.erase(it);
        break;
      }
    }
  }
  SSOKIT_CHECK(save_signed_in(session, private_jwk));
  return session;
}

Result<Session> SsoClient::device_sign_in(const std::function<void(const DeviceAuthorization&)>& show,
                                          const std::function<bool()>& cancelled) {
  SSOKIT_TRY(DeviceStart start, device_start(show));
  const DeviceAuthorization& device = start.device;
  // The one driver: it waits each poll's interval (cancellable), and on network trouble the core
  // says whether and how long to back off (RFC 8628 3.5). The budget is the flow state's.
  DriveOptions drive;
  drive.clock = clock_;
  drive.sleep = options_.sleep;
  drive.cancelled = cancelled;
  drive.cancelled_message = "the device sign-in was cancelled";
  drive.retry_wait = [this, expires_at = device.expires_at](const Error& error, std::int64_t backoff, const FlowStep& step) {
    return device_retry_wait(error.code, backoff, step.wait_seconds, clock_(), expires_at);
  };
  SSOKIT_TRY(Json result, drive_steps(transport_, std::move(start.step), flow_machine(), drive));
  return device_finish(result);
}

Result<Session> SsoClient::handle_callback(std::string_view callback_url) {
  SSOKIT_TRY(std::string state, callback_state(callback_url));
  std::optional<std::string> stored;
  if (auto pending = pending_key(state)) {
    SSOKIT_TRY(stored, store_.get(key(*pending)));
  }
  SSOKIT_TRY(std::optional<std::string> latest, store_.get(key("tx.latest")));
  CallbackMatch match = match_callback(state, stored, latest);
  // The pending sign-in's DPoP key (single use, as its transaction).
  std::optional<std::string> private_jwk;
  if (match.transaction) {
    SSOKIT_TRY(private_jwk, store_.get(key(pending_dpop_key_name("tx." + match.transaction->state))));
  }
  for (const auto& name : match.remove) {
    SSOKIT_CHECK(store_.remove(key(name)));
    if (name != "tx.latest") SSOKIT_CHECK(store_.remove(key(pending_dpop_key_name(name))));
  }
  if (match.error) return *match.error;
  const Transaction& transaction = *match.transaction;
  SSOKIT_TRY(ProviderMetadata provider, discover());
  SignInOptions signin = signin_options();
  if (private_jwk) {
    auto loaded = signer_->add(*private_jwk);
    if (!loaded.ok()) return make_error(ErrorCode::storage_error, "the pending sign-in's DPoP key is unreadable; start again");
    signin.dpop = std::move(loaded).value();
  }
  auto result = run(signin_flow(options_.config, provider, transaction, callback_url, signin, clock_()));
  if (!result.ok()) {
    if (signin.dpop) signer_->remove(*signin.dpop);
    return result.take_error();
  }
  SSOKIT_TRY(Session session, Session::from_json(result.value()["session"]));
  SSOKIT_CHECK(save_signed_in(session, private_jwk));
  return session;
}

Result<std::optional<Session>> SsoClient::session() {
  SSOKIT_TRY(std::optional<std::string> stored, store_.get(key("session")));
  if (!stored) return std::optional<Session>();
  auto doc = parse_json_object(*stored, ErrorCode::storage_error);
  if (!doc.ok()) return make_error(ErrorCode::storage_error, "the stored session is unreadable; sign in again");
  SSOKIT_TRY(Session s, Session::from_json(doc.value()));
  return std::optional<Session>(std::move(s));
}

Status SsoClient::save(const std::optional<Session>& session) {
  if (session) {
    SSOKIT_CHECK(store_.put(key("session"), dump_json(session->to_json())));
  } else {
    // Forgetting a session forgets its DPoP key too (sign-out, revoke, login_required).
    std::optional<Session> old;
    if (auto current = this->session(); current.ok()) old = std::move(current).value();
    SSOKIT_CHECK(store_.remove(key("session")));
    SSOKIT_CHECK(store_.remove(key(kDpopKeyName)));
    if (old && old->dpop) signer_->remove(*old->dpop);
  }
  for (const auto& listener : listeners_) listener(session ? &*session : nullptr);
  return {};
}

Result<std::string> SsoClient::access_token() {
  SSOKIT_TRY(std::optional<Session> current, session());
  if (!current) return make_error(ErrorCode::login_required, "nobody is signed in");
  if (access_token_fresh(*current, clock_(), options_.refresh_leeway)) return current->tokens.access_token;
  SSOKIT_TRY(Session refreshed, refresh());
  return refreshed.tokens.access_token;
}

Result<Session> SsoClient::usable_session() {
  SSOKIT_TRY(std::optional<Session> current, session());
  if (!current) return make_error(ErrorCode::login_required, "nobody is signed in");
  if (!access_token_fresh(*current, clock_(), options_.refresh_leeway)) {
    SSOKIT_TRY(current, refresh());
  }
  SSOKIT_CHECK(load_session_key(*current));
  return std::move(*current);
}

Result<HttpResponse> SsoClient::authorized_request(HttpRequest request) {
  SSOKIT_TRY(Session current, usable_session());
  // The core decides (resource_response): at most one retry, on a use_dpop_nonce challenge.
  for (int attempt = 1;; ++attempt) {
    Json nonces;
    {
      std::lock_guard<std::mutex> lock(state_mutex_);
      nonces = dpop_nonces_;
    }
    SSOKIT_TRY(HttpRequest built, ssokit::authorized_request(request, current, nonces, clock_(), random_));
    SSOKIT_TRY(HttpResponse response, transport_.send(built));
    const ResourceAnswer answer = resource_response(response, current, attempt);
    if (answer.nonce) {
      std::lock_guard<std::mutex> lock(state_mutex_);
      remember_dpop_nonce(dpop_nonces_, request.url, response);
    }
    if (!answer.retry) return response;
  }
}

Result<Session> SsoClient::refresh() {
  std::uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    generation = refresh_generation_;
  }
  std::lock_guard<std::mutex> refresh_lock(refresh_mutex_);
  {
    // Another caller refreshed while we waited: share its outcome instead of refreshing again.
    std::lock_guard<std::mutex> lock(state_mutex_);
    if (refresh_generation_ != generation) {
      if (last_refresh_error_) return *last_refresh_error_;
      SSOKIT_TRY(std::optional<Session> current, session());
      if (current) return *current;
      return make_error(ErrorCode::login_required, "nobody is signed in");
    }
  }
  auto result = refresh_locked();
  std::lock_guard<std::mutex> lock(state_mutex_);
  ++refresh_generation_;
  if (result.ok()) {
    last_refresh_error_.reset();
  } else {
    last_refresh_error_ = result.error();
  }
  return result;
}

Result<Session> SsoClient::refresh_locked() {
  // Other processes sharing the store wait here and then start from what this refresh stored.
  SSOKIT_TRY(std::unique_ptr<StoreLock> held, store_.lock_for_refresh());
  SSOKIT_TRY(std::optional<Session> current, session());
  if (!current) return make_error(ErrorCode::login_required, "nobody is signed in");
  if (current->tokens.refresh_token.empty()) {
    return make_error(ErrorCode::login_required, "the session has no refresh token and its access token expired; sign in again");
  }
  // A DPoP session refreshes with its own key (the core takes it from the session): no flag needed.
  SSOKIT_CHECK(load_session_key(*current));
  SSOKIT_TRY(ProviderMetadata provider, discover());
  auto result = run(refresh_flow(options_.config, provider, *current, signin_options(), clock_()));
  if (!result.ok()) {
    if (result.error().code == ErrorCode::login_required) SSOKIT_CHECK(save(std::nullopt));
    return result.take_error();
  }
  SSOKIT_TRY(Session fresh, Session::from_json(result.value()["session"]));
  // Persist the rotated refresh token before anyone can use it. When that fails the stored
  // session is left as it was (the stores replace files atomically) and the caller hears it.
  auto saved = save(fresh);
  if (!saved.ok()) {
    return make_error(ErrorCode::storage_error,
                      "the provider refreshed the session but the new tokens could not be stored (" +
                          saved.error().message +
                          "); the stored session is unchanged, but the provider may have rotated its refresh token: "
                          "if the next refresh fails, sign in again");
  }
  return fresh;
}

Status SsoClient::revoke() {
  // Revoke ends the session: forgotten locally first, always, then what the core's sign-out plan
  // says (the refresh token preferred, else the access token).
  SSOKIT_TRY(std::optional<Session> current, session());
  if (!current) return {};
  SSOKIT_CHECK(forget());
  SSOKIT_TRY(ProviderMetadata provider, discover());
  SignOutRequest ask;
  ask.revoke = true;
  SSOKIT_TRY(SignOutPlan plan, plan_sign_out(options_.config, provider, current, ask, clock_()));
  if (!plan.revoke) return {};
  SSOKIT_TRY(HttpResponse response, transport_.send(*plan.revoke));
  auto revoked = process_revocation_response(response);
  if (!revoked.ok()) {
    return redact_secrets(revoked.take_error(), {options_.config.client_secret, options_.config.private_key,
                                                 current->tokens.refresh_token, current->tokens.access_token});
  }
  return revoked;
}

Result<std::string> SsoClient::logout_url(const std::string& post_logout_redirect_uri, const std::string& state) {
  // Forget locally first, always (offline too); then the provider's logout URL from the core's plan.
  auto current = session();
  SSOKIT_CHECK(forget());
  SSOKIT_TRY(ProviderMetadata provider, discover());
  SignOutRequest ask;
  ask.logout = true;
  ask.post_logout_redirect_uri = post_logout_redirect_uri;
  ask.state = state;
  const std::optional<Session> ended = current.ok() ? std::move(current).value() : std::nullopt;
  SSOKIT_TRY(SignOutPlan plan, plan_sign_out(options_.config, provider, ended, ask, clock_()));
  return plan.logout_url.value_or("");
}

Status SsoClient::forget() { return save(std::nullopt); }

void SsoClient::on_session_change(SessionListener listener) { listeners_.push_back(std::move(listener)); }

}  // namespace ssokit
