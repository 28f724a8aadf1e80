// Authorization request (RFC 6749 4.1.1 + PKCE RFC 7636 + OIDC nonce) and its transaction.
#include <algorithm>

#include "ssokit/id_token.hpp"
#include "ssokit/dpop.hpp"
#include "ssokit/oauth.hpp"
#include "ssokit/pkce.hpp"

namespace ssokit {
namespace {

bool has_scope(std::string_view scope, std::string_view wanted) {
  std::size_t pos = 0;
  while (pos <= scope.size()) {
    std::size_t end = scope.find(' ', pos);
    if (end == std::string_view::npos) end = scope.size();
    if (scope.substr(pos, end - pos) == wanted) return true;
    pos = end + 1;
  }
  return false;
}

// Parameters the SDK sets itself; `extra` may not replace them (that would undo state/PKCE).
constexpr const char* kProtocolParams[] = {"response_type", "client_id", "redirect_uri", "scope",
                                           "state", "nonce", "code_challenge", "code_challenge_method",
                                           "dpop_jkt"};

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n.substr(0, 32);
  return out.empty() ? "none" : out;
}

}  // namespace

std::vector<std::string> effective_allowed_algs(const ClientConfig& client) {
  if (!client.allowed_algs.empty()) return client.allowed_algs;
  std::vector<std::string> algs = IdTokenExpectations().allowed_algs;
  // As the ID-token check: a client secret adds HS256 to the default list.
  if (!client.client_secret.empty()) algs.push_back("HS256");
  return algs;
}

Status check_provider_algs(const ClientConfig& client, const ProviderMetadata& provider) {
  const auto& offered = provider.id_token_signing_alg_values_supported;
  if (offered.empty()) return {};  // not published: the ID token's own alg decides
  const std::vector<std::string> allowed = effective_allowed_algs(client);
  for (const auto& alg : offered) {
    if (alg != "none" && std::find(allowed.begin(), allowed.end(), alg) != allowed.end()) return {};
  }
  std::vector<std::string> shown(offered.begin(), offered.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(offered.size(), 16)));
  for (auto& a : shown) a = a.substr(0, 32);
  return make_error(ErrorCode::id_token_alg_not_allowed,
                    "the provider signs ID tokens with " + joined(shown) + " (id_token_signing_alg_values_supported), "
                        "and this client accepts only " + joined(allowed) +
                        ": allow one of the provider's algorithms (allowed_algs / allowedAlgs / --alg) or change the "
                        "provider's signing algorithm",
                    json_object("provider_algs", shown, "allowed_algs", allowed));
}

Status validate_redirect_uri(std::string_view redirect_uri) {
  auto url = parse_url(redirect_uri);
  if (!url.ok()) {
    return make_error(ErrorCode::invalid_argument, "redirect_uri is not a valid absolute URL: " + url.error().message);
  }
  if (url->fragment) {
    return make_error(ErrorCode::invalid_argument, "redirect_uri must not contain a fragment (RFC 6749 section 3.1.2)");
  }
  return {};
}

Result<AuthorizationRequest> build_authorization_request(const ClientConfig& client,
                                                         const ProviderMetadata& provider,
                                                         const AuthorizationOptions& options,
                                                         RandomSource& random, std::int64_t now) {
  if (client.client_id.empty()) return make_error(ErrorCode::invalid_argument, "client_id is required");
  if (client.redirect_uri.empty()) return make_error(ErrorCode::invalid_argument, "redirect_uri is required");
  SSOKIT_CHECK(validate_redirect_uri(client.redirect_uri));
  if (provider.authorization_endpoint.empty()) {
    return make_error(ErrorCode::invalid_argument, "the provider metadata has no authorization_endpoint");
  }
  auto return_to = validate_return_url(options.return_to);
  if (!return_to.ok()) return return_to.take_error();
  for (const auto& [name, value] : options.extra) {
    (void)value;
    if (std::find(std::begin(kProtocolParams), std::end(kProtocolParams), name) != std::end(kProtocolParams)) {
      return make_error(ErrorCode::invalid_argument,
                        "extra parameter \"" + name + "\" is set by the SDK and cannot be overridden");
    }
  }
  const std::string scope = options.scope.value_or(client.scope);
  if (scope.empty()) return make_error(ErrorCode::invalid_argument, "scope must not be empty");
  // An ID token this client could not verify: refused before the user signs in at the provider.
  if (has_scope(scope, "openid")) SSOKIT_CHECK(check_provider_algs(client, provider));

  Transaction tx;
  SSOKIT_TRY(tx.state, random_token(random, 32));
  if (has_scope(scope, "openid")) {
    SSOKIT_TRY(tx.nonce, random_token(random, 32));
  }
  SSOKIT_TRY(Pkce pkce, generate_pkce(random));
  tx.code_verifier = pkce.code_verifier;
  tx.redirect_uri = client.redirect_uri;
  tx.return_to = return_to.value();
  tx.issuer = provider.issuer;
  tx.client_id = client.client_id;
  tx.max_age = options.max_age;
  tx.created_at = now;
  tx.expires_at = now + (client.transaction_ttl > 0 ? client.transaction_ttl : 600);

  Params params = {
      {"response_type", "code"},
      {"client_id", client.client_id},
      {"redirect_uri", client.redirect_uri},
      {"scope", scope},
      {"state", tx.state},
  };
  if (!tx.nonce.empty()) params.emplace_back("nonce", tx.nonce);
  params.emplace_back("code_challenge", pkce.code_challenge);
  params.emplace_back("code_challenge_method", Pkce::method);
  if (options.prompt) params.emplace_back("prompt", *options.prompt);
  if (options.login_hint) params.emplace_back("login_hint", *options.login_hint);
  if (options.max_age) params.emplace_back("max_age", std::to_string(*options.max_age));
  if (options.acr_values) params.emplace_back("acr_values", *options.acr_values);
  if (options.ui_locales) params.emplace_back("ui_locales", *options.ui_locales);
  if (options.dpop_jwk) {
    SSOKIT_TRY(std::string jkt, jwk_thumbprint(*options.dpop_jwk));
    params.emplace_back("dpop_jkt", jkt);
  }
  for (const auto& p : options.extra) params.push_back(p);

  // RFC 9126: pushed when the client asks or the provider offers it, so the parameters stay off
  // the browser's URL (and a provider that requires it is served).
  if (client.par || !provider.pushed_authorization_request_endpoint.empty()) {
    SSOKIT_TRY(HttpRequest push, pushed_authorization_request(client, provider, params, now));
    return AuthorizationRequest{"", std::move(tx), std::move(push)};
  }
  SSOKIT_TRY(std::string url, add_query_params(provider.authorization_endpoint, params));
  return AuthorizationRequest{std::move(url), std::move(tx), std::nullopt};
}

Json Transaction::to_json() const {
  Json j = Json::object();
  j.set("v", 1);
  j.set("state", state);
  j.set("code_verifier", code_verifier);
  j.set("redirect_uri", redirect_uri);
  j.set("return_to", return_to);
  j.set("issuer", issuer);
  j.set("client_id", client_id);
  j.set("created_at", created_at);
  j.set("expires_at", expires_at);
  if (!nonce.empty()) j["nonce"] = nonce;
  if (max_age) j["max_age"] = *max_age;
  return j;
}

Result<Transaction> Transaction::from_json(const Json& value) {
  auto bad = [](const char* field) {
    return make_error(ErrorCode::storage_error,
                      std::string("stored transaction is malformed (") + field + "); start the sign-in again");
  };
  if (!value.is_object()) return bad("not an object");
  if (json_int(value, "v").value_or(0) != 1) return bad("unknown version");
  Transaction tx;
  struct Field {
    const char* name;
    std::string* target;
    bool required;
  };
  const Field fields[] = {{"state", &tx.state, true},         {"code_verifier", &tx.code_verifier, true},
                          {"redirect_uri", &tx.redirect_uri, true}, {"return_to", &tx.return_to, true},
                          {"issuer", &tx.issuer, true},       {"client_id", &tx.client_id, true},
                          {"nonce", &tx.nonce, false}};
  for (const auto& f : fields) {
    auto v = json_string_at(value, f.name);
    if (!v) {
      if (f.required || json_member(value, f.name) != nullptr) return bad(f.name);
      continue;
    }
    *f.target = *v;
  }
  auto created = json_int(value, "created_at");
  auto expires = json_int(value, "expires_at");
  if (!created || !expires) return bad("timestamps");
  tx.created_at = *created;
  tx.expires_at = *expires;
  if (json_member(value, "max_age") != nullptr) {
    auto max_age = json_int(value, "max_age");
    if (!max_age) return bad("max_age");
    tx.max_age = *max_age;
  }
  return tx;
}

}  // namespace ssokit
