// streamone: calls that need the platform secret (server build only). Every StreamOne request is
// signed with the application's pre-shared key; the operations are step machines driven with
// "streamone.step" (runSteps in JavaScript, ssokit_run in C, drive_steps natively).
#include <iterator>

#include "api_internal.hpp"
#include "ssokit/platforms/streamone.hpp"

namespace ssokit::api {

namespace {

Result<std::optional<std::string>> opt_param(const Json& p, std::string_view name) {
  const Json* v = json_member(p, name);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return bad_param(name, "must be a string");
  return std::optional<std::string>(v->get<std::string>());
}

// {server, application, application_key, account?, customer?, timezone?}; with
// authentication_type "user" (streamone.request only): {user, user_key} instead.
Result<streamone::Credentials> credentials(const Json& p, bool allow_user) {
  streamone::Credentials c;
  SSOKIT_TRY(c.server, need_string(p, "server"));
  const std::string type = opt_string(p, "authentication_type", "application");
  if (type == "user" && allow_user) {
    c.actor = streamone::ActorType::user;
    SSOKIT_TRY(c.actor_id, need_string(p, "user"));
    SSOKIT_TRY(c.key, need_string(p, "user_key"));
  } else if (type == "application") {
    SSOKIT_TRY(c.actor_id, need_string(p, "application"));
    SSOKIT_TRY(c.key, need_string(p, "application_key"));
  } else {
    return bad_param("authentication_type", allow_user ? "must be \"application\" or \"user\"" : "must be \"application\"");
  }
  SSOKIT_TRY(c.account, opt_param(p, "account"));
  SSOKIT_TRY(c.customer, opt_param(p, "customer"));
  SSOKIT_TRY(c.timezone, opt_param(p, "timezone"));
  if (c.account && c.customer) return bad_param("account", "and customer are mutually exclusive: give one of them");
  return c;
}

Result<std::vector<std::string>> string_list(const Json& p, std::string_view name) {
  std::vector<std::string> out;
  const Json* v = json_member(p, name);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) return bad_param(name, "must be an array of strings");
  for (const auto& item : *v) {
    if (!item.is_string() || item.get<std::string>().empty()) return bad_param(name, "must be an array of non-empty strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<bool> opt_bool(const Json& p, std::string_view name) {
  const Json* v = json_member(p, name);
  if (v == nullptr || v->is_null()) return false;
  if (!v->is_boolean()) return bad_param(name, "must be true or false");
  return v->get<bool>();
}

// Any signed call: {credentials..., command, action, arguments?, session?: {id, key}, now} ->
// {request, timestamp}. The answer goes to streamone.parse_envelope.
Result<Json> m_request(const Json& p) {
  SSOKIT_TRY(streamone::Credentials c, credentials(p, true));
  streamone::Call call;
  SSOKIT_TRY(call.command, need_string(p, "command"));
  SSOKIT_TRY(call.action, need_string(p, "action"));
  if (const Json* a = json_member(p, "arguments")) {
    auto arguments = streamone::arguments_from_json(*a);
    if (!arguments.ok()) return bad_param("arguments", "must be an object of strings, numbers, booleans or lists of those");
    call.arguments = std::move(arguments).value();
  }
  if (const Json* s = json_member(p, "session"); s != nullptr && !s->is_null()) {
    auto id = json_string_at(*s, "id");
    auto key = json_string_at(*s, "key");
    if (!id || !key) return bad_param("session", "must be {id, key} (strings)");
    call.session = streamone::SessionAuth{*id, *key};
  }
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(streamone::SignedRequest signed_request, streamone::build_request(c, call, now));
  Json out = Json::object();
  out.set("request", request_to_json(signed_request.request));
  out.set("timestamp", signed_request.timestamp);
  return out;
}

Result<Json> m_login(const Json& p) {
  SSOKIT_TRY(streamone::Credentials c, credentials(p, false));
  streamone::LoginOptions options;
  SSOKIT_TRY(options.service, need_string(p, "service"));
  SSOKIT_TRY(options.response, need_string(p, "response"));
  if (const Json* u = json_member(p, "create_user"); u != nullptr && !u->is_null()) {
    if (!u->is_object()) return bad_param("create_user", "must be an object of user/create arguments");
    options.create_user = *u;
  }
  SSOKIT_TRY(options.roles, string_list(p, "roles"));
  SSOKIT_TRY(options.replace_token, opt_bool(p, "replace_token"));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(FlowStep step, streamone::login(c, options, now));
  return step_to_json(step);
}

Result<Json> m_create_with_sso(const Json& p) {
  SSOKIT_TRY(streamone::Credentials c, credentials(p, false));
  SSOKIT_TRY(std::string service, need_string(p, "service"));
  SSOKIT_TRY(std::string response, need_string(p, "response"));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(FlowStep step, streamone::create_with_sso(c, service, response, now));
  return step_to_json(step);
}

Result<Json> m_link_token(const Json& p) {
  SSOKIT_TRY(streamone::Credentials c, credentials(p, false));
  SSOKIT_TRY(std::string user, need_string(p, "user"));
  SSOKIT_TRY(std::string service, need_string(p, "service"));
  SSOKIT_TRY(std::string response, need_string(p, "response"));
  SSOKIT_TRY(bool replace_token, opt_bool(p, "replace_token"));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(FlowStep step, streamone::link_token(c, user, service, response, replace_token, now));
  return step_to_json(step);
}

Result<Json> m_clear_token(const Json& p) {
  SSOKIT_TRY(streamone::Credentials c, credentials(p, false));
  SSOKIT_TRY(std::string user, need_string(p, "user"));
  SSOKIT_TRY(std::string service, need_string(p, "service"));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(FlowStep step, streamone::clear_token(c, user, service, now));
  return step_to_json(step);
}

Result<Json> m_create_user(const Json& p) {
  SSOKIT_TRY(streamone::Credentials c, credentials(p, false));
  const Json* u = json_member(p, "create_user");
  if (u == nullptr || !u->is_object()) return bad_param("create_user", "is required: an object of user/create arguments");
  SSOKIT_TRY(std::vector<std::string> roles, string_list(p, "roles"));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(FlowStep step, streamone::create_user(c, *u, roles, now));
  return step_to_json(step);
}

Result<Json> m_step(const Json& p) { return step_method(p, streamone_step); }

const Method kMethods[] = {
    {"streamone.request", m_request},         {"streamone.login", m_login},
    {"streamone.create_with_sso", m_create_with_sso}, {"streamone.link_token", m_link_token},
    {"streamone.clear_token", m_clear_token}, {"streamone.create_user", m_create_user},
    {"streamone.step", m_step},
};

}  // namespace

MethodTable streamone_server_methods() { return {kMethods, std::size(kMethods)}; }

}  // namespace ssokit::api
