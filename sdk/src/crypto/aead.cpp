// AES-256-GCM through mbedtls_gcm_*: setkey, crypt_and_tag and auth_decrypt have the same
// signatures in mbedTLS 2.28 and 3.x.
#include <mbedtls/gcm.h>
#include <mbedtls/platform_util.h>

#include "ssokit/aead.hpp"

namespace ssokit {
namespace {

// Owns an mbedtls_gcm_context keyed with AES-256; freed (and wiped by mbedTLS) on scope exit.
class Gcm {
 public:
  Gcm() { mbedtls_gcm_init(&ctx_); }
  ~Gcm() { mbedtls_gcm_free(&ctx_); }
  Gcm(const Gcm&) = delete;
  Gcm& operator=(const Gcm&) = delete;
  mbedtls_gcm_context* get() { return &ctx_; }

 private:
  mbedtls_gcm_context ctx_;
};

Status check_sizes(const Bytes& key, const Bytes& nonce) {
  if (key.size() != kAes256GcmKeySize) {
    return make_error(ErrorCode::invalid_argument, "an AES-256-GCM key must be 32 bytes");
  }
  if (nonce.size() != kAesGcmNonceSize) {
    return make_error(ErrorCode::invalid_argument, "an AES-GCM nonce must be 12 bytes");
  }
  return {};
}

Status set_key(Gcm& gcm, const Bytes& key) {
  if (mbedtls_gcm_setkey(gcm.get(), MBEDTLS_CIPHER_ID_AES, key.data(), 256) != 0) {
    return make_error(ErrorCode::internal_error, "AES-256-GCM is not available in this build");
  }
  return {};
}

}  // namespace

Result<Bytes> aes256gcm_seal(const Bytes& key, const Bytes& nonce, const std::uint8_t* plaintext,
                             std::size_t plaintext_size, const std::uint8_t* aad, std::size_t aad_size) {
  SSOKIT_CHECK(check_sizes(key, nonce));
  Gcm gcm;
  SSOKIT_CHECK(set_key(gcm, key));
  Bytes out(plaintext_size + kAesGcmTagSize);
  if (mbedtls_gcm_crypt_and_tag(gcm.get(), MBEDTLS_GCM_ENCRYPT, plaintext_size, nonce.data(), nonce.size(), aad,
                                aad_size, plaintext, out.data(), kAesGcmTagSize,
                                out.data() + plaintext_size) != 0) {
    return make_error(ErrorCode::internal_error, "AES-256-GCM encryption failed");
  }
  return out;
}

Result<Bytes> aes256gcm_open(const Bytes& key, const Bytes& nonce, const std::uint8_t* sealed, std::size_t sealed_size,
                             const std::uint8_t* aad, std::size_t aad_size) {
  SSOKIT_CHECK(check_sizes(key, nonce));
  if (sealed_size < kAesGcmTagSize) {
    return make_error(ErrorCode::storage_tampered, "the encrypted data is truncated (shorter than its tag)");
  }
  Gcm gcm;
  SSOKIT_CHECK(set_key(gcm, key));
  const std::size_t size = sealed_size - kAesGcmTagSize;
  Bytes out(size);
  int rc = mbedtls_gcm_auth_decrypt(gcm.get(), size, nonce.data(), nonce.size(), aad, aad_size, sealed + size,
                                    kAesGcmTagSize, sealed, out.data());
  if (rc != 0) {
    secure_wipe(out);  // mbedTLS wipes too; never rely on it for unauthenticated plaintext
    if (rc == MBEDTLS_ERR_GCM_AUTH_FAILED) {
      return make_error(ErrorCode::storage_tampered,
                        "the encrypted data failed authentication (wrong key, or the data was modified)");
    }
    return make_error(ErrorCode::internal_error, "AES-256-GCM decryption failed");
  }
  return out;
}

void secure_wipe(void* data, std::size_t size) {
  if (data != nullptr && size > 0) mbedtls_platform_zeroize(data, size);
}

}  // namespace ssokit
