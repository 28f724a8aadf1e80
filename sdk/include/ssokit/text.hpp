// ASCII text helpers shared by the whole SDK: case folding, case-insensitive comparison and
// whitespace trimming. ASCII only on purpose: protocol tokens (header names, schemes, hosts,
// token types, JOSE typ values) are ASCII and compared byte-wise; std::tolower and std::isspace
// depend on the C locale, and UTF-8 bytes (>= 0x80) must pass through untouched.
#pragma once

#include <string>
#include <string_view>

namespace ssokit {

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// A copy with A-Z (resp. a-z) folded; every other byte is kept.
std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);

// Equal after ASCII case folding (e.g. header names, RFC 9110 5.1; "Bearer", RFC 6750).
bool ascii_iequals(std::string_view a, std::string_view b);

// The C locale's white space: space, \t, \n, \v, \f, \r.
constexpr bool is_ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
// HTTP's optional white space (OWS, RFC 9110 5.6.3): space and horizontal tab.
constexpr bool is_ows(char c) { return c == ' ' || c == '\t'; }

// The text without leading and trailing ASCII white space (resp. OWS); a view into the input.
std::string_view trim_ascii_space(std::string_view text);
std::string_view trim_ows(std::string_view text);

}  // namespace ssokit
