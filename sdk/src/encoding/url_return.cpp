// Return-URL validation: a path the app may navigate to after sign-in that stays on this site.
#include "ssokit/url.hpp"
#include "url_internal.hpp"

#include "ssokit/text.hpp"

namespace ssokit {

using namespace url_internal;

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
                    json_object("reason", reason));
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

}  // namespace ssokit
