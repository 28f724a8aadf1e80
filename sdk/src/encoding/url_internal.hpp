// URL internals shared by the url_*.cpp files: RFC 3986 character classes, escapes, component checks.
#pragma once

#include "ssokit/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace ssokit {
namespace url_internal {

inline bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
inline bool is_unreserved(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
inline bool is_sub_delim(char c) {
  switch (c) {
    case '!': case '$': case '&': case '\'': case '(': case ')':
    case '*': case '+': case ',': case ';': case '=':
      return true;
    default:
      return false;
  }
}
inline bool is_pchar(char c) { return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@'; }
// Not RFC 3986 characters, but browsers leave them unescaped in queries and fragments.
inline bool is_browser_tolerated(char c) {
  return c == '[' || c == ']' || c == '{' || c == '}' || c == '|' || c == '^' || c == '`';
}

inline constexpr char kHexUpper[] = "0123456789ABCDEF";

Error url_error(std::string message);  // invalid_url with this message

enum class Part { userinfo, path, query, fragment };
// The characters and %-escapes of one URL part (url_parse.cpp); `what` names it in messages.
Status check_component(std::string_view s, Part part, const char* what);
// An IPv6 literal (no brackets) in RFC 5952 canonical form (url_parse.cpp).
Result<std::string> canonical_ipv6(std::string_view text);

// Percent escapes (url_encoding.cpp).
void append_escape(std::string& out, unsigned char byte);
std::size_t bad_escape_at(std::string_view s);  // the first '%' not followed by two hex digits, or npos
bool has_valid_escape(std::string_view s);
std::string decode_valid_escapes(std::string_view s);  // any other '%' is kept as it is

}  // namespace url_internal
}  // namespace ssokit
