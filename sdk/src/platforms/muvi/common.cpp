// The Muvi store's base URL and the input checks both halves of the connector share.
#include "muvi_internal.hpp"
#include "ssokit/platforms/muvi.hpp"
#include "ssokit/url.hpp"

namespace ssokit {
namespace muvi_detail {

bool printable(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return false;
  }
  return true;
}

Status check_email(std::string_view email) {
  if (email.empty()) return make_error(ErrorCode::invalid_argument, "the viewer's e-mail address is required");
  const auto at = email.find('@');
  if (email.size() > 254 || !printable(email) || at == std::string_view::npos || at == 0 || at + 1 == email.size() ||
      email.find('@', at + 1) != std::string_view::npos) {
    return make_error(ErrorCode::invalid_argument,
                      "the viewer's e-mail address is not one (name@domain, at most 254 characters, no spaces)");
  }
  return {};
}

Status check_name(std::string_view name) {
  if (name.size() > 256) return make_error(ErrorCode::invalid_argument, "the viewer's name is longer than 256 bytes");
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      return make_error(ErrorCode::invalid_argument, "the viewer's name contains a control character");
    }
  }
  return {};
}

bool valid_user_uuid(std::string_view uuid) { return !uuid.empty() && uuid.size() <= 128 && printable(uuid); }

}  // namespace muvi_detail

Result<std::string> muvi_store_origin(std::string_view store_url) {
  auto parsed = parse_url(store_url);
  if (!parsed.ok()) {
    return make_error(ErrorCode::invalid_url, "the Muvi store URL is not a URL: give https://<store domain>");
  }
  const Url& url = parsed.value();
  if (url.userinfo || url.query || url.fragment || !(url.path.empty() || url.path == "/")) {
    return make_error(ErrorCode::invalid_url,
                      "the Muvi store URL must be just https://<store domain>, without a path, query or user name");
  }
  // The auth token travels in every request: only TLS, except to a local test double.
  if (!is_https_or_loopback(url)) {
    return make_error(ErrorCode::invalid_url,
                      "the Muvi store URL must use https (plain http only for a loopback host)");
  }
  return url.origin();
}

}  // namespace ssokit
