// JSON methods for the client policy that has no step machine of its own: ending a session
// (signout.hpp). The other policy methods (callback.match, session.fresh, device.retry) sit
// beside the flows they serve.
#include "api_internal.hpp"
#include "ssokit/signout.hpp"

namespace ssokit::api {
namespace {

// {client, provider? (absent or null: offline), session?, revoke?, logout?,
//  post_logout_redirect_uri?, state?, now?} -> {forget: true, revoke: request | null, logout_url: url | null}.
Result<Json> m_signout_plan(const Json& p) {
  SSOKIT_TRY(ClientConfig client, client_from_json(p));
  std::optional<ProviderMetadata> provider;
  if (const Json* m = json_member(p, "provider"); m != nullptr && !m->is_null()) {
    SSOKIT_TRY(provider, provider_from_json(p));
  }
  std::optional<Session> session;
  if (const Json* s = json_member(p, "session"); s != nullptr && !s->is_null()) {
    SSOKIT_TRY(session, Session::from_json(*s));
  }
  SignOutRequest request;
  request.revoke = json_bool(p, "revoke").value_or(false);
  request.logout = json_bool(p, "logout").value_or(false);
  request.post_logout_redirect_uri = opt_string(p, "post_logout_redirect_uri");
  request.state = opt_string(p, "state");
  SSOKIT_TRY(SignOutPlan plan, plan_sign_out(client, provider, session, request, json_int(p, "now").value_or(0)));
  Json out = Json::object();
  out.set("forget", plan.forget);
  out.set("revoke", plan.revoke ? request_to_json(*plan.revoke) : Json(nullptr));
  out.set("logout_url", plan.logout_url ? Json(*plan.logout_url) : Json(nullptr));
  return out;
}

constexpr Method kPolicyMethods[] = {
    {"signout.plan", m_signout_plan},
};

}  // namespace

MethodTable policy_methods() { return {kPolicyMethods, sizeof kPolicyMethods / sizeof kPolicyMethods[0]}; }

}  // namespace ssokit::api
