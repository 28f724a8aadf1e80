// JSON Pointer (RFC 6901) parsing and resolution (ssokit/json_pointer.hpp).
#include "ssokit/json_pointer.hpp"

namespace ssokit {

Result<std::vector<std::string>> parse_json_pointer(std::string_view s, std::size_t max_tokens) {
  std::vector<std::string> tokens;
  if (s.empty()) return tokens;
  if (s.front() != '/') return make_error(ErrorCode::invalid_argument, "is not a JSON Pointer: it must start with \"/\"");
  s.remove_prefix(1);
  while (true) {
    if (tokens.size() >= max_tokens) {
      return make_error(ErrorCode::invalid_argument, "has more than " + std::to_string(max_tokens) + " segments");
    }
    const std::size_t end = s.find('/');
    const std::string_view raw = s.substr(0, end);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '~') {
        token += raw[i];
      } else if (i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token += raw[++i] == '0' ? '~' : '/';
      } else {
        return make_error(ErrorCode::invalid_argument,
                          "has a \"~\" not followed by 0 or 1 (write ~0 for \"~\" and ~1 for \"/\")");
      }
    }
    tokens.push_back(std::move(token));
    if (end == std::string_view::npos) break;
    s.remove_prefix(end + 1);
  }
  return tokens;
}

std::optional<std::size_t> json_pointer_index(std::string_view t) {
  if (t.empty() || t.size() > 9 || (t.size() > 1 && t[0] == '0')) return std::nullopt;
  std::size_t v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  return v;
}

const Json* json_pointer_find(const Json& doc, const std::vector<std::string>& tokens) {
  const Json* cur = &doc;
  for (const auto& t : tokens) {
    if (cur->is_object()) {
      auto it = cur->find(t);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      auto i = json_pointer_index(t);
      if (!i || *i >= cur->size()) return nullptr;
      cur = &(*cur)[*i];
    } else {
      return nullptr;
    }
  }
  return cur;
}

}  // namespace ssokit
