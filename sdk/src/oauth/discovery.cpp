// OpenID Connect Discovery 1.0 and RFC 8414 metadata.
#include "ssokit/oauth.hpp"

namespace ssokit {

namespace {

Result<Url> parse_issuer(std::string_view issuer) {
  auto url = parse_url(issuer);
  if (!url.ok()) return make_error(ErrorCode::invalid_url, "issuer is not a valid URL: " + url.error().message);
  if (!is_https_or_loopback(url.value())) {
    return make_error(ErrorCode::invalid_url, "issuer must be an https URL (http only for loopback development)");
  }
  if (url->query || url->fragment) {
    return make_error(ErrorCode::invalid_url, "issuer must not have a query or fragment (OpenID Connect Discovery 1.0, section 2)");
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

Json ProviderMetadata::to_json() const { return raw; }

Result<ProviderMetadata> ProviderMetadata::from_json(const Json& doc) {
  if (!doc.is_object()) return make_error(ErrorCode::discovery_failed, "provider metadata must be a JSON object");
  ProviderMetadata m;
  m.raw = doc;
  auto issuer = json_string(doc, "issuer");
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
  m.code_challenge_methods_supported = string_list(doc, "code_challenge_methods_supported");
  m.token_endpoint_auth_methods_supported = string_list(doc, "token_endpoint_auth_methods_supported");
  m.id_token_signing_alg_values_supported = string_list(doc, "id_token_signing_alg_values_supported");
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
  if (response.status != 200) {
    return make_error(ErrorCode::discovery_failed,
                      "the discovery document answered HTTP " + std::to_string(response.status) +
                          "; check the issuer URL",
                      {{"status", response.status}});
  }
  auto doc = parse_json_object(response.body, ErrorCode::discovery_failed);
  if (!doc.ok()) return make_error(ErrorCode::discovery_failed, "the discovery document is not a JSON object: " + doc.error().message);
  SSOKIT_TRY(ProviderMetadata metadata, ProviderMetadata::from_json(doc.value()));
  // Exact comparison (Discovery 1.0 section 4.3): prevents a mix-up between providers.
  if (metadata.issuer != issuer) {
    return make_error(ErrorCode::discovery_issuer_mismatch,
                      "the discovery document's issuer \"" + metadata.issuer.substr(0, 200) +
                          "\" is not the configured issuer \"" + std::string(issuer.substr(0, 200)) +
                          "\" (they must match exactly, including any trailing slash)",
                      {{"expected", std::string(issuer)}, {"actual", metadata.issuer}});
  }
  return metadata;
}

}  // namespace ssokit
