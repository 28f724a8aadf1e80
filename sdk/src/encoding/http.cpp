#include "ssokit/http.hpp"

#include "ssokit/text.hpp"

namespace ssokit {

// Header names are ASCII tokens (RFC 9110 section 5.1) compared case-insensitively.
bool header_name_equals(std::string_view a, std::string_view b) { return ascii_iequals(a, b); }

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (ascii_iequals(key, name)) return value;
  }
  return std::nullopt;
}

}  // namespace ssokit
