// ssokit::Json (json_value.hpp: why our own type), its strict RFC 8259 parser and its serializer.
// No exceptions, no iostreams, no strtod or printf: numbers are converted by the small routines
// below, and a parsed non-integral number keeps its text for an exact round trip.
#include "ssokit/json.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace ssokit {
namespace {

const Json& null_json() {
  static const Json kNull;
  return kNull;
}

// ---- UTF-8 --------------------------------------------------------------------------------------

// The length of the well-formed UTF-8 sequence at s[i] (Unicode table 3-7: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 when it is not one; then *bad is the length of its
// maximal invalid prefix (at least 1): the bytes one U+FFFD replaces, as nlohmann's dump did.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::size_t* bad) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
    if (lead == 0xE0) lo = 0xA0;  // overlong
    if (lead == 0xED) hi = 0x9F;  // UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
    if (lead == 0xF0) lo = 0x90;  // overlong
    if (lead == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    *bad = 1;
    return 0;
  }
  for (std::size_t k = 1; k < n; ++k) {
    if (i + k >= s.size()) {
      *bad = s.size() - i;
      return 0;
    }
    const unsigned char c = byte(i + k);
    if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) {
      *bad = k;
      return 0;
    }
  }
  return n;
}

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

// ---- serializer ---------------------------------------------------------------------------------

void write_string(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t bad = 0;
      const std::size_t n = utf8_sequence(s, i, &bad);
      if (n == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD
        i += bad;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

// Index of the first member whose key is not less than `key` (members are sorted).
std::size_t lower_index(const std::vector<Json::Slot>& items, std::string_view key) {
  std::size_t lo = 0;
  std::size_t hi = items.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (std::string_view(items[mid]->key()) < key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// -1, 0, 1 comparing two numbers by value (integers exactly, floats as doubles; NaN compares 0).
int compare_numbers(const Json& a, const Json& b) {
  if (a.is_number_float() || b.is_number_float()) {
    const double x = a.as_double();
    const double y = b.as_double();
    return x < y ? -1 : (y < x ? 1 : 0);
  }
  const bool a_negative = a.type() == Json::Type::number_integer && a.as_int64() < 0;
  const bool b_negative = b.type() == Json::Type::number_integer && b.as_int64() < 0;
  if (a_negative != b_negative) return a_negative ? -1 : 1;
  if (a_negative) return a.as_int64() < b.as_int64() ? -1 : (a.as_int64() > b.as_int64() ? 1 : 0);
  return a.as_uint64() < b.as_uint64() ? -1 : (a.as_uint64() > b.as_uint64() ? 1 : 0);
}

}  // namespace

namespace detail {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace detail

// ---- the value ----------------------------------------------------------------------------------

Json::Json(double d) : type_(Type::number_float), text_(format_double(d)) { n_.d = d; }
Json::Json(const char* s) : type_(Type::string), text_(s) {}
Json::Json(std::string s) noexcept : type_(Type::string), text_(std::move(s)) {}
Json::Json(std::string_view s) : type_(Type::string), text_(s) {}

Json::Json(std::initializer_list<Json> list) {
  const bool pairs = std::all_of(list.begin(), list.end(), [](const Json& e) {
    return e.is_array() && e.items_.size() == 2 && e.items_[0]->value().is_string();
  });
  if (!pairs) {
    *this = array(list);
    return;
  }
  type_ = Type::object;
  for (const Json& pair : list) {
    const std::string& key = pair.items_[0]->value().text_;
    const std::size_t at = lower_index(items_, key);
    if (at < items_.size() && items_[at]->key() == key) continue;  // the first one wins, as in nlohmann
    items_.insert(items_.begin() + static_cast<std::ptrdiff_t>(at), std::make_unique<JsonMember>(key, pair.items_[1]->value()));
  }
}

Json::Json(const Json& other) : type_(other.type_), n_(other.n_), text_(other.text_) {
  items_.reserve(other.items_.size());
  for (const Slot& m : other.items_) items_.push_back(std::make_unique<JsonMember>(*m));
}

Json::Json(Json&& other) noexcept
    : type_(other.type_), n_(other.n_), text_(std::move(other.text_)), items_(std::move(other.items_)) {
  other.type_ = Type::null;
  other.n_.u = 0;
  other.text_.clear();
  other.items_.clear();
}

// Both assignments build the new value first: `j = j["child"]` must not free the child early.
Json& Json::operator=(const Json& other) {
  if (this != &other) {
    Json copy(other);
    swap(copy);
  }
  return *this;
}

Json& Json::operator=(Json&& other) noexcept {
  if (this != &other) {
    Json moved(std::move(other));
    swap(moved);
  }
  return *this;
}

Json::~Json() = default;

void Json::swap(Json& other) noexcept {
  std::swap(type_, other.type_);
  std::swap(n_, other.n_);
  text_.swap(other.text_);
  items_.swap(other.items_);
}

Json Json::array() {
  Json j;
  j.type_ = Type::array;
  return j;
}

Json Json::array(std::initializer_list<Json> items) {
  Json j = array();
  j.items_.reserve(items.size());
  for (const Json& item : items) j.items_.push_back(std::make_unique<JsonMember>(std::string(), item));
  return j;
}

Json Json::object() {
  Json j;
  j.type_ = Type::object;
  return j;
}

Json Json::object(std::initializer_list<Json> members) {
  Json j = object();
  for (const Json& pair : members) {
    if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && !j.contains(pair[0].text_)) {
      j[pair[0].text_] = pair[1];
    }
  }
  return j;
}

const char* Json::type_name() const {
  switch (type_) {
    case Type::null: return "null";
    case Type::boolean: return "boolean";
    case Type::string: return "string";
    case Type::array: return "array";
    case Type::object: return "object";
    default: return "number";
  }
}

const std::string& Json::string_ref() const {
  static const std::string kEmpty;
  return is_string() ? text_ : kEmpty;
}

std::string Json::as_string() const { return is_string() ? text_ : std::string(); }
bool Json::as_bool() const { return is_boolean() && n_.b; }

std::int64_t Json::as_int64() const {
  switch (type_) {
    case Type::number_integer: return n_.i;
    case Type::number_unsigned: return n_.u > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(n_.u);
    case Type::number_float:
      if (!(n_.d > -9.2e18)) return n_.d < 0 ? INT64_MIN : 0;  // also NaN -> 0
      return n_.d >= 9.2e18 ? INT64_MAX : static_cast<std::int64_t>(n_.d);
    default: return 0;
  }
}

std::uint64_t Json::as_uint64() const {
  switch (type_) {
    case Type::number_integer: return n_.i < 0 ? 0 : static_cast<std::uint64_t>(n_.i);
    case Type::number_unsigned: return n_.u;
    case Type::number_float:
      if (!(n_.d > 0)) return 0;
      return n_.d >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(n_.d);
    default: return 0;
  }
}

double Json::as_double() const {
  switch (type_) {
    case Type::number_integer: return static_cast<double>(n_.i);
    case Type::number_unsigned: return static_cast<double>(n_.u);
    case Type::number_float: return n_.d;
    default: return 0;
  }
}

std::string Json::value(std::string_view key, const char* fallback) const {
  const Json* v = find_member(key);
  return v != nullptr && v->is_string() ? v->text_ : std::string(fallback);
}

std::string Json::value(std::string_view key, const std::string& fallback) const {
  const Json* v = find_member(key);
  return v != nullptr && v->is_string() ? v->text_ : fallback;
}

Json Json::value(std::string_view key, const Json& fallback) const {
  const Json* v = find_member(key);
  return v != nullptr ? *v : fallback;
}

Json& Json::operator[](std::string_view key) {
  if (!is_object()) *this = object();
  const std::size_t at = lower_index(items_, key);
  if (at == items_.size() || items_[at]->key() != key) {
    items_.insert(items_.begin() + static_cast<std::ptrdiff_t>(at), std::make_unique<JsonMember>(std::string(key), Json()));
  }
  return items_[at]->value();
}

const Json& Json::operator[](std::string_view key) const {
  const Json* v = find_member(key);
  return v != nullptr ? *v : null_json();
}

Json& Json::element(std::size_t index) {
  if (!is_array()) *this = array();
  while (items_.size() <= index) items_.push_back(std::make_unique<JsonMember>());
  return items_[index]->value();
}

const Json& Json::element(std::size_t index) const {
  return is_array() && index < items_.size() ? items_[index]->value() : null_json();
}

const Json* Json::find_member(std::string_view key) const {
  if (!is_object()) return nullptr;
  const std::size_t at = lower_index(items_, key);
  return at < items_.size() && items_[at]->key() == key ? &items_[at]->value() : nullptr;
}

Json::iterator Json::find(std::string_view key) {
  const Json* v = find_member(key);
  return v == nullptr ? end() : iterator(items_.data() + lower_index(items_, key));
}

Json::const_iterator Json::find(std::string_view key) const {
  const Json* v = find_member(key);
  return v == nullptr ? end() : const_iterator(items_.data() + lower_index(items_, key));
}

std::size_t Json::erase(std::string_view key) {
  if (find_member(key) == nullptr) return 0;
  items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(lower_index(items_, key)));
  return 1;
}

void Json::erase(const_iterator at) {
  const std::ptrdiff_t index = at.slot() - items_.data();
  if (index >= 0 && static_cast<std::size_t>(index) < items_.size()) items_.erase(items_.begin() + index);
}

Json::iterator Json::begin() { return iterator(items_.data()); }
Json::iterator Json::end() { return iterator(items_.data() + items_.size()); }
Json::const_iterator Json::begin() const { return const_iterator(items_.data()); }
Json::const_iterator Json::end() const { return const_iterator(items_.data() + items_.size()); }
Json::Items Json::items() const { return Items(items_.data(), items_.data() + items_.size()); }

std::size_t Json::size() const {
  if (is_null()) return 0;
  return is_structured() ? items_.size() : 1;
}

bool Json::empty() const {
  if (is_null()) return true;
  return is_structured() && items_.empty();
}

void Json::push_back(Json value) {
  if (!is_array()) *this = array();
  items_.push_back(std::make_unique<JsonMember>(std::string(), std::move(value)));
}

void Json::set(std::string_view key, Json value) { (*this)[key] = std::move(value); }

std::string Json::dump() const {
  std::string out;
  dump_to(out);
  return out;
}

void Json::dump_to(std::string& out) const {
  switch (type_) {
    case Type::null: out += "null"; break;
    case Type::boolean: out += n_.b ? "true" : "false"; break;
    case Type::number_integer: append_int(out, n_.i); break;
    case Type::number_unsigned: append_uint(out, n_.u); break;
    case Type::number_float: out += text_; break;
    case Type::string: write_string(out, text_); break;
    case Type::array:
    case Type::object: {
      out += is_array() ? '[' : '{';
      for (std::size_t k = 0; k < items_.size(); ++k) {
        if (k > 0) out += ',';
        if (is_object()) {
          write_string(out, items_[k]->key());
          out += ':';
        }
        items_[k]->value().dump_to(out);
      }
      out += is_array() ? ']' : '}';
      break;
    }
  }
}

bool operator==(const Json& a, const Json& b) {
  if (a.is_number_float() || b.is_number_float()) return a.is_number() && b.is_number() && a.as_double() == b.as_double();
  if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case Json::Type::boolean: return a.n_.b == b.n_.b;
    case Json::Type::string: return a.text_ == b.text_;
    case Json::Type::array:
    case Json::Type::object:
      if (a.items_.size() != b.items_.size()) return false;
      for (std::size_t k = 0; k < a.items_.size(); ++k) {
        if (a.items_[k]->key() != b.items_[k]->key() || a.items_[k]->value() != b.items_[k]->value()) return false;
      }
      return true;
    default: return true;  // null
  }
}

// ---- parser -------------------------------------------------------------------------------------

// Recursive descent over the text; stops at the first problem. Objects are collected in text
// order, then sorted once and checked for duplicate names.
class JsonParser {
 public:
  JsonParser(std::string_view text, const JsonLimits& limits) : s_(text), limits_(limits) {}

  bool document(Json& out) {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;  // a byte order mark, which nlohmann skipped too
    skip_space();
    if (!value(out, 0)) return false;
    skip_space();
    return i_ == s_.size() || fail("unexpected data after the value");
  }

  std::string message;

 private:
  bool fail(const char* what) {
    message = std::string("malformed JSON: ") + what + " at byte " + std::to_string(i_);
    return false;
  }
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  void skip_space() {
    while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }

  bool value(Json& out, std::size_t depth) {
    switch (peek()) {
      case '{':
      case '[':
        if (depth >= limits_.max_depth) {
          message = "JSON document is nested deeper than " + std::to_string(limits_.max_depth) + " levels";
          return false;
        }
        return peek() == '{' ? object(out, depth) : array(out, depth);
      case '"':
        out.type_ = Json::Type::string;
        return string(out.text_);
      case 't': return literal("true", out, Json(true));
      case 'f': return literal("false", out, Json(false));
      case 'n': return literal("null", out, Json());
      default:
        if (peek() == '-' || is_digit(peek())) return number(out);
        return fail(at_end() ? "unexpected end" : "unexpected character");
    }
  }

  bool literal(std::string_view word, Json& out, Json v) {
    if (s_.substr(i_, word.size()) != word) return fail("invalid literal");
    i_ += word.size();
    out = std::move(v);
    return true;
  }

  bool array(Json& out, std::size_t depth) {
    out = Json::array();
    ++i_;  // [
    skip_space();
    if (peek() == ']') {
      ++i_;
      return true;
    }
    for (;;) {
      auto slot = std::make_unique<JsonMember>();
      if (!value(slot->value_, depth + 1)) return false;
      out.items_.push_back(std::move(slot));
      skip_space();
      if (peek() == ']') {
        ++i_;
        return true;
      }
      if (peek() != ',') return fail("expected ',' or ']'");
      ++i_;
      skip_space();
    }
  }

  bool object(Json& out, std::size_t depth) {
    out = Json::object();
    ++i_;  // {
    skip_space();
    if (peek() == '}') {
      ++i_;
      return true;
    }
    for (;;) {
      if (peek() != '"') return fail("expected a member name");
      auto slot = std::make_unique<JsonMember>();
      if (!string(slot->key_)) return false;
      skip_space();
      if (peek() != ':') return fail("expected ':'");
      ++i_;
      skip_space();
      if (!value(slot->value_, depth + 1)) return false;
      out.items_.push_back(std::move(slot));
      skip_space();
      if (peek() == '}') {
        ++i_;
        break;
      }
      if (peek() != ',') return fail("expected ',' or '}'");
      ++i_;
      skip_space();
    }
    auto& items = out.items_;
    std::sort(items.begin(), items.end(), [](const Json::Slot& a, const Json::Slot& b) { return a->key_ < b->key_; });
    for (std::size_t k = 1; k < items.size(); ++k) {
      if (items[k - 1]->key_ == items[k]->key_) {
        message = "JSON object has a duplicate member \"" + items[k]->key_.substr(0, 64) + "\"";
        return false;
      }
    }
    return true;
  }

  bool hex4(std::uint32_t* out) {
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k, ++i_) {
      const char c = peek();
      int d = -1;
      if (c >= '0' && c <= '9') d = c - '0';
      if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      if (d < 0) return fail("invalid \\u escape");
      v = v * 16 + static_cast<std::uint32_t>(d);
    }
    *out = v;
    return true;
  }

  bool escape(std::string& out) {
    ++i_;  // the backslash
    const char c = peek();
    ++i_;
    switch (c) {
      case '"': out += '"'; return true;
      case '\\': out += '\\'; return true;
      case '/': out += '/'; return true;
      case 'b': out += '\b'; return true;
      case 'f': out += '\f'; return true;
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 't': out += '\t'; return true;
      case 'u': break;
      default: --i_; return fail("invalid escape");
    }
    std::uint32_t cp = 0;
    if (!hex4(&cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("unpaired UTF-16 surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      std::uint32_t low = 0;
      if (s_.substr(i_, 2) != "\\u") return fail("unpaired UTF-16 surrogate");
      i_ += 2;
      if (!hex4(&low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired UTF-16 surrogate");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    detail::append_utf8(out, cp);
    return true;
  }

  bool string(std::string& out) {
    ++i_;  // the opening quote
    for (;;) {
      if (at_end()) return fail("unterminated string");
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c == '\\') {
        if (!escape(out)) return false;
      } else if (c < 0x20) {
        return fail("control character in a string");
      } else if (c < 0x80) {
        const std::size_t start = i_;
        while (!at_end() && s_[i_] != '"' && s_[i_] != '\\' && static_cast<unsigned char>(s_[i_]) >= 0x20 &&
               static_cast<unsigned char>(s_[i_]) < 0x80) {
          ++i_;
        }
        out.append(s_.substr(start, i_ - start));
      } else {
        std::size_t bad = 0;
        const std::size_t n = utf8_sequence(s_, i_, &bad);
        if (n == 0) return fail("invalid UTF-8 in a string");
        out.append(s_.substr(i_, n));
        i_ += n;
      }
    }
  }

  bool digits() {
    if (!is_digit(peek())) return fail("invalid number");
    while (is_digit(peek())) ++i_;
    return true;
  }

  bool number(Json& out) {
    const std::size_t start = i_;
    const bool negative = peek() == '-';
    if (negative) ++i_;
    if (peek() == '0') {
      ++i_;
    } else if (!digits()) {
      return false;
    }
    bool integral = true;
    if (peek() == '.') {
      ++i_;
      integral = false;
      if (!digits()) return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++i_;
      integral = false;
      if (peek() == '+' || peek() == '-') ++i_;
      if (!digits()) return false;
    }
    const std::string_view text = s_.substr(start, i_ - start);
    if (integral) {
      // Non-negative integers are unsigned, negative ones signed, as nlohmann parsed them; beyond
      // 64 bits they become floats.
      std::uint64_t magnitude = 0;
      bool fits = true;
      for (char c : text.substr(negative ? 1 : 0)) {
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (magnitude > (UINT64_MAX - d) / 10) fits = false;
        magnitude = magnitude * 10 + d;
        if (!fits) break;
      }
      if (fits && !negative) {
        out = Json(magnitude);
        return true;
      }
      if (fits && magnitude <= std::uint64_t{1} << 63) {
        out = Json(static_cast<std::int64_t>(0 - magnitude));
        return true;
      }
    }
    out.type_ = Json::Type::number_float;
    out.n_.d = decimal_to_double(text);
    out.text_ = text;
    if (!std::isfinite(out.n_.d)) return fail("number out of range");
    return true;
  }

  std::string_view s_;
  const JsonLimits& limits_;
  std::size_t i_ = 0;
};

// ---- the free functions of json.hpp -------------------------------------------------------------

Result<Json> parse_json(std::string_view text, ErrorCode code, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return make_error(code, "JSON document is larger than " + std::to_string(limits.max_bytes) + " bytes",
                      {{"size", text.size()}});
  }
  JsonParser parser(text, limits);
  Json value;
  if (!parser.document(value)) return make_error(code, parser.message);
  return value;
}

Result<Json> parse_json_object(std::string_view text, ErrorCode code, const JsonLimits& limits) {
  SSOKIT_TRY(Json value, parse_json(text, code, limits));
  if (!value.is_object()) return make_error(code, "expected a JSON object");
  return value;
}

std::string dump_json(const Json& value) { return value.dump(); }

const Json* json_member(const Json& object, std::string_view key) { return object.find_member(key); }

std::optional<std::string> json_string(const Json& object, std::string_view key) {
  const Json* v = json_member(object, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->as_string();
}

std::optional<std::int64_t> json_int(const Json& object, std::string_view key) {
  const Json* v = json_member(object, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_unsigned()) {
    if (v->as_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return v->as_int64();
  }
  if (v->is_number_integer()) return v->as_int64();
  return std::nullopt;
}

std::optional<bool> json_bool(const Json& object, std::string_view key) {
  const Json* v = json_member(object, key);
  if (v == nullptr || !v->is_boolean()) return std::nullopt;
  return v->as_bool();
}

}  // namespace ssokit
