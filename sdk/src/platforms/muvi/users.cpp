// Muvi store user API (seed 002): RegisterUser and GetUserUuid, their answers by numeric code, and
// register-or-look-up as a step machine.
#include <array>

#include "muvi_internal.hpp"
#include "ssokit/platforms/muvi.hpp"
#include "ssokit/redact.hpp"
#include "ssokit/step_state.hpp"

namespace ssokit {
namespace {

constexpr const char* kRegisterPath = "/en/rest/RegisterUser";
constexpr const char* kLookupPath = "/en/rest/GetUserUuid";
constexpr std::size_t kMaxAuthToken = 1024;
constexpr std::size_t kMaxPlatformMsg = 200;

struct CodeMeaning {
  int code;
  const char* message;  // what happened and what to do
};

// The seed's error tables, one per endpoint (408 is in both, worded differently by Muvi).
constexpr std::array<CodeMeaning, 5> kRegisterCodes = {{
    {407, "the store did not receive its auth token (407 Oauth Token required): send the authToken from the Muvi "
          "admin (Settings > Advanced)"},
    {408, "the store refused the auth token (408 Invalid Oauth Token): copy the current authToken from the Muvi "
          "admin (Settings > Advanced)"},
    {417, "the store wants a valid e-mail address and name (417): check both before registering the user"},
    {421, "the store could not register the user (421 Error in registration): try again later; if it persists, "
          "ask Muvi support"},
    {422, "this e-mail address is already registered on the store (422): look its user_uuid up with GetUserUuid "
          "(muvi.ensure_user does both)"},
}};
constexpr std::array<CodeMeaning, 3> kLookupCodes = {{
    {682, "the store has no user with this e-mail address (682 No data found): register the user first "
          "(RegisterUser, or muvi.ensure_user)"},
    {757, "the store did not receive the e-mail address (757 Email required): send the e-mail of the user to look "
          "up"},
    {408, "the store refused the auth token (408 Invalid authToken): copy the current authToken from the Muvi admin "
          "(Settings > Advanced)"},
}};

Status check_auth_token(std::string_view token) {
  if (token.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "the Muvi store's auth token is required (Muvi admin: Settings > Advanced)");
  }
  if (token.size() > kMaxAuthToken || !muvi_detail::printable(token)) {
    return make_error(ErrorCode::invalid_argument,
                      "the Muvi store's auth token is malformed (control characters, spaces or over 1024 bytes): copy "
                      "it again from the Muvi admin (Settings > Advanced)");
  }
  return {};
}

Result<HttpRequest> rest_post(const MuviUserRequest& r, const char* path, Params form, bool idempotent) {
  SSOKIT_TRY(std::string origin, muvi_store_origin(r.store));
  SSOKIT_CHECK(check_auth_token(r.auth_token));
  SSOKIT_CHECK(muvi_detail::check_email(r.email));
  HttpRequest request;
  request.method = "POST";
  request.url = origin + path;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  form.insert(form.begin(), {{"authToken", r.auth_token}, {"email", r.email}});
  request.body = form_encode(form);
  request.idempotent = idempotent;
  return request;
}

struct Answer {
  std::int64_t code = 0;
  Json body;
};

// The envelope both endpoints share: a JSON object with an integer `code`.
Result<Answer> read_answer(const HttpResponse& response, const char* api) {
  const bool http_ok = response.status >= 200 && response.status < 300;
  auto body = parse_json_object(response.body);
  std::optional<std::int64_t> code;
  if (body.ok()) code = json_int(body.value(), "code");
  if (!code) {
    const std::string what = std::string("Muvi ") + api;
    if (!http_ok) {
      return make_error(ErrorCode::http_error,
                        what + " answered HTTP " + std::to_string(response.status) +
                            " without a Muvi answer: check the store URL and that the store is up",
                        json_object("status", response.status));
    }
    return make_error(ErrorCode::invalid_response,
                      what + (body.ok() ? " answered without a numeric \"code\"" : " did not answer a JSON object") +
                          ": check the store URL (https://<store domain>)",
                      json_object("status", response.status));
  }
  return Answer{*code, std::move(body).value()};
}

template <std::size_t N>
Error code_error(const Answer& answer, const char* api, const std::array<CodeMeaning, N>& table) {
  // The store's text may echo what it was sent (the auth token): masked.
  std::string msg = redact_credentials(json_text(answer.body, "msg"));
  if (msg.size() > kMaxPlatformMsg) msg.resize(kMaxPlatformMsg);
  Json details = Json::object();
  details.set("platform_code", answer.code);
  details.set("msg", msg);
  for (const auto& entry : table) {
    if (entry.code == answer.code) return make_error(ErrorCode::platform_error, std::string("Muvi ") + api + ": " + entry.message, details);
  }
  return make_error(ErrorCode::platform_error,
                    std::string("Muvi ") + api + " answered code " + std::to_string(answer.code) +
                        ", which its documentation does not list: see details.msg, and ask Muvi support if it persists",
                    details);
}

Result<std::string> user_uuid_of(const Answer& answer, const char* api) {
  auto uuid = json_string_at(answer.body, "user_uuid");
  if (!uuid || !muvi_detail::valid_user_uuid(*uuid)) {
    return make_error(ErrorCode::invalid_response,
                      std::string("Muvi ") + api + " reported success without a usable user_uuid");
  }
  return *uuid;
}

// --- step machine ---
//
// Machines "muvi.register_user" (register), "muvi.get_user_uuid" (lookup) and "muvi.ensure_user"
// (register, then lookup after a 422), in the step_state.hpp envelope. At most two requests: that
// is the budget.
constexpr std::int64_t kRequestBudget = 2;

enum class Phase { register_user, lookup, unknown };

Phase phase_named(const std::string& phase) {
  if (phase == "register") return Phase::register_user;
  if (phase == "lookup") return Phase::lookup;
  return Phase::unknown;
}

StepState start_state(const char* op, const MuviUserRequest& r) {
  return {std::string("muvi.") + op, "",
          kRequestBudget,
          {{"store", r.store}, {"auth_token", r.auth_token}, {"email", r.email}, {"name", r.name}}};
}

Result<FlowStep> pending(StepState state, const char* phase, HttpRequest request) {
  state.phase = phase;
  SSOKIT_CHECK(spend_request(state));
  FlowStep step;
  step.state = std::move(state).to_json();
  step.request = std::move(request);
  return step;
}

FlowStep done(const std::string& machine, Json result) {
  FlowStep step;
  step.state = done_step_state(machine);  // the auth token is dropped with the state
  step.result = std::move(result);
  return step;
}

Result<MuviUserRequest> request_of(const Json& state) {
  MuviUserRequest r;
  auto store = json_string_at(state, "store");
  auto token = json_string_at(state, "auth_token");
  auto email = json_string_at(state, "email");
  auto name = json_string_at(state, "name");
  if (!store || !token || !email || !name) {
    return make_error(ErrorCode::invalid_argument, "not a Muvi step state: pass back the state of the previous step");
  }
  r.store = *store;
  r.auth_token = *token;
  r.email = *email;
  r.name = *name;
  return r;
}

Json user_json(const MuviUser& user) {
  Json out = Json::object();
  out.set("user_uuid", user.user_uuid);
  out.set("email", user.email);
  out.set("name", user.name);
  return out;
}

// A 422 is the one answer register-or-look-up continues after.
bool already_registered(const Error& e) {
  if (e.code != ErrorCode::platform_error) return false;
  auto code = json_int(e.details, "platform_code");
  return code && *code == 422;
}

}  // namespace

Result<HttpRequest> muvi_register_user_request(const MuviUserRequest& r) {
  SSOKIT_CHECK(muvi_detail::check_name(r.name));
  Params form;
  if (!r.name.empty()) form.emplace_back("name", r.name);
  // Creates a user: never resent on its own.
  return rest_post(r, kRegisterPath, std::move(form), false);
}

Result<HttpRequest> muvi_get_user_uuid_request(const MuviUserRequest& r) {
  return rest_post(r, kLookupPath, {}, true);
}

Result<MuviUser> muvi_process_register_user(const HttpResponse& response) {
  SSOKIT_TRY(Answer answer, read_answer(response, "RegisterUser"));
  if (answer.code != 200) return code_error(answer, "RegisterUser", kRegisterCodes);
  MuviUser user;
  SSOKIT_TRY(user.user_uuid, user_uuid_of(answer, "RegisterUser"));
  user.email = json_text(answer.body, "email");
  user.name = json_text(answer.body, "name");
  return user;
}

Result<MuviUser> muvi_process_get_user_uuid(const HttpResponse& response) {
  SSOKIT_TRY(Answer answer, read_answer(response, "GetUserUuid"));
  if (answer.code != 200) return code_error(answer, "GetUserUuid", kLookupCodes);
  MuviUser user;
  SSOKIT_TRY(user.user_uuid, user_uuid_of(answer, "GetUserUuid"));
  return user;
}

Result<FlowStep> muvi_register_user(const MuviUserRequest& r) {
  SSOKIT_TRY(HttpRequest request, muvi_register_user_request(r));
  return pending(start_state("register_user", r), "register", std::move(request));
}

Result<FlowStep> muvi_get_user_uuid(const MuviUserRequest& r) {
  SSOKIT_TRY(HttpRequest request, muvi_get_user_uuid_request(r));
  return pending(start_state("get_user_uuid", r), "lookup", std::move(request));
}

Result<FlowStep> muvi_ensure_user(const MuviUserRequest& r) {
  SSOKIT_TRY(HttpRequest request, muvi_register_user_request(r));
  return pending(start_state("ensure_user", r), "register", std::move(request));
}

namespace {

Error not_a_state() {
  return make_error(ErrorCode::invalid_argument,
                    "not a Muvi step state (or one that is finished): pass back the state of the previous step");
}

// The transition function (muvi_step without the redaction).
Result<FlowStep> transition(StepState state, const HttpResponse& response) {
  const std::string op = state.machine.substr(std::string_view("muvi.").size());
  SSOKIT_TRY(MuviUserRequest r, request_of(state.data));
  switch (phase_named(state.phase)) {
    case Phase::register_user: {
      if (op != "register_user" && op != "ensure_user") return not_a_state();
      auto registered = muvi_process_register_user(response);
      if (registered.ok()) {
        MuviUser user = std::move(registered).value();
        if (op == "ensure_user") return done(state.machine, {{"user_uuid", user.user_uuid}, {"created", true}});
        if (user.email.empty()) user.email = r.email;
        if (user.name.empty()) user.name = r.name;
        return done(state.machine, user_json(user));
      }
      if (op == "ensure_user" && already_registered(registered.error())) {
        SSOKIT_TRY(HttpRequest lookup, muvi_get_user_uuid_request(r));
        return pending(std::move(state), "lookup", std::move(lookup));
      }
      return registered.take_error();
    }
    case Phase::lookup: {
      if (op != "get_user_uuid" && op != "ensure_user") return not_a_state();
      SSOKIT_TRY(MuviUser user, muvi_process_get_user_uuid(response));
      if (op == "ensure_user") return done(state.machine, {{"user_uuid", user.user_uuid}, {"created", false}});
      return done(state.machine, {{"user_uuid", user.user_uuid}});
    }
    case Phase::unknown:
      break;
  }
  return not_a_state();
}

}  // namespace

Result<FlowStep> muvi_step(const Json& input, const HttpResponse& response, std::int64_t /*now*/) {
  SSOKIT_TRY(StepState state, read_step_state(input, "muvi."));
  // The state holds the store's auth token, which every request carries: never in an error.
  const std::vector<std::string> secrets = {json_text(state.data, "auth_token")};
  const KnownSecrets known(secrets);
  auto step = transition(std::move(state), response);
  if (step.ok()) return step;
  return redact_secrets(step.take_error(), secrets);
}

}  // namespace ssokit
