// Json internals shared by the json_*.cpp files: UTF-8 checks and number conversion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ssokit {
namespace detail {

// The length of the well-formed UTF-8 sequence at s[i], or 0 with *bad set (json_utf8.cpp).
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::size_t* bad);

// Number conversion (json_numbers.cpp): no strtod, no printf.
bool is_digit(char c);
void append_uint(std::string& out, std::uint64_t v);
void append_int(std::string& out, std::int64_t v);
double decimal_to_double(std::string_view s);  // the text is already checked by the parser
std::string format_double(double d);            // the shortest text that reads back as d

}  // namespace detail
}  // namespace ssokit
