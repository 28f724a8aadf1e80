// Profile mapping time values: epoch seconds, ISO 8601 and "/Date(ms)/" claims as epoch seconds.
#include "ssokit/profile.hpp"
#include "profile_internal.hpp"
#include "ssokit/dates.hpp"

#include <algorithm>
#include <cctype>

namespace ssokit {

using namespace detail;

namespace {

// ---------------------------------------------------------------------------------------------
// Time: epoch seconds (number or digit string; values above 1e11 are taken as milliseconds,
// since seconds that large are past the year 5000) or an ISO 8601 date / date-time.


bool digits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}


// "YYYY-MM-DD" (the whole day counts: the end is the next midnight, UTC), or
// "YYYY-MM-DD[T| ]HH:MM[:SS[.fff]][Z|+HH:MM|-HH:MM|+HHMM]" (no zone = UTC).
std::optional<std::int64_t> parse_iso8601(std::string_view s) {
  int y = 0, mo = 0, d = 0;
  if (!digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, &mo) || s[7] != '-' ||
      !digits(s, 8, 2, &d)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return std::nullopt;
  const std::int64_t day = days_from_civil(y, mo, d);
  if (s.size() == 10) return (day + 1) * 86400;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  int h = 0, mi = 0, sec = 0;
  if (!digits(s, 11, 2, &h) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2, &mi)) return std::nullopt;
  std::size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, &sec)) return std::nullopt;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      const std::size_t start = pos;
      while (pos < s.size() && pos - start < 9 && s[pos] >= '0' && s[pos] <= '9') ++pos;
      if (pos == start) return std::nullopt;
    }
  }
  if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::int64_t offset = 0;
  if (pos < s.size()) {
    if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
      pos += 1;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh = 0, om = 0;
      const bool colon = pos + 3 < s.size() && s[pos + 3] == ':';
      if (!digits(s, pos + 1, 2, &oh) || !digits(s, pos + (colon ? 4 : 3), 2, &om)) return std::nullopt;
      if (oh > 23 || om > 59) return std::nullopt;
      offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
      pos += colon ? 6 : 5;
    }
    if (pos != s.size()) return std::nullopt;
  }
  return day * 86400 + h * 3600 + mi * 60 + sec - offset;
}

// "/Date(<milliseconds>[+-HHMM])/": the WCF / ServiceStack JSON date some .NET membership APIs
// send. The milliseconds are already UTC; the offset only says where the value was made.
std::optional<std::int64_t> parse_ms_date(std::string_view s) {
  constexpr std::string_view kOpen = "/Date(", kClose = ")/";
  if (s.size() < kOpen.size() + kClose.size() + 1 || s.substr(0, kOpen.size()) != kOpen ||
      s.substr(s.size() - kClose.size()) != kClose) {
    return std::nullopt;
  }
  s = s.substr(kOpen.size(), s.size() - kOpen.size() - kClose.size());
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  std::size_t n = 0;
  std::int64_t ms = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
    if (n >= 16) return std::nullopt;  // beyond +-3e8 years
    ms = ms * 10 + (s[n] - '0');
    ++n;
  }
  if (n == 0) return std::nullopt;
  s.remove_prefix(n);
  int offset = 0;
  if (!s.empty() && !((s[0] == '+' || s[0] == '-') && s.size() == 5 && digits(s, 1, 4, &offset))) return std::nullopt;
  return (negative ? -ms : ms) / 1000;
}

}  // namespace

namespace detail {

std::optional<std::int64_t> parse_time(const Json& raw, std::string_view text) {
  constexpr std::int64_t kMillisAbove = 100000000000;  // 1e11
  std::optional<std::int64_t> t;
  if (raw.is_number_unsigned()) {
    auto u = raw.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    t = static_cast<std::int64_t>(u);
  } else if (raw.is_number_integer()) {
    t = raw.get<std::int64_t>();
  } else if (raw.is_number_float()) {
    double f = raw.get<double>();
    if (f > -9e15 && f < 9e15) t = static_cast<std::int64_t>(f);
  } else if (!text.empty() && text.size() <= 16 &&
             std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t v = 0;
    for (char c : text) v = v * 10 + (c - '0');
    t = v;
  } else if (!text.empty() && text.front() == '/') {
    return parse_ms_date(text);
  } else {
    return parse_iso8601(text);
  }
  if (t && *t > kMillisAbove) *t /= 1000;
  return t;
}

}  // namespace detail

}  // namespace ssokit
