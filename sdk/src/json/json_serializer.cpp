// The Json serializer: compact text, keys in order, strings escaped as nlohmann's dump did.
#include "ssokit/json.hpp"
#include "json_internal.hpp"

namespace ssokit {

using namespace detail;  // json_internal.hpp

namespace {

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

}  // namespace

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

std::string dump_json(const Json& value) { return value.dump(); }

}  // namespace ssokit
