// Json number conversion without strtod or printf: integers to text, decimal text to double, shortest double text.
#include "ssokit/json.hpp"
#include "json_internal.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace ssokit {

namespace detail {

// ---- numbers ------------------------------------------------------------------------------------

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void append_uint(std::string& out, std::uint64_t v) {
  char buf[20];
  std::size_t n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) out += buf[--n];
}

void append_int(std::string& out, std::int64_t v) {
  if (v < 0) {
    out += '-';
    append_uint(out, 0 - static_cast<std::uint64_t>(v));  // also right for INT64_MIN
  } else {
    append_uint(out, static_cast<std::uint64_t>(v));
  }
}

}  // namespace detail

using namespace detail;  // json_internal.hpp

namespace {

// A binary floating-point number with a 64-bit significand: f * 2^e, f normalized (top bit set).
struct Wide {
  std::uint64_t f;
  int e;
};

Wide multiply(Wide a, Wide b) {  // rounded to 64 bits
  const std::uint64_t a_hi = a.f >> 32, a_lo = a.f & 0xFFFFFFFF, b_hi = b.f >> 32, b_lo = b.f & 0xFFFFFFFF;
  const std::uint64_t hl = a_hi * b_lo, lh = a_lo * b_hi, ll = a_lo * b_lo;
  const std::uint64_t mid = (ll >> 32) + (hl & 0xFFFFFFFF) + (lh & 0xFFFFFFFF);
  std::uint64_t hi = a_hi * b_hi + (hl >> 32) + (lh >> 32) + (mid >> 32);
  std::uint64_t lo = (mid << 32) | (ll & 0xFFFFFFFF);
  int e = a.e + b.e + 64;
  if ((hi >> 63) == 0) {  // the product of two normalized significands is at least 2^126
    hi = (hi << 1) | (lo >> 63);
    lo <<= 1;
    --e;
  }
  if ((lo >> 63) != 0 && ++hi == 0) {
    hi = std::uint64_t{1} << 63;
    ++e;
  }
  return {hi, e};
}

Wide divide(Wide a, Wide d) {  // a / d by long division, rounded to 64 bits
  int e = a.e - d.e - 63;
  std::uint64_t r = a.f;
  bool carry = false;  // the remainder's 65th bit
  if (r < d.f) {
    carry = (r >> 63) != 0;
    r <<= 1;
    --e;
  }
  std::uint64_t q = 0;
  for (int i = 0; i < 64; ++i) {
    q <<= 1;
    if (carry || r >= d.f) {
      r -= d.f;
      q |= 1;
    }
    carry = (r >> 63) != 0;
    r <<= 1;
  }
  if ((carry || r >= d.f) && ++q == 0) {
    q = std::uint64_t{1} << 63;
    ++e;
  }
  return {q, e};
}

Wide power_of_ten(std::int64_t n) {  // 10^n, n >= 0, by squaring
  Wide result{std::uint64_t{1} << 63, -63};
  Wide base{std::uint64_t{10} << 60, -60};
  for (; n > 0; n >>= 1) {
    if ((n & 1) != 0) result = multiply(result, base);
    base = multiply(base, base);
  }
  return result;
}

// Rounds f * 2^e (f normalized) to the nearest double, ties to even; denormals included.
double to_double(Wide w) {
  const int top = w.e + 63;  // the binary exponent of the leading bit
  if (top > 1023) return std::numeric_limits<double>::infinity();
  std::uint64_t bits = 0;
  int shift = 11;            // significand bits that do not fit
  if (top < -1022) shift += -1022 - top;
  if (shift > 64) return 0.0;
  const std::uint64_t kept = shift == 64 ? 0 : w.f >> shift;
  const std::uint64_t rest = shift == 64 ? w.f : w.f & ((std::uint64_t{1} << shift) - 1);
  const std::uint64_t half = std::uint64_t{1} << (shift - 1);
  std::uint64_t m = kept + ((rest > half || (rest == half && (kept & 1) != 0)) ? 1 : 0);
  if (top >= -1022) {
    int biased = top + 1023;
    if (m == (std::uint64_t{1} << 53)) {  // rounding carried into a new leading bit
      m >>= 1;
      ++biased;
    }
    if (biased > 2046) return std::numeric_limits<double>::infinity();
    bits = (static_cast<std::uint64_t>(biased) << 52) | (m & ((std::uint64_t{1} << 52) - 1));
  } else {
    bits = m;  // a denormal (m == 2^52 is the smallest normal number, encoded alike)
  }
  double d = 0;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

}  // namespace

namespace detail {

// The double nearest to a JSON number text (already checked by the parser), without strtod: the
// first 19 significant digits times a power of ten computed with 64-bit significands. Exact for
// up to 15 digits with an exponent within +-22 (timestamps, amounts); otherwise correctly rounded
// except within about 2^-59 of a tie between two doubles.
double decimal_to_double(std::string_view s) {
  static const double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  std::size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++i;
  std::uint64_t mantissa = 0;
  int significant = 0;
  std::int64_t exponent = 0;  // value = mantissa * 10^exponent
  bool fraction = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      fraction = true;
      continue;
    }
    if (!is_digit(c)) break;
    if (mantissa == 0 && c == '0') {
      if (fraction) --exponent;  // a leading zero of the fraction
    } else if (significant < 19) {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      ++significant;
      if (fraction) --exponent;
    } else if (!fraction) {
      ++exponent;  // a dropped integer digit
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    const bool minus = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::int64_t e = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      if (e < 100000) e = e * 10 + (s[i] - '0');  // saturates far beyond the double range
    }
    exponent += minus ? -e : e;
  }
  double v = 0.0;
  if (mantissa == 0 || exponent + significant < -330) {
    v = 0.0;
  } else if (exponent + significant > 310) {
    v = std::numeric_limits<double>::infinity();
  } else if (mantissa < (std::uint64_t{1} << 53) && exponent >= -22 && exponent <= 22) {
    v = static_cast<double>(mantissa);  // exact, and one correctly rounded operation
    v = exponent < 0 ? v / kPow10[-exponent] : v * kPow10[exponent];
  } else {
    int shift = 0;
    while ((mantissa << shift >> 63) == 0) ++shift;
    const Wide m{mantissa << shift, -shift};
    v = to_double(exponent < 0 ? divide(m, power_of_ten(-exponent)) : multiply(m, power_of_ten(exponent)));
  }
  return negative ? -v : v;
}

}  // namespace detail

namespace {

// Exact decimal digits of m * 2^e2 (a big number in base 10^9, little endian): *exponent is set
// so that the value is digits * 10^*exponent.
std::string exact_digits(std::uint64_t m, int e2, int* exponent) {
  std::vector<std::uint32_t> big;
  for (; m != 0; m /= 1000000000) big.push_back(static_cast<std::uint32_t>(m % 1000000000));
  const auto multiply = [&big](std::uint32_t factor) {
    std::uint64_t carry = 0;
    for (auto& limb : big) {
      const std::uint64_t t = static_cast<std::uint64_t>(limb) * factor + carry;
      limb = static_cast<std::uint32_t>(t % 1000000000);
      carry = t / 1000000000;
    }
    if (carry != 0) big.push_back(static_cast<std::uint32_t>(carry));
  };
  // m * 2^e2 is an integer when e2 >= 0, and m * 5^-e2 * 10^e2 otherwise.
  for (int k = 0; k < (e2 >= 0 ? e2 : -e2); ++k) multiply(e2 >= 0 ? 2 : 5);
  *exponent = e2 >= 0 ? 0 : e2;
  std::string digits;
  for (std::size_t k = big.size(); k-- > 0;) {
    std::string limb;
    append_uint(limb, big[k]);
    if (!digits.empty()) digits.append(9 - limb.size(), '0');
    digits += limb;
  }
  return digits;
}

// Compares a * 10^ea with b * 10^eb (digit strings without leading zeros): -1, 0 or 1.
int compare_decimal(const std::string& a, int ea, const std::string& b, int eb) {
  const int la = static_cast<int>(a.size()) + ea;  // the magnitude of the leading digit
  const int lb = static_cast<int>(b.size()) + eb;
  if (la != lb) return la < lb ? -1 : 1;
  for (std::size_t k = 0; k < a.size() || k < b.size(); ++k) {
    const char x = k < a.size() ? a[k] : '0';
    const char y = k < b.size() ? b[k] : '0';
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

// Rounds a digit string to `keep` digits (half up); *exponent follows a carry. Trailing zeros go.
std::string round_digits(const std::string& digits, std::size_t keep, int* exponent) {
  if (digits.size() <= keep) {
    std::string r = digits;
    while (r.size() > 1 && r.back() == '0') {
      r.pop_back();
      ++*exponent;
    }
    return r;
  }
  *exponent += static_cast<int>(digits.size() - keep);
  std::string r = digits.substr(0, keep);
  if (digits[keep] >= '5') {
    std::size_t k = r.size();
    while (k > 0 && r[k - 1] == '9') r[--k] = '0';
    if (k == 0) {
      r.insert(r.begin(), '1');
      r.pop_back();
      ++*exponent;
    } else {
      ++r[k - 1];
    }
  }
  while (r.size() > 1 && r.back() == '0') {
    r.pop_back();
    ++*exponent;
  }
  return r;
}

// nlohmann's layout of `digits` * 10^`exponent`: 1.5, 100.0, 0.001, 1e+16, 1.5e-05.
std::string layout_number(const std::string& digits, int exponent) {
  const int k = static_cast<int>(digits.size());
  const int n = k + exponent;  // where the decimal point goes
  std::string out;
  if (k <= n && n <= 15) {
    out = digits + std::string(static_cast<std::size_t>(n - k), '0') + ".0";
  } else if (n > 0 && n <= 15) {
    out = digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
  } else if (n > -4 && n <= 0) {
    out = "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
  } else {
    out = digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    const int e = n - 1;
    out += e < 0 ? "e-" : "e+";
    if ((e < 0 ? -e : e) < 10) out += '0';
    append_int(out, e < 0 ? -e : e);
  }
  return out;
}

}  // namespace

namespace detail {

// The shortest text that reads back as d (by any correctly rounding reader), laid out like
// nlohmann: the exact digits of d rounded to 1, 2, ... 17 digits until the result falls between
// the halfway points to d's neighbours, compared exactly.
std::string format_double(double d) {
  if (!std::isfinite(d)) return "null";  // NaN, infinities: nlohmann writes null
  std::uint64_t bits = 0;
  std::memcpy(&bits, &d, sizeof bits);
  const bool negative = (bits >> 63) != 0;
  if (d == 0) return negative ? "-0.0" : "0.0";
  const int biased = static_cast<int>((bits >> 52) & 0x7FF);
  std::uint64_t m = bits & ((std::uint64_t{1} << 52) - 1);
  int e2 = -1074;  // |d| = m * 2^e2
  if (biased != 0) {
    m |= std::uint64_t{1} << 52;
    e2 = biased - 1075;
  }
  int exponent = 0, low_exponent = 0, high_exponent = 0;
  const std::string digits = exact_digits(m, e2, &exponent);
  const std::string high = exact_digits(2 * m + 1, e2 - 1, &high_exponent);
  // Below a power of two the neighbour is twice as close.
  const bool closer_below = m == (std::uint64_t{1} << 52) && biased > 1;
  const std::string low = closer_below ? exact_digits(4 * m - 1, e2 - 2, &low_exponent)
                                       : exact_digits(2 * m - 1, e2 - 1, &low_exponent);
  const bool even = (m & 1) == 0;  // a tie reads back as the even neighbour
  std::string best;
  int best_exponent = 0;
  for (std::size_t keep = 1; keep <= 17; ++keep) {
    best_exponent = exponent;
    best = round_digits(digits, keep, &best_exponent);
    const int above_low = compare_decimal(best, best_exponent, low, low_exponent);
    const int below_high = compare_decimal(high, high_exponent, best, best_exponent);
    if ((above_low > 0 || (even && above_low == 0)) && (below_high > 0 || (even && below_high == 0))) break;
  }
  return (negative ? "-" : "") + layout_number(best, best_exponent);
}

}  // namespace detail

}  // namespace ssokit
