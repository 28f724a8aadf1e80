// The TwentyThree XML answer reader (xml_envelope.hpp): a cursor over the text, one small function
// per construct, every loop bounded by the input's length and the element and depth limits.
#include "xml_envelope.hpp"

#include "ssokit/json.hpp"  // append_utf8

#include <cstdint>

namespace ssokit::twentythree::detail {

namespace {

Error bad(std::string reason) {
  return make_error(ErrorCode::invalid_response, "the TwentyThree XML answer is malformed: " + reason);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

// "#65", "#x41" (without '&' and ';') -> the code point, if it is a valid XML character.
bool char_reference(std::string_view ref, std::uint32_t* cp) {
  const bool hex = ref.size() > 2 && (ref[1] == 'x');
  std::string_view digits = ref.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return false;
  std::uint32_t value = 0;
  for (char c : digits) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) return false;
    value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
  }
  const bool valid = value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value <= 0xD7FF) ||
                     (value >= 0xE000 && value <= 0xFFFD) || (value >= 0x10000 && value <= 0x10FFFF);
  *cp = value;
  return valid;
}

class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  Result<XmlEnvelope> document() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
    SSOKIT_CHECK(misc());
    if (!at("<") || at("</")) return bad("no root element");
    XmlEnvelope out;
    SSOKIT_CHECK(element(0, &out));
    SSOKIT_CHECK(misc());
    if (pos_ != s_.size()) return bad("content after the root element");
    return out;
  }

 private:
  bool at(std::string_view token) const { return s_.substr(pos_, token.size()) == token; }
  bool done() const { return pos_ >= s_.size(); }
  void skip_space() {
    while (!done() && is_space(s_[pos_])) ++pos_;
  }

  // Skips up to and including `end`; false when it never comes.
  bool skip_past(std::string_view end) {
    std::size_t found = s_.find(end, pos_);
    if (found == std::string_view::npos) return false;
    pos_ = found + end.size();
    return true;
  }

  // Whitespace, comments and processing instructions (the XML declaration among them).
  Status misc() {
    for (;;) {
      skip_space();
      if (at("<!--")) {
        if (!skip_past("-->")) return bad("an unterminated comment");
      } else if (at("<?")) {
        if (!skip_past("?>")) return bad("an unterminated processing instruction");
      } else if (at("<!")) {
        return bad("a DOCTYPE or declaration, which this reader never accepts");
      } else {
        return {};
      }
    }
  }

  Result<std::string> name() {
    std::size_t start = pos_;
    if (done() || !is_name_start(s_[pos_])) return bad("an element or attribute name was expected");
    while (!done() && is_name_char(s_[pos_]) && pos_ - start < 256) ++pos_;
    if (!done() && is_name_char(s_[pos_])) return bad("a name longer than 256 characters");
    return std::string(s_.substr(start, pos_ - start));
  }

  // Character data up to `stop` (exclusive), entities decoded; in attributes (`attribute`) tabs and
  // line breaks become spaces, as XML's attribute-value normalization says.
  Result<std::string> chars(char stop, bool attribute) {
    std::string out;
    while (!done() && s_[pos_] != stop) {
      char c = s_[pos_];
      if (attribute && c == '<') return bad("a '<' inside an attribute value");
      if (c == '&') {
        std::size_t semi = s_.find(';', pos_);
        if (semi == std::string_view::npos || semi - pos_ > 12) return bad("an unterminated entity reference");
        std::string_view ref = s_.substr(pos_ + 1, semi - pos_ - 1);
        if (ref == "amp") out += '&';
        else if (ref == "lt") out += '<';
        else if (ref == "gt") out += '>';
        else if (ref == "quot") out += '"';
        else if (ref == "apos") out += '\'';
        else if (std::uint32_t cp = 0; !ref.empty() && ref[0] == '#' && char_reference(ref, &cp)) ssokit::detail::append_utf8(out, cp);
        else return bad("an unknown entity reference");
        pos_ = semi + 1;
        continue;
      }
      out += attribute && (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
      ++pos_;
    }
    return out;
  }

  Status attributes(Params* out) {
    for (;;) {
      const std::size_t before = pos_;
      skip_space();
      if (done()) return bad("an unterminated start tag");
      if (at("/>") || at(">")) return {};
      if (pos_ == before) return bad("attributes must be separated by whitespace");
      SSOKIT_TRY(std::string attr, name());
      skip_space();
      if (!at("=")) return bad("an attribute without '='");
      ++pos_;
      skip_space();
      if (done() || (s_[pos_] != '"' && s_[pos_] != '\'')) return bad("an attribute value without quotes");
      const char quote = s_[pos_++];
      SSOKIT_TRY(std::string value, chars(quote, true));
      if (done()) return bad("an unterminated attribute value");
      ++pos_;  // the closing quote
      if (find_param(*out, attr)) return bad("a repeated attribute");
      out->emplace_back(std::move(attr), std::move(value));
    }
  }

  // One element at `depth` (0 = the root, whose attributes and leaf children fill `root`). Returns
  // the element's text when it holds no element, else nullopt.
  Result<std::optional<std::string>> element(int depth, XmlEnvelope* root) {
    if (depth >= kMaxXmlDepth) return bad("elements nested too deeply");
    if (++elements_ > kMaxXmlElements) return bad("too many elements");
    ++pos_;  // '<'
    SSOKIT_TRY(std::string tag, name());
    Params attrs;
    SSOKIT_CHECK(attributes(&attrs));
    if (depth == 0) {
      root->root = tag;
      root->attributes = std::move(attrs);
    }
    if (at("/>")) {
      pos_ += 2;
      return std::optional<std::string>(std::string());
    }
    ++pos_;  // '>'
    std::string text;
    bool has_elements = false;
    for (;;) {
      SSOKIT_TRY(std::string piece, chars('<', false));
      text += piece;
      if (done()) return bad("the element <" + tag.substr(0, 32) + "> is not closed");
      if (at("</")) break;
      if (at("<!--")) {
        if (!skip_past("-->")) return bad("an unterminated comment");
      } else if (at("<![CDATA[")) {
        pos_ += 9;
        std::size_t end = s_.find("]]>", pos_);
        if (end == std::string_view::npos) return bad("an unterminated CDATA section");
        text += s_.substr(pos_, end - pos_);
        pos_ = end + 3;
      } else if (at("<?")) {
        if (!skip_past("?>")) return bad("an unterminated processing instruction");
      } else if (at("<!")) {
        return bad("a declaration inside an element");
      } else {
        has_elements = true;
        std::size_t child_start = pos_ + 1;
        SSOKIT_TRY(std::optional<std::string> child, element(depth + 1, root));
        if (depth == 0 && child) {
          std::size_t end = child_start;
          while (end < s_.size() && is_name_char(s_[end])) ++end;
          std::string child_name(s_.substr(child_start, end - child_start));
          if (find_param(root->children, child_name)) return bad("a repeated element <" + child_name.substr(0, 32) + ">");
          root->children.emplace_back(std::move(child_name), std::move(*child));
        }
      }
    }
    pos_ += 2;  // "</"
    SSOKIT_TRY(std::string closing, name());
    if (closing != tag) return bad("<" + tag.substr(0, 32) + "> is closed by </" + closing.substr(0, 32) + ">");
    skip_space();
    if (!at(">")) return bad("an unterminated end tag");
    ++pos_;
    if (has_elements) return std::optional<std::string>();
    return std::optional<std::string>(std::move(text));
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  int elements_ = 0;
};

}  // namespace

Result<XmlEnvelope> parse_xml_envelope(std::string_view text) {
  if (text.size() > kMaxXmlBytes) return bad("it is larger than " + std::to_string(kMaxXmlBytes) + " bytes");
  return Reader(text).document();
}

}  // namespace ssokit::twentythree::detail
