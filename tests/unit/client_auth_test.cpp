// Client authentication in the core: each method's request shape, the client assertion's claims
// (iss = sub = client_id, aud = the issuer, a fresh 128-bit jti, exp = iat + 60 s), the HS256 of
// client_secret_jwt, the sign effect entry of private_key_jwt, and the default method from
// discovery.
#include <gtest/gtest.h>

#include <set>

#include "ssokit/base64.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/device.hpp"
#include "ssokit/oauth.hpp"

namespace ssokit {
namespace {

constexpr std::int64_t kNow = 1700000000;

ProviderMetadata provider(std::vector<std::string> methods = {}) {
  ProviderMetadata p;
  p.issuer = "https://idp.example";
  p.token_endpoint = "https://idp.example/token";
  p.revocation_endpoint = "https://idp.example/revoke";
  p.device_authorization_endpoint = "https://idp.example/device";
  p.token_endpoint_auth_methods_supported = std::move(methods);
  return p;
}

ClientConfig client(std::optional<ClientAuth> auth, bool secret, bool key) {
  ClientConfig c;
  c.issuer = "https://idp.example";
  c.client_id = "tv-app";
  if (secret) c.client_secret = "a-secret-of-more-than-thirty-two-bytes!";
  if (key) {
    c.private_key_alg = "ES256";
    c.private_key_id = "key-1";
  }
  c.auth = auth;
  return c;
}

Params form_of(const HttpRequest& r) { return form_decode(r.body).value(); }

Json part(const std::string& jwt_or_input, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = jwt_or_input.find('.', start) + 1;
  const std::size_t end = jwt_or_input.find('.', start);
  return parse_json(base64url_decode_string(jwt_or_input.substr(start, end - start)).value()).value();
}

void expect_assertion_claims(const Json& claims) {
  EXPECT_EQ(claims["iss"].get<std::string>(), "tv-app");
  EXPECT_EQ(claims["sub"].get<std::string>(), "tv-app");
  EXPECT_EQ(claims["aud"].get<std::string>(), "https://idp.example");
  EXPECT_EQ(claims["iat"].get<std::int64_t>(), kNow);
  EXPECT_EQ(claims["exp"].get<std::int64_t>(), kNow + 60);
  EXPECT_EQ(base64url_decode(claims["jti"].get<std::string>()).value().size(), 16u);  // 128 bits
}

TEST(ClientAuth, SecretMethodsPutTheSecretWhereTheyShould) {
  auto basic = refresh_request(client(ClientAuth::client_secret_basic, true, false), provider(), "rt", {}, kNow);
  ASSERT_TRUE(basic.ok());
  EXPECT_TRUE(find_param(basic->headers, "Authorization").value_or("").rfind("Basic ", 0) == 0);
  EXPECT_FALSE(find_param(form_of(*basic), "client_secret"));
  auto post = refresh_request(client(ClientAuth::client_secret_post, true, false), provider(), "rt", {}, kNow);
  ASSERT_TRUE(post.ok());
  EXPECT_FALSE(find_param(post->headers, "Authorization"));
  EXPECT_EQ(find_param(form_of(*post), "client_secret").value_or(""), "a-secret-of-more-than-thirty-two-bytes!");
  auto none = refresh_request(client(ClientAuth::none, false, false), provider(), "rt", {}, kNow);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(find_param(form_of(*none), "client_id").value_or(""), "tv-app");
  EXPECT_TRUE(none->sign.empty());
}

TEST(ClientAuth, ClientSecretJwtIsAnHs256AssertionOverTheSecret) {
  const ClientConfig c = client(ClientAuth::client_secret_jwt, true, false);
  auto r = refresh_request(c, provider(), "rt", {}, kNow);
  ASSERT_TRUE(r.ok());
  const Params form = form_of(*r);
  EXPECT_EQ(find_param(form, "client_assertion_type").value_or(""), "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  EXPECT_FALSE(find_param(form, "client_secret"));
  EXPECT_FALSE(find_param(r->headers, "Authorization"));
  const std::string jwt = find_param(form, "client_assertion").value_or("");
  EXPECT_EQ(part(jwt, 0)["alg"].get<std::string>(), "HS256");
  expect_assertion_claims(part(jwt, 1));
  const std::size_t dot = jwt.rfind('.');
  EXPECT_EQ(jwt.substr(dot + 1), base64url_encode(hmac_sha256(c.client_secret, jwt.substr(0, dot))));
  EXPECT_EQ(jwt.find(c.client_secret), std::string::npos);
}

TEST(ClientAuth, PrivateKeyJwtAsksTheHostToSignTheAssertion) {
  Transaction tx;
  tx.state = "s";
  tx.code_verifier = "v";
  tx.redirect_uri = "http://127.0.0.1/cb";
  auto r = authorization_code_request(client(ClientAuth::private_key_jwt, false, true), provider(), tx, "code", kNow);
  ASSERT_TRUE(r.ok());
  const Params form = form_of(*r);
  EXPECT_EQ(find_param(form, "client_assertion_type").value_or(""), "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  EXPECT_FALSE(find_param(form, "client_assertion"));  // the host appends it
  ASSERT_EQ(r->sign.size(), 1u);
  const SignRequest& s = r->sign[0];
  EXPECT_EQ(s.alg, "ES256");
  EXPECT_EQ(s.key, "client");
  EXPECT_EQ(s.form_field, "client_assertion");
  EXPECT_TRUE(s.header.empty());
  const Json header = part(s.input, 0);
  EXPECT_EQ(header["alg"].get<std::string>(), "ES256");
  EXPECT_EQ(header["kid"].get<std::string>(), "key-1");
  expect_assertion_claims(part(s.input, 1));
}

TEST(ClientAuth, EveryAssertionHasItsOwnJti) {
  std::set<std::string> seen;
  const ClientConfig jwt = client(ClientAuth::client_secret_jwt, true, false);
  const ClientConfig key = client(ClientAuth::private_key_jwt, false, true);
  for (int i = 0; i < 100; ++i) {
    auto a = device_token_request(jwt, provider(), "dc", kNow);
    auto b = revocation_request(key, provider(), "rt", "refresh_token", kNow);
    ASSERT_TRUE(a.ok() && b.ok());
    seen.insert(part(find_param(form_of(*a), "client_assertion").value_or(""), 1)["jti"].get<std::string>());
    seen.insert(part(b->sign.at(0).input, 1)["jti"].get<std::string>());
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(ClientAuth, AssertionsNeedTheTimeAndTheRightCredentials) {
  auto no_time = refresh_request(client(ClientAuth::client_secret_jwt, true, false), provider(), "rt");
  ASSERT_FALSE(no_time.ok());
  EXPECT_EQ(no_time.error().code, ErrorCode::invalid_argument);
  auto no_key = refresh_request(client(ClientAuth::private_key_jwt, true, false), provider(), "rt", {}, kNow);
  ASSERT_FALSE(no_key.ok());
  EXPECT_EQ(no_key.error().code, ErrorCode::invalid_argument);
  auto no_secret = device_authorization_request(client(ClientAuth::client_secret_jwt, false, true), provider(), {}, kNow);
  ASSERT_FALSE(no_secret.ok());
  EXPECT_EQ(no_secret.error().code, ErrorCode::invalid_argument);
}

TEST(ClientAuth, DefaultIsTheFirstListedMethodTheCredentialsAllow) {
  const std::vector<std::string> oidc_provider = {"client_secret_basic", "client_secret_jwt", "client_secret_post", "private_key_jwt", "none"};
  EXPECT_EQ(effective_client_auth(client({}, true, false), provider(oidc_provider)), ClientAuth::client_secret_basic);
  EXPECT_EQ(effective_client_auth(client({}, false, true), provider(oidc_provider)), ClientAuth::private_key_jwt);
  EXPECT_EQ(effective_client_auth(client({}, false, false), provider(oidc_provider)), ClientAuth::none);
  EXPECT_EQ(effective_client_auth(client({}, true, true), provider({"private_key_jwt", "client_secret_post"})), ClientAuth::private_key_jwt);
  EXPECT_EQ(effective_client_auth(client({}, true, false), provider({"tls_client_auth", "client_secret_post"})), ClientAuth::client_secret_post);
  // No list, or nothing in it fits: the OIDC Discovery default for the credentials.
  EXPECT_EQ(effective_client_auth(client({}, true, false), provider()), ClientAuth::client_secret_basic);
  EXPECT_EQ(effective_client_auth(client({}, false, true), provider({"tls_client_auth"})), ClientAuth::private_key_jwt);
  EXPECT_EQ(effective_client_auth(client({}, false, false), provider({"client_secret_basic"})), ClientAuth::none);
  // A configured method wins, listed or not.
  EXPECT_EQ(effective_client_auth(client(ClientAuth::client_secret_post, true, false), provider({"client_secret_basic"})), ClientAuth::client_secret_post);
  // Revocation: its own list first, else the token endpoint's.
  ProviderMetadata p = provider({"client_secret_basic"});
  p.revocation_endpoint_auth_methods_supported = {"client_secret_jwt"};
  EXPECT_EQ(effective_client_auth(client({}, true, false), p, /*revocation=*/true), ClientAuth::client_secret_jwt);
  EXPECT_EQ(effective_client_auth(client({}, true, false), p, /*revocation=*/false), ClientAuth::client_secret_basic);
  auto revoke = revocation_request(client({}, true, false), p, "rt", "refresh_token", kNow);
  ASSERT_TRUE(revoke.ok());
  EXPECT_TRUE(find_param(form_of(*revoke), "client_assertion"));
}

TEST(ClientAuth, ConfigNamesAreCheckedAndTheKeyNeverSerialized) {
  for (const char* name : {"none", "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"}) {
    auto parsed = parse_client_auth(name);
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_EQ(client_auth_name(parsed.value()), name);
  }
  Json config = {{"issuer", "https://idp.example"}, {"client_id", "tv-app"}, {"auth", "client_secret_magic"}};
  EXPECT_EQ(ClientConfig::from_json(config).error().code, ErrorCode::invalid_argument);
  config["auth"] = "private_key_jwt";
  config["private_key_alg"] = "HS256";
  EXPECT_EQ(ClientConfig::from_json(config).error().code, ErrorCode::invalid_argument);
  config["private_key_alg"] = "PS256";
  config["private_key"] = "-----BEGIN PRIVATE KEY-----\nTUlJ\n-----END PRIVATE KEY-----\n";
  config["private_key_id"] = "k1";
  auto c = ClientConfig::from_json(config);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->private_key_alg, "PS256");
  const std::string dumped = dump_json(c->to_json());
  EXPECT_EQ(dumped.find("PRIVATE KEY"), std::string::npos);
  EXPECT_NE(dumped.find("\"private_key_alg\":\"PS256\""), std::string::npos);
  auto back = ClientConfig::from_json(c->to_json());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->auth, ClientAuth::private_key_jwt);
  EXPECT_EQ(back->private_key_id, "k1");
}

}  // namespace
}  // namespace ssokit
