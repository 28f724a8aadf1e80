// URL serialization: Url::to_string, build_url, the origin and the effective port.
#include "ssokit/url.hpp"
#include "url_internal.hpp"

#include "ssokit/text.hpp"

#include <cstdint>

namespace ssokit {

using namespace url_internal;

namespace {

std::uint16_t default_port(std::string_view scheme) {
  if (scheme == "https") return 443;
  if (scheme == "http") return 80;
  return 0;
}

std::string bracketed_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

std::uint16_t Url::effective_port() const {
  if (port) return *port;
  return default_port(ascii_lower(scheme));
}

std::string Url::origin() const {
  if (host.empty()) return "null";
  std::string scheme_lower = ascii_lower(scheme);
  std::string out = scheme_lower + "://" + bracketed_host(ascii_lower(host));
  if (port && *port != default_port(scheme_lower)) out += ":" + std::to_string(*port);
  return out;
}

std::string Url::to_string() const {
  std::string out = scheme + ":";
  // file: gets "//" only before an empty or absolute path: "file:ttp" written as "file://ttp"
  // would turn the path into a host (found by fuzzing).
  const bool file_root = ascii_lower(scheme) == "file" && (path.empty() || path[0] == '/');
  bool authority = !host.empty() || userinfo || port || file_root || path.rfind("//", 0) == 0;
  if (authority) {
    out += "//";
    if (userinfo) out += *userinfo + "@";
    out += bracketed_host(host);
    if (port) out += ":" + std::to_string(*port);
  }
  out += path;
  if (query) out += "?" + *query;
  if (fragment) out += "#" + *fragment;
  return out;
}

Result<std::string> build_url(const Url& url) {
  Url normal = url;
  normal.scheme = ascii_lower(url.scheme);
  normal.host = ascii_lower(url.host);
  if (normal.host.find(':') != std::string::npos) {
    SSOKIT_TRY(normal.host, canonical_ipv6(normal.host));
  }
  std::string text = normal.to_string();
  SSOKIT_TRY(Url parsed, parse_url(text));
  const char* changed = nullptr;
  if (parsed.scheme != normal.scheme) changed = "scheme";
  else if (parsed.userinfo != normal.userinfo) changed = "userinfo";
  else if (parsed.host != normal.host) changed = "host";
  else if (parsed.port != normal.port) changed = "port";
  else if (parsed.path != normal.path) changed = "path";
  else if (parsed.query != normal.query) changed = "query";
  else if (parsed.fragment != normal.fragment) changed = "fragment";
  if (changed != nullptr) {
    return url_error(std::string("the URL's ") + changed +
                     " does not survive recomposition (it holds a delimiter such as '/', '?', '#' or '@', or a path "
                     "without a leading '/' after a host); percent-encode it");
  }
  return text;
}

}  // namespace ssokit
