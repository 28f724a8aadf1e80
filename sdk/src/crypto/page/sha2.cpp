// The page build's digests and HMAC, written from FIPS 180-4 (SHA-1, SHA-256, SHA-384, SHA-512)
// and RFC 2104 (HMAC), so that a page carries no mbedTLS. Synchronous on purpose: PKCE S256,
// at_hash and the platforms' request signatures are computed inside core steps, and WebCrypto's
// digest is asynchronous (a host effect per digest would add a round trip to every step for
// less than 2 KB saved; BENCHMARKS.md, "Page build").
#include <cstring>

#include "ssokit/crypto.hpp"

namespace ssokit {
namespace {

template <typename W>
W rotr(W x, unsigned n) { return static_cast<W>((x >> n) | (x << (sizeof(W) * 8 - n))); }

// FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const std::uint32_t kK256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// FIPS 180-4 4.2.3: 64 bits of the cube roots of the first 80 primes.
const std::uint64_t kK512[80] = {
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
    0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
    0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
    0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
    0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
    0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
    0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
    0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
    0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
    0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
    0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
    0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
    0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817};

// One hash computation: the state words H, the buffered block and the message length.
// W is the word type (32 bits for SHA-1/SHA-256, 64 for SHA-384/512); a block is 16 words.
template <typename W>
struct Sha {
  static constexpr std::size_t kBlock = 16 * sizeof(W);
  HashAlg alg;
  W h[8];
  std::uint8_t block[kBlock];
  std::size_t used = 0;
  std::uint64_t length = 0;  // bytes; 2^64 bytes is far beyond what the SDK ever hashes

  void compress() {
    W w[80];
    for (int t = 0; t < 16; ++t) {
      W v = 0;
      for (std::size_t i = 0; i < sizeof(W); ++i) v = static_cast<W>((v << 8) | block[t * sizeof(W) + i]);
      w[t] = v;
    }
    if (alg == HashAlg::sha1) return compress_sha1(w);
    const int rounds = sizeof(W) == 4 ? 64 : 80;
    for (int t = 16; t < rounds; ++t) {
      W s0, s1;
      if (sizeof(W) == 4) {
        s0 = rotr<W>(w[t - 15], 7) ^ rotr<W>(w[t - 15], 18) ^ (w[t - 15] >> 3);
        s1 = rotr<W>(w[t - 2], 17) ^ rotr<W>(w[t - 2], 19) ^ (w[t - 2] >> 10);
      } else {
        s0 = rotr<W>(w[t - 15], 1) ^ rotr<W>(w[t - 15], 8) ^ (w[t - 15] >> 7);
        s1 = rotr<W>(w[t - 2], 19) ^ rotr<W>(w[t - 2], 61) ^ (w[t - 2] >> 6);
      }
      w[t] = static_cast<W>(s1 + w[t - 7] + s0 + w[t - 16]);
    }
    W a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < rounds; ++t) {
      W big_s1, big_s0, k;
      if (sizeof(W) == 4) {
        big_s1 = rotr<W>(e, 6) ^ rotr<W>(e, 11) ^ rotr<W>(e, 25);
        big_s0 = rotr<W>(a, 2) ^ rotr<W>(a, 13) ^ rotr<W>(a, 22);
        k = static_cast<W>(kK256[t]);
      } else {
        big_s1 = rotr<W>(e, 14) ^ rotr<W>(e, 18) ^ rotr<W>(e, 41);
        big_s0 = rotr<W>(a, 28) ^ rotr<W>(a, 34) ^ rotr<W>(a, 39);
        k = static_cast<W>(kK512[t]);
      }
      const W t1 = static_cast<W>(hh + big_s1 + ((e & f) ^ (~e & g)) + k + w[t]);
      const W t2 = static_cast<W>(big_s0 + ((a & b) ^ (a & c) ^ (b & c)));
      hh = g; g = f; f = e; e = static_cast<W>(d + t1);
      d = c; c = b; b = a; a = static_cast<W>(t1 + t2);
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }

  // FIPS 180-4 6.1.2: SHA-1 (32-bit words; w holds the block's 16 words).
  void compress_sha1(W* w) {
    for (int t = 16; t < 80; ++t) {
      const W v = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
      w[t] = static_cast<W>((v << 1) | (v >> 31));
    }
    W a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; ++t) {
      W f, k;
      if (t < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; k = 0xca62c1d6; }
      const W tmp = static_cast<W>(((a << 5) | (a >> 27)) + f + e + k + w[t]);
      e = d; d = c; c = static_cast<W>((b << 30) | (b >> 2)); b = a; a = tmp;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
  }

  void update(const std::uint8_t* data, std::size_t size) {
    length += size;
    while (size > 0) {
      std::size_t n = kBlock - used < size ? kBlock - used : size;
      std::memcpy(block + used, data, n);
      used += n; data += n; size -= n;
      if (used == kBlock) { compress(); used = 0; }
    }
  }

  // FIPS 180-4 5.1: a 1 bit, zeros, then the length in bits in the last 8 (SHA-512: 16) bytes.
  Bytes finish(std::size_t digest_bytes) {
    const std::uint64_t bits = length * 8;
    const std::size_t length_field = sizeof(W) * 2;
    const std::uint8_t one = 0x80;
    update(&one, 1);
    const std::uint8_t zero = 0;
    while (used != kBlock - length_field) update(&zero, 1);
    for (std::size_t i = 0; i < length_field; ++i) {
      const std::size_t shift = (length_field - 1 - i) * 8;
      block[used++] = shift < 64 ? static_cast<std::uint8_t>(bits >> shift) : 0;
    }
    compress();
    Bytes out(digest_bytes);
    for (std::size_t i = 0; i < digest_bytes; ++i) {
      out[i] = static_cast<std::uint8_t>(h[i / sizeof(W)] >> ((sizeof(W) - 1 - i % sizeof(W)) * 8));
    }
    return out;
  }
};

// FIPS 180-4 5.3: initial hash values.
Sha<std::uint32_t> sha32(HashAlg alg) {
  static const std::uint32_t k1[8] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0, 0, 0, 0};
  static const std::uint32_t k256[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  Sha<std::uint32_t> s{};
  s.alg = alg;
  std::memcpy(s.h, alg == HashAlg::sha1 ? k1 : k256, sizeof s.h);
  return s;
}

Sha<std::uint64_t> sha64(HashAlg alg) {
  static const std::uint64_t k384[8] = {0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17,
                                        0x152fecd8f70e5939, 0x67332667ffc00b31, 0x8eb44a8768581511,
                                        0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4};
  static const std::uint64_t k512[8] = {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b,
                                        0xa54ff53a5f1d36f1, 0x510e527fade682d1, 0x9b05688c2b3e6c1f,
                                        0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};
  Sha<std::uint64_t> s{};
  s.alg = alg;
  std::memcpy(s.h, alg == HashAlg::sha384 ? k384 : k512, sizeof s.h);
  return s;
}

std::size_t digest_bytes(HashAlg alg) {
  switch (alg) {
    case HashAlg::sha1: return 20;
    case HashAlg::sha256: return 32;
    case HashAlg::sha384: return 48;
    case HashAlg::sha512: return 64;
  }
  return 32;
}

std::size_t block_bytes(HashAlg alg) { return alg == HashAlg::sha384 || alg == HashAlg::sha512 ? 128 : 64; }

// The digest of the concatenation of up to two parts (HMAC hashes key-pad || message).
Bytes digest2(HashAlg alg, const std::uint8_t* a, std::size_t an, const std::uint8_t* b, std::size_t bn) {
  if (block_bytes(alg) == 64) {
    auto s = sha32(alg);
    s.update(a, an);
    s.update(b, bn);
    return s.finish(digest_bytes(alg));
  }
  auto s = sha64(alg);
  s.update(a, an);
  s.update(b, bn);
  return s.finish(digest_bytes(alg));
}

const std::uint8_t* bytes_of(std::string_view s) { return reinterpret_cast<const std::uint8_t*>(s.data()); }

}  // namespace

Bytes hash(HashAlg alg, std::string_view data) { return digest2(alg, bytes_of(data), data.size(), nullptr, 0); }

// RFC 2104: H((K ^ opad) || H((K ^ ipad) || text)), a key longer than a block hashed first.
Bytes hmac(HashAlg alg, std::string_view key, std::string_view data) {
  const std::size_t block = block_bytes(alg);
  Bytes k(block, 0);
  if (key.size() > block) {
    Bytes kh = hash(alg, key);
    std::memcpy(k.data(), kh.data(), kh.size());
  } else if (!key.empty()) {
    std::memcpy(k.data(), key.data(), key.size());
  }
  Bytes pad(block);
  for (std::size_t i = 0; i < block; ++i) pad[i] = static_cast<std::uint8_t>(k[i] ^ 0x36);
  Bytes inner = digest2(alg, pad.data(), block, bytes_of(data), data.size());
  for (std::size_t i = 0; i < block; ++i) pad[i] = static_cast<std::uint8_t>(k[i] ^ 0x5c);
  return digest2(alg, pad.data(), block, inner.data(), inner.size());
}

}  // namespace ssokit
