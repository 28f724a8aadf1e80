// URL parsing (RFC 3986), strict so that browsers, servers and ssokit read a URL alike.
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
#include "url_internal.hpp"

#include "ssokit/text.hpp"

#include <array>
#include <cstdint>

namespace ssokit {

using namespace url_internal;

namespace url_internal {

Error url_error(std::string message) { return make_error(ErrorCode::invalid_url, std::move(message)); }

}  // namespace url_internal

namespace {

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

bool allowed_in(Part part, char c) {
  switch (part) {
    case Part::userinfo: return is_unreserved(c) || is_sub_delim(c) || c == ':';
    case Part::path: return is_pchar(c) || c == '/';
    case Part::query:
    case Part::fragment: return is_pchar(c) || c == '/' || c == '?' || is_browser_tolerated(c);
  }
  return false;
}

}  // namespace

namespace url_internal {

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

}  // namespace url_internal

namespace {

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

}  // namespace

namespace url_internal {

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

}  // namespace url_internal

namespace {

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

}  // namespace

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

}  // namespace ssokit
