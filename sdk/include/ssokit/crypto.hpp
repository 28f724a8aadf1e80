// Hashes, HMAC and constant-time comparison (mbedTLS underneath; see sdk/src/crypto).
#pragma once

#include <cstdint>
#include <string_view>

#include "ssokit/base64.hpp"

namespace ssokit {

enum class HashAlg { sha1, sha256, sha384, sha512 };

// Digest of `data`. SHA-1 exists only for the platform request signatures that mandate it.
Bytes hash(HashAlg alg, std::string_view data);
inline Bytes sha256(std::string_view data) { return hash(HashAlg::sha256, data); }
inline Bytes sha384(std::string_view data) { return hash(HashAlg::sha384, data); }
inline Bytes sha512(std::string_view data) { return hash(HashAlg::sha512, data); }

Bytes hmac(HashAlg alg, std::string_view key, std::string_view data);
inline Bytes hmac_sha256(std::string_view key, std::string_view data) { return hmac(HashAlg::sha256, key, data); }

// Compares in time that depends only on the lengths, never on where the inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);
bool constant_time_equal(const Bytes& a, const Bytes& b);

}  // namespace ssokit
