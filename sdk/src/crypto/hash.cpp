// Digests and HMAC through mbedTLS's MD layer (the same API in 2.28 and 3.x); the page build
// has its own (page/sha2.cpp).
#include <mbedtls/md.h>

#include "ssokit/crypto.hpp"

namespace ssokit {
namespace {

const mbedtls_md_info_t* md_info(HashAlg alg) {
  switch (alg) {
    case HashAlg::sha1: return mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
    case HashAlg::sha256: return mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    case HashAlg::sha384: return mbedtls_md_info_from_type(MBEDTLS_MD_SHA384);
    case HashAlg::sha512: return mbedtls_md_info_from_type(MBEDTLS_MD_SHA512);
  }
  return nullptr;
}

}  // namespace

Bytes hash(HashAlg alg, std::string_view data) {
  const mbedtls_md_info_t* info = md_info(alg);
  if (info == nullptr) std::abort();  // algorithm compiled out: a build configuration bug
  Bytes out(mbedtls_md_get_size(info));
  mbedtls_md(info, reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data());
  return out;
}

Bytes hmac(HashAlg alg, std::string_view key, std::string_view data) {
  const mbedtls_md_info_t* info = md_info(alg);
  if (info == nullptr) std::abort();
  Bytes out(mbedtls_md_get_size(info));
  mbedtls_md_hmac(info, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                  reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data());
  return out;
}

}  // namespace ssokit
