// JSON methods for the multi-request flows (sign-in completion, refresh) as step machines:
// JavaScript sends each step's request with fetch and feeds the response to flow.step.
#include "api_internal.hpp"
#include "ssokit/session.hpp"

namespace ssokit::api {

Result<SignInOptions> signin_options(const Json& p) {
  SignInOptions o;
  const Json* opts = json_member(p, "options");
  if (opts == nullptr || opts->is_null()) return o;
  if (!opts->is_object()) return bad_param("options", "must be an object");
  if (auto v = json_bool(*opts, "fetch_userinfo")) o.fetch_userinfo = *v;
  if (const Json* m = json_member(*opts, "profile_mapping"); m != nullptr && !m->is_null()) o.profile_mapping = *m;
  if (const Json* e = json_member(*opts, "profile_endpoint"); e != nullptr && !e->is_null()) {
    if (!e->is_string()) return bad_param("options.profile_endpoint", "must be a URL string");
    o.profile_endpoint = e->get<std::string>();
  }
  if (const Json* j = json_member(*opts, "jwks"); j != nullptr && j->is_object()) o.jwks = *j;
  if (auto v = json_int(*opts, "jwks_fetched_at")) o.jwks_fetched_at = *v;
  if (auto v = json_int(*opts, "jwks_unknown_kid_at")) o.jwks_unknown_kid_at = *v;
  if (auto v = json_int(*opts, "jwks_refetch_interval")) o.jwks_refetch_interval = *v;
  if (const Json* k = json_member(*opts, "dpop"); k != nullptr && !k->is_null()) {
    SSOKIT_TRY(o.dpop, DpopKey::from_json(*k));
  }
  if (const Json* n = json_member(*opts, "dpop_nonces"); n != nullptr && !n->is_null()) {
    if (!n->is_object()) return bad_param("options.dpop_nonces", "must be an object (origin -> nonce)");
    o.dpop_nonces = *n;
  }
  return o;
}

Result<HttpRequest> request_from_json(const Json& r, std::string_view name) {
  if (!r.is_object()) return bad_param(name, "must be an object {method, url, headers?, body?}");
  HttpRequest request;
  request.method = json_string(r, "method").value_or("GET");
  request.url = json_text(r, "url");
  request.body = json_text(r, "body");
  if (auto idempotent = json_bool(r, "idempotent")) request.idempotent = *idempotent;
  if (const Json* h = json_member(r, "headers"); h != nullptr && !h->is_null()) {
    SSOKIT_TRY(request.headers, params_from_json(*h, std::string(name) + ".headers"));
  }
  SSOKIT_TRY(request.sign, sign_from_json(json_member(r, "sign")));
  return request;
}

Json step_to_json(const FlowStep& step) {
  Json j = Json::object();
  j.set("state", step.state);
  if (step.request) j["request"] = request_to_json(*step.request);
  if (step.verify) j["verify"] = step.verify->to_json();
  if (step.result) j["result"] = *step.result;
  if (step.wait_seconds > 0) j["wait_seconds"] = step.wait_seconds;  // device flow polls
  return j;
}

Result<FlowStep> step_from_json(const Json& j) {
  if (!j.is_object() || !j.contains("state")) return make_error(ErrorCode::internal_error, "a step must be an object with a state");
  FlowStep step;
  step.state = j["state"];
  if (const Json* r = json_member(j, "result")) step.result = *r;
  if (const Json* r = json_member(j, "request"); r != nullptr && r->is_object()) {
    SSOKIT_TRY(step.request, request_from_json(*r, "request"));
  }
  step.wait_seconds = json_int(j, "wait_seconds").value_or(0);
  return step;
}

Result<Json> step_method(const Json& p, const StepFunction& step_fn) {
  const Json* state = json_member(p, "state");
  if (state == nullptr) return bad_param("state", "is required (from the previous step)");
  SSOKIT_TRY(HttpResponse response, response_from_json(p));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(FlowStep step, step_fn(*state, response, now));
  return step_to_json(step);
}

namespace {

Result<Json> m_signin_start(const Json& p) {
  SSOKIT_TRY(ClientConfig client, client_from_json(p));
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  SSOKIT_TRY(Transaction tx, transaction_from_json(p));
  SSOKIT_TRY(std::string url, need_string(p, "url"));
  SSOKIT_TRY(SignInOptions options, signin_options(p));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(auto rng, call_random(p));  // the DPoP proofs' jti (a page passes its host's bytes)
  SSOKIT_TRY(FlowStep step, signin_flow(client, provider, tx, url, options, now, *rng));
  return step_to_json(step);
}

Result<Json> m_refresh_start(const Json& p) {
  SSOKIT_TRY(ClientConfig client, client_from_json(p));
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  const Json* s = json_member(p, "session");
  if (s == nullptr) return bad_param("session", "is required");
  SSOKIT_TRY(Session session, Session::from_json(*s));
  SSOKIT_TRY(SignInOptions options, signin_options(p));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(auto rng, call_random(p));
  SSOKIT_TRY(FlowStep step, refresh_flow(client, provider, session, options, now, *rng));
  return step_to_json(step);
}

// {state, response, now} after a request, or {state, verified: bool, now} after a verify effect.
Result<Json> m_flow_step(const Json& p) {
  if (json_member(p, "verified") != nullptr) {
    const Json* state = json_member(p, "state");
    if (state == nullptr) return bad_param("state", "is required (from the previous step)");
    auto verified = json_bool(p, "verified");
    if (!verified) return bad_param("verified", "must be true or false (the host's signature check)");
    SSOKIT_TRY(std::int64_t now, need_now(p));
    const std::string kind = json_text(*state, "kind");
    if (kind == "jws") return step_to_json(jws_verified(*state, *verified));
    if (kind == "userinfo") {
      SSOKIT_TRY(FlowStep step, userinfo_verified(*state, *verified));
      return step_to_json(step);
    }
    SSOKIT_TRY(auto rng, call_random(p));
    SSOKIT_TRY(FlowStep step,
               kind == "id_token" ? id_token_verified(*state, *verified) : flow_verified(*state, *verified, now, *rng));
    return step_to_json(step);
  }
  SSOKIT_TRY(auto rng, call_random(p));  // a DPoP flow's next proof takes 16 bytes; a retry 16 more
  RandomSource& random = *rng;
  return step_method(p, [&random](const Json& state, const HttpResponse& response, std::int64_t now) {
    return flow_step(state, response, now, random);
  });
}

std::optional<std::string> optional_text(const Json& p, std::string_view name) {
  auto v = json_string_at(p, name);
  return v ? std::optional<std::string>(*v) : std::nullopt;
}

// {state} -> {"key": "tx.<state>" or null}: the pending sign-in a callback's state names.
Result<Json> m_callback_pending_key(const Json& p) {
  SSOKIT_TRY(std::string state, need_string(p, "state"));
  auto key = pending_key(state);
  Json out = Json::object();
  out.set("key", key ? Json(*key) : Json(nullptr));
  return out;
}

// {state, stored?, latest?} -> {remove: [keys], transaction?} or {remove, error: {code, message}}:
// the driver removes first, then goes on or fails.
Result<Json> m_callback_match(const Json& p) {
  SSOKIT_TRY(std::string state, need_string(p, "state"));
  CallbackMatch match = match_callback(state, optional_text(p, "stored"), optional_text(p, "latest"));
  Json remove = Json::array();
  for (const auto& key : match.remove) remove.push_back(key);
  Json out = Json::object();
  out.set("remove", std::move(remove));
  if (match.transaction) out["transaction"] = match.transaction->to_json();
  if (match.error) out["error"] = json_object("code", match.error->code_name(), "message", match.error->message);
  return out;
}

// {session, now, leeway?} -> {"fresh": bool} (access_token_fresh).
Result<Json> m_session_fresh(const Json& p) {
  const Json* s = json_member(p, "session");
  if (s == nullptr) return bad_param("session", "is required");
  SSOKIT_TRY(Session session, Session::from_json(*s));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  Json out = Json::object();
  out.set("fresh", access_token_fresh(session, now, json_int(p, "leeway").value_or(60)));
  return out;
}

constexpr Method kFlowMethods[] = {
    {"callback.pending_key", m_callback_pending_key},
    {"callback.match", m_callback_match},
    {"session.fresh", m_session_fresh},
    {"signin.start", m_signin_start},
    {"refresh.start", m_refresh_start},
    {"flow.step", m_flow_step},
};

}  // namespace

MethodTable flow_methods() { return {kFlowMethods, sizeof kFlowMethods / sizeof kFlowMethods[0]}; }

}  // namespace ssokit::api
