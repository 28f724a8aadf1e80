// Profile mapping evaluation: the rules applied to the ID-token claims, user-info and profile answer.
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
bool listed(const Json& v, const std::vector<std::string>& values) {
  auto text = scalar_text(v);
  if (!text || text->size() > kProfileMaxValueLength) return false;
  return contains(values, ascii_lower(trim_ascii_space(*text)));
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
    auto m = std::find_if(rule.map.begin(), rule.map.end(), [&](const auto& entry) { return entry.first == s; });
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
    picked = contains(*rule.in, key) ? "active" : "inactive";
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
  std::vector<std::string> groups;  // without duplicates
  std::size_t seen = 0;

  bool full() const { return groups.size() >= kProfileMaxGroups || seen >= kMaxPieces; }
  void add(std::string_view text, const Rule& rule) {
    if (full()) return;
    ++seen;
    auto g = normalize(text, rule, kProfileMaxGroupLength);  // over-long names are dropped, never cut
    if (g && !contains(groups, *g)) groups.push_back(std::move(*g));
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
        if (!g.empty() && !contains(sink.groups, g)) sink.groups.push_back(g);
      }
      if (!sink.groups.empty()) return std::move(sink.groups);
    }
  }
  return {};
}

}  // namespace

Json Profile::to_json() const {
  const auto text = [](const std::string& value) { return value.empty() ? Json(nullptr) : Json(value); };
  Json out = Json::object();
  out.set("userId", userId);
  out.set("firstName", text(firstName));
  out.set("lastName", text(lastName));
  out.set("email", text(email));
  out.set("membershipStatus", text(membershipStatus));
  out.set("membershipType", text(membershipType));
  out.set("groups", groups);
  return out;
}

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

}  // namespace ssokit
