// The StreamOne single sign-on operations as step machines (the seed's "Creating a session" and
// "Managing single sign-on tokens"). The state is JSON the caller hands back with each response;
// it holds the credentials and the SSO response, so it stays on the server like the key.
//
// login:  createwithsso --ok--> done (provisioned: false)
//                       --434 and create_user--> user/create -> linkssotoken -> createwithsso once
//         linkssotoken --431 and replace_token--> clearssotoken -> linkssotoken (once)
// Every phase moves forward (the one clear-and-link happens at most once), so an operation ends
// after at most kMaxRequests requests whatever the server answers: that is its budget in the state
// envelope (step_state.hpp, machine "streamone.<op>").
#include "ssokit/platforms/streamone.hpp"
#include "ssokit/redact.hpp"
#include "ssokit/step_state.hpp"
#include "streamone_internal.hpp"

namespace ssokit::streamone {
namespace {

constexpr std::int64_t kMaxRequests = 6;

Error bad_argument(const std::string& what) { return make_error(ErrorCode::invalid_argument, "StreamOne: " + what); }
Error bad_state() {
  return make_error(ErrorCode::invalid_argument, "StreamOne: the step state is malformed (pass back the state the last step returned)");
}

Status need(const std::string& value, const char* name) {
  if (value.empty()) return bad_argument(std::string(name) + " is required");
  return {};
}

Json credentials_to_state(const Credentials& c) {
  Json j = Json::object();
  j.set("server", c.server);
  j.set("actor", c.actor == ActorType::user ? "user" : "application");
  j.set("id", c.actor_id);
  j.set("key", c.key);
  if (c.account) j["account"] = *c.account;
  if (c.customer) j["customer"] = *c.customer;
  if (c.timezone) j["timezone"] = *c.timezone;
  return j;
}

Result<Credentials> credentials_from_state(const Json& state) {
  const Json* j = json_member(state, "credentials");
  if (j == nullptr || !j->is_object()) return bad_state();
  auto server = json_string_at(*j, "server");
  auto actor = json_string_at(*j, "actor");
  auto id = json_string_at(*j, "id");
  auto key = json_string_at(*j, "key");
  if (!server || !actor || !id || !key || (*actor != "user" && *actor != "application")) return bad_state();
  Credentials c;
  c.server = *server;
  c.actor = *actor == "user" ? ActorType::user : ActorType::application;
  c.actor_id = *id;
  c.key = *key;
  c.account = json_string(*j, "account");
  c.customer = json_string(*j, "customer");
  c.timezone = json_string(*j, "timezone");
  return c;
}

Result<Params> create_user_arguments(const Json& arguments, const std::vector<std::string>& roles) {
  if (!arguments.is_object()) return bad_argument("create_user must be a JSON object of user/create arguments");
  SSOKIT_TRY(Params out, arguments_from_json(arguments));
  if (!roles.empty()) {
    if (arguments.contains("roles")) return bad_argument("give the roles either in create_user.roles or as roles, not both");
    out.emplace_back("roles", join_list(roles));
  }
  return out;
}

Call make_call(const char* command, const char* action, Params arguments) {
  Call call;
  call.command = command;
  call.action = action;
  call.arguments = std::move(arguments);
  return call;
}

Call createwithsso_call(const Json& s) {
  return make_call("session", "createwithsso",
                   {{"service", json_text(s, "service")}, {"response", json_text(s, "response")}});
}
Call link_call(const Json& s) {
  return make_call("user", "linkssotoken",
                   {{"user", json_text(s, "user")},
                    {"service", json_text(s, "service")},
                    {"response", json_text(s, "response")}});
}
Call clear_call(const Json& s) {
  return make_call("user", "clearssotoken",
                   {{"user", json_text(s, "user")}, {"service", json_text(s, "service")}});
}

std::vector<std::string> roles_of(const Json& s) {
  std::vector<std::string> roles;
  if (const Json* r = json_member(s, "roles"); r != nullptr && r->is_array()) {
    for (const auto& role : *r) {
      if (role.is_string()) roles.push_back(role.get<std::string>());
    }
  }
  return roles;
}

// Inside this file the state is the envelope's data with its "op" (the machine's second half) and
// "budget" beside it; a step hands the host the envelope.
Json to_envelope(Json state, const char* phase) {
  StepState envelope;
  envelope.machine = "streamone." + json_text(state, "op");
  envelope.phase = phase;
  envelope.budget = json_int(state, "budget").value_or(0);
  state.erase("op");
  state.erase("phase");
  state.erase("budget");
  envelope.data = std::move(state);
  return std::move(envelope).to_json();
}

// Signs `call`, spends one request of the budget and records in the state what is pending and
// when it was sent.
Result<FlowStep> send(Json state, const char* phase, const Call& call, std::int64_t now) {
  const std::int64_t budget = json_int(state, "budget").value_or(0);
  if (budget <= 0) {
    return make_error(ErrorCode::internal_error, "StreamOne: the operation did not finish within its request budget");
  }
  SSOKIT_TRY(Credentials credentials, credentials_from_state(state));
  SSOKIT_TRY(SignedRequest signed_request, build_request(credentials, call, now));
  state["sent"] = signed_request.timestamp;
  state["budget"] = budget - 1;
  FlowStep step;
  step.state = to_envelope(std::move(state), phase);
  step.request = std::move(signed_request.request);
  return step;
}

Result<FlowStep> send_create_user(Json state, std::int64_t now) {
  const Json* args = json_member(state, "create_user");
  if (args == nullptr) return bad_state();
  SSOKIT_TRY(Params arguments, create_user_arguments(*args, roles_of(state)));
  return send(std::move(state), "create_user", make_call("user", "create", std::move(arguments)), now);
}

// The operation's end: the state keeps neither the key nor the SSO response.
FlowStep done(const Json& state, Json result) {
  FlowStep step;
  step.state = done_step_state("streamone." + json_text(state, "op"));
  step.result = std::move(result);
  return step;
}

// The failing call in front of the error's message and in its details.
Error in_call(Error error, const std::string& action) {
  error.message = action + ": " + error.message;
  error.details["action"] = action;
  return error;
}

Json initial_state(const char* op, const Credentials& credentials) {
  Json out = Json::object();
  out.set("op", op);
  out.set("credentials", credentials_to_state(credentials));
  out.set("budget", kMaxRequests);
  return out;
}

std::string user_id_of(const Json& body) {
  if (auto id = json_string_at(body, "id")) return *id;
  if (auto id = json_string_at(body, "user")) return *id;
  return {};
}

// ---- What each phase does with its answer. ----

Result<FlowStep> after_createwithsso(Json state, const Result<Envelope>& answer, std::int64_t now) {
  const bool retry = json_text(state, "phase") == "retry";
  const std::string action = "session/createwithsso";
  if (!answer.ok()) {
    const bool unknown = answer.error().code == ErrorCode::sso_token_unknown;
    const bool may_provision = unknown && !retry && json_text(state, "op") == "login" &&
                               json_member(state, "create_user") != nullptr;
    if (may_provision) return send_create_user(std::move(state), now);
    Error error = answer.error();
    if (unknown && retry) {
      error.message = "the SSO token is still unknown after creating user \"" + json_text(state, "user") +
                      "\" and linking the token to it; not retrying again";
    }
    return in_call(std::move(error), action);
  }
  auto session = parse_session(answer->body);
  if (!session.ok()) return in_call(session.error(), action);
  Json result = Json::object();
  result.set("session", session->to_json());
  if (json_text(state, "op") == "login") {
    result["provisioned"] = retry;
    if (retry) result["user_id"] = json_text(state, "user");
  }
  return done(std::move(state), std::move(result));
}

Result<FlowStep> after_create_user(Json state, const Result<Envelope>& answer, std::int64_t now) {
  if (!answer.ok()) return in_call(answer.error(), "user/create");
  const std::string user_id = user_id_of(answer->body);
  if (user_id.empty()) {
    return make_error(ErrorCode::invalid_response, "user/create: StreamOne's answer has no id for the new user");
  }
  state["user"] = user_id;
  if (json_text(state, "op") == "create_user") {
    return done(std::move(state), {{"user", answer->body}, {"user_id", user_id}});
  }
  state["provisioned_user"] = answer->body;
  Call call = link_call(state);
  return send(std::move(state), "link", call, now);
}

Result<FlowStep> after_link(Json state, const Result<Envelope>& answer, std::int64_t now) {
  const bool replaced = json_bool(state, "replaced").value_or(false);
  if (!answer.ok()) {
    const bool already = json_int(answer.error().details, "platform_code") == std::int64_t{kStatusUserAlreadyHasSsoToken};
    if (already && json_bool(state, "replace_token").value_or(false) && !replaced) {
      Call call = clear_call(state);
      return send(std::move(state), "clear", call, now);
    }
    return in_call(answer.error(), "user/linkssotoken");
  }
  if (json_text(state, "op") == "login") {
    Call call = createwithsso_call(state);
    return send(std::move(state), "retry", call, now);
  }
  Json result = Json::object();
  result.set("user", json_text(state, "user"));
  result.set("service", json_text(state, "service"));
  result.set("linked", true);
  result.set("replaced", replaced);
  return done(std::move(state), std::move(result));
}

Result<FlowStep> after_clear(Json state, const Result<Envelope>& answer, std::int64_t now) {
  if (!answer.ok()) return in_call(answer.error(), "user/clearssotoken");
  if (json_text(state, "op") == "clear_token") {
    Json result = Json::object();
    result.set("user", json_text(state, "user"));
    result.set("service", json_text(state, "service"));
    result.set("cleared", true);
    return done(std::move(state), std::move(result));
  }
  // Replacing a token: the old one is gone, link the new one (once: replaced stops a second round).
  state["replaced"] = true;
  Call call = link_call(state);
  return send(std::move(state), "link", call, now);
}

}  // namespace

Result<FlowStep> create_with_sso(const Credentials& credentials, const std::string& service,
                                 const std::string& response, std::int64_t now) {
  SSOKIT_CHECK(need(service, "service"));
  SSOKIT_CHECK(need(response, "the SSO response"));
  Json state = initial_state("create_with_sso", credentials);
  state["service"] = service;
  state["response"] = response;
  Call call = createwithsso_call(state);
  return send(std::move(state), "createwithsso", call, now);
}

Result<FlowStep> link_token(const Credentials& credentials, const std::string& user, const std::string& service,
                            const std::string& response, bool replace_token, std::int64_t now) {
  SSOKIT_CHECK(need(user, "user"));
  SSOKIT_CHECK(need(service, "service"));
  SSOKIT_CHECK(need(response, "the SSO response"));
  Json state = initial_state("link_token", credentials);
  state["user"] = user;
  state["service"] = service;
  state["response"] = response;
  state["replace_token"] = replace_token;
  Call call = link_call(state);
  return send(std::move(state), "link", call, now);
}

Result<FlowStep> clear_token(const Credentials& credentials, const std::string& user, const std::string& service,
                             std::int64_t now) {
  SSOKIT_CHECK(need(user, "user"));
  SSOKIT_CHECK(need(service, "service"));
  Json state = initial_state("clear_token", credentials);
  state["user"] = user;
  state["service"] = service;
  Call call = clear_call(state);
  return send(std::move(state), "clear", call, now);
}

Result<FlowStep> create_user(const Credentials& credentials, const Json& arguments,
                             const std::vector<std::string>& roles, std::int64_t now) {
  SSOKIT_CHECK(create_user_arguments(arguments, roles));  // reject bad arguments before anything is sent
  Json state = initial_state("create_user", credentials);
  state["create_user"] = arguments;
  state["roles"] = roles;
  return send_create_user(std::move(state), now);
}

Result<FlowStep> login(const Credentials& credentials, const LoginOptions& options, std::int64_t now) {
  SSOKIT_CHECK(need(options.service, "service"));
  SSOKIT_CHECK(need(options.response, "the SSO response"));
  Json state = initial_state("login", credentials);
  state["service"] = options.service;
  state["response"] = options.response;
  state["replace_token"] = options.replace_token;
  if (options.create_user) {
    SSOKIT_CHECK(create_user_arguments(*options.create_user, options.roles));
    state["create_user"] = *options.create_user;
    state["roles"] = options.roles;
  } else if (!options.roles.empty()) {
    return bad_argument("roles are for provisioning: give create_user (the user/create arguments) as well");
  }
  Call call = createwithsso_call(state);
  return send(std::move(state), "createwithsso", call, now);
}

}  // namespace ssokit::streamone

namespace ssokit {

namespace {

enum class Phase { createwithsso, create_user, link, clear, retry, unknown };

Phase phase_named(const std::string& phase) {
  if (phase == "createwithsso") return Phase::createwithsso;
  if (phase == "create_user") return Phase::create_user;
  if (phase == "link") return Phase::link;
  if (phase == "clear") return Phase::clear;
  if (phase == "retry") return Phase::retry;
  return Phase::unknown;
}

// The working form of the envelope the host handed back (its data, op, phase and budget).
Result<Json> unwrapped(const Json& input) {
  using namespace streamone;
  auto envelope = read_step_state(input, "streamone.");
  if (!envelope.ok()) return envelope.take_error();
  if (envelope->phase == kDonePhase) return make_error(ErrorCode::invalid_argument, "StreamOne: the operation is already finished");
  Json state = std::move(envelope->data);
  const std::string op = envelope->machine.substr(std::string_view("streamone.").size());
  const bool known_op = op == "login" || op == "link_token" || op == "clear_token" || op == "create_with_sso" ||
                        op == "create_user";
  if (!known_op || !credentials_from_state(state).ok()) return bad_state();
  state["op"] = op;
  state["phase"] = envelope->phase;
  state["budget"] = envelope->budget;
  return state;
}

// The transition function: what each phase does with its answer.
Result<FlowStep> transition(Json state, const HttpResponse& response, std::int64_t now) {
  using namespace streamone;
  const auto answer = parse_envelope(response, json_int(state, "sent"));
  switch (phase_named(json_text(state, "phase"))) {
    case Phase::createwithsso:
    case Phase::retry:
      return after_createwithsso(std::move(state), answer, now);
    case Phase::create_user:
      return after_create_user(std::move(state), answer, now);
    case Phase::link:
      return after_link(std::move(state), answer, now);
    case Phase::clear:
      return after_clear(std::move(state), answer, now);
    case Phase::unknown:
      break;
  }
  return bad_state();
}

}  // namespace

Result<FlowStep> streamone_step(const Json& input, const HttpResponse& response, std::int64_t now) {
  SSOKIT_TRY(Json state, unwrapped(input));
  // The state holds the key and the user's SSO response; a server's message may echo the latter.
  std::vector<std::string> secrets = {json_text(state, "response")};
  if (const Json* c = json_member(state, "credentials")) secrets.push_back(json_text(*c, "key"));
  const KnownSecrets known(secrets);
  auto step = transition(std::move(state), response, now);
  if (step.ok()) return step;
  return redact_secrets(step.take_error(), secrets);
}

}  // namespace ssokit
