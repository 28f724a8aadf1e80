// TwentyThree single sign-on: the remote login page's requests (get-token, get-login-token), the
// answers in both formats, and the redeem URLs (ssokit/platforms/twentythree.hpp).
#include "ssokit/platforms/twentythree.hpp"

#include <algorithm>

#include "ssokit/redact.hpp"
#include "ssokit/step_state.hpp"
#include "xml_envelope.hpp"

namespace ssokit::twentythree {

namespace {

constexpr std::int64_t kTokenLifetime = 15 * 60;  // "must be redeemed within 15 minutes" (seed)
constexpr std::size_t kMaxToken = 2048;
constexpr std::size_t kMaxEmail = 320;
constexpr std::size_t kMaxName = 256;
constexpr std::size_t kMaxUserId = 64;
constexpr std::size_t kMaxBody = 1 << 20;

constexpr std::string_view kGetTokenPath = "/api/session/get-token";
constexpr std::string_view kRedeemTokenPath = "/api/session/redeem-token";
constexpr std::string_view kGetLoginTokenPath = "/api/user/get-login-token";
constexpr std::string_view kRedeemLoginTokenPath = "/api/user/redeem-login-token";

Error invalid(std::string message) { return make_error(ErrorCode::invalid_argument, std::move(message)); }
Error bad_answer(std::string message) {
  return make_error(ErrorCode::invalid_response, "the TwentyThree answer " + std::move(message));
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

// Tokens go into a URL we hand to a browser: printable ASCII, bounded.
Status check_token(std::string_view token, std::string_view what) {
  if (token.empty() || token.size() > kMaxToken) {
    return invalid(std::string(what) + " must be 1 to " + std::to_string(kMaxToken) + " characters");
  }
  for (char c : token) {
    if (c <= 0x20 || c >= 0x7F) return invalid(std::string(what) + " must be printable ASCII without spaces");
  }
  return {};
}

Status check_email(std::string_view email) {
  const std::size_t at = email.find('@');
  const bool shape = at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
                     email.find('@', at + 1) == std::string_view::npos;
  const bool spaces = std::any_of(email.begin(), email.end(), [](char c) { return c == ' '; });
  if (email.size() > kMaxEmail || !shape || spaces || has_control(email)) {
    return invalid("email must be one address like name@example.com (at most " + std::to_string(kMaxEmail) +
                   " bytes, no spaces or control characters)");
  }
  return {};
}

Status check_full_name(std::string_view name) {
  if (name.size() > kMaxName || has_control(name)) {
    return invalid("full_name must be at most " + std::to_string(kMaxName) + " bytes without control characters");
  }
  return {};
}

Status check_user_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxUserId || has_control(id) || id.find(' ') != std::string_view::npos) {
    return invalid("user_id must be the user's system ID (1 to " + std::to_string(kMaxUserId) +
                   " characters, no spaces)");
  }
  return {};
}

// The format parameters TwentyThree reads: JSON without the "var visual = " wrapper.
void add_format(Params& params, ResponseFormat format) {
  if (format == ResponseFormat::json) {
    params.emplace_back("format", "json");
    params.emplace_back("raw", "1");
  }
}

// Both operations are one request (phase "token"); their budget is 2, as the driver allowed.
constexpr std::int64_t kRequestBudget = 2;

Result<FlowStep> first_step(const SiteOptions& options, std::string_view path, Params params, std::string_view op,
                            Json data, RandomSource& random, std::int64_t now) {
  SSOKIT_TRY(std::string site, normalize_site(options.site));
  add_format(params, options.format);
  OAuth1Request request;
  request.method = options.method;
  request.url = site + std::string(path);
  request.params = std::move(params);
  request.placement = options.placement;
  SSOKIT_TRY(HttpRequest signed_request, oauth1_sign(request, options.credentials, random, now));
  data["site"] = site;
  StepState state{"twentythree." + std::string(op), "token", kRequestBudget, std::move(data)};
  SSOKIT_CHECK(spend_request(state));
  FlowStep out;
  out.state = std::move(state).to_json();
  out.request = std::move(signed_request);
  return out;
}

// ---- answers ----

// "var visual = {...};" (format=json without raw) -> "{...}".
std::string_view strip_js_wrapper(std::string_view body) {
  if (body.substr(0, 4) != "var ") return body;
  std::size_t eq = body.find('=');
  if (eq == std::string_view::npos || eq > 64) return body;
  body.remove_prefix(eq + 1);
  while (!body.empty() && (body.back() == ';' || body.back() == ' ' || body.back() == '\n' || body.back() == '\r')) {
    body.remove_suffix(1);
  }
  while (!body.empty() && (body.front() == ' ' || body.front() == '\n' || body.front() == '\r' || body.front() == '\t')) {
    body.remove_prefix(1);
  }
  return body;
}

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// A JSON member as text: strings as they are, integers written out (user_id may be either).
std::optional<std::string> text_member(const Json& object, std::string_view key) {
  if (auto s = json_string_at(object, key)) return *s;
  if (auto i = json_int(object, key)) return std::to_string(*i);
  return std::nullopt;
}

Result<Json> from_xml(std::string_view body) {
  SSOKIT_TRY(detail::XmlEnvelope xml, detail::parse_xml_envelope(body));
  if (xml.root != "response") return bad_answer("is XML without a <response> root element");
  Json out = Json::object();
  for (const auto& [name, value] : xml.attributes) out[name] = value;
  Json data = Json::object();
  for (const auto& [name, value] : xml.children) data[name] = std::string(trim(value));
  out["data"] = std::move(data);
  return out;
}

Result<Json> from_json(std::string_view body, std::string_view object) {
  SSOKIT_TRY(Json doc, parse_json_object(body));
  Json out = Json::object();
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.value().is_string() || it.value().is_number()) out[it.key()] = it.value();
  }
  const Json* data = json_member(doc, object);
  out["data"] = data != nullptr && data->is_object() ? *data : Json::object();
  return out;
}

// The platform's code, fit for a message: [a-z0-9_] only, else "unknown".
std::string safe_code(std::string_view code) {
  const bool ok = !code.empty() && code.size() <= 64 && std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  return ok ? std::string(code) : "unknown";
}

std::string advice(const std::string& code) {
  if (code == "invalid_signature") {
    return "the request signature was rejected: check the consumer key and secret and the access token and secret "
           "(the site's super credentials from Settings -> API & Application) and this machine's clock";
  }
  if (code == "permission_denied") {
    return "the credentials lack the 'super' permission level that session and login tokens need: use the "
           "privileged credentials created in the site's backend";
  }
  if (code == "invalid_input") return "a parameter was refused: check return_url, email, full_name or user_id";
  if (code == "no_such_user") return "the site has no user with this user_id";
  if (code == "user_already_exists") return "a user with these details already exists on the site";
  if (code == "token_required") return "the call needs an OAuth access token: set the access token and its secret";
  return "the API answered with an error";
}

Error platform_error(const Json& envelope) {
  // The site's text may echo what it was sent (the signature, the token): masked.
  const std::string raw_code = redact_credentials(json_text(envelope, "code"));
  const std::string code = safe_code(raw_code);
  Json details = Json::object();
  details.set("platform_code", raw_code.substr(0, 64));
  details.set("platform_status", "error");
  if (auto message = json_string_at(envelope, "message")) details["platform_message"] = redact_credentials(*message).substr(0, 300);
  return make_error(ErrorCode::platform_error, "TwentyThree: " + advice(code) + " (" + code + ")", std::move(details));
}

// The member `name` of an "ok" answer's data as a token.
Result<std::string> token_of(const Json& envelope, std::string_view name) {
  const Json* data = json_member(envelope, "data");
  auto value = data != nullptr ? text_member(*data, name) : std::nullopt;
  if (!value) return bad_answer("has no " + std::string(name));
  if (!check_token(*value, name).ok()) return bad_answer("has a malformed " + std::string(name));
  return *value;
}

}  // namespace

Result<std::string> normalize_site(std::string_view site) {
  SSOKIT_TRY(Url url, parse_url(site));
  if (url.scheme != "https" && url.scheme != "http") {
    return make_error(ErrorCode::invalid_url, "the TwentyThree site URL must be https://<site-domain>");
  }
  if (!is_https_or_loopback(url)) {
    return make_error(ErrorCode::invalid_url,
                      "the TwentyThree site URL must use https (plain http is accepted only for a loopback address)");
  }
  if (url.userinfo || url.query || url.fragment) {
    return make_error(ErrorCode::invalid_url, "the TwentyThree site URL must not have user-info, a query or a fragment");
  }
  while (!url.path.empty() && url.path.back() == '/') url.path.pop_back();
  return build_url(url);
}

Result<std::string> validate_return_url(std::string_view return_url) { return ssokit::validate_return_url(return_url); }

Result<FlowStep> get_token(const SiteOptions& options, const GetTokenParams& params, RandomSource& random,
                           std::int64_t now) {
  SSOKIT_TRY(std::string return_url, validate_return_url(params.return_url));
  Params request = {{"return_url", return_url}};
  if (params.email && !params.email->empty()) {
    SSOKIT_CHECK(check_email(*params.email));
    request.emplace_back("email", *params.email);
  }
  if (params.full_name && !params.full_name->empty()) {
    SSOKIT_CHECK(check_full_name(*params.full_name));
    request.emplace_back("full_name", *params.full_name);
  }
  return first_step(options, kGetTokenPath, std::move(request), "get_token", {{"return_url", return_url}},
                    random, now);
}

Result<FlowStep> get_login_token(const SiteOptions& options, const LoginTokenParams& params, RandomSource& random,
                                 std::int64_t now) {
  if (!params.allow_backend_login) {
    return invalid(
        "back-end login logs the viewer in as an existing site user, possibly with full administrator rights: "
        "TwentyThree warns to use no shared e-mails and to test the single sign-on page thoroughly. "
        "Set allow_backend_login to true (CLI: --allow-backend-login) only if that is what you mean");
  }
  SSOKIT_CHECK(check_user_id(params.user_id));
  Params request = {{"user_id", params.user_id}};
  Json state = Json::object();
  state.set("user_id", params.user_id);
  if (params.return_url) {
    SSOKIT_TRY(std::string return_url, validate_return_url(*params.return_url));
    request.emplace_back("return_url", return_url);
    state["return_url"] = return_url;
  }
  return first_step(options, kGetLoginTokenPath, std::move(request), "get_login_token", std::move(state), random, now);
}

Result<std::string> redeem_url(std::string_view site, std::string_view session_token) {
  SSOKIT_TRY(std::string base, normalize_site(site));
  SSOKIT_CHECK(check_token(session_token, "session_token"));
  return base + std::string(kRedeemTokenPath) + "?session_token=" + oauth1_encode(session_token);
}

Result<std::string> redeem_login_url(std::string_view site, std::string_view login_token) {
  SSOKIT_TRY(std::string base, normalize_site(site));
  SSOKIT_CHECK(check_token(login_token, "login_token"));
  return base + std::string(kRedeemLoginTokenPath) + "?login_token=" + oauth1_encode(login_token);
}

Result<Json> parse_response(const HttpResponse& response, std::string_view object) {
  if (response.status != 200) {
    // Both success and failure come with 200: anything else is the server or a proxy in the way.
    return make_error(ErrorCode::http_error,
                      "TwentyThree answered HTTP " + std::to_string(response.status) + " (its API always answers 200)",
                      json_object("status", response.status));
  }
  if (response.body.size() > kMaxBody) return bad_answer("is larger than 1 MiB");
  std::string_view body = trim(response.body);
  Json envelope;
  if (body.substr(0, 1) == "<" || body.substr(0, 3) == "\xEF\xBB\xBF") {
    SSOKIT_TRY(envelope, from_xml(body));
  } else {
    body = strip_js_wrapper(body);
    if (body.substr(0, 1) != "{") return bad_answer("is neither XML nor JSON");
    SSOKIT_TRY(envelope, from_json(body, object));
  }
  const std::string status = json_text(envelope, "status");
  if (status == "error") return platform_error(envelope);
  if (status != "ok") return bad_answer("has no status \"ok\" or \"error\"");
  return envelope;
}

}  // namespace ssokit::twentythree

namespace ssokit {

Result<FlowStep> twentythree_step(const Json& input, const HttpResponse& response, std::int64_t now) {
  using namespace twentythree;
  SSOKIT_TRY(StepState step, read_step_state(input, "twentythree."));
  const Json& state = step.data;
  const auto site = json_string_at(state, "site");
  if (step.machine != "twentythree.get_token" && step.machine != "twentythree.get_login_token") {
    return make_error(ErrorCode::invalid_argument, "not a TwentyThree step state: pass the state the last step returned");
  }
  // One phase: the token answer. A finished state ("done") or another phase cannot go on.
  if (step.phase != "token" || !site) {
    return make_error(ErrorCode::invalid_argument, "this TwentyThree operation has finished or its state is malformed");
  }
  const bool session = step.machine == "twentythree.get_token";
  SSOKIT_TRY(Json envelope, parse_response(response, session ? "sessiontoken" : "logintoken"));
  SSOKIT_TRY(std::string token, token_of(envelope, session ? "access_token" : "login_token"));
  Json result = Json::object();
  // Naming trap: get-token's access_token is what redeem-token takes as session_token.
  SSOKIT_TRY(std::string url, session ? redeem_url(*site, token) : redeem_login_url(*site, token));
  result["redirect_url"] = url;
  const Json* data_member = json_member(envelope, "data");
  const Json& data = data_member != nullptr ? *data_member : Json::object();
  const auto answered = json_string_at(data, "return_url");
  const auto asked = json_string_at(state, "return_url");
  if (answered) result["return_url"] = *answered;
  else if (asked) result["return_url"] = *asked;
  if (!session) result["user_id"] = text_member(data, "user_id").value_or(json_text(state, "user_id"));
  result["expires_at"] = now + kTokenLifetime;
  FlowStep out;
  out.state = done_step_state(step.machine);
  out.result = std::move(result);
  return out;
}

}  // namespace ssokit
