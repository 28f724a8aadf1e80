// The page build's JWK point check (what mbedTLS's ecp module does natively): an EC key's
// (x, y) must be a point of its curve, y^2 = x^3 - 3x + b (mod p) with x, y < p (SEC 1 3.2.2,
// FIPS 186-4 D.1.2). The page verifies signatures with WebCrypto, so this is the only curve
// arithmetic it needs: plain schoolbook multiplication and shift-and-subtract reduction, run
// once per key (a few microseconds), not worth a faster reduction's code.
#include <algorithm>
#include <cstring>

#include "ssokit/jose.hpp"

namespace ssokit {

namespace detail {
// Nothing to cache: the page holds no parsed key (signatures are WebCrypto's, which keeps its
// imported keys in web/src/verify.js).
std::shared_ptr<KeyCache> new_key_cache() { return nullptr; }
}  // namespace detail

namespace {

constexpr int kMaxLimbs = 12;  // P-384: 12 limbs of 32 bits

// A number below 2^(32 * (kMaxLimbs + 1)), least significant limb first.
struct Num {
  std::uint32_t v[kMaxLimbs + 1] = {};
};

struct Curve {
  int limbs;
  Num p, b;
};

Num from_be(const std::uint8_t* bytes, std::size_t size) {
  Num n;
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t bit = (size - 1 - i) * 8;
    n.v[bit / 32] |= static_cast<std::uint32_t>(bytes[i]) << (bit % 32);
  }
  return n;
}

Num from_hex(const char* hex) {
  std::uint8_t bytes[48];
  const std::size_t size = std::strlen(hex) / 2;
  for (std::size_t i = 0; i < size; ++i) {
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    bytes[i] = static_cast<std::uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  return from_be(bytes, size);
}

// -1, 0, 1 as a < b, a == b, a > b over limbs + 1 limbs.
int compare(const Num& a, const Num& b, int limbs) {
  for (int i = limbs; i >= 0; --i) {
    if (a.v[i] != b.v[i]) return a.v[i] < b.v[i] ? -1 : 1;
  }
  return 0;
}

void subtract(Num& a, const Num& b, int limbs) {  // a -= b, a >= b
  std::uint64_t borrow = 0;
  for (int i = 0; i <= limbs; ++i) {
    const std::uint64_t d = static_cast<std::uint64_t>(a.v[i]) - b.v[i] - borrow;
    a.v[i] = static_cast<std::uint32_t>(d);
    borrow = (d >> 32) & 1;
  }
}

void add(Num& a, const Num& b, int limbs) {  // a += b (fits: both below p < 2^(32 limbs))
  std::uint64_t carry = 0;
  for (int i = 0; i <= limbs; ++i) {
    const std::uint64_t s = static_cast<std::uint64_t>(a.v[i]) + b.v[i] + carry;
    a.v[i] = static_cast<std::uint32_t>(s);
    carry = s >> 32;
  }
}

Num add_mod(Num a, const Num& b, const Curve& c) {
  add(a, b, c.limbs);
  if (compare(a, c.p, c.limbs) >= 0) subtract(a, c.p, c.limbs);
  return a;
}

Num sub_mod(Num a, const Num& b, const Curve& c) {
  if (compare(a, b, c.limbs) < 0) add(a, c.p, c.limbs);
  subtract(a, b, c.limbs);
  return a;
}

Num mul_mod(const Num& a, const Num& b, const Curve& c) {
  const int n = c.limbs;
  std::uint32_t wide[2 * kMaxLimbs] = {};
  for (int i = 0; i < n; ++i) {
    std::uint64_t carry = 0;
    for (int j = 0; j < n; ++j) {
      const std::uint64_t t = static_cast<std::uint64_t>(a.v[i]) * b.v[j] + wide[i + j] + carry;
      wide[i + j] = static_cast<std::uint32_t>(t);
      carry = t >> 32;
    }
    wide[i + n] = static_cast<std::uint32_t>(carry);
  }
  // Bit by bit from the top: r = 2r + bit, minus p when r >= p (r < 2p < 2^(32n + 1)).
  Num r;
  for (int bit = 64 * n - 1; bit >= 0; --bit) {
    for (int i = n; i > 0; --i) r.v[i] = (r.v[i] << 1) | (r.v[i - 1] >> 31);
    r.v[0] = (r.v[0] << 1) | ((wide[bit / 32] >> (bit % 32)) & 1);
    if (compare(r, c.p, n) >= 0) subtract(r, c.p, n);
  }
  return r;
}

bool curve_of(std::string_view name, Curve* out, std::size_t* size) {
  // FIPS 186-4 D.1.2.3 and D.1.2.4: the prime p and the coefficient b (a = -3).
  if (name == "P-256") {
    static const Curve p256{8, from_hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
                            from_hex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b")};
    *out = p256;
    *size = 32;
    return true;
  }
  if (name == "P-384") {
    static const Curve p384{
        12,
        from_hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff"),
        from_hex("b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef")};
    *out = p384;
    *size = 48;
    return true;
  }
  return false;
}

// The coordinate without its leading zero bytes, if it fits the curve's size.
bool coordinate(const Bytes& in, std::size_t size, Num* out) {
  auto first = std::find_if(in.begin(), in.end(), [](std::uint8_t v) { return v != 0; });
  const std::size_t length = static_cast<std::size_t>(in.end() - first);
  if (length > size) return false;
  *out = from_be(in.data() + (first - in.begin()), length);
  return true;
}

}  // namespace

bool ec_point_valid(std::string_view curve_name, const Bytes& x_bytes, const Bytes& y_bytes) {
  Curve c;
  std::size_t size = 0;
  Num x, y;
  if (!curve_of(curve_name, &c, &size) || !coordinate(x_bytes, size, &x) || !coordinate(y_bytes, size, &y)) {
    return false;
  }
  if (compare(x, c.p, c.limbs) >= 0 || compare(y, c.p, c.limbs) >= 0) return false;
  const Num y2 = mul_mod(y, y, c);
  const Num x3 = mul_mod(mul_mod(x, x, c), x, c);
  const Num three_x = add_mod(add_mod(x, x, c), x, c);
  const Num rhs = add_mod(sub_mod(x3, three_x, c), c.b, c);
  return compare(y2, rhs, c.limbs) == 0;
}

}  // namespace ssokit
