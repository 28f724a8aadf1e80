// The platform's envelope: {"success","status","code","message","data"} on success and
// {"success":false,"status","code","message","meta":{"errors":[{field,error,location}]}} on error.
// Success is decided by `code` (the platform says: branch on code, not on the message).
#include "org_internal.hpp"
#include "ssokit/dates.hpp"
#include "ssokit/redact.hpp"
#include "ssokit/text.hpp"

namespace ssokit::org {
namespace {

constexpr std::size_t kMaxFieldErrors = 20;

// What to do about each documented code; the platform's own message is appended.
const char* hint_for(std::string_view code) {
  if (code == "AUTHENTICATION_REQUIRED") {
    return "no credential reached the organization API: set the API key (CLI: SSOKIT_ORG_API_KEY, JS: apiKey) to a "
           "personal access token";
  }
  if (code == "INVALID_API_KEY") {
    return "the API key was not accepted: check it (CLI: SSOKIT_ORG_API_KEY, JS: apiKey); the personal access token "
           "may be mistyped, revoked or expired";
  }
  if (code == "INVALID_OR_EXPIRED_TOKEN" || code == "NO_TOKEN_PROVIDED") {
    return "the bearer token is missing, malformed, expired or revoked: get a new one, or send a personal access "
           "token as X-Api-Key";
  }
  if (code == "INSUFFICIENT_PERMISSIONS") {
    return "the credential lacks a permission this call needs: SSO, domain and security settings are restricted to "
           "the organization owner; use an owner's token with the needed scopes";
  }
  if (code == "FORBIDDEN") {
    return "the credential is valid but not for this organization (e.g. a token pinned to another organization): "
           "check the organization id (CLI: --org-id, JS: organizationId)";
  }
  if (code == "MFA_REQUIRED") {
    return "the organization requires MFA and this session has not completed it: complete MFA, or use a personal "
           "access token (X-Api-Key), which is not subject to MFA";
  }
  if (code == "VALIDATION_ERROR") return "the platform rejected the request; correct these fields and send it again";
  if (code == "RATE_LIMIT_ERROR") return "the organization API is rate limiting this client: wait and try again";
  return "the organization API refused the request";
}

Json field_errors(const Json& doc) {
  Json out = Json::array();
  const Json* meta = json_member(doc, "meta");
  const Json* errors = meta == nullptr ? nullptr : json_member(*meta, "errors");
  if (errors == nullptr || !errors->is_array()) return out;
  for (const Json& e : *errors) {
    if (out.size() >= kMaxFieldErrors) break;
    if (!e.is_object()) continue;
    out.push_back({{"field", detail::clean_text(json_text(e, "field"), 100)},
                   {"error", detail::clean_text(redact_credentials(json_text(e, "error")))},
                   {"location", detail::clean_text(json_text(e, "location"), 20)}});
  }
  return out;
}

Error envelope_error(const Json& doc, const std::string& code, int http_status) {
  const int status = static_cast<int>(json_int(doc, "status").value_or(http_status));
  // The platform's text may echo what it was sent (the API key, a client secret): masked.
  const std::string platform_message = detail::clean_text(redact_credentials(json_text(doc, "message")));
  const std::string shown_code = detail::clean_text(redact_credentials(code), 60);
  Json errors = field_errors(doc);

  std::string message = hint_for(code);
  const char* separator = ": ";
  for (const Json& e : errors) {
    message += separator + e["field"].get<std::string>() + ": " + e["error"].get<std::string>();
    separator = "; ";
  }
  message += " [" + shown_code + ", HTTP " + std::to_string(status);
  if (!platform_message.empty()) message += ": " + platform_message;
  message += "]";

  const ErrorCode ours = (code == "RATE_LIMIT_ERROR" || status == 429) ? ErrorCode::rate_limited : ErrorCode::platform_error;
  Json details = Json::object();
  details.set("platform_code", shown_code);
  details.set("status", status);
  details.set("errors", std::move(errors));
  if (!platform_message.empty()) details["platform_message"] = platform_message;
  return make_error(ours, std::move(message), std::move(details));
}

Error status_error(int status) {
  if (status == 429) {
    return make_error(ErrorCode::rate_limited, "the organization API is rate limiting this client (HTTP 429): wait and try again",
                      json_object("status", status, "errors", Json::array()));
  }
  std::string message = "the organization API answered HTTP " + std::to_string(status) + " without its JSON envelope";
  if (status >= 500) message += ": the service has a problem; try again later";
  return make_error(ErrorCode::http_error, std::move(message), json_object("status", status));
}

bool is_success_status(int status) { return status >= 200 && status < 300; }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Digits already checked; at most 9 of them, so no overflow.
std::int64_t digits_value(std::string_view s) {
  std::int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}



}  // namespace

Result<Reply> parse_reply(const HttpResponse& response) {
  const bool ok_status = is_success_status(response.status);
  if (response.body.empty()) {
    if (ok_status) return Reply{response.status, "", nullptr};  // e.g. 204 No Content
    return status_error(response.status);
  }
  auto doc = parse_json_object(response.body);
  if (!doc.ok()) {
    if (ok_status) {
      return make_error(ErrorCode::invalid_response, "the organization API's answer is not a JSON object: " + doc.error().message,
                        json_object("status", response.status));
    }
    return status_error(response.status);
  }
  const auto code = json_string_at(doc.value(), "code");
  if (!code) {
    if (ok_status) {
      return make_error(ErrorCode::invalid_response, "the organization API's answer has no envelope (no \"code\")",
                        json_object("status", response.status));
    }
    return status_error(response.status);
  }
  if (*code != "OK" || json_bool(doc.value(), "success") == false) {
    return envelope_error(doc.value(), *code == "OK" ? std::string("UNKNOWN") : *code, response.status);
  }
  Reply reply;
  reply.status = static_cast<int>(json_int(doc.value(), "status").value_or(response.status));
  reply.message = detail::clean_text(json_text(doc.value(), "message"));
  if (const Json* data = json_member(doc.value(), "data")) reply.data = *data;
  return reply;
}

std::optional<std::int64_t> parse_http_date(std::string_view s) { return ssokit::parse_http_date(s); }

std::optional<std::int64_t> retry_after_seconds(const HttpResponse& response, std::int64_t now) {
  auto value = response.header("Retry-After");
  if (!value) return std::nullopt;
  const std::string_view v = trim_ows(*value);
  if (all_digits(v)) {
    if (v.size() > 9) return std::int64_t{999999999};  // absurdly long: "too long to wait" is all that matters
    return digits_value(v);
  }
  if (auto at = parse_http_date(v)) return *at > now ? *at - now : 0;
  return std::nullopt;
}

}  // namespace ssokit::org
