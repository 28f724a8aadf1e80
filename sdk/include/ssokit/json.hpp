// JSON through nlohmann/json without exceptions, with the strictness a security SDK needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ssokit/result.hpp"

namespace ssokit {

using Json = nlohmann::json;

struct JsonLimits {
  std::size_t max_bytes = 1 << 20;  // 1 MiB: bigger than any sane token or metadata response
  std::size_t max_depth = 64;
};

// Parses a JSON text. Rejects syntax errors, duplicate object members (which JWS and ID token
// parsers must not resolve silently) and input beyond the limits. Error code: `code` argument
// (invalid_response by default, since most JSON comes from a peer).
Result<Json> parse_json(std::string_view text, ErrorCode code = ErrorCode::invalid_response,
                        const JsonLimits& limits = {});

// Parses a JSON text that must be an object.
Result<Json> parse_json_object(std::string_view text, ErrorCode code = ErrorCode::invalid_response,
                               const JsonLimits& limits = {});

// Serializes compactly; invalid UTF-8 is replaced rather than aborting.
std::string dump_json(const Json& value);

// Typed, non-throwing member access. nullopt when missing or of another type.
std::optional<std::string> json_string(const Json& object, std::string_view key);
std::optional<std::int64_t> json_int(const Json& object, std::string_view key);
std::optional<bool> json_bool(const Json& object, std::string_view key);
const Json* json_member(const Json& object, std::string_view key);

}  // namespace ssokit
