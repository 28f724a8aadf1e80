// Percent-encoding, form encoding (application/x-www-form-urlencoded) and query/fragment parameters.
#include "ssokit/url.hpp"
#include "url_internal.hpp"

namespace ssokit {

using namespace url_internal;

namespace url_internal {

void append_escape(std::string& out, unsigned char byte) {
  out += '%';
  out += kHexUpper[byte >> 4];
  out += kHexUpper[byte & 15];
}

// Position of the first '%' not followed by two hex digits, or npos.
std::size_t bad_escape_at(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') continue;
    if (i + 2 >= s.size() || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) return i;
    i += 2;
  }
  return std::string_view::npos;
}

}  // namespace url_internal

namespace {

bool is_escape_at(std::string_view s, std::size_t i) {
  return s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0;
}

}  // namespace

namespace url_internal {

bool has_valid_escape(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (is_escape_at(s, i)) return true;
  }
  return false;
}

// Decodes every valid %XX; any other '%' is kept as it is.
std::string decode_valid_escapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (is_escape_at(s, i)) {
      out += static_cast<char>(hex_value(s[i + 1]) << 4 | hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace url_internal

std::optional<std::string> find_param(const Params& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string percent_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_unreserved(c)) {
      out += c;
    } else {
      append_escape(out, static_cast<unsigned char>(c));
    }
  }
  return out;
}

Result<std::string> percent_decode(std::string_view text) {
  if (bad_escape_at(text) != std::string_view::npos) {
    return url_error("a '%' is not followed by two hex digits; write a literal '%' as %25");
  }
  return decode_valid_escapes(text);
}

namespace {

void form_encode_into(std::string& out, std::string_view text) {
  for (char c : text) {
    if (is_alpha(c) || is_digit(c) || c == '*' || c == '-' || c == '.' || c == '_') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      append_escape(out, static_cast<unsigned char>(c));
    }
  }
}

Result<std::string> form_decode_piece(std::string_view text) {
  std::string plus_as_space(text);
  for (char& c : plus_as_space) {
    if (c == '+') c = ' ';
  }
  return percent_decode(plus_as_space);
}

}  // namespace

std::string form_encode(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    form_encode_into(out, name);
    out += '=';
    form_encode_into(out, value);
  }
  return out;
}

Result<Params> form_decode(std::string_view text) {
  Params params;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view piece = text.substr(start, end - start);
    if (!piece.empty()) {
      std::size_t eq = piece.find('=');
      SSOKIT_TRY(std::string name, form_decode_piece(piece.substr(0, eq)));
      std::string value;
      if (eq != std::string_view::npos) {
        SSOKIT_TRY(value, form_decode_piece(piece.substr(eq + 1)));
      }
      params.emplace_back(std::move(name), std::move(value));
    }
    start = end + 1;
  }
  return params;
}

Result<std::string> add_query_params(std::string_view url, const Params& params) {
  SSOKIT_TRY(Url parsed, parse_url(url));
  // Splice into the caller's text rather than recomposing, so the rest of the URL stays
  // byte-for-byte as given. parse_url accepted it, so the first '#' starts the fragment.
  std::size_t hash = url.find('#');
  std::string_view before = url.substr(0, hash);
  std::string_view fragment = hash == std::string_view::npos ? std::string_view() : url.substr(hash);
  if (params.empty()) return std::string(url);
  std::string out(before);
  if (!parsed.query) {
    out += '?';
  } else if (!parsed.query->empty() && parsed.query->back() != '&') {
    out += '&';
  }
  out += form_encode(params);
  out += fragment;
  return out;
}

Result<Params> query_params(const Url& url) {
  if (!url.query) return Params{};
  return form_decode(*url.query);
}

Result<Params> fragment_params(const Url& url) {
  if (!url.fragment) return Params{};
  return form_decode(*url.fragment);
}

}  // namespace ssokit
