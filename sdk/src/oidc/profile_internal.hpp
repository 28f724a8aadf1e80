// Profile mapping internals shared by the profile_*.cpp files: the validated rules, the bounds, the presets.
#pragma once

#include "ssokit/profile.hpp"

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ssokit {
namespace detail {

enum class Doc { any, claims, userinfo, profile };
enum class LetterCase { keep, lower, upper };

struct Pointer {
  Doc doc = Doc::any;
  std::vector<std::string> tokens;
};

// The rules keep their few values (at most 64 per set, 256 per map, 256 groups) in vectors,
// searched in order: std::set and std::map would bring their trees into the page wasm.
inline bool contains(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// "when": a path that must be true, or whose text must (not) be one of `values`.
struct Condition {
  enum class Kind { truthy, in, not_in };
  Pointer path;
  Kind kind = Kind::truthy;
  std::vector<std::string> values;  // ASCII lower-case
};

struct Rule {
  std::vector<Pointer> from;
  std::optional<Pointer> item;  // relative to each object value (doc unused)
  std::optional<Condition> when;
  std::optional<std::vector<std::string>> in;  // "in": value listed -> "active", else "inactive"
  std::string split;            // "" = no splitting
  std::optional<int> index;
  std::optional<int> rest;
  std::optional<std::string> join;
  bool trim = true;
  LetterCase letter_case = LetterCase::keep;
  bool expiry = false;
  bool merge = false;
  std::vector<std::pair<std::string, std::string>> map;  // value -> replacement, at most 256
  std::optional<std::string> otherwise;  // the map's "*" entry
  std::optional<std::vector<std::string>> fallback;  // "default" (one value for scalar fields)
};

struct ProfileRules {
  std::vector<Rule> fields[7];  // alternatives per field, in kFieldNames order
};

inline constexpr const char* kFieldNames[7] = {"userId",           "firstName",      "lastName", "email",
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

// Presets (profile_presets.cpp). Written as specs so that they go through the same validation as
// a caller's spec and the docs can show them verbatim (profile.preset returns them).
struct Preset {
  const char* name;
  const char* spec;
};

const Preset* find_preset(std::string_view name);
std::string preset_list();  // "a, b, c" for messages
Error unknown_preset(std::string_view name);

// A caller's text in a message, clipped to 64 characters (profile_spec.cpp).
std::string clip(std::string_view s);

// A claim's time as epoch seconds: a number, a digit string, an ISO 8601 date / date-time or a
// "/Date(ms)/" value (profile_time.cpp); nullopt when it is none of these.
std::optional<std::int64_t> parse_time(const Json& raw, std::string_view text);

}  // namespace detail
}  // namespace ssokit
