// org: browser-safe calls (no secret): where an e-mail signs in, the SSO login URL, and the step
// function every org operation shares (docs/platforms/org.md).
#include <algorithm>
#include <iterator>

#include "api_internal.hpp"
#include "ssokit/platforms/org.hpp"

namespace ssokit::api {

// {base, max_retries?, max_wait?}; shared with api_org_server.cpp.
Result<org::Connection> org_connection_from_json(const Json& p) {
  org::Connection c;
  SSOKIT_TRY(c.base, need_string(p, "base"));
  if (const Json* v = json_member(p, "max_retries"); v != nullptr && !v->is_null()) {
    auto n = json_int(p, "max_retries");
    if (!n || *n < 0) return bad_param("max_retries", "must be a non-negative integer");
    c.max_retries = static_cast<int>(std::min<std::int64_t>(*n, org::kMaxRetries));
  }
  if (const Json* v = json_member(p, "max_wait"); v != nullptr && !v->is_null()) {
    auto n = json_int(p, "max_wait");
    if (!n || *n < 0) return bad_param("max_wait", "must be a non-negative integer (seconds)");
    c.max_wait = std::min<std::int64_t>(*n, org::kMaxWaitSeconds);
  }
  return c;
}

namespace {

// {base, email} -> a step (identify request); {base, slug} -> a step with the result at once.
Result<Json> m_login_url(const Json& p) {
  SSOKIT_TRY(org::Connection c, org_connection_from_json(p));
  const auto email = json_string_at(p, "email");
  const auto slug = json_string_at(p, "slug");
  if ((email != nullptr) == (slug != nullptr)) return bad_param("email", "or \"slug\" is required (exactly one of them)");
  if (slug) {
    SSOKIT_TRY(std::string url, org::sso_login_url(c.base, *slug));
    FlowStep done;
    done.state = json_object("v", 1, "op", "identify", "done", true);
    done.result = json_object("login_url", url, "slug", *slug);  // no method: nothing was asked
    return step_to_json(done);
  }
  SSOKIT_TRY(FlowStep step, org::login_route(c, *email, opt_string(p, "identify_path", "/api/auth/identify")));
  return step_to_json(step);
}

Result<Json> m_callback_url(const Json& p) {
  SSOKIT_TRY(std::string base, need_string(p, "base"));
  SSOKIT_TRY(std::string url, org::sso_callback_url(base));
  Json out = Json::object();
  out.set("callback_url", url);
  return out;
}

Result<Json> m_normalize_email(const Json& p) {
  SSOKIT_TRY(std::string email, need_string(p, "email"));
  SSOKIT_TRY(std::string normalized, org::normalize_email(email));
  Json out = Json::object();
  out.set("email", normalized);
  out.set("domain", normalized.substr(normalized.rfind('@') + 1));
  return out;
}

// The browser's step: identify only (the server build's table replaces it with org_step).
Result<Json> m_step(const Json& p) { return step_method(p, org_identify_step); }

const Method kMethods[] = {
    {"org.login_url", m_login_url},
    {"org.callback_url", m_callback_url},
    {"org.normalize_email", m_normalize_email},
    {"org.step", m_step},
};

}  // namespace

MethodTable org_methods() { return {kMethods, std::size(kMethods)}; }

}  // namespace ssokit::api
