// Client authentication at the token, revocation and device endpoints (RFC 6749 2.3, RFC 7523,
// OIDC Core 9): none, client_secret_basic, client_secret_post, client_secret_jwt (HS256 here) and
// private_key_jwt (the host signs: the sign effect). Native, Node's server build and the C API;
// the page build links client_auth_public.cpp instead.
#include "oauth_internal.hpp"
#include "ssokit/base64.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/random.hpp"

namespace ssokit {
namespace {

constexpr const char* kClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// The client assertion (RFC 7523 section 3, OIDC Core 9): iss = sub = client_id, aud = the
// issuer identifier (RFC 7523bis: one audience value no other server shares, which closes the
// 2025 audience-injection problem; oidc-provider and the large providers accept it), a 128-bit
// random jti (single use), iat and exp = iat + 60 s.
Result<std::string> assertion_payload(const ClientConfig& client, const ProviderMetadata& provider, std::int64_t now) {
  if (now <= 0) {
    return make_error(ErrorCode::invalid_argument, "a client assertion needs the current time (pass now to the request builder)");
  }
  if (provider.issuer.empty()) return make_error(ErrorCode::invalid_argument, "the provider metadata has no issuer for the assertion's audience");
  SSOKIT_TRY(std::string jti, random_token(system_random(), 16));
  Json claims = Json::object();
  claims.set("iss", client.client_id);
  claims.set("sub", client.client_id);
  claims.set("aud", provider.issuer);
  claims.set("jti", jti);
  claims.set("iat", now);
  claims.set("exp", now + kClientAssertionLifetime);
  return base64url_encode(dump_json(claims));
}

}  // namespace

namespace detail {

Status apply_client_auth(const ClientConfig& client, ClientAuth auth, const ProviderMetadata& provider,
                         std::int64_t now, Params& form, HttpRequest& request) {
  const std::string name = client_auth_name(auth);
  if (!credentials_allow(client, auth) && auth != ClientAuth::none) {
    return make_error(ErrorCode::invalid_argument,
                      auth == ClientAuth::private_key_jwt
                          ? "private_key_jwt needs a private key (--private-key FILE or SSOKIT_PRIVATE_KEY)"
                          : name + " needs a client secret (SSOKIT_CLIENT_SECRET)");
  }
  switch (auth) {
    case ClientAuth::none:
      form.emplace_back("client_id", client.client_id);
      return {};
    case ClientAuth::client_secret_post:
      form.emplace_back("client_id", client.client_id);
      form.emplace_back("client_secret", client.client_secret);
      return {};
    case ClientAuth::client_secret_basic: {
      // RFC 6749 2.3.1: both parts form-urlencoded before base64.
      std::string id = form_encode({{"", client.client_id}}).substr(1);
      std::string secret = form_encode({{"", client.client_secret}}).substr(1);
      request.headers.emplace_back("Authorization", "Basic " + base64_encode(id + ":" + secret));
      return {};
    }
    case ClientAuth::client_secret_jwt: {
      // HS256 computed here: the core already holds the secret, so no host key is involved and
      // every build (native, WebAssembly) makes the same assertion.
      SSOKIT_TRY(std::string payload, assertion_payload(client, provider, now));
      const std::string input = base64url_encode(std::string(R"({"alg":"HS256","typ":"JWT"})")) + "." + payload;
      form.emplace_back("client_id", client.client_id);
      form.emplace_back("client_assertion_type", kClientAssertionType);
      form.emplace_back("client_assertion", input + "." + base64url_encode(hmac_sha256(client.client_secret, input)));
      return {};
    }
    case ClientAuth::private_key_jwt: {
      const std::string& alg = client.private_key_alg;
      if (alg != "RS256" && alg != "PS256" && alg != "ES256") {
        return make_error(ErrorCode::invalid_argument, "private_key_alg must be RS256, PS256 or ES256");
      }
      SSOKIT_TRY(std::string payload, assertion_payload(client, provider, now));
      Json header = Json::object();
      header.set("alg", alg);
      header.set("typ", "JWT");
      if (!client.private_key_id.empty()) header["kid"] = client.private_key_id;
      form.emplace_back("client_id", client.client_id);
      form.emplace_back("client_assertion_type", kClientAssertionType);
      // The host signs with its "client" key and appends client_assertion (the sign effect).
      request.sign.push_back(SignRequest{alg, "client", base64url_encode(dump_json(header)) + "." + payload, "", "client_assertion"});
      return {};
    }
  }
  return make_error(ErrorCode::invalid_argument, "unknown client authentication method");
}

}  // namespace detail
}  // namespace ssokit
