// Multi-request flows as step machines whose whole state is JSON (see session.hpp).
#include "ssokit/session.hpp"

#include <algorithm>

#include "ssokit/device.hpp"
#include "ssokit/id_token.hpp"
#include "ssokit/profile.hpp"
#include "ssokit/redact.hpp"
#include "ssokit/step_state.hpp"
#include "ssokit/userinfo.hpp"

namespace ssokit {
namespace {

constexpr int kMaxFlowRequests = 8;

// The state came back across a language boundary: read it without trusting its shape (operator[]
// or value() on a wrong type would abort in a no-exceptions build).
const Json& member(const Json& object, std::string_view key) {
  static const Json kNull;
  const Json* v = json_member(object, key);
  return v == nullptr ? kNull : *v;
}

Json options_to_json(const SignInOptions& o) {
  Json j = Json::object();
  j.set("fetch_userinfo", o.fetch_userinfo);
  j.set("profile_mapping", o.profile_mapping);
  if (!o.profile_endpoint.empty()) j["profile_endpoint"] = o.profile_endpoint;
  return j;
}

FlowStep send(Json state, HttpRequest request) {
  FlowStep step;
  step.state = std::move(state);
  step.request = std::move(request);
  return step;
}

FlowStep finish(Json state, Json result) {
  FlowStep step;
  step.state = std::move(state);
  step.result = std::move(result);
  return step;
}

Result<Json> parse_jwks_response(const HttpResponse& response) {
  if (response.status != 200) {
    return make_error(ErrorCode::http_error, "the JWKS endpoint answered HTTP " + std::to_string(response.status),
                      json_object("status", response.status));
  }
  auto doc = parse_json_object(response.body);
  if (!doc.ok()) return make_error(ErrorCode::invalid_response, "the JWKS is not a JSON object: " + doc.error().message);
  const Json* keys = json_member(doc.value(), "keys");
  if (keys == nullptr || !keys->is_array()) return make_error(ErrorCode::invalid_response, "the JWKS has no keys array");
  return std::move(doc).value();
}

HttpRequest jwks_request(const ProviderMetadata& provider) {
  HttpRequest request;
  request.url = provider.jwks_uri;
  request.headers = {{"Accept", "application/json"}};
  return request;
}

// The state's pieces, re-parsed at each step (the state crossed a language boundary), and the
// step's randomness (the DPoP proofs' jti).
struct FlowContext {
  ClientConfig client;
  ProviderMetadata provider;
  RandomSource* random = nullptr;
};

Result<FlowContext> context_of(const Json& state, RandomSource& random) {
  auto bad = [] { return make_error(ErrorCode::invalid_argument, "flow state is malformed; start the flow again"); };
  const Json* c = json_member(state, "client");
  const Json* p = json_member(state, "provider");
  if (c == nullptr || p == nullptr) return bad();
  FlowContext ctx;
  SSOKIT_TRY(ctx.client, ClientConfig::from_json(*c));
  auto provider = ProviderMetadata::from_json(*p);
  if (!provider.ok()) return bad();
  ctx.provider = std::move(provider).value();
  ctx.random = &random;
  return ctx;
}

// ---- DPoP (RFC 9449): state["dpop"] = {key: {alg, jwk}, nonces: {origin: nonce}, retried?} ----

bool uses_dpop(const Json& state) { return member(state, "dpop").is_object(); }

// Adds the proof when the flow is DPoP-bound: the nonce remembered for the request's server, and
// ath when the access token goes with the request (user-info, the profile request).
Status with_proof(const Json& state, const FlowContext& ctx, HttpRequest& request, std::int64_t now,
                  std::string_view access_token = {}) {
  const Json& dpop = member(state, "dpop");
  if (!dpop.is_object()) return {};
  SSOKIT_TRY(DpopKey key, DpopKey::from_json(member(dpop, "key")));
  return add_dpop_proof(request, key, now, *ctx.random, dpop_nonce_for(member(dpop, "nonces"), request.url), access_token);
}

// The request of the phase the flow is in, built from the state (so that a use_dpop_nonce answer
// can be retried with a new proof, and a new client assertion: both are single use).
Result<HttpRequest> phase_request(const Json& state, const FlowContext& ctx, std::int64_t now) {
  const std::string phase = json_text(state, "phase");
  const std::string access_token = json_text(member(state, "tokens"), "access_token");
  HttpRequest request;
  if (phase == "token" && json_text(state, "kind") == "refresh") {
    SSOKIT_TRY(request, refresh_request(ctx.client, ctx.provider,
                                        json_text(member(member(state, "session"), "tokens"), "refresh_token"), std::nullopt, now));
  } else if (phase == "token") {
    SSOKIT_TRY(Transaction tx, Transaction::from_json(member(state, "transaction")));
    SSOKIT_TRY(request, authorization_code_request(ctx.client, ctx.provider, tx, json_text(state, "code"), now));
  } else if (phase == "poll") {
    SSOKIT_TRY(request, device_token_request(ctx.client, ctx.provider, json_text(member(state, "device"), "device_code"), now));
  } else if (phase == "userinfo") {
    SSOKIT_TRY(request, userinfo_request(ctx.provider, access_token));
    SSOKIT_CHECK(with_proof(state, ctx, request, now, access_token));
    return request;
  } else if (phase == "profile") {
    SSOKIT_TRY(request, profile_request(json_text(member(state, "options"), "profile_endpoint"), access_token));
    SSOKIT_CHECK(with_proof(state, ctx, request, now, access_token));
    return request;
  } else {
    return make_error(ErrorCode::invalid_argument, "flow state has an unknown phase");
  }
  SSOKIT_CHECK(with_proof(state, ctx, request, now));
  return request;
}

// Where the phase's request went (for the nonce that server sends back).
std::string phase_url(const Json& state, const FlowContext& ctx) {
  const std::string phase = json_text(state, "phase");
  if (phase == "userinfo") return ctx.provider.userinfo_endpoint;
  if (phase == "profile") return json_text(member(state, "options"), "profile_endpoint");
  return ctx.provider.token_endpoint;
}

// RFC 9449 8 and 9: keeps the server's DPoP-Nonce; a use_dpop_nonce challenge to the phase's
// first try gives the same request again with a new proof carrying that nonce. A second challenge
// in a row is not retried: the answer goes on to the phase as the error it is.
std::optional<Result<HttpRequest>> dpop_retry(Json& state, const FlowContext& ctx, const HttpResponse& response,
                                              std::int64_t now) {
  if (!uses_dpop(state)) return std::nullopt;
  Json& dpop = state["dpop"];
  remember_dpop_nonce(dpop["nonces"], phase_url(state, ctx), response);
  if (dpop_nonce_challenge(response) && !json_bool(dpop, "retried").value_or(false)) {
    dpop["retried"] = true;
    return phase_request(state, ctx, now);
  }
  dpop.erase("retried");
  return std::nullopt;
}

IdTokenExpectations expectations_for(const FlowContext& ctx, std::optional<std::string> nonce,
                                     std::optional<std::int64_t> max_age, std::int64_t now) {
  IdTokenExpectations e;
  e.issuer = ctx.provider.issuer;
  e.client_id = ctx.client.client_id;
  e.nonce = std::move(nonce);
  e.max_age = max_age;
  e.now = now;
  e.clock_skew = ctx.client.clock_skew;
  e.client_secret = ctx.client.client_secret;
  if (!ctx.client.allowed_algs.empty()) e.allowed_algs = ctx.client.allowed_algs;
  e.trusted_audiences = ctx.client.trusted_audiences;
  return e;
}

IdTokenExpectations expectations_of(const Json& state, const FlowContext& ctx, std::int64_t now) {
  const Json& e = member(state, "expect");
  std::optional<std::string> nonce;
  if (auto n = json_string_at(e, "nonce")) nonce = *n;
  std::optional<std::int64_t> max_age = json_int(e, "max_age");
  auto expectations = expectations_for(ctx, nonce, max_age, now);
  if (auto access = json_string_at(member(state, "tokens"), "access_token"); access && !access->empty()) {
    expectations.access_token = *access;
  }
  return expectations;
}

UserinfoExpectations userinfo_expectations_of(const Json& state, const FlowContext& ctx, std::int64_t now) {
  return userinfo_expectations(expectations_for(ctx, std::nullopt, std::nullopt, now), json_text(member(state, "claims"), "sub"));
}

// The verify effect of the signed user-info response the flow holds (state["userinfo_jwt"]).
Result<VerifyRequest> userinfo_verify_request(const Json& state, const Jwks& jwks, const FlowContext& ctx, std::int64_t now) {
  SSOKIT_TRY(Jws jws, parse_jws(json_text(state, "userinfo_jwt"), ErrorCode::invalid_response));
  return signed_userinfo_verify_request(jws, jwks, userinfo_expectations_of(state, ctx, now));
}

bool key_not_found(const Error& e) {
  return e.code == ErrorCode::id_token_key_not_found ||
         (e.code == ErrorCode::invalid_response && json_string(e.details, "reason") == std::optional<std::string>("key_not_found"));
}

// Checks the JWT the flow is at (the ID token of state["tokens"], or with state["jwks_for"] =
// "userinfo" the signed user-info response) up to its key with the cached JWKS and asks the host
// to verify its signature (phase "verify" or "userinfo_verify"), or asks for the JWKS when the key
// is not there (first use, or rotation after the refetch interval).
Result<FlowStep> validate_or_fetch_keys(Json state, const FlowContext& ctx, std::int64_t now) {
  const bool userinfo = json_text(state, "jwks_for") == "userinfo";
  const Json& jwks_doc = member(state, "jwks");
  const bool have_keys = jwks_doc.is_object();
  SSOKIT_TRY(Jwks jwks, Jwks::parse(have_keys ? jwks_doc : json_object("keys", Json::array())));
  Result<VerifyRequest> pending = make_error(ErrorCode::internal_error, "no JWT to verify");
  if (userinfo) {
    pending = userinfo_verify_request(state, jwks, ctx, now);
  } else {
    auto id_token = prepare_id_token(json_text(member(state, "tokens"), "id_token"), jwks, expectations_of(state, ctx, now));
    pending = id_token.ok() ? Result<VerifyRequest>(std::move(id_token->verify)) : Result<VerifyRequest>(id_token.take_error());
  }
  // Key rotation: without keys, fetch them (that fetch never counts). A kid the keys lack allows
  // one fresh fetch per flow, unless one for an unknown kid already happened within the interval.
  if (!pending.ok() && key_not_found(pending.error()) && !ctx.provider.jwks_uri.empty()) {
    const std::optional<std::int64_t> last = json_int(state, "jwks_unknown_kid_at");
    const std::int64_t interval = json_int(state, "jwks_refetch_interval").value_or(60);
    const bool refetch = have_keys && !json_bool(state, "jwks_refetched").value_or(false) &&
                         (!last || *last <= 0 || now - *last >= interval);
    if (!have_keys || refetch) {
      if (refetch) {
        state["jwks_refetched"] = true;
        state["jwks_unknown_kid_at"] = now;
      }
      state["phase"] = "jwks";
      return send(std::move(state), jwks_request(ctx.provider));
    }
  }
  if (!pending.ok()) return pending.take_error();
  state["phase"] = userinfo ? "userinfo_verify" : "verify";
  FlowStep step;
  step.state = std::move(state);
  step.verify = std::move(pending).value();
  return step;
}

// The host's answer to the verify effect: the claims, then what follows the ID token.
Result<FlowStep> id_token_verified(Json state, const FlowContext& ctx, bool verified, std::int64_t now,
                                   Result<FlowStep> (*next)(Json, const FlowContext&, std::int64_t)) {
  SSOKIT_TRY(Jws jws, parse_jws(json_text(member(state, "tokens"), "id_token")));
  SSOKIT_TRY(ValidatedIdToken token, finish_id_token(std::move(jws), verified, expectations_of(state, ctx, now)));
  // OIDC Core 12.2: a refreshed ID token is about the same user from the same issuer.
  if (const Json* previous = json_member(state, "previous_claims"); previous != nullptr && previous->is_object()) {
    if (json_string(*previous, "sub") != json_string(token.claims, "sub")) {
      return make_error(ErrorCode::refresh_failed, "the refreshed ID token is about another subject; sign in again");
    }
  }
  state["claims"] = std::move(token.claims);
  return next(std::move(state), ctx, now);
}

// What the flow knows about the provider's keys (and, with DPoP, its servers' nonces), for the
// caller to hand to the next flow.
Json keys_result(const Json& state) {
  Json result = Json::object();
  result.set("jwks", member(state, "jwks"));
  result.set("jwks_fetched_at", member(state, "jwks_fetched_at"));
  result.set("jwks_unknown_kid_at", json_int(state, "jwks_unknown_kid_at").value_or(0));
  if (uses_dpop(state)) result["dpop_nonces"] = member(member(state, "dpop"), "nonces");
  return result;
}

Result<Json> make_profile(const Json& state, std::int64_t now) {
  const Json& mapping_spec = member(member(state, "options"), "profile_mapping");
  Result<ProfileMapping> mapping = mapping_spec.is_string() ? profile_preset(mapping_spec.get<std::string>())
                                                            : parse_profile_mapping(mapping_spec);
  if (!mapping.ok()) return mapping.take_error();
  const Json& userinfo = member(state, "userinfo");
  SSOKIT_TRY(Profile profile, map_profile(member(state, "claims"), userinfo.is_object() ? userinfo : Json::object(),
                                          member(state, "profile_source"), mapping.value(), now));
  return profile.to_json();
}

Result<FlowStep> signin_done(Json state, std::int64_t now) {
  const Json& dpop = member(state, "dpop");
  Session session;
  SSOKIT_TRY(session.tokens, TokenSet::from_json(member(state, "tokens")));
  session.claims = member(state, "claims");
  if (member(state, "userinfo").is_object()) session.userinfo = member(state, "userinfo");
  SSOKIT_TRY(session.profile, make_profile(state, now));
  session.return_to = json_string(member(state, "transaction"), "return_to").value_or("/");
  session.updated_at = now;
  if (dpop.is_object()) {
    SSOKIT_TRY(session.dpop, DpopKey::from_json(member(dpop, "key")));
  }
  Json result = keys_result(state);
  result["session"] = session.to_json();
  return finish(std::move(state), std::move(result));
}

// Moves the flow to `phase` and sends that phase's request.
Result<FlowStep> send_phase(Json state, const char* phase, const FlowContext& ctx, std::int64_t now) {
  state["phase"] = phase;
  SSOKIT_TRY(HttpRequest request, phase_request(state, ctx, now));
  return send(std::move(state), std::move(request));
}

// The extra profile request, when configured, comes last: its answer joins the mapping's input.
Result<FlowStep> signin_after_userinfo(Json state, const FlowContext& ctx, std::int64_t now) {
  if (!json_text(member(state, "options"), "profile_endpoint").empty()) return send_phase(std::move(state), "profile", ctx, now);
  return signin_done(std::move(state), now);
}

Result<FlowStep> signin_after_id_token(Json state, const FlowContext& ctx, std::int64_t now) {
  if (json_bool(member(state, "options"), "fetch_userinfo").value_or(true) && !ctx.provider.userinfo_endpoint.empty()) {
    return send_phase(std::move(state), "userinfo", ctx, now);
  }
  return signin_after_userinfo(std::move(state), ctx, now);
}

// The host's answer to the signed user-info response's verify effect: its claims, then the profile.
Result<FlowStep> userinfo_verified(Json state, const FlowContext& ctx, bool verified, std::int64_t now) {
  SSOKIT_TRY(Jws jws, parse_jws(json_text(state, "userinfo_jwt"), ErrorCode::invalid_response));
  SSOKIT_TRY(Json claims, finish_signed_userinfo(jws, verified, userinfo_expectations_of(state, ctx, now)));
  state["userinfo"] = std::move(claims);
  state.erase("userinfo_jwt");
  state.erase("jwks_for");
  return signin_after_userinfo(std::move(state), ctx, now);
}

Result<FlowStep> refresh_done(Json state, const FlowContext&, std::int64_t now) {
  SSOKIT_TRY(Session session, Session::from_json(member(state, "session")));
  SSOKIT_TRY(TokenSet fresh, TokenSet::from_json(member(state, "tokens")));
  // Rotation: a new refresh token replaces the old one; without one, the old stays valid.
  if (fresh.refresh_token.empty()) fresh.refresh_token = session.tokens.refresh_token;
  if (fresh.id_token.empty()) {
    fresh.id_token = session.tokens.id_token;
  } else {
    session.claims = member(state, "claims");
  }
  session.tokens = std::move(fresh);
  session.updated_at = now;
  Json result = keys_result(state);
  result["session"] = session.to_json();
  return finish(std::move(state), std::move(result));
}

Json base_state(const char* kind, const ClientConfig& client, const ProviderMetadata& provider,
                const SignInOptions& options) {
  Json out = Json::object();
  out.set("kind", kind);
  out.set("phase", "token");
  out.set("budget", kMaxFlowRequests);
  out.set("client", client.to_json());
  out.set("provider", provider.to_json());
  out.set("options", options_to_json(options));
  out.set("jwks", options.jwks.is_object() ? options.jwks : Json(nullptr));
  out.set("jwks_fetched_at", options.jwks_fetched_at);
  out.set("jwks_unknown_kid_at", options.jwks_unknown_kid_at);
  out.set("jwks_refetch_interval", options.jwks_refetch_interval);
  return out;
}

// A DPoP flow keeps its public key and the servers' nonces in the state.
void add_dpop_state(Json& state, const std::optional<DpopKey>& key, const Json& nonces) {
  if (!key) return;
  state["dpop"] = {{"key", key->to_json()}, {"nonces", nonces.is_object() ? nonces : Json::object()}};
}

Status check_dpop_key(const ClientConfig& client, const ProviderMetadata& provider, const SignInOptions& options) {
  if (options.dpop || !dpop_wanted(client, provider)) return {};
  return make_error(ErrorCode::invalid_argument,
                    client.dpop ? "DPoP is on (dpop), but the host gave no DPoP key for this sign-in"
                                : "the provider binds access tokens to a DPoP key (dpop_bound_access_tokens), but the "
                                  "host gave no DPoP key for this sign-in");
}

// Refresh failures: a refused grant means the session is over; anything else may be transient.
Error refresh_error(Error e) {
  if (e.code == ErrorCode::token_error && json_string(e.details, "error") == std::optional<std::string>("invalid_grant")) {
    return make_error(ErrorCode::login_required, "the provider no longer accepts the refresh token; sign in again", e.details);
  }
  if (e.code == ErrorCode::token_error || e.code == ErrorCode::http_error || e.code == ErrorCode::invalid_response) {
    Json details = e.details;
    details["cause"] = e.code_name();
    return make_error(ErrorCode::refresh_failed, "refreshing the session failed: " + e.message, std::move(details));
  }
  return e;
}

// A refresh's steps after the provider answered with tokens: the old refresh token may be spent
// (rotation), so a response that cannot be validated ends the session rather than leaving one
// whose refresh token no longer works. login_required is the one signal for that (drivers
// remove the stored session on it); details.cause keeps what failed.
Result<FlowStep> session_ends_on_error(Result<FlowStep> step) {
  if (step.ok() || step.error().code == ErrorCode::login_required) return step;
  Error e = step.take_error();
  Json details = e.details.is_object() ? e.details : Json::object();
  details["cause"] = e.code_name();
  return make_error(ErrorCode::login_required,
                    "the provider answered the refresh, but its tokens could not be validated (" + e.message +
                        "); the session has ended: sign in again",
                    std::move(details));
}

// Sign-in (and device flow) continuation once state["tokens"] holds the token response: the ID
// token is required when openid was requested, validated (JWKS fetched if needed), then user-info.
Result<FlowStep> signin_with_tokens(Json state, const FlowContext& ctx, std::int64_t now) {
  if (json_text(member(state, "tokens"), "id_token").empty()) {
    if (json_bool(state, "openid").value_or(false)) {
      return make_error(ErrorCode::id_token_missing,
                        "the token response has no id_token although the openid scope was requested");
    }
    return signin_after_id_token(std::move(state), ctx, now);
  }
  return validate_or_fetch_keys(std::move(state), ctx, now);
}

bool scope_has(std::string_view scope, std::string_view wanted) {
  std::size_t start = 0;
  while (start <= scope.size()) {
    std::size_t end = scope.find(' ', start);
    if (end == std::string_view::npos) end = scope.size();
    if (scope.substr(start, end - start) == wanted) return true;
    start = end + 1;
  }
  return false;
}

// The next poll of the device flow, after `interval` seconds; device_code_expired when it would
// come after the code's expiry or the poll budget is spent (a clock that stands still).
// Counts one more poll in `state` and gives the wait before it; device_code_expired when it would
// come after the code's expiry or the poll budget is spent (a clock that stands still).
Result<std::int64_t> count_poll(Json& state, std::int64_t now) {
  const Json& device = member(state, "device");
  const std::int64_t interval =
      std::clamp<std::int64_t>(json_int(device, "interval").value_or(kDefaultDevicePollInterval), 1, kMaxDeviceCodeLifetime);
  const std::int64_t expires_at = json_int(device, "expires_at").value_or(0);
  const std::int64_t polls = json_int(state, "polls").value_or(0);
  if (now + interval > expires_at || polls >= json_int(state, "max_polls").value_or(0)) {
    return make_error(ErrorCode::device_code_expired,
                      "the device code expired before the sign-in was confirmed; start the device sign-in again");
  }
  state["polls"] = polls + 1;
  return interval;
}

Result<FlowStep> device_poll_request(Json state, const FlowContext& ctx, std::int64_t now) {
  SSOKIT_TRY(std::int64_t interval, count_poll(state, now));
  SSOKIT_TRY(HttpRequest request, phase_request(state, ctx, now));
  FlowStep step = send(std::move(state), std::move(request));
  step.wait_seconds = interval;
  return step;
}

// slow_down (RFC 8628 3.5): every later poll waits 5 s longer.
void slow_down(Json& state) {
  const std::int64_t interval = std::clamp<std::int64_t>(
      json_int(member(state, "device"), "interval").value_or(kDefaultDevicePollInterval), 1, kMaxDeviceCodeLifetime);
  state["device"]["interval"] = interval + kDeviceSlowDownIncrement;
}

Result<FlowStep> device_poll_response(Json state, const FlowContext& ctx, const HttpResponse& response,
                                      std::int64_t now) {
  if (!member(state, "device").is_object()) {
    return make_error(ErrorCode::invalid_argument, "flow state is malformed; start the flow again");
  }
  SSOKIT_TRY(DevicePoll poll, process_device_token_response(response, now, uses_dpop(state)));
  switch (poll.status) {
    case DevicePollStatus::pending:
      return device_poll_request(std::move(state), ctx, now);
    case DevicePollStatus::slow_down:
      slow_down(state);
      return device_poll_request(std::move(state), ctx, now);
    case DevicePollStatus::authorized:
      break;
  }
  // The ID token is required when openid was granted (or, without a scope in the answer, asked for).
  const std::string& granted = poll.tokens.scope.empty() ? ctx.client.scope : poll.tokens.scope;
  state["openid"] = scope_has(granted, "openid");
  state["tokens"] = poll.tokens.to_json();
  return signin_with_tokens(std::move(state), ctx, now);
}

// ---- The envelope (step_state.hpp) --------------------------------------------------------
//
// Inside this file a flow's state is one JSON object with its "kind" (the machine), "phase" and
// "budget" next to its data; across the host boundary it travels as the envelope. Each public
// function unwraps the state it gets and wraps the step it returns: a step that sends a request
// spends one of the budget, and a finished flow hands back only {v, machine, phase: "done"}.

bool is_flow_machine(const std::string& machine) {
  return machine == "signin" || machine == "refresh" || machine == "device";
}

Result<FlowStep> enveloped(Result<FlowStep> step) {
  if (!step.ok()) return step;
  FlowStep& out = step.value();
  const std::string kind = json_text(out.state, "kind");
  if (out.result) {
    out.state = done_step_state(kind);  // the tokens, code, verifier and client secret stay behind
    return step;
  }
  StepState envelope;
  envelope.machine = kind;
  envelope.phase = json_text(out.state, "phase");
  envelope.budget = json_int(out.state, "budget").value_or(0);
  out.state.erase("kind");
  out.state.erase("phase");
  out.state.erase("budget");
  if (out.request) SSOKIT_CHECK(spend_request(envelope));
  envelope.data = std::move(out.state);
  out.state = std::move(envelope).to_json();
  return step;
}

// The working form of an envelope the host handed back.
template <typename StateJson>
Result<Json> unwrapped(StateJson&& input) {
  const std::string machine = step_state_machine(input);
  if (!machine.empty() && !is_flow_machine(machine)) {
    return make_error(ErrorCode::invalid_argument, "step state belongs to the \"" + machine +
                                                       "\" machine, not to a sign-in, refresh or device flow");
  }
  SSOKIT_TRY(StepState envelope, read_step_state(std::forward<StateJson>(input), machine.empty() ? "signin" : machine));
  if (envelope.phase == kDonePhase) {
    return make_error(ErrorCode::invalid_argument, "the " + envelope.machine + " flow has finished; start a new one");
  }
  Json state = std::move(envelope.data);
  state["kind"] = envelope.machine;
  state["phase"] = envelope.phase;
  state["budget"] = envelope.budget;
  return state;
}

}  // namespace

Result<FlowStep> signin_flow(const ClientConfig& client, const ProviderMetadata& provider,
                             const Transaction& transaction, std::string_view callback_url,
                             const SignInOptions& options, std::int64_t now, RandomSource& random) {
  if (transaction.client_id != client.client_id || transaction.issuer != provider.issuer) {
    return make_error(ErrorCode::state_mismatch, "the pending sign-in was started for another client or provider");
  }
  // A misconfigured profile endpoint fails before the authorization code is spent.
  if (!options.profile_endpoint.empty()) SSOKIT_CHECK(check_profile_endpoint(options.profile_endpoint));
  SSOKIT_CHECK(check_dpop_key(client, provider, options));
  SSOKIT_TRY(CallbackResult callback, process_callback(callback_url, transaction, provider, now));
  Json state = base_state("signin", client, provider, options);
  add_dpop_state(state, options.dpop, options.dpop_nonces);
  state["transaction"] = transaction.to_json();
  state["code"] = callback.code;  // until the token answer: a nonce retry sends the exchange again
  Json expect = Json::object();
  if (!transaction.nonce.empty()) expect["nonce"] = transaction.nonce;
  if (transaction.max_age) expect["max_age"] = *transaction.max_age;
  state["expect"] = std::move(expect);
  state["openid"] = !transaction.nonce.empty();
  const FlowContext ctx{client, provider, &random};
  SSOKIT_TRY(HttpRequest request, phase_request(state, ctx, now));
  return enveloped(send(std::move(state), std::move(request)));
}

Result<FlowStep> refresh_flow(const ClientConfig& client, const ProviderMetadata& provider, const Session& session,
                              const SignInOptions& options, std::int64_t now, RandomSource& random) {
  Json state = base_state("refresh", client, provider, options);
  // A DPoP-bound session proves possession of its own key again (RFC 9449 5: a bound refresh token).
  add_dpop_state(state, options.dpop ? options.dpop : session.dpop, options.dpop_nonces);
  state["session"] = session.to_json();
  state["previous_claims"] = session.claims;
  state["expect"] = Json::object();
  const FlowContext ctx{client, provider, &random};
  SSOKIT_TRY(HttpRequest request, phase_request(state, ctx, now));
  return enveloped(send(std::move(state), std::move(request)));
}

Result<FlowStep> device_flow(const ClientConfig& client, const ProviderMetadata& provider,
                             const DeviceAuthorization& device, const SignInOptions& options, std::int64_t now,
                             RandomSource& random) {
  if (device.device_code.empty()) return make_error(ErrorCode::invalid_argument, "the device authorization has no device code");
  if (!options.profile_endpoint.empty()) SSOKIT_CHECK(check_profile_endpoint(options.profile_endpoint));
  SSOKIT_CHECK(check_dpop_key(client, provider, options));
  if (device.expires_at <= now) {
    return make_error(ErrorCode::device_code_expired, "the device code has expired; start the device sign-in again");
  }
  if (device.expires_at - now > kMaxDeviceCodeLifetime) {
    return make_error(ErrorCode::invalid_argument, "the device code's expiry is implausibly far away");
  }
  Json state = base_state("device", client, provider, options);
  add_dpop_state(state, options.dpop, options.dpop_nonces);
  state["phase"] = "poll";
  state["device"] = device.to_json();
  state["expect"] = Json::object();  // no nonce in the device flow
  state["polls"] = 0;
  // Polls are at least a second apart, so no more than this many fit before the expiry.
  state["max_polls"] = device.expires_at - now + 1;
  // Its request budget: every poll that fits, then the sign-in's own requests after the tokens.
  state["budget"] = device.expires_at - now + 1 + kMaxFlowRequests;
  const FlowContext ctx{client, provider, &random};
  return enveloped(device_poll_request(std::move(state), ctx, now));
}

namespace {

// What a flow's state holds that must never come back in its errors, whatever the provider wrote:
// the client secret, the PKCE verifier, state and nonce, the tokens and the device code.
std::vector<std::string> secrets_of(const Json& state) {
  std::vector<std::string> out;
  auto add = [&out](const Json& object, std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
      if (auto v = json_string_at(object, key); v && !v->empty()) out.push_back(*v);
    }
  };
  add(member(state, "client"), {"client_secret"});
  add(member(state, "transaction"), {"code_verifier", "state", "nonce"});
  add(state, {"code"});
  add(member(state, "tokens"), {"access_token", "refresh_token", "id_token"});
  add(member(member(state, "session"), "tokens"), {"access_token", "refresh_token", "id_token"});
  add(member(state, "device"), {"device_code"});
  return out;
}

// The phases of the three flows. Sign-in: token -> [jwks] -> verify -> [userinfo -> [jwks] ->
// [userinfo_verify]] -> [profile] -> done. Refresh: token -> [jwks -> verify] -> done. Device:
// poll (again and again) -> then as sign-in after its token answer.
enum class Phase { token, poll, jwks, verify, userinfo, userinfo_verify, profile, unknown };

Phase phase_of(const Json& state) {
  const std::string phase = json_text(state, "phase");
  if (phase == "token") return Phase::token;
  if (phase == "poll") return Phase::poll;
  if (phase == "jwks") return Phase::jwks;
  if (phase == "verify") return Phase::verify;
  if (phase == "userinfo") return Phase::userinfo;
  if (phase == "userinfo_verify") return Phase::userinfo_verify;
  if (phase == "profile") return Phase::profile;
  return Phase::unknown;
}

Error unknown_phase() { return make_error(ErrorCode::invalid_argument, "flow state has an unknown phase"); }

// The transition function: the answer to the phase's request (`response`) or to its verify
// effect (`verified`) moves the flow on. One of the two is given.
Result<FlowStep> transition(Json state, const HttpResponse* response, std::optional<bool> verified, std::int64_t now,
                            RandomSource& random) {
  SSOKIT_TRY(FlowContext ctx, context_of(state, random));
  const std::string kind = json_text(state, "kind");
  const bool refresh = kind == "refresh";
  const Phase phase = phase_of(state);
  const bool waits_for_verify = phase == Phase::verify || phase == Phase::userinfo_verify;
  if (response != nullptr && waits_for_verify) {
    return make_error(ErrorCode::invalid_argument, "this step waits for the host's signature check (flow_verified), not a response");
  }
  if (response == nullptr && !waits_for_verify) {
    return make_error(ErrorCode::invalid_argument, "flow state is not waiting for a signature check");
  }
  // RFC 9449 8: a use_dpop_nonce answer to a request the flow sent is retried once with the nonce.
  if (response != nullptr && phase != Phase::jwks && phase != Phase::unknown) {
    if (auto again = dpop_retry(state, ctx, *response, now)) {
      if (!again->ok()) return again->take_error();
      return send(std::move(state), std::move(*again).value());
    }
  }
  switch (phase) {
    case Phase::poll: {
      if (kind != "device") return unknown_phase();
      return device_poll_response(std::move(state), ctx, *response, now);
    }
    case Phase::token: {
      if (kind == "device") return unknown_phase();
      auto tokens = process_token_response(*response, now, uses_dpop(state));
      if (!tokens.ok()) return refresh ? refresh_error(tokens.take_error()) : tokens.take_error();
      state.erase("code");
      state["tokens"] = tokens->to_json();
      if (!refresh) return signin_with_tokens(std::move(state), ctx, now);
      if (tokens->id_token.empty()) return session_ends_on_error(refresh_done(std::move(state), ctx, now));
      return session_ends_on_error(validate_or_fetch_keys(std::move(state), ctx, now));
    }
    case Phase::jwks: {
      auto jwks = parse_jwks_response(*response);
      if (!jwks.ok()) return refresh ? session_ends_on_error(jwks.take_error()) : jwks.take_error();
      state["jwks"] = std::move(jwks).value();
      state["jwks_fetched_at"] = now;
      auto next = validate_or_fetch_keys(std::move(state), ctx, now);
      return refresh ? session_ends_on_error(std::move(next)) : next;
    }
    case Phase::verify: {
      if (refresh) return session_ends_on_error(id_token_verified(std::move(state), ctx, *verified, now, refresh_done));
      return id_token_verified(std::move(state), ctx, *verified, now, signin_after_id_token);
    }
    case Phase::userinfo: {
      if (refresh) return unknown_phase();
      const std::string sub = json_text(member(state, "claims"), "sub");
      SSOKIT_TRY(UserinfoAnswer answer, read_userinfo_response(*response, sub));
      if (answer.jwt) {
        // OIDC Core 5.3.2: signed; verified with the provider's keys like the ID token.
        state["userinfo_jwt"] = answer.jwt->signing_input + "." +
                                base64url_encode(answer.jwt->signature.data(), answer.jwt->signature.size());
        state["jwks_for"] = "userinfo";
        return validate_or_fetch_keys(std::move(state), ctx, now);
      }
      state["userinfo"] = std::move(answer.claims);
      return signin_after_userinfo(std::move(state), ctx, now);
    }
    case Phase::userinfo_verify: {
      if (refresh) return make_error(ErrorCode::invalid_argument, "flow state is not waiting for a signature check");
      return userinfo_verified(std::move(state), ctx, *verified, now);
    }
    case Phase::profile: {
      if (refresh) return unknown_phase();
      SSOKIT_TRY(Json profile, process_profile_response(*response, json_text(member(state, "options"), "profile_endpoint")));
      state["profile_source"] = std::move(profile);
      return signin_done(std::move(state), now);
    }
    case Phase::unknown:
      break;
  }
  return unknown_phase();
}

// Unwraps the envelope, runs the transition with the state's secrets kept out of any error, and
// wraps the next step.
template <typename StateJson>
Result<FlowStep> advance(StateJson&& input, const HttpResponse* response, std::optional<bool> verified,
                         std::int64_t now, RandomSource& random) {
  SSOKIT_TRY(Json state, unwrapped(std::forward<StateJson>(input)));
  const std::vector<std::string> secrets = secrets_of(state);
  const KnownSecrets known(secrets);
  auto step = enveloped(transition(std::move(state), response, verified, now, random));
  if (!step.ok()) return redact_secrets(step.take_error(), secrets);
  return step;
}

}  // namespace

Result<FlowStep> flow_verified(const Json& input, bool verified, std::int64_t now, RandomSource& random) {
  return advance(input, nullptr, verified, now, random);
}

Result<FlowStep> flow_verified(FlowStep&& previous, bool verified, std::int64_t now, RandomSource& random) {
  return advance(std::move(previous.state), nullptr, verified, now, random);
}

Result<FlowStep> flow_step(const Json& input, const HttpResponse& response, std::int64_t now, RandomSource& random) {
  return advance(input, &response, std::nullopt, now, random);
}

Result<FlowStep> flow_step(FlowStep&& previous, const HttpResponse& response, std::int64_t now, RandomSource& random) {
  Json& state = previous.state;
  // The device flow's "not yet" answers (most of its steps) repeat the same request: no need to
  // re-read the client and provider from the state and build it again, so polling stays cheap.
  // A request with a client assertion is built anew instead: its jti is single use.
  if (previous.request && step_state_machine(state) == "device" && json_string(state, "phase") == std::optional<std::string>("poll") &&
      member(member(state, "data"), "device").is_object() && previous.request->sign.empty() &&
      previous.request->body.find("client_assertion=") == std::string::npos) {
    auto poll = process_device_token_response(response, now);
    const bool waiting = poll.ok() && poll->status != DevicePollStatus::authorized;
    if (waiting) {
      Json& data = state["data"];
      if (poll->status == DevicePollStatus::slow_down) slow_down(data);
      auto interval = count_poll(data, now);
      if (!interval.ok()) return interval.take_error();
      SSOKIT_CHECK(spend_request(state));
      previous.wait_seconds = interval.value();
      return std::move(previous);
    }
  }
  return advance(std::move(state), &response, std::nullopt, now, random);
}

}  // namespace ssokit
