// The only place (with the rest of sdk/src/crypto) that includes mbedTLS. Uses the MD layer,
// whose API is the same in mbedTLS 2.28 and 3.x.
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

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  volatile unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool constant_time_equal(const Bytes& a, const Bytes& b) {
  return constant_time_equal(std::string_view(reinterpret_cast<const char*>(a.data()), a.size()),
                             std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

}  // namespace ssokit
