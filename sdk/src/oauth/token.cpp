// Token endpoint (RFC 6749 4.1.3, 6), revocation (RFC 7009) and RP-initiated logout. The client
// authentication a request carries is applied by client_auth.cpp (every method) or, in the page
// build, client_auth_public.cpp (a page is a public client: none only).
#include "ssokit/oauth.hpp"
#include "oauth_internal.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/random.hpp"
#include "ssokit/redact.hpp"
#include "ssokit/text.hpp"


namespace ssokit {
namespace {

constexpr const char* kRedacted = "[redacted]";

bool has_secret(const ClientConfig& client) { return !client.client_secret.empty(); }
bool has_key(const ClientConfig& client) { return !client.private_key_alg.empty(); }

}  // namespace

// Shared with the device flow (oauth_internal.hpp): token-endpoint style requests and errors.
namespace detail {

bool credentials_allow(const ClientConfig& client, ClientAuth auth) {
  switch (auth) {
    case ClientAuth::none: return !has_secret(client) && !has_key(client);
    case ClientAuth::client_secret_basic:
    case ClientAuth::client_secret_post:
    case ClientAuth::client_secret_jwt: return has_secret(client);
    case ClientAuth::private_key_jwt: return has_key(client);
  }
  return false;
}


Result<HttpRequest> form_post(const ClientConfig& client, const ProviderMetadata& provider, const std::string& endpoint,
                              const char* endpoint_name, Params form, std::int64_t now, bool revocation) {
  if (endpoint.empty()) {
    return make_error(ErrorCode::invalid_argument, std::string("the provider metadata has no ") + endpoint_name);
  }
  if (client.client_id.empty()) return make_error(ErrorCode::invalid_argument, "client_id is required");
  HttpRequest request;
  request.method = "POST";
  request.url = endpoint;
  request.idempotent = false;  // a code or refresh token is single-use: never retried
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  SSOKIT_CHECK(apply_client_auth(client, effective_client_auth(client, provider, revocation), provider, now, form, request));
  request.body = form_encode(form);
  return request;
}

// OAuth error body ({"error": ...}) -> `code` with the provider's fields in details.
std::optional<Error> oauth_error(const HttpResponse& response, ErrorCode code, const char* what) {
  auto body = parse_json_object(response.body);
  if (!body.ok()) return std::nullopt;
  auto error = json_string_at(body.value(), "error");
  if (!error) return std::nullopt;
  // The provider's own text may echo what it was sent (code, verifier, token): masked.
  const std::string error_code = redact_credentials(*error);
  Json details = Json::object();
  details.set("error", error_code);
  details.set("status", response.status);
  std::string message = std::string(what) + " answered " + error_code.substr(0, 100);
  if (auto description = json_string_at(body.value(), "error_description")) {
    const std::string text = redact_credentials(*description);
    details["error_description"] = text;
    message += " (" + text.substr(0, 300) + ")";
  }
  if (auto uri = json_string_at(body.value(), "error_uri")) details["error_uri"] = redact_credentials(*uri);
  return make_error(code, message, std::move(details));
}

Error http_status_error(const HttpResponse& response, const char* what) {
  return make_error(ErrorCode::http_error, std::string(what) + " answered HTTP " + std::to_string(response.status),
                    json_object("status", response.status));
}

}  // namespace detail

using detail::form_post;
using detail::http_status_error;
using detail::oauth_error;

std::string client_auth_name(ClientAuth auth) {
  switch (auth) {
    case ClientAuth::none: return "none";
    case ClientAuth::client_secret_basic: return "client_secret_basic";
    case ClientAuth::client_secret_post: return "client_secret_post";
    case ClientAuth::client_secret_jwt: return "client_secret_jwt";
    case ClientAuth::private_key_jwt: return "private_key_jwt";
  }
  return "none";
}

Result<ClientAuth> parse_client_auth(std::string_view name) {
  for (ClientAuth auth : {ClientAuth::none, ClientAuth::client_secret_basic, ClientAuth::client_secret_post,
                          ClientAuth::client_secret_jwt, ClientAuth::private_key_jwt}) {
    if (name == client_auth_name(auth)) return auth;
  }
  return make_error(ErrorCode::invalid_argument,
                    "client authentication must be none, client_secret_basic, client_secret_post, client_secret_jwt or "
                    "private_key_jwt");
}

ClientAuth effective_client_auth(const ClientConfig& client, const ProviderMetadata& provider, bool revocation) {
  if (client.auth) return *client.auth;
  const std::vector<std::string>& listed =
      revocation && !provider.revocation_endpoint_auth_methods_supported.empty()
          ? provider.revocation_endpoint_auth_methods_supported
          : provider.token_endpoint_auth_methods_supported;
  for (const std::string& name : listed) {
    auto auth = parse_client_auth(name);
    if (auth.ok() && detail::credentials_allow(client, auth.value())) return auth.value();
  }
  if (has_secret(client)) return ClientAuth::client_secret_basic;  // the OIDC Discovery default
  if (has_key(client)) return ClientAuth::private_key_jwt;
  return ClientAuth::none;
}

Result<HttpRequest> authorization_code_request(const ClientConfig& client, const ProviderMetadata& provider,
                                               const Transaction& transaction, std::string_view code, std::int64_t now) {
  if (code.empty()) return make_error(ErrorCode::invalid_argument, "the authorization code is empty");
  return form_post(client, provider, provider.token_endpoint, "token_endpoint",
                   {{"grant_type", "authorization_code"},
                    {"code", std::string(code)},
                    {"redirect_uri", transaction.redirect_uri},
                    {"code_verifier", transaction.code_verifier}},
                   now);
}

Result<HttpRequest> refresh_request(const ClientConfig& client, const ProviderMetadata& provider,
                                    std::string_view refresh_token, std::optional<std::string> scope, std::int64_t now) {
  if (refresh_token.empty()) return make_error(ErrorCode::login_required, "there is no refresh token; sign in again");
  Params form = {{"grant_type", "refresh_token"}, {"refresh_token", std::string(refresh_token)}};
  if (scope) form.emplace_back("scope", *scope);
  return form_post(client, provider, provider.token_endpoint, "token_endpoint", std::move(form), now);
}

Result<TokenSet> process_token_response(const HttpResponse& response, std::int64_t now, bool dpop) {
  if (response.status != 200) {
    if (auto error = oauth_error(response, ErrorCode::token_error, "the token endpoint")) return *error;
    return http_status_error(response, "the token endpoint");
  }
  auto body = parse_json_object(response.body);
  if (!body.ok()) return make_error(ErrorCode::invalid_response, "the token response is not a JSON object: " + body.error().message);
  const Json& doc = body.value();
  if (json_string_at(doc, "error") != nullptr) {
    // Some providers answer 200 with an error body.
    return *oauth_error(response, ErrorCode::token_error, "the token endpoint");
  }
  TokenSet tokens;
  auto token_type = json_string_at(doc, "token_type");
  if (!token_type || token_type->empty()) {
    return make_error(ErrorCode::invalid_response, "the token response has no token_type");
  }
  // RFC 9449 5: a DPoP request gets a DPoP-bound token; a Bearer token there would be usable by
  // anyone who obtains it, which is what DPoP was asked to prevent.
  const char* expected = dpop ? "DPoP" : "Bearer";
  if (!ascii_iequals(*token_type, expected)) {
    return make_error(ErrorCode::invalid_response,
                      "the token response's token_type \"" + token_type->substr(0, 40) + "\" is not " + expected +
                          (dpop ? " although the request carried a DPoP proof (RFC 9449 5)" : " (the only type this request accepts)"));
  }
  tokens.token_type = expected;
  auto access_token = json_string_at(doc, "access_token");
  if (!access_token || access_token->empty()) {
    return make_error(ErrorCode::invalid_response, "the token response has no access_token");
  }
  tokens.access_token = *access_token;
  struct Optional {
    const char* name;
    std::string* target;
  };
  for (const Optional& f : {Optional{"refresh_token", &tokens.refresh_token}, Optional{"id_token", &tokens.id_token},
                            Optional{"scope", &tokens.scope}}) {
    const Json* v = json_member(doc, f.name);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_string()) return make_error(ErrorCode::invalid_response, std::string("the token response's ") + f.name + " is not a string");
    *f.target = v->get<std::string>();
  }
  if (const Json* v = json_member(doc, "expires_in"); v != nullptr && !v->is_null()) {
    auto expires_in = json_int(doc, "expires_in");
    if (!expires_in || *expires_in < 0) {
      return make_error(ErrorCode::invalid_response, "the token response's expires_in is not a non-negative integer");
    }
    tokens.expires_in = *expires_in;
    tokens.expires_at = now + *expires_in;
  }
  tokens.raw = doc;
  return tokens;
}

std::string TokenSet::to_string() const {
  Json j = Json::object();
  j.set("token_type", token_type);
  j.set("access_token", kRedacted);
  if (!refresh_token.empty()) j["refresh_token"] = kRedacted;
  if (!id_token.empty()) j["id_token"] = kRedacted;
  if (!scope.empty()) j["scope"] = scope;
  if (expires_in) j["expires_in"] = *expires_in;
  if (expires_at) j["expires_at"] = expires_at;
  return "TokenSet" + dump_json(j);
}

Json TokenSet::to_json() const {
  Json j = Json::object();
  j.set("token_type", token_type);
  j.set("access_token", access_token);
  if (!refresh_token.empty()) j["refresh_token"] = refresh_token;
  if (!id_token.empty()) j["id_token"] = id_token;
  if (!scope.empty()) j["scope"] = scope;
  if (expires_in) j["expires_in"] = *expires_in;
  if (expires_at) j["expires_at"] = expires_at;
  return j;
}

Result<TokenSet> TokenSet::from_json(const Json& value) {
  auto bad = [] { return make_error(ErrorCode::storage_error, "stored token set is malformed; sign in again"); };
  if (!value.is_object()) return bad();
  TokenSet t;
  auto access = json_string_at(value, "access_token");
  if (!access) return bad();
  t.access_token = *access;
  t.token_type = json_string(value, "token_type").value_or("Bearer");
  t.refresh_token = json_text(value, "refresh_token");
  t.id_token = json_text(value, "id_token");
  t.scope = json_text(value, "scope");
  if (auto e = json_int(value, "expires_in")) t.expires_in = *e;
  t.expires_at = json_int(value, "expires_at").value_or(0);
  return t;
}

Result<HttpRequest> revocation_request(const ClientConfig& client, const ProviderMetadata& provider,
                                       std::string_view token, std::string_view token_type_hint, std::int64_t now) {
  if (token.empty()) return make_error(ErrorCode::invalid_argument, "there is no token to revoke");
  Params form = {{"token", std::string(token)}};
  if (!token_type_hint.empty()) form.emplace_back("token_type_hint", std::string(token_type_hint));
  return form_post(client, provider, provider.revocation_endpoint, "revocation_endpoint", std::move(form), now,
                   /*revocation=*/true);
}

Status process_revocation_response(const HttpResponse& response) {
  if (response.status == 200) return {};  // RFC 7009 2.2: also for tokens already invalid
  if (auto error = oauth_error(response, ErrorCode::token_error, "the revocation endpoint")) return *error;
  return http_status_error(response, "the revocation endpoint");
}

Result<std::string> build_logout_url(const ProviderMetadata& provider, const LogoutOptions& options) {
  if (provider.end_session_endpoint.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "the provider has no end_session_endpoint: it does not support RP-initiated logout; forget the "
                      "session locally instead");
  }
  Params params;
  if (!options.id_token_hint.empty()) params.emplace_back("id_token_hint", options.id_token_hint);
  if (!options.client_id.empty()) params.emplace_back("client_id", options.client_id);
  if (!options.post_logout_redirect_uri.empty()) {
    SSOKIT_CHECK(validate_redirect_uri(options.post_logout_redirect_uri));
    params.emplace_back("post_logout_redirect_uri", options.post_logout_redirect_uri);
  }
  if (!options.state.empty()) params.emplace_back("state", options.state);
  if (!options.ui_locales.empty()) params.emplace_back("ui_locales", options.ui_locales);
  return add_query_params(provider.end_session_endpoint, params);
}

}  // namespace ssokit
