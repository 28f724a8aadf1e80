// Profile mapping (docs/profile-mapping.md). A spec is validated once into rules; mapping then
// walks the claims with JSON Pointers. Claims come from a peer: every access checks the type
// first (no exceptions in this build) and all work is bounded.
#include "ssokit/profile.hpp"
#include "ssokit/dates.hpp"
#include "ssokit/json_pointer.hpp"
#include "ssokit/text.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

namespace ssokit {
namespace detail {

enum class Doc { any, claims, userinfo, profile };
enum class LetterCase { keep, lower, upper };

struct Pointer {
  Doc doc = Doc::any;
  std::vector<std::string> tokens;
};

// "when": a path that must be true, or whose text must (not) be one of `values`.
struct Condition {
  enum class Kind { truthy, in, not_in };
  Pointer path;
  Kind kind = Kind::truthy;
  std::set<std::string> values;  // ASCII lower-case
};

struct Rule {
  std::vector<Pointer> from;
  std::optional<Pointer> item;  // relative to each object value (doc unused)
  std::optional<Condition> when;
  std::optional<std::set<std::string>> in;  // "in": value listed -> "active", else "inactive"
  std::string split;            // "" = no splitting
  std::optional<int> index;
  std::optional<int> rest;
  std::optional<std::string> join;
  bool trim = true;
  LetterCase letter_case = LetterCase::keep;
  bool expiry = false;
  bool merge = false;
  std::map<std::string, std::string> map;
  std::optional<std::string> otherwise;  // the map's "*" entry
  std::optional<std::vector<std::string>> fallback;  // "default" (one value for scalar fields)
};

struct ProfileRules {
  std::vector<Rule> fields[7];  // alternatives per field, in kFieldNames order
};

}  // namespace detail

namespace {

using detail::Condition;
using detail::Doc;
using detail::LetterCase;
using detail::Pointer;
using detail::ProfileRules;
using detail::Rule;

constexpr const char* kFieldNames[7] = {"userId",           "firstName",      "lastName", "email",
                                        "membershipStatus", "membershipType", "groups"};
constexpr int kUserId = 0;
constexpr int kEmail = 3;
constexpr int kGroups = 6;

// Spec bounds: a mapping is configuration, these are far above any real one.
constexpr std::size_t kMaxSpecBytes = 32 * 1024;
constexpr std::size_t kMaxAlternatives = 16;
constexpr std::size_t kMaxPaths = 16;
constexpr std::size_t kMaxPointerTokens = 32;
constexpr std::size_t kMaxSpecString = 512;
constexpr std::size_t kMaxDelimiter = 16;
constexpr std::size_t kMaxMapEntries = 256;
constexpr int kMaxIndex = 64;
constexpr std::size_t kMaxSetValues = 64;  // "in" / "not_in" lists
// Input bounds: pieces/items looked at per value, so a huge claim costs bounded work.
constexpr std::size_t kMaxPieces = 4096;

// ---------------------------------------------------------------------------------------------
// Presets. Written as specs so that they go through the same validation as a caller's spec and
// the docs can show them verbatim (profile.preset returns them).

struct Preset {
  const char* name;
  const char* spec;
};

// Name fallbacks shared by the OIDC-style presets: "Ada King Lovelace" -> "Ada" / "King Lovelace".
#define SSOKIT_NAME_FROM(first, last)                                                    \
  "\"firstName\": [" first ", {\"from\": \"/name\", \"split\": \" \", \"index\": 0}],"  \
  "\"lastName\": [" last ", {\"from\": \"/name\", \"split\": \" \", \"rest\": 1}],"

const Preset kPresets[] = {
    {"oidc", R"({"fields": {"userId": "/sub",)" SSOKIT_NAME_FROM(R"("/given_name")", R"("/family_name")") R"(
      "email": "/email",
      "membershipStatus": "/membership_status",
      "membershipType": "/membership_type",
      "groups": "/groups"}})"},
    // Okta: "groups" is the usual name of the groups claim an authorization server adds;
    // preferred_username is the Okta login, an e-mail address by default.
    {"okta", R"({"fields": {"userId": "/sub",)" SSOKIT_NAME_FROM(R"("/given_name")", R"("/family_name")") R"(
      "email": ["/email", "/preferred_username"],
      "groups": "/groups"}})"},
    // Entra ID: e-mail is optional there; preferred_username / upn usually hold the address.
    // Security groups ("groups", object ids) and app roles ("roles") both grant access.
    {"entra", R"({"fields": {"userId": "/sub",)" SSOKIT_NAME_FROM(R"("/given_name")", R"("/family_name")") R"(
      "email": ["/email", "/preferred_username", "/upn"],
      "groups": {"from": ["/groups", "/roles"], "merge": true}}})"},
    // Google: only verified addresses; the Workspace domain (hd) as the membership type,
    // empty for consumer accounts. Google issues no groups claim.
    {"google", R"({"fields": {"userId": "/sub",)" SSOKIT_NAME_FROM(R"("/given_name")", R"("/family_name")") R"(
      "email": {"from": "/email", "when": "/email_verified"},
      "membershipType": "/hd"}})"},
    // Auth0: custom claims must be namespaced (an Action adds them); the plain names are what
    // Webcastcloud's Auth0 guide lists.
    {"auth0", R"({"fields": {"userId": "/sub",)" SSOKIT_NAME_FROM(R"("/given_name", "/first_name")",
                                                                    R"("/family_name", "/last_name")") R"(
      "email": "/email",
      "membershipStatus": ["/https:~1~1ssokit.dev~1membership_status", "/membershipStatus"],
      "membershipType": ["/https:~1~1ssokit.dev~1membership_type", "/memberType"],
      "groups": ["/https:~1~1ssokit.dev~1groups", "/memberGroups", "/groups"]}})"},
    // Salesforce: user-info carries user_id (sub is an identity URL); membership data come
    // from a connected app's custom attributes (strings, so groups are comma-joined).
    {"salesforce", R"({"fields": {"userId": ["/user_id", "/sub"],)" SSOKIT_NAME_FROM(R"("/given_name")",
                                                                                     R"("/family_name")") R"(
      "email": "/email",
      "membershipStatus": {"from": "/custom_attributes/membership_status", "case": "lower"},
      "membershipType": "/custom_attributes/membership_type",
      "groups": {"from": "/custom_attributes/groups", "split": ","}}})"},
    // YourMembership: flat names from its OAuth profile, or the nested member profile
    // (PersonalInformation / AccountInformation, often the answer of the extra profile request).
    // AccountInformation.Membership is the membership's name: with MembershipExpires false it is
    // a membership that never expires; otherwise MembershipExpiresDate decides.
    {"yourmembership", R"({"fields": {
      "userId": ["/MemberId", "/MemberID", "/sub"],
      "firstName": ["/FirstName", "/PersonalInformation/FirstName"],
      "lastName": ["/LastName", "/PersonalInformation/LastName"],
      "email": ["/EmailAddr", "/Email", "/PersonalInformation/Email"],
      "membershipStatus": [{"from": "/MembershipStatus", "case": "lower"},
                           {"from": "/AccountInformation/Membership", "map": {"*": "active"},
                            "when": {"path": "/AccountInformation/MembershipExpires", "in": ["false"]}},
                           {"from": "/AccountInformation/MembershipExpiresDate", "expiry": true,
                            "when": {"path": "/AccountInformation/MembershipExpires", "not_in": ["false"]}}],
      "membershipType": ["/MemberTypeCode", "/AccountInformation/MemberTypeCode"],
      "groups": {"from": ["/Groups", "/AccountInformation/Groups", "/AccountInformation/PrimaryGroupName"], "split": ";"}}})"},
    // Webcastcloud: the attribute names its own Auth0 guide expects from an identity provider
    // (its user_id -> IntegrationUid mapping: sub, else user_id, else the membership system's
    // contact_id). memberGroups may be an array or a comma-joined string.
    {"webcastcloud", R"({"fields": {"userId": ["/sub", "/user_id", "/contact_id"],)" SSOKIT_NAME_FROM(
                         R"("/given_name", "/first_name")", R"("/family_name", "/last_name")") R"(
      "email": "/email",
      "membershipStatus": ["/membershipStatus", "/membership_status"],
      "membershipType": ["/memberType", "/membershipType", "/membership_type"],
      "groups": {"from": ["/memberGroups", "/groups"], "split": ","}}})"},
    // Novi AMS: sub is the customer record's unique id; member_status "current" or
    // "inheriting" (membership through a company) means a member.
    {"novi", R"({"fields": {"userId": "/sub",)" SSOKIT_NAME_FROM(R"("/given_name")", R"("/family_name")") R"(
      "email": "/email",
      "membershipStatus": {"from": "/member_status", "in": ["current", "inheriting"]},
      "membershipType": ["/member_type", "/membership_type"],
      "groups": "/groups"}})"},
    // iMIS (SSO Premium): claims are the column aliases of a site-defined query; an alias with a
    // dot becomes a sub-object (nameData.firstName -> {"nameData": {"firstName"}}), so both
    // shapes are read. The membershipData names are this preset's convention.
    {"imis", R"({"fields": {"userId": ["/sub", "/imisId", "/id"],
      "firstName": ["/given_name", "/nameData/firstName", "/nameData.firstName", {"from": "/name", "split": " ", "index": 0}],
      "lastName": ["/family_name", "/nameData/lastName", "/nameData.lastName", {"from": "/name", "split": " ", "rest": 1}],
      "email": ["/email", "/emailData/email", "/emailData.email"],
      "membershipStatus": [{"from": ["/membershipData/status", "/membershipData.status"], "case": "lower",
                            "map": {"a": "active", "i": "inactive", "s": "suspended"}},
                           {"from": ["/membershipData/paidThrough", "/membershipData.paidThrough"], "expiry": true}],
      "membershipType": ["/membershipData/memberType", "/membershipData.memberType"],
      "groups": {"from": ["/groups", "/membershipData/groups", "/membershipData.groups"], "split": ","}}})"},
    // WordPress OAuth servers (WP OAuth Server, miniOrange): user-table names beside the OIDC
    // ones; contact_tags (a CRM plugin's tags) comes as one comma-joined string.
    {"wordpress", R"({"fields": {"userId": ["/sub", "/ID", "/id"],
      "firstName": ["/given_name", "/first_name", {"from": ["/name", "/display_name"], "split": " ", "index": 0}],
      "lastName": ["/family_name", "/last_name", {"from": ["/name", "/display_name"], "split": " ", "rest": 1}],
      "email": ["/email", "/user_email"],
      "membershipStatus": "/membership_status",
      "membershipType": ["/membership_level", "/membership_type"],
      "groups": {"from": ["/contact_tags", "/groups"], "split": ","}}})"},
};

#undef SSOKIT_NAME_FROM

std::string preset_list() {
  std::string out;
  for (const auto& p : kPresets) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

std::string clip(std::string_view s) {
  constexpr std::size_t kMax = 64;
  return s.size() <= kMax ? std::string(s) : std::string(s.substr(0, kMax)) + "...";
}

// ---------------------------------------------------------------------------------------------
// Text helpers (ASCII only: UTF-8 bytes pass through untouched).

void apply_case(std::string& s, LetterCase c) {
  if (c == LetterCase::keep) return;
  s = c == LetterCase::lower ? ascii_lower(s) : ascii_upper(s);
}

// Non-empty pieces between delimiters (trimmed when asked), at most kMaxPieces.
std::vector<std::string_view> split_pieces(std::string_view s, std::string_view delim, bool trim) {
  std::vector<std::string_view> out;
  while (out.size() < kMaxPieces) {
    std::size_t at = s.find(delim);
    std::string_view piece = s.substr(0, at);
    if (trim) piece = trim_ascii_space(piece);
    if (!piece.empty()) out.push_back(piece);
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + delim.size());
  }
  return out;
}

// A scalar JSON value as text: strings as they are, numbers in decimal, booleans as
// "true"/"false"; null, objects and arrays have none.
std::optional<std::string> scalar_text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
  // is_number_integer() is also true for unsigned values: test unsigned first.
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number_float()) return dump_json(v);
  return std::nullopt;
}

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

// ---------------------------------------------------------------------------------------------
// JSON Pointer (RFC 6901).

Result<Pointer> parse_pointer(std::string_view text, bool allow_prefix, const std::string& where) {
  Pointer p;
  std::string_view s = text;
  if (allow_prefix) {
    if (s.rfind("claims:", 0) == 0) {
      p.doc = Doc::claims;
      s.remove_prefix(7);
    } else if (s.rfind("userinfo:", 0) == 0) {
      p.doc = Doc::userinfo;
      s.remove_prefix(9);
    } else if (s.rfind("profile:", 0) == 0) {
      p.doc = Doc::profile;
      s.remove_prefix(8);
    }
  }
  auto bad = [&](const std::string& what) {
    return make_error(ErrorCode::invalid_argument, "profile mapping: " + where + " \"" + clip(text) + "\" " + what);
  };
  if (text.size() > kMaxSpecString) return bad("is longer than 512 bytes");
  if (s.empty() || s.front() != '/') {
    return bad("is not a JSON Pointer: it must start with \"/\" (e.g. \"/email\"" +
               std::string(allow_prefix ? ", \"claims:/email\", \"profile:/email\")" : ")"));
  }
  auto tokens = parse_json_pointer(s, kMaxPointerTokens);
  if (!tokens.ok()) return bad(tokens.error().message);
  p.tokens = std::move(tokens.value());
  return p;
}

// ---------------------------------------------------------------------------------------------
// Spec validation.

Error bad_spec(const std::string& where, const std::string& what) {
  return make_error(ErrorCode::invalid_argument, "profile mapping: " + where + " " + what);
}

Result<std::string> spec_string(const Json& v, const std::string& where, std::size_t max, bool allow_empty = true) {
  if (!v.is_string()) return bad_spec(where, "must be a string");
  std::string s = v.get<std::string>();
  if (s.size() > max) return bad_spec(where, "is longer than " + std::to_string(max) + " bytes");
  if (!allow_empty && s.empty()) return bad_spec(where, "must not be empty");
  return s;
}

Result<bool> spec_bool(const Json& v, const std::string& where) {
  if (!v.is_boolean()) return bad_spec(where, "must be true or false");
  return v.get<bool>();
}

Result<int> spec_int(const Json& v, const std::string& where, int lo, int hi) {
  std::optional<std::int64_t> n;
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() <= 1000) n = static_cast<std::int64_t>(v.get<std::uint64_t>());
  } else if (v.is_number_integer()) {
    n = v.get<std::int64_t>();
  }
  if (!n || *n < lo || *n > hi) {
    return bad_spec(where, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return static_cast<int>(*n);
}

constexpr const char* kRuleKeys =
    "from, item, when, split, index, rest, join, trim, case, in, expiry, map, default, merge";

// 1 to 64 strings, kept lower-cased (matching ignores ASCII case).
Result<std::set<std::string>> spec_value_set(const Json& v, const std::string& where) {
  if (!v.is_array() || v.empty() || v.size() > kMaxSetValues) {
    return bad_spec(where, "must be an array of 1 to 64 strings");
  }
  std::set<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    SSOKIT_TRY(std::string text, spec_string(v[i], where + "[" + std::to_string(i) + "]", kMaxSpecString));
    out.insert(ascii_lower(trim_ascii_space(text)));
  }
  return out;
}

// "when": a path (true or "true" holds), or {"path", "in" | "not_in": [values]}.
Result<Condition> parse_condition(const Json& v, const std::string& where) {
  Condition c;
  if (v.is_string()) {
    SSOKIT_TRY(c.path, parse_pointer(v.get<std::string>(), true, where));
    return c;
  }
  if (!v.is_object()) return bad_spec(where, "must be a JSON Pointer or {\"path\", \"in\" or \"not_in\"}");
  bool have_path = false;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string at = where + "." + clip(it.key());
    if (it.key() == "path") {
      SSOKIT_TRY(std::string text, spec_string(it.value(), at, kMaxSpecString));
      SSOKIT_TRY(c.path, parse_pointer(text, true, at));
      have_path = true;
    } else if (it.key() == "in" || it.key() == "not_in") {
      if (c.kind != Condition::Kind::truthy) return bad_spec(where, "has both \"in\" and \"not_in\": choose one");
      c.kind = it.key() == "in" ? Condition::Kind::in : Condition::Kind::not_in;
      SSOKIT_TRY(c.values, spec_value_set(it.value(), at));
    } else {
      return bad_spec(at, "is not a condition member (allowed: path, in, not_in)");
    }
  }
  if (!have_path) return bad_spec(where, "needs \"path\"");
  if (c.kind == Condition::Kind::truthy) return bad_spec(where, "needs \"in\" or \"not_in\" (or write the path alone)");
  return c;
}

Result<Rule> parse_rule(const Json& v, int field, const std::string& where) {
  Rule rule;
  const bool groups = field == kGroups;
  const std::size_t max_value = groups ? kProfileMaxGroupLength : kProfileMaxValueLength;
  if (field == kEmail) rule.letter_case = LetterCase::lower;
  if (v.is_string()) {
    SSOKIT_TRY(Pointer p, parse_pointer(v.get<std::string>(), true, where));
    rule.from.push_back(std::move(p));
    return rule;
  }
  if (!v.is_object()) return bad_spec(where, "must be a JSON Pointer string or a rule object");
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string& key = it.key();
    const Json& val = it.value();
    const std::string at = where + "." + clip(key);
    if (key == "from") {
      if (val.is_string()) {
        SSOKIT_TRY(Pointer p, parse_pointer(val.get<std::string>(), true, at));
        rule.from.push_back(std::move(p));
      } else if (val.is_array() && !val.empty() && val.size() <= kMaxPaths) {
        for (std::size_t i = 0; i < val.size(); ++i) {
          const std::string ai = at + "[" + std::to_string(i) + "]";
          SSOKIT_TRY(std::string text, spec_string(val[i], ai, kMaxSpecString));
          SSOKIT_TRY(Pointer p, parse_pointer(text, true, ai));
          rule.from.push_back(std::move(p));
        }
      } else {
        return bad_spec(at, "must be a JSON Pointer or an array of 1 to 16 of them");
      }
    } else if (key == "item") {
      SSOKIT_TRY(std::string text, spec_string(val, at, kMaxSpecString));
      SSOKIT_TRY(rule.item, parse_pointer(text, false, at));
    } else if (key == "when") {
      SSOKIT_TRY(rule.when, parse_condition(val, at));
    } else if (key == "split") {
      SSOKIT_TRY(rule.split, spec_string(val, at, kMaxDelimiter, false));
    } else if (key == "index" || key == "rest" || key == "join" || key == "expiry" || key == "in") {
      if (groups) return bad_spec(at, "applies to single-valued fields only, not to groups");
      if (key == "index") {
        SSOKIT_TRY(rule.index, spec_int(val, at, -kMaxIndex, kMaxIndex));
      } else if (key == "rest") {
        SSOKIT_TRY(rule.rest, spec_int(val, at, 0, kMaxIndex));
      } else if (key == "join") {
        SSOKIT_TRY(rule.join, spec_string(val, at, kMaxDelimiter));
      } else if (key == "in") {
        SSOKIT_TRY(rule.in, spec_value_set(val, at));
      } else {
        SSOKIT_TRY(rule.expiry, spec_bool(val, at));
      }
    } else if (key == "merge") {
      if (!groups) return bad_spec(at, "applies to groups only");
      SSOKIT_TRY(rule.merge, spec_bool(val, at));
    } else if (key == "trim") {
      SSOKIT_TRY(rule.trim, spec_bool(val, at));
    } else if (key == "case") {
      SSOKIT_TRY(std::string c, spec_string(val, at, 16));
      if (c == "lower") rule.letter_case = LetterCase::lower;
      else if (c == "upper") rule.letter_case = LetterCase::upper;
      else if (c == "keep") rule.letter_case = LetterCase::keep;
      else return bad_spec(at, "must be \"lower\", \"upper\" or \"keep\"");
    } else if (key == "map") {
      if (!val.is_object() || val.size() > kMaxMapEntries) {
        return bad_spec(at, "must be an object of at most 256 \"value\": \"replacement\" strings");
      }
      for (auto m = val.begin(); m != val.end(); ++m) {
        const std::string mat = at + "." + clip(m.key());
        if (m.key().size() > kMaxSpecString) return bad_spec(mat, "name is longer than 512 bytes");
        SSOKIT_TRY(std::string out, spec_string(m.value(), mat, max_value));
        if (m.key() == "*") rule.otherwise = std::move(out);
        else rule.map.emplace(m.key(), std::move(out));
      }
    } else if (key == "default") {
      std::vector<std::string> values;
      if (val.is_string()) {
        SSOKIT_TRY(std::string s, spec_string(val, at, max_value));
        values.push_back(std::move(s));
      } else if (groups && val.is_array() && val.size() <= kProfileMaxGroups) {
        for (std::size_t i = 0; i < val.size(); ++i) {
          SSOKIT_TRY(std::string s, spec_string(val[i], at + "[" + std::to_string(i) + "]", max_value));
          values.push_back(std::move(s));
        }
      } else {
        return bad_spec(at, groups ? "must be a string or an array of at most 256 strings" : "must be a string");
      }
      rule.fallback = std::move(values);
    } else {
      return bad_spec(at, "is not a rule member (allowed: " + std::string(kRuleKeys) + ")");
    }
  }
  if (rule.from.empty() && !rule.fallback) return bad_spec(where, "needs \"from\" (where to look) or \"default\"");
  if (rule.index && rule.rest) return bad_spec(where, "has both \"index\" and \"rest\": choose one");
  if (rule.in && rule.expiry) return bad_spec(where, "has both \"in\" and \"expiry\": choose one");
  if ((rule.index || rule.rest) && rule.split.empty()) {
    return bad_spec(where, "uses \"" + std::string(rule.index ? "index" : "rest") + "\" without \"split\"");
  }
  return rule;
}

Result<std::vector<Rule>> parse_field(const Json& v, int field, const std::string& where) {
  std::vector<Rule> rules;
  if (v.is_null()) return rules;  // explicitly empty (e.g. to drop a preset's field)
  if (v.is_array()) {
    if (v.empty() || v.size() > kMaxAlternatives) {
      return bad_spec(where, "must list 1 to 16 alternatives (null leaves the field empty)");
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      SSOKIT_TRY(Rule r, parse_rule(v[i], field, where + "[" + std::to_string(i) + "]"));
      rules.push_back(std::move(r));
    }
    return rules;
  }
  SSOKIT_TRY(Rule r, parse_rule(v, field, where));
  rules.push_back(std::move(r));
  return rules;
}

const Preset* find_preset(std::string_view name) {
  for (const auto& p : kPresets) {
    if (name == p.name) return &p;
  }
  return nullptr;
}

Error unknown_preset(std::string_view name) {
  return make_error(ErrorCode::invalid_argument,
                    "unknown profile mapping preset \"" + clip(name) + "\"; use one of: " + preset_list());
}

Result<ProfileMapping> build(const Json& spec) {
  if (!spec.is_object()) {
    return make_error(ErrorCode::invalid_argument, "profile mapping: must be a preset name or a JSON object");
  }
  if (dump_json(spec).size() > kMaxSpecBytes) {
    return make_error(ErrorCode::invalid_argument, "profile mapping: is larger than 32 KiB");
  }
  Json fields = Json::object();
  for (auto it = spec.begin(); it != spec.end(); ++it) {
    const std::string& key = it.key();
    if (key == "extends") {
      if (!it.value().is_string()) return bad_spec("extends", "must be a preset name (" + preset_list() + ")");
      const Preset* preset = find_preset(it.value().get<std::string>());
      if (preset == nullptr) return bad_spec("extends", "names no preset; use one of: " + preset_list());
      SSOKIT_TRY(Json base, parse_json_object(preset->spec, ErrorCode::internal_error));
      for (auto f = base["fields"].begin(); f != base["fields"].end(); ++f) {
        if (!fields.contains(f.key())) fields[f.key()] = f.value();
      }
    } else if (key == "fields") {
      if (!it.value().is_object()) return bad_spec("fields", "must be an object of field: rule");
      for (auto f = it.value().begin(); f != it.value().end(); ++f) fields[f.key()] = f.value();  // beats the preset
    } else if (key != "description") {
      return bad_spec("\"" + clip(key) + "\"", "is not a mapping member (allowed: extends, fields, description)");
    }
  }
  auto rules = std::make_shared<ProfileRules>();
  bool user_id_given = false;
  for (auto f = fields.begin(); f != fields.end(); ++f) {
    int field = -1;
    for (int i = 0; i < 7; ++i) {
      if (f.key() == kFieldNames[i]) field = i;
    }
    if (field < 0) {
      return bad_spec("fields." + clip(f.key()),
                      "is not a profile field (userId, firstName, lastName, email, membershipStatus, "
                      "membershipType, groups)");
    }
    if (field == kUserId) user_id_given = true;
    SSOKIT_TRY(rules->fields[field], parse_field(f.value(), field, "fields." + f.key()));
  }
  // userId defaults to the OIDC subject.
  if (!user_id_given) {
    SSOKIT_TRY(Rule sub, parse_rule(Json("/sub"), kUserId, "fields.userId"));
    rules->fields[kUserId].push_back(std::move(sub));
  }
  ProfileMapping mapping;
  mapping.rules = std::move(rules);
  return mapping;
}

// ---------------------------------------------------------------------------------------------
// Mapping.

struct Sources {
  const Json& claims;
  const Json& userinfo;
  const Json& profile;  // the extra profile request's answer
};

// Values a pointer finds: user-info, then the ID-token claims, then the extra profile answer,
// unless the pointer names its document. The validated documents come first so that the
// identity they carry (sub, e-mail) cannot be shadowed by the profile endpoint's answer.
std::vector<const Json*> lookup(const Sources& src, const Pointer& p) {
  std::vector<const Json*> out;
  const std::pair<Doc, const Json*> docs[] = {
      {Doc::userinfo, &src.userinfo}, {Doc::claims, &src.claims}, {Doc::profile, &src.profile}};
  for (const auto& [doc, json] : docs) {
    if (p.doc != Doc::any && p.doc != doc) continue;
    if (const Json* v = json_pointer_find(*json, p.tokens)) out.push_back(v);
  }
  return out;
}

// Is the (trimmed) text of a scalar one of `values` (ASCII case ignored)?
bool listed(const Json& v, const std::set<std::string>& values) {
  auto text = scalar_text(v);
  if (!text || text->size() > kProfileMaxValueLength) return false;
  return values.count(ascii_lower(trim_ascii_space(*text))) > 0;
}

bool condition_holds(const Sources& src, const Rule& rule) {
  if (!rule.when) return true;
  const Condition& c = *rule.when;
  auto found = lookup(src, c.path);  // the first document that has it decides
  switch (c.kind) {
    case Condition::Kind::truthy: {
      if (found.empty()) return false;
      const Json& v = *found.front();
      return (v.is_boolean() && v.get<bool>()) || (v.is_string() && v.get<std::string>() == "true");
    }
    case Condition::Kind::in:
      return !found.empty() && listed(*found.front(), c.values);
    case Condition::Kind::not_in:
      return found.empty() || !listed(*found.front(), c.values);
  }
  return false;
}

// Trim, case and map for one finished value; nullopt when nothing is left.
std::optional<std::string> normalize(std::string_view in, const Rule& rule, std::size_t max) {
  std::string s(rule.trim ? trim_ascii_space(in) : in);
  apply_case(s, rule.letter_case);
  if (!s.empty()) {
    auto m = rule.map.find(s);
    if (m != rule.map.end()) s = m->second;
    else if (rule.otherwise) s = *rule.otherwise;
  }
  if (s.empty() || s.size() > max) return std::nullopt;
  return s;
}

// Follows "item" into an object value (arrays' elements are handled by the callers).
const Json* through_item(const Json* v, const Rule& rule) {
  if (rule.item && v->is_object()) return json_pointer_find(*v, rule.item->tokens);
  return v;
}

std::optional<std::string> scalar_value(const Json& found, const Rule& rule, std::int64_t now) {
  const Json* v = through_item(&found, rule);
  if (v == nullptr) return std::nullopt;
  std::optional<std::string> text;
  const Json* raw = v;
  if (v->is_array()) {
    // A list for a single-valued field: the first usable element, or all of them joined.
    std::string joined;
    bool any = false;
    for (std::size_t i = 0; i < v->size() && i < kProfileMaxGroups; ++i) {
      const Json* e = through_item(&(*v)[i], rule);
      if (e == nullptr) continue;
      auto t = scalar_text(*e);
      if (!t || trim_ascii_space(*t).empty()) continue;
      if (!rule.join) {
        text = std::move(t);
        raw = e;
        break;
      }
      if (any) joined += *rule.join;
      joined += trim_ascii_space(*t);
      any = true;
      if (joined.size() > kProfileMaxValueLength) return std::nullopt;
    }
    if (rule.join && any) text = std::move(joined);
  } else {
    text = scalar_text(*v);
  }
  if (!text) return std::nullopt;
  std::string picked = *text;
  if (!rule.split.empty()) {
    auto pieces = split_pieces(*text, rule.split, rule.trim);
    picked.clear();
    if (rule.rest) {
      for (std::size_t i = static_cast<std::size_t>(*rule.rest); i < pieces.size(); ++i) {
        if (!picked.empty()) picked += rule.split;
        picked += pieces[i];
      }
    } else {
      const int n = static_cast<int>(pieces.size());
      int i = rule.index.value_or(0);
      if (i < 0) i += n;
      if (i < 0 || i >= n) return std::nullopt;
      picked = std::string(pieces[static_cast<std::size_t>(i)]);
    }
  }
  if (rule.expiry) {
    auto t = parse_time(*raw, rule.trim ? trim_ascii_space(picked) : std::string_view(picked));
    if (!t) return std::nullopt;
    picked = *t > now ? "active" : "expired";
  } else if (rule.in) {
    const std::string key = ascii_lower(trim_ascii_space(picked));
    // No status at all is not "inactive"; an over-long one is absent like any other value.
    if (key.empty() || key.size() > kProfileMaxValueLength) return std::nullopt;
    picked = rule.in->count(key) > 0 ? "active" : "inactive";
  }
  return normalize(picked, rule, kProfileMaxValueLength);
}

std::optional<std::string> map_scalar(const Sources& src, const std::vector<Rule>& rules, std::int64_t now) {
  for (const Rule& rule : rules) {
    if (!condition_holds(src, rule)) continue;
    for (const Pointer& p : rule.from) {
      for (const Json* v : lookup(src, p)) {
        if (auto s = scalar_value(*v, rule, now)) return s;
      }
    }
    if (rule.fallback && !rule.fallback->empty() && !rule.fallback->front().empty()) return rule.fallback->front();
  }
  return std::nullopt;
}

// Collects groups with de-duplication and the bounds; `seen` counts items looked at.
struct GroupSink {
  std::vector<std::string> groups;
  std::set<std::string> have;
  std::size_t seen = 0;

  bool full() const { return groups.size() >= kProfileMaxGroups || seen >= kMaxPieces; }
  void add(std::string_view text, const Rule& rule) {
    if (full()) return;
    ++seen;
    auto g = normalize(text, rule, kProfileMaxGroupLength);  // over-long names are dropped, never cut
    if (g && have.insert(*g).second) groups.push_back(std::move(*g));
  }
  void add_text(const std::string& text, const Rule& rule) {
    if (rule.split.empty()) {
      add(text, rule);
      return;
    }
    for (std::string_view piece : split_pieces(text, rule.split, rule.trim)) add(piece, rule);
  }
  void add_value(const Json& found, const Rule& rule) {
    const Json* v = through_item(&found, rule);
    if (v == nullptr) return;
    if (!v->is_array()) {
      if (auto t = scalar_text(*v)) add_text(*t, rule);
      return;
    }
    for (std::size_t i = 0; i < v->size() && !full(); ++i) {
      const Json* e = through_item(&(*v)[i], rule);
      if (e == nullptr) continue;
      if (auto t = scalar_text(*e)) add_text(*t, rule);
    }
  }
};

std::vector<std::string> map_groups(const Sources& src, const std::vector<Rule>& rules) {
  for (const Rule& rule : rules) {
    if (!condition_holds(src, rule)) continue;
    GroupSink sink;
    for (const Pointer& p : rule.from) {
      for (const Json* v : lookup(src, p)) {
        sink.add_value(*v, rule);
        if (!rule.merge && !sink.groups.empty()) return std::move(sink.groups);
      }
    }
    if (!sink.groups.empty()) return std::move(sink.groups);
    if (rule.fallback) {
      for (const auto& g : *rule.fallback) {
        if (!g.empty() && sink.have.insert(g).second) sink.groups.push_back(g);
      }
      if (!sink.groups.empty()) return std::move(sink.groups);
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// The extra profile request.

// The endpoint as messages name it: scheme, host, port and path, never the query (it might
// carry a key) nor user information.
std::string endpoint_name(const Url& url) {
  constexpr std::size_t kMax = 200;
  std::string name = url.origin() + url.path;
  return name.size() <= kMax ? name : name.substr(0, kMax) + "...";
}

Result<Url> endpoint_url(std::string_view text) {
  auto url = parse_url(text);
  if (!url.ok()) {
    return make_error(ErrorCode::invalid_url, "the profile endpoint is not a valid URL: " + url.error().message);
  }
  if (url->userinfo) return make_error(ErrorCode::invalid_url, "the profile endpoint URL must not contain a user name");
  if (url->fragment) return make_error(ErrorCode::invalid_url, "the profile endpoint URL must not have a fragment");
  if (!is_https_or_loopback(*url)) {
    return make_error(ErrorCode::invalid_url, "the profile endpoint " + endpoint_name(*url) +
                                                  " must be https (http only on a loopback host): it receives the "
                                                  "access token");
  }
  return url;
}

}  // namespace

Json Profile::to_json() const {
  const auto text = [](const std::string& value) { return value.empty() ? Json(nullptr) : Json(value); };
  return {{"userId", userId},
          {"firstName", text(firstName)},
          {"lastName", text(lastName)},
          {"email", text(email)},
          {"membershipStatus", text(membershipStatus)},
          {"membershipType", text(membershipType)},
          {"groups", groups}};
}

std::vector<std::string> profile_preset_names() {
  std::vector<std::string> names;
  for (const auto& p : kPresets) names.emplace_back(p.name);
  return names;
}

Result<Json> profile_preset_spec(std::string_view name) {
  const Preset* preset = find_preset(name);
  if (preset == nullptr) return unknown_preset(name);
  return parse_json_object(preset->spec, ErrorCode::internal_error);
}

Result<ProfileMapping> profile_preset(std::string_view name) {
  SSOKIT_TRY(Json spec, profile_preset_spec(name));
  return build(spec);
}

Result<ProfileMapping> parse_profile_mapping(const Json& spec) { return build(spec); }

Result<Profile> map_profile(const Json& claims, const Json& userinfo, const ProfileMapping& mapping,
                            std::int64_t now) {
  return map_profile(claims, userinfo, Json::object(), mapping, now);
}

Result<Profile> map_profile(const Json& claims, const Json& userinfo, const Json& profile,
                            const ProfileMapping& mapping, std::int64_t now) {
  if (!mapping.rules) {
    return make_error(ErrorCode::invalid_argument, "profile mapping is empty; use profile_preset or parse_profile_mapping");
  }
  static const Json kEmpty = Json::object();
  const Sources src{claims.is_object() ? claims : kEmpty, userinfo.is_object() ? userinfo : kEmpty,
                    profile.is_object() || profile.is_array() ? profile : kEmpty};
  const auto& f = mapping.rules->fields;
  Profile p;
  std::string* scalars[6] = {&p.userId, &p.firstName, &p.lastName, &p.email, &p.membershipStatus, &p.membershipType};
  for (int i = 0; i < 6; ++i) {
    if (auto v = map_scalar(src, f[i], now)) *scalars[i] = std::move(*v);
  }
  p.groups = map_groups(src, f[kGroups]);
  if (p.userId.empty()) {
    return make_error(ErrorCode::invalid_response,
                      "the claims and user-info give no userId (by default the \"sub\" claim); check the profile "
                      "mapping's userId paths");
  }
  return p;
}

Status check_profile_endpoint(std::string_view url) {
  SSOKIT_TRY(Url parsed, endpoint_url(url));
  (void)parsed;
  return {};
}

Result<HttpRequest> profile_request(std::string_view url, std::string_view access_token) {
  SSOKIT_CHECK(check_profile_endpoint(url));
  if (access_token.empty()) return make_error(ErrorCode::login_required, "there is no access token; sign in again");
  HttpRequest request;
  request.url = std::string(url);
  request.headers = {{"Authorization", "Bearer " + std::string(access_token)}, {"Accept", "application/json"}};
  return request;
}

Result<Json> process_profile_response(const HttpResponse& response, std::string_view url) {
  SSOKIT_TRY(Url parsed, endpoint_url(url));
  const std::string name = endpoint_name(parsed);
  if (response.status != 200) {
    return make_error(ErrorCode::http_error, "the profile endpoint " + name + " answered HTTP " + std::to_string(response.status),
                      {{"status", response.status}, {"endpoint", name}});
  }
  auto doc = parse_json(response.body);
  if (!doc.ok()) {
    return make_error(ErrorCode::invalid_response, "the profile endpoint " + name + " did not answer JSON: " + doc.error().message,
                      {{"endpoint", name}});
  }
  if (!doc->is_object() && !doc->is_array()) {
    return make_error(ErrorCode::invalid_response,
                      "the profile endpoint " + name + " answered a JSON " + std::string(doc->type_name()) +
                          "; a JSON object or array is needed",
                      {{"endpoint", name}});
  }
  return std::move(doc).value();
}

}  // namespace ssokit
