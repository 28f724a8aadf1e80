// org: the administration calls (server build only: they carry the organization's API key).
// Each returns the first step; "org.step" (here: every operation) advances it.
#include <iterator>

#include "api_internal.hpp"
#include "ssokit/platforms/org.hpp"

namespace ssokit::api {

Result<org::Connection> org_connection_from_json(const Json& p);  // api_org.cpp

namespace {

// {base, organization_id, api_key, bearer?, max_retries?, max_wait?}
Result<org::Admin> admin_from_json(const Json& p) {
  org::Admin a;
  SSOKIT_TRY(a.connection, org_connection_from_json(p));
  SSOKIT_TRY(a.organization_id, need_string(p, "organization_id"));
  SSOKIT_TRY(a.api_key, need_string(p, "api_key"));
  if (const Json* b = json_member(p, "bearer"); b != nullptr && !b->is_null()) {
    if (!b->is_boolean()) return bad_param("bearer", "must be a boolean");
    a.bearer = b->get<bool>();
  }
  return a;
}

Result<bool> opt_bool(const Json& p, std::string_view name) {
  const Json* v = json_member(p, name);
  if (v == nullptr || v->is_null()) return false;
  if (!v->is_boolean()) return bad_param(name, "must be a boolean");
  return v->get<bool>();
}

Result<Json> as_step(Result<FlowStep> step) {
  if (!step.ok()) return step.take_error();
  return step_to_json(step.value());
}

Result<Json> m_sso_set(const Json& p) {
  SSOKIT_TRY(org::Admin admin, admin_from_json(p));
  org::SsoSettings s;
  // Missing fields stay empty: validate_sso_settings names them with the platform's field names.
  s.provider = opt_string(p, "provider");
  s.issuer_url = opt_string(p, "issuer_url");
  s.client_id = opt_string(p, "client_id");
  s.client_secret = opt_string(p, "client_secret");
  SSOKIT_TRY(s.force, opt_bool(p, "force"));
  return as_step(org::sso_set(admin, s));
}

Result<Json> m_sso_delete(const Json& p) {
  SSOKIT_TRY(org::Admin admin, admin_from_json(p));
  SSOKIT_TRY(bool force, opt_bool(p, "force"));
  return as_step(org::sso_delete(admin, force));
}

Result<Json> m_sso_test(const Json& p) {
  SSOKIT_TRY(org::Admin admin, admin_from_json(p));
  return as_step(org::sso_test(admin));
}

Result<Json> m_domain_add(const Json& p) {
  SSOKIT_TRY(org::Admin admin, admin_from_json(p));
  SSOKIT_TRY(std::string domain, need_string(p, "domain"));
  return as_step(org::domain_add(admin, domain));
}

Result<Json> m_domain_verify(const Json& p) {
  SSOKIT_TRY(org::Admin admin, admin_from_json(p));
  SSOKIT_TRY(std::string id, need_string(p, "domain_id"));
  return as_step(org::domain_verify(admin, id));
}

Result<Json> m_security(const Json& p) {
  SSOKIT_TRY(org::Admin admin, admin_from_json(p));
  SSOKIT_TRY(std::string required, need_string(p, "auth_required"));
  org::SecuritySettings s;
  SSOKIT_TRY(s.auth_required, org::parse_auth_required(required));
  SSOKIT_TRY(s.require_mfa, opt_bool(p, "require_mfa"));
  SSOKIT_TRY(s.force, opt_bool(p, "force"));
  return as_step(org::set_security(admin, s));
}

// Every operation's step (the browser table's "org.step" advances identify only).
Result<Json> m_step(const Json& p) { return step_method(p, org_step); }

const Method kMethods[] = {
    {"org.step", m_step},
    {"org.sso_set", m_sso_set},           {"org.sso_delete", m_sso_delete},       {"org.sso_test", m_sso_test},
    {"org.domain_add", m_domain_add},     {"org.domain_verify", m_domain_verify}, {"org.security", m_security},
};

}  // namespace

MethodTable org_server_methods() { return {kMethods, std::size(kMethods)}; }

}  // namespace ssokit::api
