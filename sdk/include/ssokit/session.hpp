// Sessions: where tokens live between requests, and the multi-request flows (completing a
// sign-in, refreshing) as serializable step machines. A flow never sends or verifies anything
// itself: each step returns an HttpRequest to send (feed the response to flow_step), a
// signature to verify (feed the answer to flow_verified) or the result.
// Natively drive_steps (ssokit/native/drive.hpp) drives it; web/ drives the same steps with fetch.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ssokit/dpop.hpp"
#include "ssokit/jose.hpp"
#include "ssokit/oauth.hpp"

namespace ssokit {

// Pluggable storage (platform keystore, encrypted file, browser storage, ...). Values are
// opaque strings; keys are short ASCII names.
// Held for the length of one refresh; released when destroyed.
class StoreLock {
 public:
  virtual ~StoreLock() = default;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  virtual Result<std::optional<std::string>> get(std::string_view key) = 0;
  virtual Status put(std::string_view key, std::string_view value) = 0;
  virtual Status remove(std::string_view key) = 0;
  // Taken by SsoClient across a whole refresh (read the session, ask the provider, store the
  // rotated tokens), so that processes sharing one store refresh one after another and each one
  // starts from the tokens the one before it stored (with rotation, a second refresh of the same
  // refresh token fails, and some providers then revoke the whole grant). A store only one process
  // uses needs none: the default holds nothing. Stores shared between processes (the file stores)
  // return a lock, or storage_error when it cannot be had in bounded time.
  virtual Result<std::unique_ptr<StoreLock>> lock_for_refresh() { return std::unique_ptr<StoreLock>(); }
};

class MemoryTokenStore final : public TokenStore {
 public:
  Result<std::optional<std::string>> get(std::string_view key) override;
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// A signed-in session: the token set, the validated ID-token claims, user-info and profile.
struct Session {
  TokenSet tokens;
  Json claims = Json::object();
  Json userinfo = Json::object();
  Json profile = Json::object();
  std::string return_to = "/";
  std::int64_t updated_at = 0;
  // The public half of the DPoP key the tokens are bound to (RFC 9449); nullopt for Bearer
  // tokens. A refresh proves possession of it again, so the host keeps the private half with the
  // session and forgets it with the session.
  std::optional<DpopKey> dpop;

  Json to_json() const;
  static Result<Session> from_json(const Json& value);  // storage_error when malformed
  // Redacted, for logs.
  std::string to_string() const;
};

struct SignInOptions {
  // Ask the user-info endpoint after the ID token (a signed application/jwt answer is verified
  // like the ID token). false: no user-info request, e.g. when the access token is for another
  // API (RFC 8707 resource indicators), which user-info refuses; the profile comes from the ID token.
  bool fetch_userinfo = true;
  // Profile mapping: a preset name ("oidc", "okta", ...) or a mapping object (docs/profile-mapping.md).
  Json profile_mapping = "oidc";
  // Optional extra profile request after user-info (membership platforms that keep member data
  // behind a second call): GET with the access token as Bearer; its JSON answer is the mapping's
  // "profile" document. https only (http on loopback hosts). Empty: no extra request.
  std::string profile_endpoint;
  // Cached JWKS document (from an earlier flow's result) to avoid a fetch; may be null.
  Json jwks = nullptr;
  std::int64_t jwks_fetched_at = 0;
  // Key rotation: an ID token whose kid the cached JWKS lacks allows one fresh fetch, unless a
  // fetch for an unknown kid (jwks_unknown_kid_at, from the last flow's result; 0: never)
  // happened within jwks_refetch_interval. A flow's first fetch (no cached keys) never counts.
  std::int64_t jwks_unknown_kid_at = 0;
  std::int64_t jwks_refetch_interval = 60;
  // DPoP (RFC 9449): the public half of the host's key for this flow. Every token request (code
  // exchange, device polls, refresh) then carries a proof signed by the host (sign entry "dpop"),
  // user-info and the profile request go as "Authorization: DPoP" with a proof naming the token
  // (ath), a use_dpop_nonce answer is retried once with the server's nonce, and the token
  // response must say token_type DPoP. A refresh without it uses the session's own key.
  // Required (invalid_argument) when dpop_wanted(client, provider) at sign-in.
  std::optional<DpopKey> dpop;
  // DPoP-Nonce values per server origin from earlier flows (the last result's dpop_nonces).
  Json dpop_nonces = Json::object();
};

struct FlowStep {
  Json state;                          // opaque; hand it back to flow_step
  std::optional<HttpRequest> request;  // send it, then call flow_step with the response
  std::optional<VerifyRequest> verify; // check this signature, then call flow_verified with the answer
  std::optional<Json> result;          // the flow is done
  // Wait this long before sending `request`: the device flow's polling interval (RFC 8628 3.5).
  // 0 for every other step.
  std::int64_t wait_seconds = 0;
};

// Completes a sign-in from the callback URL: callback checks, code exchange, ID-token
// validation (JWKS fetched or taken from the cache), user-info, profile. Result: {"session":
// Session JSON, "jwks": the JWKS used, "jwks_fetched_at", "jwks_unknown_kid_at", "dpop_nonces"}
// (hand the jwks and nonce members to the next flow's SignInOptions).
// `random` gives the DPoP proofs' jti (every step that sends a request takes one).
Result<FlowStep> signin_flow(const ClientConfig& client, const ProviderMetadata& provider,
                             const Transaction& transaction, std::string_view callback_url,
                             const SignInOptions& options, std::int64_t now, RandomSource& random = system_random());

// Refreshes a session (refresh token grant). The new refresh token replaces the old one when the
// provider rotates it; a new ID token is validated against the old one's iss/sub/aud.
// invalid_grant -> login_required. Once the provider answered with tokens, a response that cannot
// be validated (ID token, keys, subject) is login_required too (details.cause: what failed): the
// old refresh token may be spent, so the session ends. Failures before that answer (network,
// HTTP, another token error) -> refresh_failed: the session is kept.
Result<FlowStep> refresh_flow(const ClientConfig& client, const ProviderMetadata& provider, const Session& session,
                              const SignInOptions& options, std::int64_t now, RandomSource& random = system_random());

Result<FlowStep> flow_step(const Json& state, const HttpResponse& response, std::int64_t now,
                           RandomSource& random = system_random());
// The same, taking the previous step whole: its state is not copied, and a device poll answered
// "authorization_pending" or "slow_down" re-sends its request as it is (the polling loop stays
// cheap on a set-top box).
Result<FlowStep> flow_step(FlowStep&& previous, const HttpResponse& response, std::int64_t now,
                           RandomSource& random = system_random());

// The host's answer to a step's verify effect (whether the signature verifies).
Result<FlowStep> flow_verified(const Json& state, bool verified, std::int64_t now, RandomSource& random = system_random());
Result<FlowStep> flow_verified(FlowStep&& previous, bool verified, std::int64_t now,
                               RandomSource& random = system_random());

// Any step machine's answer to a request (the platform connectors' <platform>_step functions).
// The hosts drive the machines (natively drive_steps, ssokit/native/drive.hpp; in JavaScript
// driveSteps, web/src/drive.js): the core never sends, waits or sleeps.
using StepFunction = std::function<Result<FlowStep>(const Json& state, const HttpResponse& response, std::int64_t now)>;

// ---- Client policy that every host runs (the drivers only read, write and report) ----------
//
// Pending sign-ins: a sign-in start keeps its transaction under "<prefix>.tx.<state>" and the
// latest state under "<prefix>.tx.latest". A callback's pending key: the driver reads it (when
// there is one) and the latest marker, and match_callback says what to remove and whether the
// sign-in goes on. Keys are relative to the driver's prefix.
std::optional<std::string> pending_key(std::string_view state);  // nullopt: not a state the SDK makes
struct CallbackMatch {
  std::vector<std::string> remove;         // remove these first, whatever follows
  std::optional<Transaction> transaction;  // go on with this sign-in
  std::optional<Error> error;              // or fail with this (state_mismatch, transaction_not_found, ...)
};
CallbackMatch match_callback(std::string_view state, const std::optional<std::string>& stored,
                             const std::optional<std::string>& latest);

// Access token usable for at least `leeway` more seconds? The leeway is clamped to half the
// token's lifetime (expires_in, else expires_at - updated_at): a 30 s token with the default 60 s
// leeway is fresh for 15 s instead of refreshing on every call.
bool access_token_fresh(const Session& session, std::int64_t now, std::int64_t leeway = 60);

// The app's own API call with the session's access token (RFC 6750 / RFC 9449 7): a
// DPoP-bound session gets "Authorization: DPoP <token>" and a proof (sign entry "dpop") with ath
// and the nonce `nonces` holds for the request's origin; a Bearer session "Authorization:
// Bearer <token>". login_required without an access token. The driver sends it and does what
// resource_response says with the answer.
Result<HttpRequest> authorized_request(HttpRequest request, const Session& session, const Json& nonces,
                                       std::int64_t now, RandomSource& random = system_random());

// What the driver does with the answer to an authorized_request it sent, `attempt` 1 for the
// first send and 2 for the retry. The rule (RFC 9449 9): a DPoP-bound session's first attempt
// answered by a use_dpop_nonce challenge (dpop_nonce_challenge) is built again with the server's
// nonce and sent exactly once more; every other answer, a second challenge included, goes to the
// app. `nonce` is the DPoP-Nonce a DPoP-bound session's answer carries (none for Bearer): the
// driver keeps it for the request's origin (remember_dpop_nonce) before it builds the retry.
struct ResourceAnswer {
  bool retry = false;               // false: done, the response goes to the app
  std::optional<std::string> nonce;  // the nonce to remember (and to retry with)
};
ResourceAnswer resource_response(const HttpResponse& response, const Session& session, int attempt);

}  // namespace ssokit
