// AES-256-GCM authenticated encryption (mbedTLS underneath; see sdk/src/crypto/aead.cpp).
// Used by the encrypted token store. Callers own nonce uniqueness: never seal twice under one key
// with the same nonce (draw a fresh random 12-byte nonce per message).
#pragma once

#include <cstddef>
#include <cstdint>

#include "ssokit/base64.hpp"

namespace ssokit {

inline constexpr std::size_t kAes256GcmKeySize = 32;
inline constexpr std::size_t kAesGcmNonceSize = 12;
inline constexpr std::size_t kAesGcmTagSize = 16;

// Encrypts `plaintext` and authenticates it together with `aad`; returns ciphertext || tag (16).
// invalid_argument when the key is not 32 bytes or the nonce not 12.
Result<Bytes> aes256gcm_seal(const Bytes& key, const Bytes& nonce, const std::uint8_t* plaintext,
                             std::size_t plaintext_size, const std::uint8_t* aad, std::size_t aad_size);
inline Result<Bytes> aes256gcm_seal(const Bytes& key, const Bytes& nonce, const Bytes& plaintext,
                                    const Bytes& aad = {}) {
  return aes256gcm_seal(key, nonce, plaintext.data(), plaintext.size(), aad.data(), aad.size());
}

// Checks the tag and decrypts ciphertext || tag. invalid_argument for a wrong key or nonce size.
// Any authentication failure (wrong key, modified or truncated input, other aad) is
// storage_tampered: sealed data in ssokit is only ever stored data, so that is what it means.
// No plaintext is returned (or left in memory) unless the tag checks.
Result<Bytes> aes256gcm_open(const Bytes& key, const Bytes& nonce, const std::uint8_t* sealed, std::size_t sealed_size,
                             const std::uint8_t* aad, std::size_t aad_size);
inline Result<Bytes> aes256gcm_open(const Bytes& key, const Bytes& nonce, const Bytes& sealed, const Bytes& aad = {}) {
  return aes256gcm_open(key, nonce, sealed.data(), sealed.size(), aad.data(), aad.size());
}

// Overwrites secret bytes (keys, decrypted tokens) in a way the compiler cannot drop.
void secure_wipe(void* data, std::size_t size);
inline void secure_wipe(Bytes& data) { secure_wipe(data.data(), data.size()); }

}  // namespace ssokit
