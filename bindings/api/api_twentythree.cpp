// twentythree: browser-safe calls (no secret involved): the remote login page's return_url check
// and the redeem URLs. The signed calls are in api_twentythree_server.cpp.
#include <iterator>

#include "api_internal.hpp"
#include "ssokit/platforms/twentythree.hpp"

namespace ssokit::api {

namespace {

// {return_url} -> {return_url} when it is a relative path on the site; else invalid_return_url.
Result<Json> m_validate_return_url(const Json& p) {
  SSOKIT_TRY(std::string candidate, need_string(p, "return_url"));
  SSOKIT_TRY(std::string ok, twentythree::validate_return_url(candidate));
  Json out = Json::object();
  out.set("return_url", ok);
  return out;
}

// {site, session_token} -> {redirect_url}: where the browser goes to redeem a get-token answer.
Result<Json> m_redeem_url(const Json& p) {
  SSOKIT_TRY(std::string site, need_string(p, "site"));
  SSOKIT_TRY(std::string token, need_string(p, "session_token"));
  SSOKIT_TRY(std::string url, twentythree::redeem_url(site, token));
  Json out = Json::object();
  out.set("redirect_url", url);
  return out;
}

// {site, login_token} -> {redirect_url}: the back-end login's redeem URL.
Result<Json> m_redeem_login_url(const Json& p) {
  SSOKIT_TRY(std::string site, need_string(p, "site"));
  SSOKIT_TRY(std::string token, need_string(p, "login_token"));
  SSOKIT_TRY(std::string url, twentythree::redeem_login_url(site, token));
  Json out = Json::object();
  out.set("redirect_url", url);
  return out;
}

const Method kMethods[] = {
    {"twentythree.validate_return_url", m_validate_return_url},
    {"twentythree.redeem_url", m_redeem_url},
    {"twentythree.redeem_login_url", m_redeem_login_url},
};

}  // namespace

MethodTable twentythree_methods() { return {kMethods, std::size(kMethods)}; }

}  // namespace ssokit::api
