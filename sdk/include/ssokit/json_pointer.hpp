// JSON Pointer (RFC 6901): parsed into reference tokens once, then resolved against a document.
// Shared by the profile mapping and the C API's ssokit_json_get.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssokit/json.hpp"

namespace ssokit {

// The reference tokens of `text` ("" is the whole document: no tokens), with ~1 read as "/" and
// ~0 as "~". Refused (invalid_argument) when the text does not start with "/", has a "~" not
// followed by 0 or 1 (RFC 6901 3) or more than `max_tokens` tokens. The error's message reads as
// the continuation of the pointer's text, e.g. "has more than 32 segments", so that callers can
// say where the pointer came from.
Result<std::vector<std::string>> parse_json_pointer(std::string_view text, std::size_t max_tokens);

// An array index token: "0" or up to 9 digits without a leading zero (RFC 6901 4; "-" names no
// element when reading).
std::optional<std::size_t> json_pointer_index(std::string_view token);

// The value the tokens name in `doc`, or nullptr when there is none (a missing member, an index
// past the end or not an index, or a step into a scalar).
const Json* json_pointer_find(const Json& doc, const std::vector<std::string>& tokens);

}  // namespace ssokit
