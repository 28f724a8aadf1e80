// twentythree: calls that need the site's OAuth credentials (server build only): get-token and the
// opt-in back-end login as step machines, and plain OAuth 1.0a signing of any API call.
#include <iterator>
#include <memory>

#include "api_internal.hpp"
#include "ssokit/platforms/twentythree.hpp"

namespace ssokit::api {

namespace {

using twentythree::OAuth1Credentials;
using twentythree::OAuth1Placement;
using twentythree::SiteOptions;

// params.credentials = {consumer_key, consumer_secret, access_token, access_token_secret}.
Result<OAuth1Credentials> credentials_from_json(const Json& p) {
  const Json* c = json_member(p, "credentials");
  if (c == nullptr || !c->is_object()) {
    return bad_param("credentials", "is required: {consumer_key, consumer_secret, access_token, access_token_secret}");
  }
  OAuth1Credentials out;
  SSOKIT_TRY(out.consumer_key, need_string(*c, "consumer_key"));
  SSOKIT_TRY(out.consumer_secret, need_string(*c, "consumer_secret"));
  SSOKIT_TRY(out.token, need_string(*c, "access_token"));
  SSOKIT_TRY(out.token_secret, need_string(*c, "access_token_secret"));
  return out;
}

Result<OAuth1Placement> placement_from_json(const Json& p) {
  const std::string v = opt_string(p, "placement", "header");
  if (v == "header") return OAuth1Placement::header;
  if (v == "body") return OAuth1Placement::body;
  if (v == "query") return OAuth1Placement::query;
  return bad_param("placement", "must be \"header\", \"body\" or \"query\"");
}

Result<SiteOptions> site_options(const Json& p) {
  SiteOptions o;
  SSOKIT_TRY(o.site, need_string(p, "site"));
  SSOKIT_TRY(o.credentials, credentials_from_json(p));
  const std::string format = opt_string(p, "format", "json");
  if (format != "json" && format != "xml") return bad_param("format", "must be \"json\" or \"xml\"");
  o.format = format == "json" ? twentythree::ResponseFormat::json : twentythree::ResponseFormat::xml;
  o.method = opt_string(p, "method", "POST");
  SSOKIT_TRY(o.placement, placement_from_json(p));
  return o;
}

std::optional<std::string> opt_text(const Json& p, std::string_view name) { return json_string(p, name); }

// The call's random source (call_random: the host's bytes or the system generator).
template <class F>
Result<Json> with_random(const Json& p, F&& run) {
  SSOKIT_TRY(auto rng, call_random(p));
  return run(*rng);
}

// {site, credentials, return_url, email?, full_name?, format?, method?, placement?, now, random?}
// -> {state, request}; then twentythree.step -> {state, result: {redirect_url, return_url, expires_at}}.
Result<Json> m_get_token(const Json& p) {
  SSOKIT_TRY(SiteOptions options, site_options(p));
  twentythree::GetTokenParams params;
  SSOKIT_TRY(params.return_url, need_string(p, "return_url"));
  params.email = opt_text(p, "email");
  params.full_name = opt_text(p, "full_name");
  SSOKIT_TRY(std::int64_t now, need_now(p));
  return with_random(p, [&](RandomSource& random) -> Result<Json> {
    SSOKIT_TRY(FlowStep step, twentythree::get_token(options, params, random, now));
    return step_to_json(step);
  });
}

// {site, credentials, user_id, return_url?, allow_backend_login: true, ...} -> {state, request}.
Result<Json> m_login_token(const Json& p) {
  SSOKIT_TRY(SiteOptions options, site_options(p));
  twentythree::LoginTokenParams params;
  params.allow_backend_login = json_bool(p, "allow_backend_login").value_or(false);
  if (auto id = json_int(p, "user_id")) {
    params.user_id = std::to_string(*id);
  } else {
    SSOKIT_TRY(params.user_id, need_string(p, "user_id"));
  }
  params.return_url = opt_text(p, "return_url");
  SSOKIT_TRY(std::int64_t now, need_now(p));
  return with_random(p, [&](RandomSource& random) -> Result<Json> {
    SSOKIT_TRY(FlowStep step, twentythree::get_login_token(options, params, random, now));
    return step_to_json(step);
  });
}

Result<Json> m_step(const Json& p) { return step_method(p, twentythree_step); }

// Any TwentyThree API call, signed: {url, method?, params?, placement?, credentials, now, nonce?,
// random?} -> the request. `nonce` (for published test vectors) replaces the random one.
Result<Json> m_sign(const Json& p) {
  twentythree::OAuth1Request request;
  SSOKIT_TRY(request.url, need_string(p, "url"));
  request.method = opt_string(p, "method", "POST");
  if (const Json* params = json_member(p, "params")) {
    SSOKIT_TRY(request.params, params_from_json(*params, "params"));
  }
  SSOKIT_TRY(request.placement, placement_from_json(p));
  SSOKIT_TRY(OAuth1Credentials credentials, credentials_from_json(p));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  if (auto nonce = json_string_at(p, "nonce")) {
    SSOKIT_TRY(HttpRequest r, twentythree::oauth1_sign(request, credentials, *nonce, now));
    return request_to_json(r);
  }
  return with_random(p, [&](RandomSource& random) -> Result<Json> {
    SSOKIT_TRY(HttpRequest r, twentythree::oauth1_sign(request, credentials, random, now));
    return request_to_json(r);
  });
}

const Method kMethods[] = {
    {"twentythree.get_token", m_get_token},
    {"twentythree.login_token", m_login_token},
    {"twentythree.step", m_step},
    {"twentythree.sign", m_sign},
};

}  // namespace

MethodTable twentythree_server_methods() { return {kMethods, std::size(kMethods)}; }

}  // namespace ssokit::api
