// URLs (RFC 3986) parsed strictly, percent- and form-encoding, origins, return-URL validation.
//
// parse_url is used on redirect URIs, issuer URLs and the callback URL the browser came back
// with, so it refuses anything a browser (WHATWG URL parser) or a server might read differently
// from us. The rules:
//   - raw bytes: no space, control character (0x00-0x1F), DEL, non-ASCII byte, backslash
//     (WHATWG reads '\' as '/' in http(s) URLs), '"', '<' or '>'; these must be percent-encoded.
//   - scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), lower-cased.
//   - authority: at most one '@'; userinfo of RFC 3986 characters; the host is an IPv6 literal
//     in brackets (returned in RFC 5952 canonical form, as browsers serialize it; no zone ids,
//     no IPvFuture) or a reg-name of unreserved and sub-delim characters without
//     percent-escapes, lower-cased. For the web schemes (http, https, ws, wss, ftp) the host is
//     required, limited to letters, digits, '-', '.' and '_', and a host that browsers would read
//     as an IPv4 number (last label numeric or 0x-hex, e.g. 0x7f.1 or 2130706433) must be the
//     canonical dotted quad. The port is 1-5+ digits with a value of 0-65535; an empty port
//     after ':' is refused.
//   - path: RFC 3986 pchar and '/'. query and fragment: pchar, '/' and '?', plus [ ] { } | ^ `
//     which browsers leave unescaped there (PHP-style a[]=1 arrives that way). No second '#'.
//   - every '%' starts a %XX escape.
#include "ssokit/url.hpp"
#include "ssokit/text.hpp"

#include <array>
#include <cstdint>

namespace ssokit {
namespace {

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
bool is_unreserved(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
bool is_sub_delim(char c) {
  switch (c) {
    case '!': case '$': case '&': case '\'': case '(': case ')':
    case '*': case '+': case ',': case ';': case '=':
      return true;
    default:
      return false;
  }
}
bool is_pchar(char c) { return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@'; }
// Not RFC 3986 characters, but browsers leave them unescaped in queries and fragments.
bool is_browser_tolerated(char c) {
  return c == '[' || c == ']' || c == '{' || c == '}' || c == '|' || c == '^' || c == '`';
}

constexpr char kHexUpper[] = "0123456789ABCDEF";
void append_escape(std::string& out, unsigned char byte) {
  out += '%';
  out += kHexUpper[byte >> 4];
  out += kHexUpper[byte & 15];
}

Error url_error(std::string message) { return make_error(ErrorCode::invalid_url, std::move(message)); }

// A single character safe to quote in a message (printable ASCII only).
std::string quoted_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u > 0x20 && u < 0x7F) return std::string("'") + c + "'";
  std::string out = "byte 0x";
  out += kHexUpper[u >> 4];
  out += kHexUpper[u & 15];
  return out;
}

// Schemes whose URLs browsers parse specially: they need a host, and their hosts are DNS names
// or IP addresses.
bool is_web_scheme(std::string_view scheme) {
  return scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss" || scheme == "ftp";
}

enum class Part { userinfo, path, query, fragment };

bool allowed_in(Part part, char c) {
  switch (part) {
    case Part::userinfo: return is_unreserved(c) || is_sub_delim(c) || c == ':';
    case Part::path: return is_pchar(c) || c == '/';
    case Part::query:
    case Part::fragment: return is_pchar(c) || c == '/' || c == '?' || is_browser_tolerated(c);
  }
  return false;
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

bool is_escape_at(std::string_view s, std::size_t i) {
  return s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0;
}

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

Status check_component(std::string_view s, Part part, const char* what) {
  if (bad_escape_at(s) != std::string_view::npos) {
    return url_error(std::string("the URL's ") + what + " has a '%' that is not followed by two hex digits; write a literal '%' as %25");
  }
  for (char c : s) {
    if (c != '%' && !allowed_in(part, c)) {
      return url_error(std::string("the URL's ") + what + " contains " + quoted_char(c) + ", which must be percent-encoded");
    }
  }
  return {};
}

// Characters no part of a URL may hold raw. Checked first, for a clear message.
Status check_raw_bytes(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) {
      return url_error("the URL contains a space or control character; percent-encode it (space is %20)");
    }
    if (u >= 0x80) return url_error("the URL contains a raw non-ASCII byte; percent-encode it as UTF-8 (e.g. %C3%A9)");
    if (c == '\\') return url_error("the URL contains a backslash, which browsers read as '/'; percent-encode it as %5C");
    if (c == '"' || c == '<' || c == '>') return url_error("the URL contains " + quoted_char(c) + ", which must be percent-encoded");
  }
  return {};
}

// IPv6 (RFC 4291 section 2.2 text forms), serialized per RFC 5952: lower-case hex, no leading
// zeros, the longest run (first on a tie) of two or more zero groups as "::", an embedded IPv4
// tail written as hex like browsers do.
Result<std::string> canonical_ipv6(std::string_view text) {
  auto fail = [] { return url_error("the URL's IPv6 address is malformed"); };
  if (text.empty()) return fail();
  std::array<std::uint16_t, 8> groups{};
  std::size_t count = 0;
  int gap_at = -1;  // index in `groups` where "::" was seen
  std::size_t i = 0;
  if (text.size() >= 2 && text[0] == ':' && text[1] == ':') {
    gap_at = 0;
    i = 2;
  } else if (text[0] == ':') {
    return fail();
  }
  while (i < text.size()) {
    if (count == 8) return fail();
    // A dotted IPv4 tail: the rest of the text, and it takes two groups.
    std::size_t end = text.find(':', i);
    std::string_view piece = text.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (end == std::string_view::npos && piece.find('.') != std::string_view::npos) {
      if (count > 6) return fail();
      std::array<int, 4> octets{};
      std::size_t n = 0, j = 0;
      while (true) {
        if (n == 4) return fail();
        std::size_t start = j;
        int value = 0;
        while (j < piece.size() && is_digit(piece[j]) && j - start < 3) value = value * 10 + (piece[j++] - '0');
        std::size_t len = j - start;
        if (len == 0 || value > 255 || (len > 1 && piece[start] == '0')) return fail();
        octets[n++] = value;
        if (j == piece.size()) break;
        if (piece[j] != '.') return fail();
        ++j;
      }
      if (n != 4) return fail();
      groups[count++] = static_cast<std::uint16_t>(octets[0] << 8 | octets[1]);
      groups[count++] = static_cast<std::uint16_t>(octets[2] << 8 | octets[3]);
      i = text.size();
      break;
    }
    if (piece.empty() || piece.size() > 4) return fail();
    unsigned value = 0;
    for (char c : piece) {
      int h = hex_value(c);
      if (h < 0) return fail();
      value = value << 4 | static_cast<unsigned>(h);
    }
    groups[count++] = static_cast<std::uint16_t>(value);
    i += piece.size();
    if (i == text.size()) break;
    // At a ':' now: "::" marks the gap (once), a single ':' needs a group after it.
    if (i + 1 < text.size() && text[i + 1] == ':') {
      if (gap_at >= 0) return fail();
      gap_at = static_cast<int>(count);
      i += 2;
    } else {
      ++i;
      if (i == text.size()) return fail();
    }
  }
  if (gap_at >= 0) {
    if (count > 7) return fail();  // "::" stands for at least one zero group
    std::size_t tail = count - static_cast<std::size_t>(gap_at);
    std::array<std::uint16_t, 8> full{};
    for (std::size_t k = 0; k < static_cast<std::size_t>(gap_at); ++k) full[k] = groups[k];
    for (std::size_t k = 0; k < tail; ++k) full[8 - tail + k] = groups[static_cast<std::size_t>(gap_at) + k];
    groups = full;
  } else if (count != 8) {
    return fail();
  }

  std::size_t best_start = 8, best_len = 0;
  for (std::size_t k = 0; k < 8;) {
    if (groups[k] != 0) { ++k; continue; }
    std::size_t start = k;
    while (k < 8 && groups[k] == 0) ++k;
    if (k - start > best_len) { best_start = start; best_len = k - start; }
  }
  if (best_len < 2) best_start = 8;
  std::string out;
  constexpr char kHexLower[] = "0123456789abcdef";
  for (std::size_t k = 0; k < 8; ++k) {
    if (k == best_start) {
      out += k == 0 ? "::" : ":";
      k += best_len - 1;
      continue;
    }
    std::uint16_t g = groups[k];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      unsigned nibble = (g >> shift) & 15;
      if (nibble != 0 || started || shift == 0) {
        out += kHexLower[nibble];
        started = true;
      }
    }
    if (k != 7) out += ':';
  }
  return out;
}

// WHATWG "ends in a number": such a host is parsed by browsers as an IPv4 address, in any of
// the legacy forms (2130706433, 0x7f.1, 0177.0.0.1). Only the canonical dotted quad is allowed,
// so that our reading and the browser's agree.
bool ends_in_number(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  std::size_t dot = host.rfind('.');
  std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  bool all_digits = true;
  for (char c : last) all_digits = all_digits && is_digit(c);
  if (all_digits) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
    for (std::size_t k = 2; k < last.size(); ++k) {
      if (hex_value(last[k]) < 0) return false;
    }
    return true;
  }
  return false;
}

bool is_canonical_ipv4(std::string_view host) {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    int value = 0;
    while (i < host.size() && is_digit(host[i]) && i - start < 3) value = value * 10 + (host[i++] - '0');
    std::size_t len = i - start;
    if (len == 0 || value > 255 || (len > 1 && host[start] == '0')) return false;
    ++parts;
    if (i == host.size()) return parts == 4;
    if (host[i] != '.' || parts == 4) return false;
    ++i;
  }
}

Result<std::string> parse_reg_name(std::string_view host, bool web) {
  for (char c : host) {
    if (c == '%') return url_error("the URL's host contains a percent-escape; write the host name in plain ASCII (punycode for international names)");
    bool ok = web ? (is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_')
                  : (is_unreserved(c) || is_sub_delim(c));
    if (!ok) return url_error("the URL's host contains " + quoted_char(c) + ", which is not allowed in a host name");
  }
  if (web && ends_in_number(host) && !is_canonical_ipv4(host)) {
    return url_error("the URL's host looks like an IPv4 address but is not in dotted-decimal form a.b.c.d (0-255, no leading zeros)");
  }
  return ascii_lower(host);
}

Result<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty()) return url_error("the URL has ':' after the host but no port number; remove the ':' or add the port");
  std::uint32_t value = 0;
  for (char c : text) {
    if (!is_digit(c)) return url_error("the URL's port is not a number");
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
    if (value > 65535) return url_error("the URL's port is larger than 65535");
  }
  return static_cast<std::uint16_t>(value);
}

std::uint16_t default_port(std::string_view scheme) {
  if (scheme == "https") return 443;
  if (scheme == "http") return 80;
  return 0;
}

std::string bracketed_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

std::optional<std::string> find_param(const Params& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::uint16_t Url::effective_port() const {
  if (port) return *port;
  return default_port(ascii_lower(scheme));
}

std::string Url::origin() const {
  if (host.empty()) return "null";
  std::string scheme_lower = ascii_lower(scheme);
  std::string out = scheme_lower + "://" + bracketed_host(ascii_lower(host));
  if (port && *port != default_port(scheme_lower)) out += ":" + std::to_string(*port);
  return out;
}

std::string Url::to_string() const {
  std::string out = scheme + ":";
  // file: gets "//" only before an empty or absolute path: "file:ttp" written as "file://ttp"
  // would turn the path into a host (found by fuzzing).
  const bool file_root = ascii_lower(scheme) == "file" && (path.empty() || path[0] == '/');
  bool authority = !host.empty() || userinfo || port || file_root || path.rfind("//", 0) == 0;
  if (authority) {
    out += "//";
    if (userinfo) out += *userinfo + "@";
    out += bracketed_host(host);
    if (port) out += ":" + std::to_string(*port);
  }
  out += path;
  if (query) out += "?" + *query;
  if (fragment) out += "#" + *fragment;
  return out;
}

Result<Url> parse_url(std::string_view text) {
  if (text.empty()) return url_error("the URL is empty");
  SSOKIT_CHECK(check_raw_bytes(text));

  std::size_t colon = text.find_first_of(":/?#");
  if (colon == std::string_view::npos || text[colon] != ':' || colon == 0) {
    return url_error("the URL has no scheme; give an absolute URL such as https://example.com/path");
  }
  std::string_view scheme = text.substr(0, colon);
  if (!is_alpha(scheme[0])) return url_error("the URL's scheme must start with a letter");
  for (char c : scheme) {
    if (!(is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.')) {
      return url_error("the URL's scheme contains " + quoted_char(c) + "; only letters, digits, '+', '-' and '.' are allowed");
    }
  }
  Url url;
  url.scheme = ascii_lower(scheme);
  bool web = is_web_scheme(url.scheme);
  std::string_view rest = text.substr(colon + 1);

  bool has_authority = rest.size() >= 2 && rest[0] == '/' && rest[1] == '/';
  if (has_authority) {
    rest.remove_prefix(2);
    std::size_t end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);

    std::size_t at = authority.find('@');
    if (at != std::string_view::npos) {
      if (authority.find('@', at + 1) != std::string_view::npos) {
        return url_error("the URL's authority contains more than one '@'; percent-encode '@' in user names as %40");
      }
      std::string_view userinfo = authority.substr(0, at);
      SSOKIT_CHECK(check_component(userinfo, Part::userinfo, "user info"));
      url.userinfo = std::string(userinfo);
      authority.remove_prefix(at + 1);
    }

    std::string_view port_text;
    bool has_port = false;
    if (!authority.empty() && authority[0] == '[') {
      std::size_t close = authority.find(']');
      if (close == std::string_view::npos) return url_error("the URL's host has '[' without a matching ']'");
      std::string_view literal = authority.substr(1, close - 1);
      if (!literal.empty() && (literal[0] == 'v' || literal[0] == 'V')) {
        return url_error("the URL's host is an IPvFuture literal, which is not supported");
      }
      if (literal.find('%') != std::string_view::npos) {
        return url_error("the URL's IPv6 address has a zone identifier, which browsers do not support");
      }
      SSOKIT_TRY(url.host, canonical_ipv6(literal));
      std::string_view after = authority.substr(close + 1);
      if (!after.empty()) {
        if (after[0] != ':') return url_error("the URL has characters between ']' and the port; expected ':' and a port number");
        has_port = true;
        port_text = after.substr(1);
      }
    } else {
      std::size_t port_colon = authority.find(':');
      std::string_view host = authority.substr(0, port_colon);
      if (port_colon != std::string_view::npos) {
        has_port = true;
        port_text = authority.substr(port_colon + 1);
      }
      if (host.find_first_of("[]") != std::string_view::npos || port_text.find_first_of("[]") != std::string_view::npos) {
        return url_error("the URL's host has unbalanced or misplaced brackets; only an IPv6 address goes in [ ]");
      }
      SSOKIT_TRY(url.host, parse_reg_name(host, web));
    }
    if (has_port) {
      SSOKIT_TRY(std::uint16_t port, parse_port(port_text));
      url.port = port;
    }
  }
  if (web && (!has_authority || url.host.empty())) {
    return url_error("an " + url.scheme + " URL needs a host, as in " + url.scheme + "://example.com/");
  }

  std::size_t hash = rest.find('#');
  if (hash != std::string_view::npos) {
    std::string_view fragment = rest.substr(hash + 1);
    if (fragment.find('#') != std::string_view::npos) {
      return url_error("the URL's fragment contains a second '#'; percent-encode it as %23");
    }
    SSOKIT_CHECK(check_component(fragment, Part::fragment, "fragment"));
    url.fragment = std::string(fragment);
    rest = rest.substr(0, hash);
  }
  std::size_t question = rest.find('?');
  if (question != std::string_view::npos) {
    std::string_view query = rest.substr(question + 1);
    SSOKIT_CHECK(check_component(query, Part::query, "query"));
    url.query = std::string(query);
    rest = rest.substr(0, question);
  }
  SSOKIT_CHECK(check_component(rest, Part::path, "path"));
  url.path = std::string(rest);
  return url;
}

Result<std::string> build_url(const Url& url) {
  Url normal = url;
  normal.scheme = ascii_lower(url.scheme);
  normal.host = ascii_lower(url.host);
  if (normal.host.find(':') != std::string::npos) {
    SSOKIT_TRY(normal.host, canonical_ipv6(normal.host));
  }
  std::string text = normal.to_string();
  SSOKIT_TRY(Url parsed, parse_url(text));
  const char* changed = nullptr;
  if (parsed.scheme != normal.scheme) changed = "scheme";
  else if (parsed.userinfo != normal.userinfo) changed = "userinfo";
  else if (parsed.host != normal.host) changed = "host";
  else if (parsed.port != normal.port) changed = "port";
  else if (parsed.path != normal.path) changed = "path";
  else if (parsed.query != normal.query) changed = "query";
  else if (parsed.fragment != normal.fragment) changed = "fragment";
  if (changed != nullptr) {
    return url_error(std::string("the URL's ") + changed +
                     " does not survive recomposition (it holds a delimiter such as '/', '?', '#' or '@', or a path "
                     "without a leading '/' after a host); percent-encode it");
  }
  return text;
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

bool same_origin(const Url& a, const Url& b) {
  // URLs without a host have opaque origins: never the same as another URL's.
  if (a.host.empty() || b.host.empty()) return false;
  return ascii_iequals(a.scheme, b.scheme) && ascii_iequals(a.host, b.host) && a.effective_port() == b.effective_port();
}

Result<bool> same_origin(std::string_view a, std::string_view b) {
  SSOKIT_TRY(Url first, parse_url(a));
  SSOKIT_TRY(Url second, parse_url(b));
  return same_origin(first, second);
}

// Return URLs: after login the app navigates to this value, so it must stay on this site.
// Browsers (WHATWG URL parser) resolve a relative reference against the current page and:
//   - strip leading/trailing C0 controls and spaces, and remove tab, CR and LF anywhere, so
//     "/\t/evil.com" becomes "//evil.com";
//   - treat '\' as '/' in http(s) URLs, so "/\evil.com" and "\\evil.com" are "//evil.com";
//   - read "//host" as protocol-relative: another site;
//   - follow any scheme ("javascript:", "data:", "https://evil").
// Servers and frameworks on the way often percent-decode once (or more) before redirecting,
// so the same tricks encoded ("/%2F%2Fevil.com", "/%5Cevil.com", "/%09/evil.com",
// "/%252F%252Fevil.com") count too. The rules:
//   1. raw: non-empty, at most kMaxReturnUrl bytes, printable ASCII only (no whitespace at all,
//      no control characters, non-ASCII must be percent-encoded), no backslash;
//   2. it starts with '/' (so no scheme and no host can precede it) and the second character
//      is not '/' (so no "//host");
//   3. the characters and %-escapes follow parse_url's path/query/fragment rules;
//   4. no "." or ".." path segment (also as %2e): a return path never needs one, and
//      "/..//evil.com" resolves to the path "//evil.com";
//   5. percent-decoded up to kMaxDecodeRounds times, each round must not start with "//" (a
//      decoded string still starts with the raw '/', so a scheme cannot appear), must not
//      contain a backslash or control character, and its path must not get a dot segment;
//      text still holding escapes after the last round is refused. A round that meets an
//      invalid escape (e.g. "%" from "%25") ends decoding: that '%' is then literal.
// A percent-encoded '/' inside the path or query ("/a/b%2Fc", "/search?q=a%2Fb") is harmless
// and accepted.
namespace {

constexpr std::size_t kMaxReturnUrl = 4096;
constexpr int kMaxDecodeRounds = 4;

Error return_url_error(std::string_view candidate, const char* reason, const std::string& why) {
  // A short, printable prefix is enough to identify the value without echoing it.
  constexpr std::size_t kPrefix = 12;
  std::string prefix;
  for (std::size_t i = 0; i < candidate.size() && i < kPrefix; ++i) {
    auto u = static_cast<unsigned char>(candidate[i]);
    prefix += (u >= 0x20 && u < 0x7F && candidate[i] != '"') ? candidate[i] : '?';
  }
  if (candidate.size() > kPrefix) prefix += "...";
  return make_error(ErrorCode::invalid_return_url,
                    "return URL \"" + prefix + "\" refused: " + why +
                        "; use a path on this site that starts with a single '/', such as /library",
                    {{"reason", reason}});
}

bool has_dot_segment(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string segment = ascii_lower(path.substr(start, end - start));
    if (segment == "." || segment == ".." || segment == "%2e" || segment == "%2e%2e" || segment == ".%2e" ||
        segment == "%2e.") {
      return true;
    }
    start = end + 1;
  }
  return false;
}

bool looks_like_scheme(std::string_view s) {
  std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(s[0])) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    if (!(is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) return false;
  }
  return true;
}

// One decoded form must still be a same-site path.
const char* decoded_problem(std::string_view decoded, std::string_view decoded_path) {
  if (decoded.size() >= 2 && decoded[0] == '/' && (decoded[1] == '/' || decoded[1] == '\\')) return "encoded_protocol_relative";
  for (char c : decoded) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return "encoded_control_character";
    if (c == '\\') return "encoded_backslash";
  }
  if (has_dot_segment(decoded_path)) return "encoded_dot_segment";
  return nullptr;
}

}  // namespace

Result<std::string> validate_return_url(std::string_view candidate) {
  if (candidate.empty()) return return_url_error(candidate, "empty", "it is empty");
  if (candidate.size() > kMaxReturnUrl) {
    return return_url_error(candidate, "too_long", "it is longer than " + std::to_string(kMaxReturnUrl) + " bytes");
  }
  for (char c : candidate) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) {
      return return_url_error(candidate, "whitespace_or_control",
                              "it contains whitespace or a control character (browsers drop tabs and newlines, "
                              "which can turn it into another site's address)");
    }
    if (u >= 0x80) return return_url_error(candidate, "non_ascii", "it contains raw non-ASCII bytes; percent-encode them");
    if (c == '\\') return return_url_error(candidate, "backslash", "it contains a backslash, which browsers read as '/'");
  }
  if (candidate[0] != '/') {
    if (looks_like_scheme(candidate)) {
      return return_url_error(candidate, "scheme", "it has a scheme; only a relative path is accepted");
    }
    return return_url_error(candidate, "not_a_path", "it does not start with '/'");
  }
  if (candidate.size() >= 2 && candidate[1] == '/') {
    return return_url_error(candidate, "protocol_relative", "it starts with '//', which browsers read as another host");
  }

  std::size_t path_end = candidate.find_first_of("?#");
  std::string_view path = candidate.substr(0, path_end);
  std::string_view rest = path_end == std::string_view::npos ? std::string_view() : candidate.substr(path_end);
  std::size_t hash = rest.find('#');
  std::string_view query = rest.substr(0, hash);
  std::string_view fragment = hash == std::string_view::npos ? std::string_view() : rest.substr(hash + 1);
  if (!query.empty()) query.remove_prefix(1);  // the '?'
  bool ok_chars = check_component(path, Part::path, "path").ok() && check_component(query, Part::query, "query").ok() &&
                  check_component(fragment, Part::fragment, "fragment").ok() &&
                  fragment.find('#') == std::string_view::npos;
  if (!ok_chars) {
    if (bad_escape_at(candidate) != std::string_view::npos) {
      return return_url_error(candidate, "bad_escape", "it has a '%' that is not followed by two hex digits");
    }
    return return_url_error(candidate, "invalid_character", "it contains a character that must be percent-encoded");
  }
  if (has_dot_segment(path)) {
    return return_url_error(candidate, "dot_segment", "its path has a '.' or '..' segment");
  }

  // Later rounds decode leniently, as WHATWG's percent-decode and most servers do: a '%' that
  // does not start a valid escape stays literal and must not stop the unwrapping (otherwise
  // "/%252F%252Fevil.com%25" would hide its payload behind a final "%").
  std::string current(candidate);
  std::string current_path(path);
  for (int round = 0; has_valid_escape(current); ++round) {
    if (round == kMaxDecodeRounds) {
      return return_url_error(candidate, "too_deeply_encoded",
                              "it is percent-encoded more than " + std::to_string(kMaxDecodeRounds) + " times over");
    }
    current = decode_valid_escapes(current);
    current_path = decode_valid_escapes(current_path);
    if (const char* problem = decoded_problem(current, current_path)) {
      return return_url_error(candidate, problem,
                              "once percent-decoded it is no longer a plain path on this site "
                              "(it gains '//', a backslash, a control character or a dot segment)");
    }
  }
  return std::string(candidate);
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

bool is_https_or_loopback(const Url& url) {
  if (url.host.empty()) return false;
  return url.scheme == "https" || (url.scheme == "http" && is_loopback_host(url.host));
}

}  // namespace ssokit
