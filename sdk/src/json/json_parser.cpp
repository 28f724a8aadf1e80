// The strict RFC 8259 Json parser: bounded depth and size, duplicate names refused, exact number text kept.
#include "ssokit/json.hpp"
#include "json_internal.hpp"
#include "../core/heap_sort.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ssokit {

using namespace detail;  // json_internal.hpp

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
    detail::heap_sort(items, [](const Json::Slot& a, const Json::Slot& b) { return a->key_ < b->key_; });
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
                      json_object("size", text.size()));
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

}  // namespace ssokit
