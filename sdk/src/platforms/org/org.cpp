// Organization SSO operations as step machines (ssokit/platforms/org.hpp). The state holds the
// pending request so a 429 can repeat it after the platform's Retry-After, and, for the security
// settings, the two phases of the lock-out guard (SSO test first, then the change).
#include <algorithm>

#include "org_internal.hpp"
#include "ssokit/redact.hpp"
#include "ssokit/step_state.hpp"

namespace ssokit::org {
namespace {

// The envelope's budget (step_state.hpp, machine "org.<op>"): the two requests of the lock-out
// guard, each retried kMaxRetries times after a 429, fit well within it (the old driver's 8).
constexpr std::int64_t kRequestBudget = 8;
constexpr std::size_t kMaxApiKey = 4096;

const Json& member(const Json& object, std::string_view key) {
  static const Json kNull;
  const Json* v = json_member(object, key);
  return v == nullptr ? kNull : *v;
}

// ---- Requests and their place in the state ----

Json request_to_state(const HttpRequest& r) {
  Json headers = Json::array();
  for (const auto& [n, v] : r.headers) headers.push_back({n, v});
  Json out = Json::object();
  out.set("method", r.method);
  out.set("url", r.url);
  out.set("headers", std::move(headers));
  out.set("body", r.body);
  out.set("idempotent", r.idempotent);
  return out;
}

std::optional<HttpRequest> request_from_state(const Json& j) {
  auto method = json_string_at(j, "method");
  auto url = json_string_at(j, "url");
  const Json* headers = json_member(j, "headers");
  if (!method || !url || headers == nullptr || !headers->is_array()) return std::nullopt;
  HttpRequest r;
  r.method = *method;
  r.url = *url;
  r.body = json_text(j, "body");
  r.idempotent = json_bool(j, "idempotent").value_or(false);
  for (const Json& h : *headers) {
    if (!h.is_array() || h.size() != 2 || !h[0].is_string() || !h[1].is_string()) return std::nullopt;
    r.headers.emplace_back(h[0].get<std::string>(), h[1].get<std::string>());
  }
  return r;
}

// Inside this file the state is the envelope's data with "op", "phase" and "budget" beside it;
// each step that sends a request spends one of the budget and hands the host the envelope.
Result<Json> to_envelope(Json state) {
  StepState envelope;
  envelope.machine = "org." + json_text(state, "op");
  envelope.phase = json_string(state, "phase").value_or("request");
  envelope.budget = json_int(state, "budget").value_or(0);
  for (const char* key : {"op", "phase", "budget"}) state.erase(key);
  SSOKIT_CHECK(spend_request(envelope));
  envelope.data = std::move(state);
  return std::move(envelope).to_json();
}

Result<FlowStep> send(Json state, const HttpRequest& request) {
  state["request"] = request_to_state(request);
  state["retries"] = 0;
  FlowStep step;
  SSOKIT_TRY(step.state, to_envelope(std::move(state)));
  step.request = request;
  return step;
}

// The final step keeps no request: the state of a finished operation holds no secret.
FlowStep finish(const Json& state, Json result) {
  FlowStep step;
  step.state = done_step_state("org." + json_text(state, "op"));
  step.result = std::move(result);
  return step;
}

Json new_state(const char* op, const Connection& c, const std::string& base) {
  Json out = Json::object();
  out.set("op", op);
  out.set("budget", kRequestBudget);
  out.set("base", base);
  out.set("max_retries", std::clamp(c.max_retries, 0, kMaxRetries));
  out.set("max_wait", std::clamp<std::int64_t>(c.max_wait, 0, kMaxWaitSeconds));
  return out;
}

HttpRequest json_request(std::string method, std::string url, const Json* body) {
  HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers = {{"Accept", "application/json"}};
  if (body != nullptr) {
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = dump_json(*body);
  }
  // PUT and DELETE are idempotent (RFC 9110); the POSTs here create or trigger something.
  r.idempotent = r.method == "PUT" || r.method == "DELETE";
  return r;
}

// ---- Administration requests ----

struct Target {
  std::string base;
  std::string org_path;  // {base}/api/user/organizations/{organizationId}
};

Result<Target> admin_target(const Admin& admin) {
  SSOKIT_TRY(std::string base, detail::normalize_base(admin.connection.base));
  if (admin.api_key.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "the API key is empty: set it (CLI: SSOKIT_ORG_API_KEY, JS: apiKey) to a personal access token");
  }
  if (admin.api_key.size() > kMaxApiKey ||
      !std::all_of(admin.api_key.begin(), admin.api_key.end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
    return make_error(ErrorCode::invalid_argument, "the API key has characters a personal access token never has (spaces, "
                                                   "line breaks, non-ASCII): copy it again");
  }
  if (!detail::is_path_id(admin.organization_id)) {
    return make_error(ErrorCode::invalid_argument,
                      "organization id must be the organization's id (e.g. 01HZ3K5R4X9Y2V6QF8TJ7W0CDN): letters, digits, - and _",
                      json_object("field", "organizationId"));
  }
  return Target{base, base + "/api/user/organizations/" + admin.organization_id};
}

HttpRequest authorized(HttpRequest r, const Admin& admin) {
  if (admin.bearer) {
    r.headers.emplace_back("Authorization", "Bearer " + admin.api_key);
  } else {
    r.headers.emplace_back("X-Api-Key", admin.api_key);
  }
  return r;
}

Result<FlowStep> start_admin(const char* op, const Admin& admin, const Target& target, std::string method,
                             const std::string& path, const Json* body) {
  HttpRequest r = authorized(json_request(std::move(method), target.org_path + path, body), admin);
  return send(new_state(op, admin.connection, target.base), r);
}

// ---- Reading the state back (it crossed a language boundary: trust nothing) ----

Error bad_state() {
  return make_error(ErrorCode::invalid_argument, "org step state is malformed; start the operation again");
}

// ---- Results per operation ----

Json without_secret(Json data) {
  if (data.is_object()) data.erase("clientSecret");  // never print a secret the platform might echo
  return data;
}

Json idp_settings(const std::string& base) {
  Json out = Json::object();
  out.set("sign_in_redirect_uri", base + "/api/auth/sso/callback");
  out.set("grant_type", "authorization_code");
  out.set("response_type", "code");
  out.set("scopes", {"openid", "profile", "email"});
  return out;
}

// The DNS record to publish, from the domain the platform created. The seed says only that the
// answer "includes a DNS TXT record name and value"; these member names are accepted.
Json txt_record_of(const Json& data) {
  for (const char* key : {"txtRecord", "dnsRecord", "verificationRecord", "record", "verification"}) {
    const Json& r = member(data, key);
    auto name = json_string_at(r, "name");
    auto value = json_string_at(r, "value");
    if (name && value) return {{"type", "TXT"}, {"name", *name}, {"value", *value}};
  }
  return nullptr;
}

// The slug out of an SSO redirect the platform suggests: only its canonical entry point on the
// same API (`{base}/api/auth/sso/{slug}/login`, absolute or as a path) is accepted.
Result<std::string> slug_from_redirect(const std::string& base, const std::string& redirect) {
  auto refuse = [] {
    return make_error(ErrorCode::invalid_response,
                      "the identify answer's ssoRedirectUrl is not this API's /api/auth/sso/{slug}/login; refusing to follow it");
  };
  SSOKIT_TRY(Url base_url, parse_url(base));
  std::string path;
  if (!redirect.empty() && redirect[0] == '/' && (redirect.size() < 2 || (redirect[1] != '/' && redirect[1] != '\\'))) {
    path = redirect;
  } else {
    auto url = parse_url(redirect);
    if (!url.ok() || !same_origin(url.value(), base_url) || url->query || url->fragment || url->userinfo) return refuse();
    path = url->path;
  }
  // A relative redirect may or may not repeat the base's path prefix.
  for (const std::string& prefix : {base_url.path + "/api/auth/sso/", std::string("/api/auth/sso/")}) {
    constexpr std::string_view kSuffix = "/login";
    if (path.size() <= prefix.size() + kSuffix.size() || path.compare(0, prefix.size(), prefix) != 0 ||
        path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
      continue;
    }
    std::string slug = path.substr(prefix.size(), path.size() - prefix.size() - kSuffix.size());
    if (detail::is_path_id(slug)) return slug;
  }
  return refuse();
}

Result<Json> route_result(const Json& state, const Reply& reply) {
  const std::string base = json_text(state, "base");
  Json out = Json::object();
  out.set("email", member(state, "email"));
  out.set("domain", member(state, "domain"));
  if (!reply.data.is_object()) return make_error(ErrorCode::invalid_response, "the identify answer has no data object");
  auto method = json_string_at(reply.data, "method");
  if (!method) return make_error(ErrorCode::invalid_response, "the identify answer has no data.method");
  const auto redirect = json_string_at(reply.data, "ssoRedirectUrl");
  const bool sso_offered = redirect && !redirect->empty();
  if (*method == "sso" && !sso_offered) {
    return make_error(ErrorCode::invalid_response, "the identify answer requires SSO but gives no ssoRedirectUrl");
  }
  if (!sso_offered) {
    out["method"] = "password";
    return out;
  }
  SSOKIT_TRY(std::string slug, slug_from_redirect(base, *redirect));
  SSOKIT_TRY(std::string login_url, sso_login_url(base, slug));
  out["method"] = *method == "sso" ? "sso" : "any";
  out["login_url"] = login_url;
  out["slug"] = slug;
  if (auto provider = json_string_at(reply.data, "ssoProvider")) out["provider"] = detail::clean_text(*provider, 64);
  return out;
}

Result<Json> test_result(const Reply& reply) {
  auto passed = json_bool(reply.data, "success");
  if (!passed) return make_error(ErrorCode::invalid_response, "the SSO test answer has no data.success");
  const std::string message = detail::clean_text(json_string(reply.data, "message").value_or(reply.message));
  if (!*passed) {
    return make_error(ErrorCode::sso_test_failed,
                      "the SSO configuration test failed" + (message.empty() ? std::string() : ": " + message) +
                          ". Check issuerUrl (the platform fetches {issuerUrl}/.well-known/openid-configuration), clientId "
                          "and clientSecret",
                      json_object("platform_message", message, "status", reply.status));
  }
  Json out = Json::object();
  out.set("valid", true);
  out.set("message", message);
  out.set("data", reply.data);
  return out;
}

// The guard's test did not pass: nothing was changed. A refusal about the configuration itself
// (e.g. no SSO configured) is sso_test_failed; credentials, rate limits and server faults keep
// their own code.
Error guard_refusal(Error e) {
  const auto status = json_int(e.details, "status").value_or(0);
  const bool about_config = e.code == ErrorCode::platform_error && status >= 400 && status < 500 && status != 401 &&
                            status != 403 && status != 429;
  Json details = e.details;
  details["step"] = "sso_test";
  if (e.code == ErrorCode::sso_test_failed || about_config) {
    std::string reason = json_text(e.details, "platform_message");
    if (reason.empty()) reason = e.message;
    return make_error(ErrorCode::sso_test_failed,
                      "refusing to require SSO, authRequired is unchanged: the SSO configuration test did not pass (" +
                          reason +
                          "), so members could be locked out. Fix the SSO settings and test them, or override with force "
                          "(CLI: --force)",
                      std::move(details));
  }
  return make_error(e.code, "the SSO test run before requiring SSO failed, so authRequired was not changed: " + e.message,
                    std::move(details));
}

// sso_set saved the settings, but their test did not pass (or could not run).
Error saved_but_untested(Error e) {
  Json details = e.details;
  details["step"] = "sso_test";
  details["saved"] = true;
  std::string reason = json_text(e.details, "platform_message");
  if (reason.empty()) reason = e.message;
  return make_error(e.code == ErrorCode::sso_test_failed || e.code == ErrorCode::platform_error ? ErrorCode::sso_test_failed : e.code,
                    "the SSO settings were saved, but their test did not pass (" + reason +
                        "): while authRequired is sso no member can sign in. Fix the settings and run sso-test, or "
                        "lower authRequired (any or mfa) to restore access",
                    std::move(details));
}

Json simple_result(const Reply& reply) { return {{"message", reply.message}, {"data", without_secret(reply.data)}}; }

Result<FlowStep> identify_reply(Json state, const std::string&, Result<Reply> reply) {
  SSOKIT_TRY(Reply r, std::move(reply));
  SSOKIT_TRY(Json route, route_result(state, r));
  return finish(state, std::move(route));
}

Result<FlowStep> on_reply(Json state, const std::string& op, Result<Reply> reply) {
  if (op == "security" && json_text(state, "phase") == "test") {
    if (!reply.ok()) return guard_refusal(reply.take_error());
    auto test = test_result(reply.value());
    if (!test.ok()) return guard_refusal(test.take_error());
    auto next = request_from_state(member(state, "save"));
    if (!next) return bad_state();
    state["phase"] = "save";
    state["sso_test"] = {{"valid", true}, {"message", test.value()["message"]}};
    state.erase("save");
    return send(std::move(state), *next);
  }
  if (op == "sso_set" && json_text(state, "phase") == "test") {
    if (!reply.ok()) return saved_but_untested(reply.take_error());
    auto test = test_result(reply.value());
    if (!test.ok()) return saved_but_untested(test.take_error());
    Json result = member(state, "saved_result");
    result["sso_test"] = {{"valid", true}, {"message", test.value()["message"]}};
    return finish(state, std::move(result));
  }
  if (op == "identify") return identify_reply(std::move(state), op, std::move(reply));
  SSOKIT_TRY(Reply r, std::move(reply));
  if (op == "sso_test") {
    SSOKIT_TRY(Json test, test_result(r));
    return finish(state, std::move(test));
  }
  Json result = simple_result(r);
  if (op == "sso_set") {
    result["idp"] = idp_settings(json_text(state, "base"));
    if (json_bool(state, "forced") == true) {
      result["forced"] = true;
    } else {
      auto test = request_from_state(member(state, "test"));
      if (!test) return bad_state();
      // The saved request stays in the state as "save", so its client secret is still redacted
      // from whatever the test's answer says.
      state["save"] = member(state, "request");
      state["saved_result"] = std::move(result);
      state["phase"] = "test";
      state.erase("test");
      return send(std::move(state), *test);
    }
  } else if (op == "domain_add") {
    result["txt_record"] = txt_record_of(r.data);
  } else if (op == "domain_verify") {
    result["verified"] = json_text(r.data, "status") == "verified" || json_bool(r.data, "verified") == true;
  } else if (op == "security") {
    if (const Json* t = json_member(state, "sso_test")) result["sso_test"] = *t;
    if (json_bool(state, "forced") == true) result["forced"] = true;
  } else if (op != "sso_delete") {
    return bad_state();
  }
  return finish(state, std::move(result));
}

// A 429: repeat the request after Retry-After, unless the retries are spent or the wait is longer
// than this client waits; then rate_limited with details.retry_after.
Result<FlowStep> retry_or_give_up(Json state, Error error, const HttpResponse& response, std::int64_t now) {
  const std::int64_t wait = std::max<std::int64_t>(0, retry_after_seconds(response, now).value_or(kDefaultRetryAfter));
  const std::int64_t retries = json_int(state, "retries").value_or(0);
  const std::int64_t max_retries = std::clamp<std::int64_t>(json_int(state, "max_retries").value_or(kMaxRetries), 0, kMaxRetries);
  const std::int64_t max_wait = std::clamp<std::int64_t>(json_int(state, "max_wait").value_or(kMaxWaitSeconds), 0, kMaxWaitSeconds);
  if (retries < max_retries && wait <= max_wait) {
    auto again = request_from_state(member(state, "request"));
    if (!again) return bad_state();
    state["retries"] = retries + 1;
    FlowStep step;
    SSOKIT_TRY(step.state, to_envelope(std::move(state)));
    step.request = std::move(*again);
    step.wait_seconds = wait;
    return step;
  }
  error.details["retry_after"] = wait;
  error.details["retries"] = retries;
  const std::string code = json_string(error.details, "platform_code").value_or("HTTP 429");
  const std::string said = json_text(error.details, "platform_message");
  error.message = (retries >= max_retries ? "the organization API still answers 429 after " + std::to_string(retries) +
                                                " retries"
                                          : "the organization API asks to wait " + std::to_string(wait) +
                                                " s, longer than the " + std::to_string(max_wait) + " s this client waits") +
                  "; try again in " + std::to_string(wait) + " s [" + code + (said.empty() ? "" : ": " + said) + "]";
  return error;
}

// What the state's pending requests carry that must never come back in an error: the API key
// (X-Api-Key, or the bearer token) and the IdP client secret in a settings body.
std::vector<std::string> secrets_of(const Json& state) {
  std::vector<std::string> out;
  for (const char* name : {"request", "save"}) {
    auto request = request_from_state(member(state, name));
    if (!request) continue;
    for (const auto& [header, value] : request->headers) {
      if (header == "X-Api-Key" || header == "Authorization") out.push_back(value);
      if (header == "Authorization" && value.rfind("Bearer ", 0) == 0) out.push_back(value.substr(7));
    }
    auto body = parse_json_object(request->body);
    if (body.ok()) out.push_back(json_text(body.value(), "clientSecret"));
  }
  return out;
}

}  // namespace

Result<std::string> sso_login_url(std::string_view base, std::string_view slug) {
  SSOKIT_TRY(std::string b, detail::normalize_base(base));
  if (!detail::is_path_id(slug)) {
    return make_error(ErrorCode::invalid_argument, "slug must be the organization's slug (letters, digits, - and _)",
                      json_object("field", "slug"));
  }
  return b + "/api/auth/sso/" + std::string(slug) + "/login";
}

Result<std::string> sso_callback_url(std::string_view base) {
  SSOKIT_TRY(std::string b, detail::normalize_base(base));
  return b + "/api/auth/sso/callback";
}

Result<FlowStep> login_route(const Connection& connection, std::string_view email, std::string_view identify_path) {
  SSOKIT_TRY(std::string base, detail::normalize_base(connection.base));
  SSOKIT_TRY(std::string normalized, normalize_email(email));
  if (identify_path.empty() || identify_path[0] != '/' || identify_path.find_first_of("?#\\ ") != std::string_view::npos ||
      identify_path.find("//") != std::string_view::npos) {
    return make_error(ErrorCode::invalid_argument, "identify_path must be a path such as /api/auth/identify");
  }
  const Json body = {{"email", normalized}};
  Json state = new_state("identify", connection, base);
  state["email"] = normalized;
  state["domain"] = normalized.substr(normalized.rfind('@') + 1);
  return send(std::move(state), json_request("POST", base + std::string(identify_path), &body));
}

Result<FlowStep> sso_set(const Admin& admin, const SsoSettings& s) {
  SSOKIT_CHECK(validate_sso_settings(s));
  SSOKIT_TRY(Target target, admin_target(admin));
  // Exactly the four fields the seed lists.
  const Json body = {{"provider", s.provider}, {"issuerUrl", s.issuer_url}, {"clientId", s.client_id}, {"clientSecret", s.client_secret}};
  SSOKIT_TRY(FlowStep step, start_admin("sso_set", admin, target, "PUT", "/settings/sso", &body));
  if (s.force) {
    step.state["data"]["forced"] = true;
  } else {
    // The guard's check after the save: the platform tests only saved settings.
    step.state["data"]["test"] = request_to_state(
        authorized(json_request("POST", target.org_path + "/settings/sso/test", nullptr), admin));
  }
  return step;
}

Result<FlowStep> sso_delete(const Admin& admin, bool force) {
  if (!force) {
    return make_error(ErrorCode::invalid_argument,
                      "deleting the SSO settings locks every member out while authRequired is sso, which the API "
                      "cannot tell: lower it first (authRequired any or mfa), then delete with force (CLI: --force)",
                      json_object("field", "force"));
  }
  SSOKIT_TRY(Target target, admin_target(admin));
  return start_admin("sso_delete", admin, target, "DELETE", "/settings/sso", nullptr);
}

Result<FlowStep> sso_test(const Admin& admin) {
  SSOKIT_TRY(Target target, admin_target(admin));
  return start_admin("sso_test", admin, target, "POST", "/settings/sso/test", nullptr);  // the endpoint takes no body
}

Result<FlowStep> domain_add(const Admin& admin, std::string_view domain) {
  SSOKIT_TRY(std::string d, detail::normalize_domain(domain, "domain"));
  SSOKIT_TRY(Target target, admin_target(admin));
  const Json body = {{"domain", d}};
  return start_admin("domain_add", admin, target, "POST", "/domains", &body);
}

Result<FlowStep> domain_verify(const Admin& admin, std::string_view domain_id) {
  if (!detail::is_path_id(domain_id)) {
    return make_error(ErrorCode::invalid_argument,
                      "domain id must be the id domain-add returned (e.g. 01HZ3KA7V0J9Z8Q2G5B1T7XWDN)", json_object("field", "domainId"));
  }
  SSOKIT_TRY(Target target, admin_target(admin));
  return start_admin("domain_verify", admin, target, "POST", "/domains/" + std::string(domain_id) + "/verify", nullptr);
}

Result<FlowStep> set_security(const Admin& admin, const SecuritySettings& s) {
  SSOKIT_TRY(Target target, admin_target(admin));
  const Json body = {{"authRequired", auth_required_name(s.auth_required)}, {"requireMfa", s.require_mfa}};
  const HttpRequest save = authorized(json_request("PUT", target.org_path + "/settings/security", &body), admin);
  Json state = new_state("security", admin.connection, target.base);
  if (s.auth_required != AuthRequired::sso || s.force) {
    if (s.auth_required == AuthRequired::sso) state["forced"] = true;
    state["phase"] = "save";
    return send(std::move(state), save);
  }
  // The lock-out guard: SSO-only sign-in is enforced only after the configuration test passes.
  state["phase"] = "test";
  state["save"] = request_to_state(save);
  return send(std::move(state), authorized(json_request("POST", target.org_path + "/settings/sso/test", nullptr), admin));
}

}  // namespace ssokit::org

namespace ssokit::org {
namespace {

using OnReply = Result<FlowStep> (*)(Json state, const std::string& op, Result<Reply> reply);

// One step of the operations in `ops`, whose answers `on_reply` reads. Taking both as parameters
// keeps the administration code out of a build that only links org_identify_step (the browser).
Result<FlowStep> step_of(const Json& input, const HttpResponse& response, std::int64_t now,
                         std::initializer_list<const char*> ops, OnReply on_reply) {
  SSOKIT_TRY(StepState envelope, read_step_state(input, "org."));
  if (envelope.phase == kDonePhase) {
    return make_error(ErrorCode::invalid_argument, "org step state is malformed or finished; start the operation again");
  }
  const std::string op = envelope.machine.substr(std::string_view("org.").size());
  Json state = std::move(envelope.data);
  state["op"] = op;
  state["phase"] = envelope.phase;
  state["budget"] = envelope.budget;
  if (std::none_of(ops.begin(), ops.end(), [&](const char* o) { return op == o; }) ||
      !json_string(state, "base") || !json_member(state, "request")) {
    return make_error(ErrorCode::invalid_argument, "org step state is malformed; start the operation again");
  }
  const std::vector<std::string> secrets = secrets_of(state);
  const KnownSecrets known(secrets);
  auto reply = parse_reply(response);
  auto step = !reply.ok() && reply.error().code == ErrorCode::rate_limited
                  ? retry_or_give_up(state, reply.take_error(), response, now)
                  : on_reply(state, op, std::move(reply));
  if (!step.ok()) return redact_secrets(step.take_error(), secrets);
  return step;
}

}  // namespace
}  // namespace ssokit::org

namespace ssokit {

Result<FlowStep> org_step(const Json& state, const HttpResponse& response, std::int64_t now) {
  return org::step_of(state, response, now,
                      {"identify", "sso_set", "sso_delete", "sso_test", "domain_add", "domain_verify", "security"},
                      org::on_reply);
}

Result<FlowStep> org_identify_step(const Json& state, const HttpResponse& response, std::int64_t now) {
  if (const std::string machine = step_state_machine(state); !machine.empty() && machine != "org.identify") {
    return make_error(ErrorCode::server_only,
                      "this org operation carries the organization's API key and advances only in the server build "
                      "(org.step from Node or native)");
  }
  return org::step_of(state, response, now, {"identify"}, org::identify_reply);
}

}  // namespace ssokit
