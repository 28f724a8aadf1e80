// The extra profile request: the endpoint rule, the request with the access token, the answer's checks.
#include "ssokit/profile.hpp"
#include "profile_internal.hpp"

namespace ssokit {

using namespace detail;

namespace {

// ---------------------------------------------------------------------------------------------
// The extra profile request.

// The endpoint as messages name it: scheme, host, port and path, never the query (it might
// carry a key) nor user information.
std::string endpoint_name(const Url& url) {
  constexpr std::size_t kMax = 200;
  std::string name = url.origin() + url.path;
  return name.size() <= kMax ? name : name.substr(0, kMax) + "...";
}

Result<Url> endpoint_url(std::string_view text) {
  auto url = parse_url(text);
  if (!url.ok()) {
    return make_error(ErrorCode::invalid_url, "the profile endpoint is not a valid URL: " + url.error().message);
  }
  if (url->userinfo) return make_error(ErrorCode::invalid_url, "the profile endpoint URL must not contain a user name");
  if (url->fragment) return make_error(ErrorCode::invalid_url, "the profile endpoint URL must not have a fragment");
  if (!is_https_or_loopback(*url)) {
    return make_error(ErrorCode::invalid_url, "the profile endpoint " + endpoint_name(*url) +
                                                  " must be https (http only on a loopback host): it receives the "
                                                  "access token");
  }
  return url;
}

}  // namespace

Status check_profile_endpoint(std::string_view url) {
  SSOKIT_TRY(Url parsed, endpoint_url(url));
  (void)parsed;
  return {};
}

Result<HttpRequest> profile_request(std::string_view url, std::string_view access_token) {
  SSOKIT_CHECK(check_profile_endpoint(url));
  if (access_token.empty()) return make_error(ErrorCode::login_required, "there is no access token; sign in again");
  HttpRequest request;
  request.url = std::string(url);
  request.headers = {{"Authorization", "Bearer " + std::string(access_token)}, {"Accept", "application/json"}};
  return request;
}

Result<Json> process_profile_response(const HttpResponse& response, std::string_view url) {
  SSOKIT_TRY(Url parsed, endpoint_url(url));
  const std::string name = endpoint_name(parsed);
  if (response.status != 200) {
    return make_error(ErrorCode::http_error, "the profile endpoint " + name + " answered HTTP " + std::to_string(response.status),
                      json_object("status", response.status, "endpoint", name));
  }
  auto doc = parse_json(response.body);
  if (!doc.ok()) {
    return make_error(ErrorCode::invalid_response, "the profile endpoint " + name + " did not answer JSON: " + doc.error().message,
                      json_object("endpoint", name));
  }
  if (!doc->is_object() && !doc->is_array()) {
    return make_error(ErrorCode::invalid_response,
                      "the profile endpoint " + name + " answered a JSON " + std::string(doc->type_name()) +
                          "; a JSON object or array is needed",
                      json_object("endpoint", name));
  }
  return std::move(doc).value();
}

}  // namespace ssokit
