// Origin and host rules: same-origin comparison, loopback hosts, https-or-loopback.
#include "ssokit/url.hpp"
#include "url_internal.hpp"

#include "ssokit/text.hpp"

namespace ssokit {

using namespace url_internal;

bool same_origin(const Url& a, const Url& b) {
  // URLs without a host have opaque origins: never the same as another URL's.
  if (a.host.empty() || b.host.empty()) return false;
  return ascii_iequals(a.scheme, b.scheme) && ascii_iequals(a.host, b.host) && a.effective_port() == b.effective_port();
}

Result<bool> same_origin(std::string_view a, std::string_view b) {
  SSOKIT_TRY(Url first, parse_url(a));
  SSOKIT_TRY(Url second, parse_url(b));
  return same_origin(first, second);
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

bool is_https_or_loopback(const Url& url) {
  if (url.host.empty()) return false;
  return url.scheme == "https" || (url.scheme == "http" && is_loopback_host(url.host));
}

}  // namespace ssokit
