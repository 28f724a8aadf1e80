// OAuth 2.0 Device Authorization Grant (RFC 8628): the device authorization request and the
// classification of the token endpoint's answers while polling. The step machine that strings
// them together with ID-token validation is in session/flow.cpp (device_flow).
#include "ssokit/device.hpp"

#include <algorithm>

#include "oauth_internal.hpp"

namespace ssokit {
namespace {

constexpr const char* kDeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

Error bad_answer(const std::string& what) {
  return make_error(ErrorCode::invalid_response, "the device authorization response " + what);
}

// The person opens this URL (or scans it) and signs in there: https only (plain http only on a
// loopback host, for development), so a provider cannot make the device show a javascript:,
// file: or plain-http link that would carry the person's password in the clear.
bool web_url(const std::string& text) {
  auto url = parse_url(text);
  return url.ok() && is_https_or_loopback(url.value());
}

// RFC 8628 6.1: the user code is typed by a person from what the device shows, so it is short
// printable text. Anything else (a line break, an escape sequence, a paragraph) would let the
// provider write its own lines on the device's screen ("Visit: http://evil.example").
bool displayable_user_code(const std::string& code) {
  if (code.empty() || code.size() > kMaxUserCodeLength || code.front() == ' ' || code.back() == ' ') return false;
  for (char c : code) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// A positive integer member; nullopt when absent or null, an error when present and wrong.
Result<std::optional<std::int64_t>> positive_int(const Json& doc, const char* name) {
  const Json* v = json_member(doc, name);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
  auto n = json_int(doc, name);
  if (!n || *n <= 0 || *n > kMaxDeviceCodeLifetime) {
    return bad_answer(std::string("has an invalid ") + name + " (a positive number of seconds, at most 31 days)");
  }
  return n;
}

}  // namespace

Json DeviceAuthorization::to_json() const {
  Json j = Json::object();
  j.set("device_code", device_code);
  j.set("user_code", user_code);
  j.set("verification_uri", verification_uri);
  j.set("expires_in", expires_in);
  j.set("interval", interval);
  j.set("expires_at", expires_at);
  if (!verification_uri_complete.empty()) j["verification_uri_complete"] = verification_uri_complete;
  return j;
}

Result<DeviceAuthorization> DeviceAuthorization::from_json(const Json& value) {
  auto bad = [](const char* what) {
    return make_error(ErrorCode::invalid_argument, std::string("device authorization: ") + what);
  };
  if (!value.is_object()) return bad("must be a JSON object (from device.process)");
  DeviceAuthorization d;
  auto code = json_string_at(value, "device_code");
  auto user_code = json_string_at(value, "user_code");
  auto uri = json_string_at(value, "verification_uri");
  if (!code || code->empty()) return bad("device_code is required");
  if (!user_code || user_code->empty()) return bad("user_code is required");
  if (!displayable_user_code(*user_code)) return bad("user_code must be short printable text (RFC 8628 6.1)");
  if (!uri || uri->empty()) return bad("verification_uri is required");
  d.device_code = *code;
  d.user_code = *user_code;
  d.verification_uri = *uri;
  if (const Json* c = json_member(value, "verification_uri_complete"); c != nullptr && !c->is_null()) {
    if (!c->is_string()) return bad("verification_uri_complete must be a string");
    d.verification_uri_complete = c->get<std::string>();
  }
  auto expires_at = json_int(value, "expires_at");
  if (!expires_at) return bad("expires_at (unix seconds) is required");
  d.expires_at = *expires_at;
  d.expires_in = json_int(value, "expires_in").value_or(0);
  if (json_member(value, "interval") != nullptr) {
    auto interval = json_int(value, "interval");
    if (!interval || *interval <= 0 || *interval > kMaxDeviceCodeLifetime) {
      return bad("interval must be a positive number of seconds");
    }
    d.interval = *interval;
  }
  return d;
}

std::string DeviceAuthorization::to_string() const {
  Json j = to_json();
  j["device_code"] = "[redacted]";
  return "DeviceAuthorization" + dump_json(j);
}

Result<HttpRequest> device_authorization_request(const ClientConfig& client, const ProviderMetadata& provider,
                                                 std::optional<std::string> scope, std::int64_t now) {
  if (provider.device_authorization_endpoint.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "the provider has no device_authorization_endpoint: it does not offer the device flow "
                      "(RFC 8628); sign in with a browser instead");
  }
  const std::string& s = scope ? *scope : client.scope;
  Params form;
  if (!s.empty()) form.emplace_back("scope", s);
  return detail::form_post(client, provider, provider.device_authorization_endpoint, "device_authorization_endpoint",
                           std::move(form), now);
}

Result<DeviceAuthorization> process_device_authorization_response(const HttpResponse& response, std::int64_t now) {
  if (response.status != 200) {
    if (auto error = detail::oauth_error(response, ErrorCode::authorization_error, "the device authorization endpoint")) {
      return *error;
    }
    return detail::http_status_error(response, "the device authorization endpoint");
  }
  auto body = parse_json_object(response.body);
  if (!body.ok()) return bad_answer("is not a JSON object: " + body.error().message);
  const Json& doc = body.value();
  if (json_string(doc, "error")) {
    return *detail::oauth_error(response, ErrorCode::authorization_error, "the device authorization endpoint");
  }
  DeviceAuthorization d;
  struct Text {
    const char* name;
    std::string* target;
  };
  for (const Text& f : {Text{"device_code", &d.device_code}, Text{"user_code", &d.user_code}}) {
    auto v = json_string_at(doc, f.name);
    if (!v || v->empty()) return bad_answer(std::string("has no ") + f.name);
    *f.target = *v;
  }
  if (!displayable_user_code(d.user_code)) {
    return bad_answer("has a user_code that is not short printable text (RFC 8628 6.1: at most " +
                      std::to_string(kMaxUserCodeLength) + " printable ASCII characters)");
  }
  // Some providers (Google) still use the draft's name.
  auto uri = json_string_at(doc, "verification_uri");
  if (!uri) uri = json_string_at(doc, "verification_url");
  if (!uri || !web_url(*uri)) return bad_answer("has no https verification_uri (plain http only on a loopback host)");
  d.verification_uri = *uri;
  if (const Json* c = json_member(doc, "verification_uri_complete"); c != nullptr && !c->is_null()) {
    if (!c->is_string() || !web_url(c->get<std::string>())) {
      return bad_answer("has a verification_uri_complete that is not an https URL (plain http only on a loopback host)");
    }
    d.verification_uri_complete = c->get<std::string>();
  }
  SSOKIT_TRY(std::optional<std::int64_t> expires_in, positive_int(doc, "expires_in"));
  if (!expires_in) return bad_answer("has no expires_in");
  d.expires_in = *expires_in;
  d.expires_at = now + *expires_in;
  SSOKIT_TRY(std::optional<std::int64_t> interval, positive_int(doc, "interval"));
  d.interval = interval.value_or(kDefaultDevicePollInterval);
  return d;
}

Result<HttpRequest> device_token_request(const ClientConfig& client, const ProviderMetadata& provider,
                                         std::string_view device_code, std::int64_t now) {
  if (device_code.empty()) return make_error(ErrorCode::invalid_argument, "the device code is empty");
  return detail::form_post(client, provider, provider.token_endpoint, "token_endpoint",
                           {{"grant_type", kDeviceCodeGrant}, {"device_code", std::string(device_code)}}, now);
}

Result<DevicePoll> process_device_token_response(const HttpResponse& response, std::int64_t now, bool dpop) {
  auto tokens = process_token_response(response, now, dpop);
  if (tokens.ok()) return DevicePoll{DevicePollStatus::authorized, std::move(tokens).value()};
  Error e = tokens.take_error();
  if (e.code != ErrorCode::token_error) return e;
  const std::string error = json_text(e.details, "error");
  if (error == "authorization_pending") return DevicePoll{DevicePollStatus::pending, {}};
  if (error == "slow_down") return DevicePoll{DevicePollStatus::slow_down, {}};
  if (error == "expired_token") {
    return make_error(ErrorCode::device_code_expired,
                      "the device code expired before the sign-in was confirmed; start the device sign-in again",
                      std::move(e.details));
  }
  if (error == "access_denied") {
    return make_error(ErrorCode::access_denied, "the sign-in was declined on the verification page",
                      std::move(e.details));
  }
  return e;
}

std::optional<std::int64_t> device_retry_wait(ErrorCode failure, std::int64_t last_backoff, std::int64_t interval,
                                              std::int64_t now, std::int64_t expires_at) {
  if (interval <= 0 || (failure != ErrorCode::network_error && failure != ErrorCode::timeout)) return std::nullopt;
  const std::int64_t wait = std::min<std::int64_t>(std::max(last_backoff, interval) * 2, 60);
  if (now + wait >= expires_at) return std::nullopt;
  return wait;
}

}  // namespace ssokit
