#include "ssokit/jose.hpp"
#include "ssokit/oauth.hpp"

namespace ssokit {

Status check_allowed_algs(const std::vector<std::string>& algs) {
  for (const auto& alg : algs) {
    if (!jws_alg_supported(alg)) {
      return make_error(ErrorCode::invalid_argument,
                        "client configuration: allowed_algs names \"" + alg.substr(0, 40) +
                            "\", which is not a supported JWS algorithm; the supported ones are " + supported_jws_algs() +
                            " (\"none\" is never accepted)",
                        json_object("alg", alg.substr(0, 40)));
    }
  }
  return {};
}

Result<ClientConfig> ClientConfig::from_json(const Json& c) {
  if (!c.is_object()) return make_error(ErrorCode::invalid_argument, "client configuration must be a JSON object");
  auto bad = [](const char* field, const char* what) {
    return make_error(ErrorCode::invalid_argument, std::string("client configuration: ") + field + " " + what);
  };
  ClientConfig client;
  struct Text {
    const char* name;
    std::string* target;
  };
  for (const Text& f : {Text{"issuer", &client.issuer}, Text{"client_id", &client.client_id},
                        Text{"client_secret", &client.client_secret}, Text{"redirect_uri", &client.redirect_uri},
                        Text{"scope", &client.scope},        Text{"private_key", &client.private_key},
                        Text{"private_key_alg", &client.private_key_alg}, Text{"private_key_id", &client.private_key_id}}) {
    const Json* v = json_member(c, f.name);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_string()) return bad(f.name, "must be a string");
    *f.target = v->get<std::string>();
  }
  if (const Json* auth = json_member(c, "auth"); auth != nullptr && !auth->is_null()) {
    if (!auth->is_string()) return bad("auth", "must be a string");
    SSOKIT_TRY(client.auth, parse_client_auth(auth->get<std::string>()));
  }  // else chosen from the provider's metadata (effective_client_auth)
  const std::string& alg = client.private_key_alg;
  if (!alg.empty() && alg != "RS256" && alg != "PS256" && alg != "ES256") {
    return bad("private_key_alg", "must be RS256, PS256 or ES256");
  }
  if (json_member(c, "clock_skew") != nullptr) {
    auto skew = json_int(c, "clock_skew");
    if (!skew || *skew < 0 || *skew > 600) return bad("clock_skew", "must be an integer from 0 to 600 seconds");
    client.clock_skew = *skew;
  }
  if (json_member(c, "transaction_ttl") != nullptr) {
    auto ttl = json_int(c, "transaction_ttl");
    if (!ttl || *ttl <= 0) return bad("transaction_ttl", "must be a positive integer (seconds)");
    client.transaction_ttl = *ttl;
  }
  for (auto [name, target] : {std::pair<const char*, bool*>{"par", &client.par}, {"dpop", &client.dpop}}) {
    const Json* flag = json_member(c, name);
    if (flag == nullptr || flag->is_null()) continue;
    if (!flag->is_boolean()) return bad(name, "must be true or false");
    *target = flag->get<bool>();
  }
  if (const Json* algs = json_member(c, "allowed_algs"); algs != nullptr && !algs->is_null()) {
    if (!algs->is_array()) return bad("allowed_algs", "must be an array of strings");
    for (const auto& a : *algs) {
      if (!a.is_string()) return bad("allowed_algs", "must be an array of strings");
      const std::string& alg = a.get_ref<const std::string&>();
      client.allowed_algs.push_back(alg);
    }
    SSOKIT_CHECK(check_allowed_algs(client.allowed_algs));
  }
  if (const Json* audiences = json_member(c, "trusted_audiences"); audiences != nullptr && !audiences->is_null()) {
    if (!audiences->is_array()) return bad("trusted_audiences", "must be an array of non-empty strings");
    for (const auto& a : *audiences) {
      if (!a.is_string() || a.get_ref<const std::string&>().empty()) {
        return bad("trusted_audiences", "must be an array of non-empty strings");
      }
      client.trusted_audiences.push_back(a.get<std::string>());
    }
  }
  return client;
}

Status check_client_config(const ClientConfig& client) {
  SSOKIT_CHECK(check_issuer(client.issuer));
  if (client.client_id.empty()) {
    return make_error(ErrorCode::invalid_argument, "client_id is empty: give the client ID the provider registered for this app");
  }
  const std::string shown = client.redirect_uri.substr(0, 200);
  auto redirect = parse_url(client.redirect_uri);
  if (client.redirect_uri.empty() || !redirect.ok() || redirect->scheme.empty()) {
    return make_error(ErrorCode::invalid_url,
                      "redirect_uri \"" + shown +
                          "\" is not an absolute URL: give it in full, as registered at the provider "
                          "(in a page: location.origin + \"/callback\")");
  }
  if ((redirect->scheme == "https" || redirect->scheme == "http") && redirect->host.empty()) {
    return make_error(ErrorCode::invalid_url, "redirect_uri \"" + shown + "\" has no host: give it in full, e.g. https://portal.example.com/callback");
  }
  if (redirect->fragment) {
    return make_error(ErrorCode::invalid_url, "redirect_uri must not have a fragment (RFC 6749 section 3.1.2): drop the \"#...\" part");
  }
  return check_allowed_algs(client.allowed_algs);
}

Json ClientConfig::to_json() const {
  Json j = Json::object();
  j.set("issuer", issuer);
  j.set("client_id", client_id);
  j.set("redirect_uri", redirect_uri);
  j.set("scope", scope);
  j.set("clock_skew", clock_skew);
  j.set("transaction_ttl", transaction_ttl);
  if (auth) j["auth"] = client_auth_name(*auth);
  // Never the private key itself: only what the core needs to build the assertion.
  if (!private_key_alg.empty()) j["private_key_alg"] = private_key_alg;
  if (!private_key_id.empty()) j["private_key_id"] = private_key_id;
  if (!client_secret.empty()) j["client_secret"] = client_secret;
  if (!allowed_algs.empty()) j["allowed_algs"] = allowed_algs;
  if (!trusted_audiences.empty()) j["trusted_audiences"] = trusted_audiences;
  if (par) j["par"] = true;
  if (dpop) j["dpop"] = true;
  return j;
}

}  // namespace ssokit
