// base64url (RFC 4648 section 5) as JOSE uses it, and standard base64 for HTTP Basic.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ssokit/result.hpp"

namespace ssokit {

using Bytes = std::vector<std::uint8_t>;

std::string base64url_encode(const std::uint8_t* data, std::size_t size);
std::string base64url_encode(std::string_view data);
inline std::string base64url_encode(const Bytes& data) { return base64url_encode(data.data(), data.size()); }

// Strict: alphabet [A-Za-z0-9_-] only, no padding, no whitespace, no impossible length, and the
// unused bits of the last character must be zero (one canonical encoding per byte string).
// Fails with `code` (invalid_argument by default).
Result<Bytes> base64url_decode(std::string_view text, ErrorCode code = ErrorCode::invalid_argument);
Result<std::string> base64url_decode_string(std::string_view text, ErrorCode code = ErrorCode::invalid_argument);

// Standard alphabet with padding (RFC 4648 section 4).
std::string base64_encode(std::string_view data);

std::string hex_encode(const std::uint8_t* data, std::size_t size);
inline std::string hex_encode(const Bytes& data) { return hex_encode(data.data(), data.size()); }
Result<Bytes> hex_decode(std::string_view text);

}  // namespace ssokit
