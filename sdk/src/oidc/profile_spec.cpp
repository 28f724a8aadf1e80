// Profile mapping spec validation: a caller's JSON spec (and its JSON Pointer paths) checked into rules.
#include "ssokit/profile.hpp"
#include "profile_internal.hpp"
#include "ssokit/json_pointer.hpp"
#include "ssokit/text.hpp"

#include <algorithm>
#include <cctype>

namespace ssokit {

using namespace detail;

namespace {

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
Result<std::vector<std::string>> spec_value_set(const Json& v, const std::string& where) {
  if (!v.is_array() || v.empty() || v.size() > kMaxSetValues) {
    return bad_spec(where, "must be an array of 1 to 64 strings");
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    SSOKIT_TRY(std::string text, spec_string(v[i], where + "[" + std::to_string(i) + "]", kMaxSpecString));
    std::string value = ascii_lower(trim_ascii_space(text));
    if (!contains(out, value)) out.push_back(std::move(value));
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
        else rule.map.emplace_back(m.key(), std::move(out));  // the object's keys are unique
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
  auto rules = std::make_unique<ProfileRules>();
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

}  // namespace

namespace detail {

std::string clip(std::string_view s) {
  constexpr std::size_t kMax = 64;
  return s.size() <= kMax ? std::string(s) : std::string(s.substr(0, kMax)) + "...";
}

}  // namespace detail

Result<ProfileMapping> parse_profile_mapping(const Json& spec) { return build(spec); }

ProfileMapping::ProfileMapping() = default;
ProfileMapping::ProfileMapping(const ProfileMapping& other)
    : rules(other.rules ? std::make_unique<const ProfileRules>(*other.rules) : nullptr) {}
ProfileMapping::ProfileMapping(ProfileMapping&& other) noexcept = default;
ProfileMapping& ProfileMapping::operator=(const ProfileMapping& other) {
  if (this != &other) rules = other.rules ? std::make_unique<const ProfileRules>(*other.rules) : nullptr;
  return *this;
}
ProfileMapping& ProfileMapping::operator=(ProfileMapping&& other) noexcept = default;
ProfileMapping::~ProfileMapping() = default;

}  // namespace ssokit
