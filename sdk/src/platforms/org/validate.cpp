// Local checks: e-mail addresses, domains, base URLs, identifiers and the SSO settings body. They
// run before anything is sent, so a mistake gets a precise message instead of a round trip.
#include <algorithm>

#include "org_internal.hpp"
#include "ssokit/text.hpp"

namespace ssokit::org {
namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// One DNS label: letters, digits and inner '-', 1..63 characters.
bool is_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

Error bad_field(const char* field, std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message), json_object("field", field));
}

bool has_control_or_space(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

// Case-insensitive search for "/.well-known" in a URL path.
std::size_t find_well_known(std::string_view path) {
  constexpr std::string_view kNeedle = "/.well-known";
  if (path.size() < kNeedle.size()) return std::string_view::npos;
  for (std::size_t i = 0; i + kNeedle.size() <= path.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < kNeedle.size() && match; ++k) match = ascii_lower(path[i + k]) == kNeedle[k];
    if (match) return i;
  }
  return std::string_view::npos;
}

}  // namespace

namespace detail {

Result<std::string> normalize_base(std::string_view base) {
  auto url = parse_url(base);
  if (!url.ok()) return make_error(ErrorCode::invalid_url, "base is not a valid URL: " + url.error().message);
  if (!is_https_or_loopback(*url)) {
    return make_error(ErrorCode::invalid_url,
                      "base must be an https URL such as https://api.example.com (http only on a loopback host)");
  }
  if (url->userinfo || url->query || url->fragment) {
    return make_error(ErrorCode::invalid_url, "base must be the API's origin (and path prefix) only: no user, query or fragment");
  }
  while (!url->path.empty() && url->path.back() == '/') url->path.pop_back();
  return url->origin() + url->path;
}

Result<std::string> normalize_domain(std::string_view domain, std::string_view what) {
  auto bad = [&] {
    return make_error(ErrorCode::invalid_argument,
                      std::string(what) + " is not a valid domain name (expected something like yourcompany.com)");
  };
  if (domain.empty() || domain.size() > 253) return bad();
  std::string out;
  out.reserve(domain.size());
  for (char c : domain) out += ascii_lower(c);
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= out.size()) {
    std::size_t dot = out.find('.', start);
    if (dot == std::string::npos) dot = out.size();
    if (!is_label(std::string_view(out).substr(start, dot - start))) return bad();
    ++labels;
    start = dot + 1;
  }
  if (labels < 2) return bad();
  return out;
}

bool is_path_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.' || c == '~'; }) &&
         id != "." && id != "..";
}

std::string clean_text(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) continue;
    out += c;
  }
  if (out.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
    out.resize(cut);
    out += "...";
  }
  return out;
}

}  // namespace detail

Result<std::string> normalize_email(std::string_view email) {
  auto bad = [](const char* why) {
    return make_error(ErrorCode::invalid_argument,
                      std::string("email is not a valid address (") + why + "); expected name@yourcompany.com",
                      json_object("field", "email"));
  };
  if (email.empty()) return bad("it is empty");
  if (email.size() > 254) return bad("longer than 254 characters");
  const std::size_t at = email.rfind('@');
  if (at == std::string_view::npos) return bad("no @");
  if (email.find('@') != at) return bad("more than one @");
  const std::string_view local = email.substr(0, at);
  if (local.empty() || local.size() > 64) return bad("the part before @ must have 1 to 64 characters");
  for (char c : local) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' || c == ';' || c == '<' ||
        c == '>' || c == '[' || c == ']' || c == '\\') {
      return bad("the part before @ has a character that is not allowed");
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return bad("the part before @ has a misplaced dot");
  }
  auto domain = detail::normalize_domain(email.substr(at + 1), "the e-mail's domain");
  if (!domain.ok()) return bad("the domain is not a valid domain name");
  return std::string(local) + "@" + domain.value();
}

Status validate_sso_settings(const SsoSettings& s) {
  if (s.provider.empty()) return bad_field("provider", "provider is required: the IdP family, e.g. okta, azure, google or oidc");
  if (s.provider.size() > 64 ||
      !std::all_of(s.provider.begin(), s.provider.end(), [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; })) {
    return bad_field("provider", "provider must be a short name such as okta, azure, google or oidc");
  }

  if (s.issuer_url.empty()) {
    return bad_field("issuerUrl", "issuerUrl is required: the IdP's issuer, e.g. https://your-org.okta.com");
  }
  auto url = parse_url(s.issuer_url);
  if (!url.ok()) return bad_field("issuerUrl", "issuerUrl is not a valid URL: " + url.error().message);
  if (url->scheme != "https") return bad_field("issuerUrl", "issuerUrl must be an https URL, e.g. https://your-org.okta.com");
  if (url->userinfo || url->query || url->fragment) {
    return bad_field("issuerUrl", "issuerUrl must be the issuer itself: no user, query or fragment");
  }
  if (const std::size_t wk = find_well_known(url->path); wk != std::string_view::npos) {
    Url issuer = url.value();
    issuer.path = issuer.path.substr(0, wk);
    const std::string suggestion = issuer.to_string();
    Error e = bad_field("issuerUrl", "issuerUrl must not end in /.well-known/...: drop that suffix and send the issuer (" +
                                         suggestion + "); the platform appends /.well-known/openid-configuration itself");
    e.details["suggestion"] = suggestion;
    return e;
  }

  if (s.client_id.empty()) return bad_field("clientId", "clientId is required: the Client ID of the IdP application");
  if (s.client_id.size() > 512 || has_control_or_space(s.client_id)) {
    return bad_field("clientId", "clientId must be the IdP application's Client ID (no spaces, at most 512 characters)");
  }
  if (s.client_secret.empty()) {
    return bad_field("clientSecret", "clientSecret is required: the Client Secret of the IdP application");
  }
  if (s.client_secret.size() > 4096) return bad_field("clientSecret", "clientSecret is longer than 4096 characters");
  return {};
}

Result<AuthRequired> parse_auth_required(std::string_view text) {
  if (text == "any") return AuthRequired::any;
  if (text == "mfa") return AuthRequired::mfa;
  if (text == "sso") return AuthRequired::sso;
  return make_error(ErrorCode::invalid_argument, "authRequired must be one of any, mfa, sso", json_object("field", "authRequired"));
}

const char* auth_required_name(AuthRequired value) {
  switch (value) {
    case AuthRequired::any: return "any";
    case AuthRequired::mfa: return "mfa";
    case AuthRequired::sso: return "sso";
  }
  return "any";
}

}  // namespace ssokit::org
