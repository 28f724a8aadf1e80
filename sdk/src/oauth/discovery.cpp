// OpenID Connect Discovery 1.0 and RFC 8414 metadata.
#include "ssokit/oauth.hpp"

namespace ssokit {

namespace {

constexpr std::string_view kWellKnown = "/.well-known/openid-configuration";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string clip(std::string_view s) { return std::string(s.substr(0, 200)); }

Result<Url> parse_issuer(std::string_view issuer) {
  if (issuer.empty()) return make_error(ErrorCode::invalid_url, "issuer is empty: give the provider's issuer URL, e.g. https://login.example.com");
  auto url = parse_url(issuer);
  if (!url.ok() || url->host.empty()) {
    return make_error(ErrorCode::invalid_url, "issuer \"" + clip(issuer) +
                      "\" is not an absolute URL: give it with its scheme, e.g. https://login.example.com");
  }
  if (url->scheme != "https" && url->scheme != "http") {
    return make_error(ErrorCode::invalid_url, "issuer \"" + clip(issuer) + "\" must be an https URL");
  }
  if (!is_https_or_loopback(url.value())) {
    return make_error(ErrorCode::invalid_url,
                      "issuer \"" + clip(issuer) + "\" uses plain http to \"" + clip(url->host) +
                          "\", which is not a loopback host: use https (plain http is allowed only for localhost, "
                          "127.0.0.1 and [::1]; check the host name for a typo)");
  }
  if (url->query || url->fragment) {
    return make_error(ErrorCode::invalid_url, "issuer must not have a query or fragment (OpenID Connect Discovery 1.0, section 2)");
  }
  if (ends_with(url->path, kWellKnown) || ends_with(url->path, std::string(kWellKnown) + "/")) {
    return make_error(ErrorCode::invalid_url,
                      "issuer \"" + clip(issuer) +
                          "\" is the discovery document's URL: drop \"/.well-known/openid-configuration\" "
                          "(the issuer is the part before it)");
  }
  return url;
}

std::vector<std::string> string_list(const Json& doc, const char* key) {
  std::vector<std::string> out;
  const Json* v = json_member(doc, key);
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& item : *v) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

Status check_issuer(std::string_view issuer) {
  SSOKIT_TRY(Url url, parse_issuer(issuer));
  (void)url;
  return {};
}

Json ProviderMetadata::to_json() const { return raw; }

Result<ProviderMetadata> ProviderMetadata::from_json(const Json& doc) {
  if (!doc.is_object()) return make_error(ErrorCode::discovery_failed, "provider metadata must be a JSON object");
  ProviderMetadata m;
  m.raw = doc;
  auto issuer = json_string_at(doc, "issuer");
  if (!issuer || issuer->empty()) return make_error(ErrorCode::discovery_failed, "provider metadata has no issuer");
  m.issuer = *issuer;
  // Endpoints must be strings when present; anything else is a broken document.
  struct Field {
    const char* name;
    std::string* target;
    bool required;
  };
  const Field fields[] = {
      {"authorization_endpoint", &m.authorization_endpoint, true},
      {"token_endpoint", &m.token_endpoint, false},
      {"userinfo_endpoint", &m.userinfo_endpoint, false},
      {"jwks_uri", &m.jwks_uri, false},
      {"end_session_endpoint", &m.end_session_endpoint, false},
      {"revocation_endpoint", &m.revocation_endpoint, false},
      {"device_authorization_endpoint", &m.device_authorization_endpoint, false},
      {"pushed_authorization_request_endpoint", &m.pushed_authorization_request_endpoint, false},
  };
  for (const auto& f : fields) {
    const Json* v = json_member(doc, f.name);
    if (v == nullptr) {
      if (f.required) return make_error(ErrorCode::discovery_failed, std::string("provider metadata has no ") + f.name);
      continue;
    }
    if (!v->is_string()) return make_error(ErrorCode::discovery_failed, std::string(f.name) + " must be a string");
    // Endpoints may live on other origins (e.g. a separate token host), but never on plain
    // http to a remote host: codes, tokens and the keys that sign ID tokens travel there.
    auto url = parse_url(v->get_ref<const std::string&>());
    if (!url.ok() || !is_https_or_loopback(url.value())) {
      return make_error(ErrorCode::discovery_failed,
                        std::string(f.name) + " is not an https URL (plain http only on a loopback host)");
    }
    *f.target = v->get<std::string>();
  }
  m.authorization_response_iss_parameter_supported =
      json_bool(doc, "authorization_response_iss_parameter_supported").value_or(false);
  m.require_pushed_authorization_requests = json_bool(doc, "require_pushed_authorization_requests").value_or(false);
  if (m.require_pushed_authorization_requests && m.pushed_authorization_request_endpoint.empty()) {
    return make_error(ErrorCode::discovery_failed,
                      "provider metadata sets require_pushed_authorization_requests but has no "
                      "pushed_authorization_request_endpoint (RFC 9126 5)");
  }
  m.code_challenge_methods_supported = string_list(doc, "code_challenge_methods_supported");
  m.token_endpoint_auth_methods_supported = string_list(doc, "token_endpoint_auth_methods_supported");
  m.revocation_endpoint_auth_methods_supported = string_list(doc, "revocation_endpoint_auth_methods_supported");
  m.id_token_signing_alg_values_supported = string_list(doc, "id_token_signing_alg_values_supported");
  m.dpop_signing_alg_values_supported = string_list(doc, "dpop_signing_alg_values_supported");
  m.dpop_bound_access_tokens = json_bool(doc, "dpop_bound_access_tokens").value_or(false);
  return m;
}

Result<HttpRequest> discovery_request(std::string_view issuer) {
  SSOKIT_TRY(Url url, parse_issuer(issuer));
  // Appended to the issuer as is, keeping its path (Discovery 1.0 section 4).
  std::string base(issuer);
  if (!base.empty() && base.back() == '/') base.pop_back();
  HttpRequest request;
  request.url = base + "/.well-known/openid-configuration";
  request.headers = {{"Accept", "application/json"}};
  return request;
}

Result<HttpRequest> oauth_metadata_request(std::string_view issuer) {
  SSOKIT_TRY(Url url, parse_issuer(issuer));
  // RFC 8414 section 3.1: the well-known segment goes between the host and the issuer's path.
  std::string path = url.path == "/" ? "" : url.path;
  Url well_known = url;
  well_known.path = "/.well-known/oauth-authorization-server" + path;
  HttpRequest request;
  request.url = well_known.to_string();
  request.headers = {{"Accept", "application/json"}};
  return request;
}

Result<ProviderMetadata> process_discovery_response(std::string_view issuer, const HttpResponse& response) {
  std::string base(issuer);
  if (!base.empty() && base.back() == '/') base.pop_back();
  const std::string where = "the discovery document at " + clip(base) + std::string(kWellKnown);
  if (response.status != 200) {
    std::string hint = response.status == 404 || response.status == 410
                           ? ": there is no provider at this issuer; check the issuer URL, its path included (it is "
                             "the provider's issuer exactly, e.g. https://login.example.com/realms/portal)"
                           : "; check the issuer URL and that the provider is up";
    return make_error(ErrorCode::discovery_failed,
                      where + " answered HTTP " + std::to_string(response.status) + hint,
                      json_object("status", response.status, "url", base + std::string(kWellKnown)));
  }
  auto doc = parse_json_object(response.body, ErrorCode::discovery_failed);
  if (!doc.ok()) {
    std::size_t first = response.body.find_first_not_of(" \t\r\n");
    const bool html = first != std::string::npos && response.body[first] == '<';
    return make_error(ErrorCode::discovery_failed,
                      html ? where + " is an HTML page, not JSON: the issuer URL points at a web site (often the "
                                     "portal itself or a login page), not at the provider; check the issuer URL"
                           : where + " is not a JSON object (" + doc.error().message + "); check the issuer URL",
                      json_object("url", base + std::string(kWellKnown)));
  }
  SSOKIT_TRY(ProviderMetadata metadata, ProviderMetadata::from_json(doc.value()));
  // Exact comparison (Discovery 1.0 section 4.3): prevents a mix-up between providers.
  if (metadata.issuer != issuer) {
    return make_error(ErrorCode::discovery_issuer_mismatch,
                      "the discovery document's issuer \"" + metadata.issuer.substr(0, 200) +
                          "\" is not the configured issuer \"" + std::string(issuer.substr(0, 200)) +
                          "\" (they must match exactly, including any trailing slash)",
                      json_object("expected", std::string(issuer), "actual", metadata.issuer));
  }
  return metadata;
}

}  // namespace ssokit
