// URLs (RFC 3986), percent-encoding, query and fragment parameters, form encoding
// (application/x-www-form-urlencoded), origins, and the return-URL validator.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ssokit/result.hpp"

namespace ssokit {

// Ordered name/value pairs; names may repeat (order is kept, as on the wire).
using Params = std::vector<std::pair<std::string, std::string>>;

// First value of `name`, if present.
std::optional<std::string> find_param(const Params& params, std::string_view name);

// RFC 3986 components. `scheme` and `host` are lower-cased by parse; `path` is kept as given
// (still percent-encoded). query/fragment are nullopt when absent, "" when present but empty.
struct Url {
  std::string scheme;
  std::optional<std::string> userinfo;
  std::string host;                // IPv6 literals without brackets, e.g. "::1"
  std::optional<std::uint16_t> port;
  std::string path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;

  // Port to connect to: the explicit port, else 443 for https, 80 for http; 0 if unknown.
  std::uint16_t effective_port() const;
  // scheme://host[:port] with the default port omitted, IPv6 in brackets; "null" (an opaque
  // origin, as in browsers) when there is no host.
  std::string origin() const;
  // Recomposed URL (RFC 3986 section 5.3). "//" is written when there is a host, userinfo or
  // port, for file: URLs with an empty or absolute path, and when the path itself starts with "//". No validation: see build_url.
  std::string to_string() const;
};

// Parses an absolute URL (scheme required, http/https/ws/wss/ftp require "//" and a host).
// invalid_url on anything malformed: bad scheme, bad port, spaces or control characters,
// non-ASCII bytes, backslashes, bad percent-escapes, unbalanced IPv6 brackets, more than one '@'.
// IPv6 hosts come back in RFC 5952 canonical form; the full rule list is in url_parse.cpp.
Result<Url> parse_url(std::string_view text);

// localhost, ::1 or 127.0.0.0/8 in dotted decimal (not "127.example.com").
bool is_loopback_host(std::string_view host);
// https, or plain http to a loopback host (development and test servers): the rule for every
// URL that codes, tokens, keys or passwords travel to.
bool is_https_or_loopback(const Url& url);

// to_string() of a URL assembled by hand, checked: the result must parse back to the same
// components (after lower-casing scheme and host), so a component holding a delimiter (a '/'
// in the host, a '#' in the query, ...) is invalid_url instead of silently changing the URL.
Result<std::string> build_url(const Url& url);

// Percent-encodes every byte outside RFC 3986 unreserved (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(std::string_view text);
// Decodes %XX escapes; invalid_url for a malformed escape. '+' stays '+'.
Result<std::string> percent_decode(std::string_view text);

// application/x-www-form-urlencoded (WHATWG URL standard): space as '+', others as %XX
// except A-Z a-z 0-9 * - . _
std::string form_encode(const Params& params);
// Splits on '&', '+' is space, %XX decoded; empty pieces skipped; a piece without '=' has an
// empty value. invalid_url for a malformed escape.
Result<Params> form_decode(std::string_view text);

// Appends params to the URL's query (keeping any existing query), form-encoded.
Result<std::string> add_query_params(std::string_view url, const Params& params);
// Parameters of a URL's query and fragment (fragment: the implicit-flow response style).
Result<Params> query_params(const Url& url);
Result<Params> fragment_params(const Url& url);

// Same scheme, host (case-insensitive) and effective port.
bool same_origin(const Url& a, const Url& b);
Result<bool> same_origin(std::string_view a, std::string_view b);

// Accepts only a same-origin relative path: starts with exactly one '/', then path/query/
// fragment. Rejects //host, /\host, any backslash, schemes (javascript:, data:, ...), control
// characters and whitespace, raw non-ASCII, "." and ".." path segments, more than 4096 bytes,
// and the same tricks percent-encoded (%2F, %5C, %09, %0A, %2e, ..., decoded up to 4 times).
// Returns the input unchanged when it is safe. Error: invalid_return_url, with details.reason
// (e.g. "scheme", "protocol_relative", "encoded_backslash"); the message quotes at most the
// first 12 characters. The rules and why: url_return.cpp.
Result<std::string> validate_return_url(std::string_view candidate);

}  // namespace ssokit
