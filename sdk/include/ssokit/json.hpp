// JSON: the SDK's own value type (json_value.hpp: why not nlohmann/json) and a strict parser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ssokit/json_value.hpp"
#include "ssokit/result.hpp"

namespace ssokit {

struct JsonLimits {
  std::size_t max_bytes = 1 << 20;  // 1 MiB: bigger than any sane token or metadata response
  std::size_t max_depth = 64;
};

// Parses a JSON text, strictly by RFC 8259 (no comments, trailing commas, leading zeros, NaN or
// single quotes; strings must be valid UTF-8 without raw control characters, escapes valid and
// surrogates paired; numbers beyond the double range are refused). A UTF-8 byte order mark at the
// start is skipped, as nlohmann did. Rejects duplicate object members (which JWS and ID token
// parsers must not resolve silently) and input beyond the limits (max_depth counts nested arrays
// and objects; it also bounds the parser's recursion). Error code: `code` argument
// (invalid_response by default, since most JSON comes from a peer).
Result<Json> parse_json(std::string_view text, ErrorCode code = ErrorCode::invalid_response,
                        const JsonLimits& limits = {});

// Parses a JSON text that must be an object.
Result<Json> parse_json_object(std::string_view text, ErrorCode code = ErrorCode::invalid_response,
                               const JsonLimits& limits = {});

// Serializes compactly (Json::dump): members in key order; invalid UTF-8 becomes U+FFFD.
std::string dump_json(const Json& value);

// Typed, non-throwing member access. nullopt when missing or of another type.
std::optional<std::string> json_string(const Json& object, std::string_view key);
// The member's string, or "" when it is absent or not a string (json_string(...).value_or("")
// without an optional to destroy at each call site).
std::string json_text(const Json& object, std::string_view key);
// The member's string in place, or nullptr when it is absent or not a string: no copy and no
// optional to destroy. Not for a temporary Json (the pointer would dangle).
const std::string* json_string_at(const Json& object, std::string_view key);
const std::string* json_string_at(Json&& object, std::string_view key) = delete;
std::optional<std::int64_t> json_int(const Json& object, std::string_view key);
std::optional<bool> json_bool(const Json& object, std::string_view key);
const Json* json_member(const Json& object, std::string_view key);

namespace detail {
// Appends code point `cp` (at most U+10FFFF, no surrogate) as UTF-8: JSON's \u escapes and the
// XML parser's character references.
void append_utf8(std::string& out, std::uint32_t cp);
}  // namespace detail

}  // namespace ssokit
