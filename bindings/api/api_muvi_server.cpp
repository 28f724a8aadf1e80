// muvi: calls that need the platform secret (server build only). Every Muvi call needs the
// store's auth token or the JWT secret shared with the store (docs/platforms/muvi.md).
//
//   muvi.register_user {store, auth_token, email, name?}            -> step
//   muvi.get_user_uuid {store, auth_token, email}                   -> step
//   muvi.ensure_user   {store, auth_token, email, name?}            -> step
//   muvi.step          {state, response, now}                       -> step
//   muvi.autologin_url     {store, jwt_secret, user_uuid, email, name?, referrer_url?, ttl?,
//                       array_payload?, issuer_claim?, audience_claim?, extra_claims?, now}
//                      -> {url, expires_at}
#include <iterator>

#include "api_internal.hpp"
#include "ssokit/platforms/muvi.hpp"

namespace ssokit::api {

namespace {

Result<std::string> optional_string(const Json& p, std::string_view name) {
  const Json* v = json_member(p, name);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) return bad_param(name, "must be a string");
  return v->get<std::string>();
}

Result<MuviUserRequest> user_request(const Json& p, bool with_name) {
  MuviUserRequest r;
  SSOKIT_TRY(r.store, need_string(p, "store"));
  SSOKIT_TRY(r.auth_token, need_string(p, "auth_token"));
  SSOKIT_TRY(r.email, need_string(p, "email"));
  if (with_name) {
    SSOKIT_TRY(r.name, optional_string(p, "name"));
  }
  return r;
}

Result<Json> m_register_user(const Json& p) {
  SSOKIT_TRY(MuviUserRequest r, user_request(p, true));
  SSOKIT_TRY(FlowStep step, muvi_register_user(r));
  return step_to_json(step);
}

Result<Json> m_get_user_uuid(const Json& p) {
  SSOKIT_TRY(MuviUserRequest r, user_request(p, false));
  SSOKIT_TRY(FlowStep step, muvi_get_user_uuid(r));
  return step_to_json(step);
}

Result<Json> m_ensure_user(const Json& p) {
  SSOKIT_TRY(MuviUserRequest r, user_request(p, true));
  SSOKIT_TRY(FlowStep step, muvi_ensure_user(r));
  return step_to_json(step);
}

Result<Json> m_step(const Json& p) { return step_method(p, muvi_step); }

Result<Json> m_login_url(const Json& p) {
  MuviLoginOptions o;
  SSOKIT_TRY(o.store, need_string(p, "store"));
  SSOKIT_TRY(o.jwt_secret, need_string(p, "jwt_secret"));
  SSOKIT_TRY(o.user_uuid, need_string(p, "user_uuid"));
  SSOKIT_TRY(o.email, need_string(p, "email"));
  SSOKIT_TRY(o.name, optional_string(p, "name"));
  SSOKIT_TRY(o.referrer_url, optional_string(p, "referrer_url"));
  if (const Json* ttl = json_member(p, "ttl"); ttl != nullptr && !ttl->is_null()) {
    auto v = json_int(p, "ttl");
    if (!v) return bad_param("ttl", "must be an integer number of seconds");
    o.ttl = *v;
  }
  if (const Json* array = json_member(p, "array_payload"); array != nullptr && !array->is_null()) {
    if (!array->is_boolean()) return bad_param("array_payload", "must be true or false");
    o.array_payload = array->get<bool>();
  }
  if (auto v = json_string_at(p, "issuer_claim")) o.issuer_claim = *v;
  if (auto v = json_string_at(p, "audience_claim")) o.audience_claim = *v;
  if (const Json* extra = json_member(p, "extra_claims")) o.extra_claims = *extra;
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(MuviLoginUrl link, muvi_login_url(o, now));
  Json out = Json::object();
  out.set("url", link.url);
  out.set("expires_at", link.expires_at);
  return out;
}

const Method kMethods[] = {
    {"muvi.register_user", m_register_user}, {"muvi.get_user_uuid", m_get_user_uuid},
    {"muvi.ensure_user", m_ensure_user},     {"muvi.step", m_step},
    {"muvi.autologin_url", m_login_url},
};

}  // namespace

MethodTable muvi_server_methods() { return {kMethods, std::size(kMethods)}; }

}  // namespace ssokit::api
