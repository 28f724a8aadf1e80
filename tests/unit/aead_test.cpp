// AES-256-GCM: the AES-256 test cases 13-16 of the GCM specification (McGrew & Viega, "The
// Galois/Counter Mode of Operation", appendix B; the 96-bit-IV cases, as our API takes only
// 12-byte nonces), then the failure behaviour the token store relies on.
#include <gtest/gtest.h>

#include "ssokit/aead.hpp"

namespace ssokit {
namespace {

Bytes hex(std::string_view text) {
  auto r = hex_decode(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? r.value() : Bytes();
}

struct Vector {
  const char* name;
  const char* key;
  const char* nonce;
  const char* plaintext;
  const char* aad;
  const char* ciphertext;
  const char* tag;
};

const char kKey15[] = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
const char kZeroKey[] = "0000000000000000000000000000000000000000000000000000000000000000";

const Vector kVectors[] = {
    {"test case 13", kZeroKey, "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"test case 14", kZeroKey, "000000000000000000000000", "00000000000000000000000000000000", "",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"test case 15", kKey15, "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
     "",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"test case 16", kKey15, "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST(Aead, GcmSpecVectorsSeal) {
  for (const auto& v : kVectors) {
    auto sealed = aes256gcm_seal(hex(v.key), hex(v.nonce), hex(v.plaintext), hex(v.aad));
    ASSERT_TRUE(sealed.ok()) << v.name;
    EXPECT_EQ(hex_encode(sealed.value()), std::string(v.ciphertext) + v.tag) << v.name;
  }
}

TEST(Aead, GcmSpecVectorsOpen) {
  for (const auto& v : kVectors) {
    Bytes sealed = hex(std::string(v.ciphertext) + v.tag);
    auto opened = aes256gcm_open(hex(v.key), hex(v.nonce), sealed, hex(v.aad));
    ASSERT_TRUE(opened.ok()) << v.name;
    EXPECT_EQ(hex_encode(opened.value()), v.plaintext) << v.name;
  }
}

TEST(Aead, EveryFlippedBitIsTampered) {
  const Vector& v = kVectors[3];
  const Bytes key = hex(v.key), nonce = hex(v.nonce), aad = hex(v.aad);
  const Bytes sealed = hex(std::string(v.ciphertext) + v.tag);
  for (std::size_t i = 0; i < sealed.size() * 8; ++i) {
    Bytes bad = sealed;
    bad[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
    auto r = aes256gcm_open(key, nonce, bad, aad);
    ASSERT_FALSE(r.ok()) << "bit " << i;
    EXPECT_EQ(r.error().code, ErrorCode::storage_tampered) << "bit " << i;
  }
}

TEST(Aead, WrongKeyNonceOrAadIsTampered) {
  const Vector& v = kVectors[3];
  const Bytes key = hex(v.key), nonce = hex(v.nonce), aad = hex(v.aad);
  const Bytes sealed = hex(std::string(v.ciphertext) + v.tag);
  Bytes other_key = key;
  other_key[31] ^= 1;
  Bytes other_nonce = nonce;
  other_nonce[0] ^= 0x80;
  Bytes other_aad = aad;
  other_aad.push_back(0);
  EXPECT_EQ(aes256gcm_open(other_key, nonce, sealed, aad).error().code, ErrorCode::storage_tampered);
  EXPECT_EQ(aes256gcm_open(key, other_nonce, sealed, aad).error().code, ErrorCode::storage_tampered);
  EXPECT_EQ(aes256gcm_open(key, nonce, sealed, other_aad).error().code, ErrorCode::storage_tampered);
  EXPECT_EQ(aes256gcm_open(key, nonce, sealed, Bytes()).error().code, ErrorCode::storage_tampered);
}

TEST(Aead, TruncationIsTampered) {
  const Vector& v = kVectors[3];
  const Bytes key = hex(v.key), nonce = hex(v.nonce), aad = hex(v.aad);
  const Bytes sealed = hex(std::string(v.ciphertext) + v.tag);
  for (std::size_t n = 0; n < sealed.size(); ++n) {
    Bytes cut(sealed.begin(), sealed.begin() + static_cast<std::ptrdiff_t>(n));
    auto r = aes256gcm_open(key, nonce, cut, aad);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, ErrorCode::storage_tampered) << n;
  }
}

TEST(Aead, BadSizesAreInvalidArgument) {
  const Bytes key(32, 1), nonce(12, 2), data(5, 3);
  EXPECT_EQ(aes256gcm_seal(Bytes(16, 1), nonce, data).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(aes256gcm_seal(Bytes(33, 1), nonce, data).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(aes256gcm_seal(key, Bytes(8, 2), data).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(aes256gcm_seal(key, Bytes(16, 2), data).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(aes256gcm_open(Bytes(), nonce, Bytes(20, 0)).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(aes256gcm_open(key, Bytes(), Bytes(20, 0)).error().code, ErrorCode::invalid_argument);
}

TEST(Aead, RoundTripAndFreshNonceChangesCiphertext) {
  const Bytes key(32, 7);
  const std::string text = "refresh-token-value";
  const Bytes plain(text.begin(), text.end());
  auto a = aes256gcm_seal(key, Bytes(12, 1), plain);
  auto b = aes256gcm_seal(key, Bytes(12, 2), plain);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a.value(), b.value());
  EXPECT_EQ(a->size(), plain.size() + kAesGcmTagSize);
  auto opened = aes256gcm_open(key, Bytes(12, 1), a.value());
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened.value(), plain);
}

TEST(Aead, SecureWipeZeroes) {
  Bytes secret(40, 0xAB);
  secure_wipe(secret);
  EXPECT_EQ(secret, Bytes(40, 0));
}

}  // namespace
}  // namespace ssokit
