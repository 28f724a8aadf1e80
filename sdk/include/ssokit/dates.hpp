// Calendar arithmetic (proleptic Gregorian, UTC) and HTTP dates, shared by the profile mapping's
// expiry values and the platforms' Date and Retry-After headers. No <ctime>: timegm is not
// portable and gmtime is not thread-safe; these are exact for every year.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ssokit {

struct CivilDate {
  std::int64_t year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
};

// Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t year, int month, int day);
CivilDate civil_from_days(std::int64_t days);

bool is_leap_year(std::int64_t year);
int days_in_month(std::int64_t year, int month);

// An IMF-fixdate (RFC 9110 5.6.7, e.g. "Sun, 06 Nov 1994 08:49:37 GMT", exactly 29 characters)
// as unix seconds; nullopt for anything else (the obsolete RFC 850 and asctime forms included).
// The day name is not checked against the date, as RFC 9110 lets recipients ignore it.
std::optional<std::int64_t> parse_http_date(std::string_view text);

}  // namespace ssokit
