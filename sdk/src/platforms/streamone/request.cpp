// StreamOne API v3 requests: POST {server}/api/{command}/{action}?{parameters} with the arguments
// in a form body, signed with HMAC-SHA1 over path + "?" + parameters + "&" + arguments.
#include <string_view>

#include "ssokit/crypto.hpp"
#include "ssokit/url.hpp"
#include "ssokit/platforms/streamone.hpp"
#include "streamone_internal.hpp"

namespace ssokit::streamone {
namespace {

Error bad(const std::string& what) { return make_error(ErrorCode::invalid_argument, "StreamOne: " + what); }

// Commands and actions are plain words ("session", "createwithsso"): anything else would change
// the path that is signed.
bool plain_word(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Percent-encoding as PHP's http_build_query (the API's own SDK builds both the query and the body
// with it): A-Z a-z 0-9 - _ . stay, space is '+', every other byte is %XX. Matching it byte for byte
// means a server that rebuilds the string from the parsed parameters signs exactly what we signed.
std::string encode_component(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.';
    if (keep) {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<std::string> base_url(const std::string& server) {
  auto url = parse_url(server);
  if (!url.ok() || (url->scheme != "https" && url->scheme != "http") || url->host.empty() || url->query ||
      url->fragment || url->userinfo) {
    return make_error(ErrorCode::invalid_url,
                      "StreamOne: the server must be an http(s) URL without query, fragment or credentials, "
                      "e.g. https://api.streamone.nl");
  }
  // The session key of session/createwithsso crosses here: never in clear (url.hpp's one rule).
  if (!is_https_or_loopback(*url)) {
    return make_error(ErrorCode::invalid_url,
                      "StreamOne: the server must be https (plain http only on a loopback host), e.g. "
                      "https://api.streamone.nl");
  }
  std::string base = server;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

Status check_credentials(const Credentials& c, const Call& call) {
  if (c.actor_id.empty()) return bad(c.actor == ActorType::user ? "the user ID is required" : "the application ID is required");
  if (c.key.empty()) return bad("the pre-shared key is required");
  if (c.account && c.customer) return bad("account and customer are mutually exclusive: give one of them");
  if (!plain_word(call.command) || !plain_word(call.action)) {
    return bad("command and action must be words of letters, digits, '_' or '-'");
  }
  if (call.session) {
    if (c.actor != ActorType::application) return bad("sessions are only used with application authentication");
    if (call.session->id.empty() || call.session->key.empty()) return bad("a session needs its id and key");
  }
  return {};
}

}  // namespace

std::string encode_pairs(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += encode_component(name);
    out += '=';
    out += encode_component(value);
  }
  return out;
}

std::string join_list(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ',';
    out += v;
  }
  return out;
}

namespace {

// An argument value as the form body carries it (PHP's conventions: true "1", false "0", null "");
// arrays are comma-joined.
Result<std::string> argument_text(const std::string& name, const Json& v, bool in_array) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return std::string(v.get<bool>() ? "1" : "0");
  if (v.is_number()) return dump_json(v);
  if (v.is_null()) return std::string();
  if (v.is_array() && !in_array) {
    std::vector<std::string> items;
    for (const auto& item : v) {
      SSOKIT_TRY(std::string text, argument_text(name, item, true));
      items.push_back(std::move(text));
    }
    return join_list(items);
  }
  return bad("argument \"" + name.substr(0, 40) + "\" must be a string, number, boolean or a list of those");
}

}  // namespace

Result<Params> arguments_from_json(const Json& arguments) {
  Params out;
  if (arguments.is_null()) return out;
  if (!arguments.is_object()) return bad("the arguments must be a JSON object");
  for (auto it = arguments.begin(); it != arguments.end(); ++it) {
    SSOKIT_TRY(std::string text, argument_text(it.key(), it.value(), false));
    out.emplace_back(it.key(), std::move(text));
  }
  return out;
}

Result<SignedRequest> build_request(const Credentials& credentials, const Call& call, std::int64_t now) {
  SSOKIT_CHECK(check_credentials(credentials, call));
  SSOKIT_TRY(std::string base, base_url(credentials.server));

  // Parameters in the order they are sent, and signed.
  Params parameters = {{"api", "3"}, {"format", "json"}};
  if (credentials.account) parameters.emplace_back("account", *credentials.account);
  if (credentials.customer) parameters.emplace_back("customer", *credentials.customer);
  if (credentials.timezone) parameters.emplace_back("timezone", *credentials.timezone);
  const bool user = credentials.actor == ActorType::user;
  parameters.emplace_back("authentication_type", user ? "user" : "application");
  parameters.emplace_back(user ? "user" : "application", credentials.actor_id);
  parameters.emplace_back("timestamp", std::to_string(now));
  if (call.session) parameters.emplace_back("session", call.session->id);

  const std::string path = "/api/" + call.command + "/" + call.action;
  const std::string query = encode_pairs(parameters);
  const std::string body = encode_pairs(call.arguments);

  SignedRequest out;
  out.signed_string = path + "?" + query + "&" + body;
  out.timestamp = now;
  // Within a session the key is the application's key followed by the session's key.
  const std::string key = call.session ? credentials.key + call.session->key : credentials.key;
  const std::string signature = hex_encode(hmac(HashAlg::sha1, key, out.signed_string));

  out.request.method = "POST";
  out.request.url = base + path + "?" + query + "&signature=" + signature;
  out.request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  out.request.body = body;
  out.request.idempotent = false;  // a POST that may create or link: never retried blindly
  return out;
}

}  // namespace ssokit::streamone
