// The StreamOne API v3 response envelope {"header":{"status","statusmessage",...},"body":...} and
// its status codes: success only for status 0, every documented status mapped to an error that
// says what to do.
#include <string>
#include <string_view>

#include "ssokit/platforms/streamone.hpp"
#include "ssokit/dates.hpp"
#include "ssokit/redact.hpp"
#include "streamone_internal.hpp"

namespace ssokit::streamone {
namespace {

struct StatusInfo {
  int code;
  const char* name;
  const char* hint;  // what to do about it
};

// The statuses the seed documents (and the API's own SDK names), with advice.
constexpr StatusInfo kStatuses[] = {
    {0, "OK", ""},
    {1, "INTERNAL_ERROR", "an error inside StreamOne; try again later"},
    {2, "TIMESTAMP_OUT_OF_RANGE", ""},  // its own message: see clock_message
    {3, "AUTHENTICATION_FAILED",
     "the signature was not accepted: check the application ID and its pre-shared key "
     "(SSOKIT_STREAMONE_APPLICATION_KEY)"},
    {4, "ACCESS_DENIED",
     "the application's role does not allow this action (managing SSO tokens needs the user-sso-token token)"},
    {5, "INVALID_ACTION", "the API does not know this command or action"},
    {6, "INPUT_ERROR", "an argument is missing or malformed (for user/create: check the create_user arguments)"},
    {7, "UNKNOWN_PARAMETER", "the API did not recognise a parameter or argument"},
    {8, "RATE_LIMITED", "too many requests (after failed authentication): wait before trying again"},
    {9, "INVALID_TIMEZONE", "the timezone parameter is not a valid time zone name"},
    {10, "API_IN_READONLY_MODE", "the API is read-only for now (maintenance): try again later"},
    {281, "SESSION_INVALID", "the session could not be created"},
    {282, "SESSION_NOT_FOUND", "the session does not exist (ended or expired): sign in again"},
    {310, "USER_NOT_FOUND", "no user with this ID"},
    {316, "USER_USERNAME_ALREADY_EXISTS",
     "a user with this username exists: link the SSO token to that user, or create the user with another username"},
    {430, "SSO_SERVICE_NOT_FOUND",
     "the single sign-on service is not available in the API (StreamOne Support adds services)"},
    {431, "USER_ALREADY_HAS_SSO_TOKEN",
     "the user already has a token for this service: pass replace_token to clear it and link the new one"},
    {432, "USER_HAS_NO_SSO_TOKEN", "the user has no token for this service: nothing to clear"},
    {433, "SSO_RESPONSE_INVALID",
     "the SSO response did not validate (expired, tampered or for another service): get a fresh one from the user"},
    {434, "SSO_TOKEN_UNKNOWN",
     "no user is linked to this SSO token: link it to a user, or enable provisioning (create_user)"},
};

const StatusInfo* find_status(int status) {
  for (const auto& s : kStatuses) {
    if (s.code == status) return &s;
  }
  return nullptr;
}

// The server's text, for a message: printable, at most 200 bytes.
std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text.substr(0, 200)) out += (c < 0x20 || c == 0x7f) ? ' ' : static_cast<char>(c);
  return out;
}

// Appends v zero-padded to `width` characters after any sign, like printf's %0<width>lld (without
// printf, which would add about 6 KB to the WebAssembly build).
void append_padded(std::string& out, std::int64_t v, std::size_t width) {
  const std::string digits = std::to_string(v < 0 ? -v : v);
  if (v < 0) {
    out += '-';
    --width;
  }
  if (digits.size() < width) out.append(width - digits.size(), '0');
  out += digits;
}

std::string utc_text(std::int64_t t) {
  std::int64_t days = t / 86400;
  std::int64_t secs = t % 86400;
  if (secs < 0) {
    secs += 86400;
    days -= 1;
  }
  const CivilDate date = civil_from_days(days);
  std::string out;  // YYYY-MM-DDTHH:MM:SSZ
  append_padded(out, date.year, 4);
  out += '-';
  append_padded(out, date.month, 2);
  out += '-';
  append_padded(out, date.day, 2);
  out += 'T';
  append_padded(out, secs / 3600, 2);
  out += ':';
  append_padded(out, secs / 60 % 60, 2);
  out += ':';
  append_padded(out, secs % 60, 2);
  out += 'Z';
  return out;
}

// The server's clock: the envelope header's "timestamp" when it has one, else the HTTP Date header.
std::optional<std::int64_t> server_time(const Json& header, const HttpResponse& response) {
  if (auto t = json_int(header, "timestamp")) return t;
  if (auto date = response.header("Date")) return parse_http_date(*date);
  return std::nullopt;
}

Error clock_error(const Json& header, const HttpResponse& response, std::optional<std::int64_t> sent,
                  Json details) {
  std::string message =
      "StreamOne rejected the request's timestamp (status 2 TIMESTAMP_OUT_OF_RANGE): this machine's clock is off";
  const auto server = server_time(header, response);
  if (server) {
    details["server_time"] = *server;
    message += "; the server's time is " + utc_text(*server);
    if (sent) {
      const std::int64_t skew = *sent - *server;
      details["local_time"] = *sent;
      details["skew_seconds"] = skew;
      message += ", ours was " + utc_text(*sent) + " (" + (skew > 0 ? "ahead by " : "behind by ") +
                 std::to_string(skew > 0 ? skew : -skew) + " s)";
    }
    message += ". Set the clock right (NTP) and try again";
  } else {
    message += " or the request was delayed: check that the system clock is synchronised (NTP) and try again";
  }
  return make_error(ErrorCode::platform_error, std::move(message), std::move(details));
}

Error status_error(int status, const std::string& statusmessage, const Json& header, const HttpResponse& response,
                   std::optional<std::int64_t> sent) {
  const StatusInfo* info = find_status(status);
  const char* name = info != nullptr ? info->name : "UNKNOWN_STATUS";
  // The server's text may echo what it was sent (the SSO response, the signature): masked.
  const std::string server_text = redact_credentials(statusmessage);
  Json details = Json::object();
  details.set("platform_code", status);
  details.set("platform_status", name);
  details.set("statusmessage", server_text);
  if (status == kStatusTimestampOutOfRange) return clock_error(header, response, sent, std::move(details));
  std::string message = "StreamOne answered status " + std::to_string(status) + " " + name;
  if (!server_text.empty()) message += " (\"" + printable(server_text) + "\")";
  if (info != nullptr && *info->hint != '\0') message += std::string(": ") + info->hint;
  const ErrorCode code = status == kStatusSsoTokenUnknown ? ErrorCode::sso_token_unknown : ErrorCode::platform_error;
  return make_error(code, std::move(message), std::move(details));
}

Error no_envelope(const HttpResponse& response, const std::string& what) {
  Json details = Json::object();
  details.set("http_status", response.status);
  if (response.status < 200 || response.status > 299) {
    return make_error(ErrorCode::http_error,
                      "StreamOne answered HTTP " + std::to_string(response.status) + " without an API envelope (" +
                          what + "): check the server URL",
                      std::move(details));
  }
  return make_error(ErrorCode::invalid_response, "StreamOne's answer is not an API v3 envelope: " + what,
                    std::move(details));
}


}  // namespace

const char* status_name(int status) {
  const StatusInfo* info = find_status(status);
  return info != nullptr ? info->name : "UNKNOWN_STATUS";
}

std::optional<std::int64_t> parse_http_date(std::string_view s) {
  auto t = ssokit::parse_http_date(s);
  if (t && *t < 0) return std::nullopt;  // before 1970: no StreamOne server's clock
  return t;
}

Result<Envelope> parse_envelope(const HttpResponse& response, std::optional<std::int64_t> sent_timestamp) {
  auto doc = parse_json_object(response.body);
  if (!doc.ok()) return no_envelope(response, "the body is not a JSON object");
  const Json* header = json_member(doc.value(), "header");
  if (header == nullptr || !header->is_object()) return no_envelope(response, "it has no header object");
  auto status = json_int(*header, "status");
  if (!status || *status < 0 || *status > 99999) return no_envelope(response, "header.status is not a status code");
  auto statusmessage = json_string_at(*header, "statusmessage");
  if (!statusmessage) return no_envelope(response, "header.statusmessage is not a string");

  Envelope envelope;
  envelope.status = static_cast<int>(*status);
  envelope.statusmessage = *statusmessage;
  if (envelope.status != kStatusOk) {
    return status_error(envelope.status, envelope.statusmessage, *header, response, sent_timestamp);
  }
  envelope.header = *header;
  if (const Json* body = json_member(doc.value(), "body")) envelope.body = *body;
  return envelope;
}

Json SessionInfo::to_json() const {
  Json j = Json::object();
  j.set("id", id);
  j.set("key", key);
  j.set("user", user);
  j["timeout"] = timeout ? Json(*timeout) : Json(nullptr);
  return j;
}

Result<SessionInfo> parse_session(const Json& body) {
  auto bad = [](const char* what) {
    return make_error(ErrorCode::invalid_response, std::string("StreamOne's session answer ") + what);
  };
  if (!body.is_object()) return bad("has no body object");
  auto id = json_string_at(body, "id");
  auto key = json_string_at(body, "key");
  if (!id || id->empty()) return bad("has no session id");
  if (!key || key->empty()) return bad("has no session key");
  SessionInfo s;
  s.id = *id;
  s.key = *key;
  if (const Json* user = json_member(body, "user")) {
    if (!user->is_string() && !user->is_object() && !user->is_null()) return bad("has a user that is not an ID");
    s.user = *user;
  }
  if (const Json* timeout = json_member(body, "timeout"); timeout != nullptr && !timeout->is_null()) {
    auto t = json_int(body, "timeout");
    if (!t || *t < 0) return bad("has a timeout that is not a number of seconds");
    s.timeout = *t;
  }
  return s;
}

}  // namespace ssokit::streamone
