// What the hostile provider suite (tests/idp/hostile) found, pinned at the unit level: endpoints
// and verification URIs on plain http to remote hosts, ID tokens typed as another kind of JWT,
// and at_hash that does not match the access token it came with.
#include <gtest/gtest.h>

#include "ssokit/base64.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/device.hpp"
#include "ssokit/id_token.hpp"
#include "ssokit/oauth.hpp"
#include "ssokit/random.hpp"
#include "ssokit/session.hpp"

namespace ssokit {
namespace {

constexpr const char* kIssuer = "https://id.example.com";
constexpr const char* kSecret = "a-confidential-client-secret-of-32-bytes";
constexpr std::int64_t kNow = 1700000000;

std::string b64(const std::string& s) { return base64url_encode(s); }

// An HS256 ID token (verified with the client secret, so no JWKS is needed).
std::string mint(const Json& header, const Json& claims) {
  const std::string input = b64(header.dump()) + "." + b64(claims.dump());
  return input + "." + base64url_encode(hmac_sha256(kSecret, input));
}

Json claims() {
  return {{"iss", kIssuer}, {"sub", "user-1"}, {"aud", "app"}, {"iat", kNow}, {"exp", kNow + 300}};
}

IdTokenExpectations expectations() {
  IdTokenExpectations e;
  e.issuer = kIssuer;
  e.client_id = "app";
  e.now = kNow;
  e.client_secret = kSecret;
  return e;
}

std::string at_hash_of(const std::string& access_token) {
  const Bytes digest = hash(HashAlg::sha256, access_token);
  return base64url_encode(digest.data(), digest.size() / 2);
}

Json discovery_document() {
  const std::string base = kIssuer;
  return {{"issuer", kIssuer},
          {"authorization_endpoint", base + "/authorize"},
          {"token_endpoint", base + "/token"},
          {"userinfo_endpoint", base + "/userinfo"},
          {"jwks_uri", base + "/jwks"}};
}

HttpResponse answer(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = body;
  return r;
}

// ---- discovery ----

TEST(HostileDiscovery, EndpointsMustBeHttpsOrLoopback) {
  for (const char* field : {"authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri",
                            "end_session_endpoint", "revocation_endpoint", "device_authorization_endpoint"}) {
    Json doc = discovery_document();
    doc[field] = "http://example.invalid/x";
    auto m = ProviderMetadata::from_json(doc);
    ASSERT_FALSE(m.ok()) << field;
    EXPECT_EQ(m.error().code, ErrorCode::discovery_failed) << field;
    EXPECT_NE(m.error().message.find(field), std::string::npos);
  }
  // Another https origin is fine (providers split token and key hosts), and so is plain http to
  // a loopback host (development providers).
  for (const char* ok : {"https://tokens.example.net/token", "http://127.0.0.1:9/token", "http://127.5.6.7/token",
                         "http://localhost:8080/token", "http://[::1]:8080/token"}) {
    Json doc = discovery_document();
    doc["token_endpoint"] = ok;
    EXPECT_TRUE(ProviderMetadata::from_json(doc).ok()) << ok;
  }
  for (const char* bad : {"http://127.0.0.1.example.com/token", "http://localhost.example.com/token", "http://128.0.0.1/token"}) {
    Json doc = discovery_document();
    doc["token_endpoint"] = bad;
    EXPECT_EQ(ProviderMetadata::from_json(doc).error().code, ErrorCode::discovery_failed) << bad;
  }
}

TEST(HostileDiscovery, IssuerMustBeHttpsOrLoopback) {
  EXPECT_EQ(discovery_request("http://id.example.com").error().code, ErrorCode::invalid_url);
  EXPECT_EQ(oauth_metadata_request("http://id.example.com").error().code, ErrorCode::invalid_url);
  EXPECT_TRUE(discovery_request("https://id.example.com").ok());
  EXPECT_TRUE(discovery_request("http://127.0.0.1:4000/tenant").ok());
  EXPECT_TRUE(discovery_request("http://localhost:4000").ok());
}

// ---- device authorization ----

TEST(HostileDevice, VerificationUriMustBeHttpsOrLoopback) {
  const std::string base = R"({"device_code":"D","user_code":"U","expires_in":60,"verification_uri":)";
  auto remote = process_device_authorization_response(answer(200, base + R"("http://example.invalid/activate"})"), kNow);
  ASSERT_FALSE(remote.ok());
  EXPECT_EQ(remote.error().code, ErrorCode::invalid_response);
  auto complete = process_device_authorization_response(
      answer(200, base + R"("https://id.example.com/activate","verification_uri_complete":"http://example.invalid/a?c=U"})"),
      kNow);
  EXPECT_EQ(complete.error().code, ErrorCode::invalid_response);
  EXPECT_TRUE(process_device_authorization_response(answer(200, base + R"("http://127.0.0.1:9/activate"})"), kNow).ok());
  EXPECT_TRUE(process_device_authorization_response(answer(200, base + R"("https://id.example.com/activate"})"), kNow).ok());
}

// ---- ID token: typ ----

TEST(HostileIdToken, TypOfAnotherKindOfJwtIsRefused) {
  Jwks none = Jwks::parse({{"keys", Json::array()}}).value();
  for (const char* typ : {"at+jwt", "application/at+JWT", "logout+jwt", "secevent+jwt"}) {
    auto r = validate_id_token(mint({{"alg", "HS256"}, {"typ", typ}}, claims()), none, expectations(), verify_signature);
    ASSERT_FALSE(r.ok()) << typ;
    EXPECT_EQ(r.error().code, ErrorCode::id_token_malformed) << typ;
  }
  auto not_string = validate_id_token(mint({{"alg", "HS256"}, {"typ", 1}}, claims()), none, expectations(), verify_signature);
  EXPECT_EQ(not_string.error().code, ErrorCode::id_token_malformed);
  for (const char* typ : {"JWT", "jwt", "application/jwt"}) {
    EXPECT_TRUE(validate_id_token(mint({{"alg", "HS256"}, {"typ", typ}}, claims()), none, expectations(), verify_signature).ok()) << typ;
  }
  EXPECT_TRUE(validate_id_token(mint({{"alg", "HS256"}}, claims()), none, expectations(), verify_signature).ok());
}

// ---- ID token: at_hash ----

TEST(HostileIdToken, AtHashMustMatchTheAccessToken) {
  Jwks none = Jwks::parse({{"keys", Json::array()}}).value();
  const std::string access = "the-access-token";
  Json with_hash = claims();
  with_hash["at_hash"] = at_hash_of(access);
  IdTokenExpectations e = expectations();
  e.access_token = access;
  EXPECT_TRUE(validate_id_token(mint({{"alg", "HS256"}}, with_hash), none, e, verify_signature).ok());

  e.access_token = "another-access-token";
  auto wrong = validate_id_token(mint({{"alg", "HS256"}}, with_hash), none, e, verify_signature);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::invalid_response);
  EXPECT_EQ(wrong.error().message.find("another-access-token"), std::string::npos);  // no token in messages

  Json not_string = claims();
  not_string["at_hash"] = 7;
  e.access_token = access;
  EXPECT_EQ(validate_id_token(mint({{"alg", "HS256"}}, not_string), none, e, verify_signature).error().code, ErrorCode::invalid_response);
  // No at_hash: optional in the code flow. No access token to compare with: nothing to check.
  EXPECT_TRUE(validate_id_token(mint({{"alg", "HS256"}}, claims()), none, e, verify_signature).ok());
  EXPECT_TRUE(validate_id_token(mint({{"alg", "HS256"}}, with_hash), none, expectations(), verify_signature).ok());
}

// The sign-in flow hands the token response's access token to the at_hash check.
TEST(HostileIdToken, SigninFlowChecksAtHash) {
  auto random = CtrDrbgRandom::from_seed(Bytes(32, 7)).value();
  ClientConfig client;
  client.issuer = kIssuer;
  client.client_id = "app";
  client.client_secret = kSecret;
  client.auth = ClientAuth::client_secret_basic;
  client.redirect_uri = "http://127.0.0.1:9/callback";
  const ProviderMetadata provider = ProviderMetadata::from_json(discovery_document()).value();
  SignInOptions options;
  options.fetch_userinfo = false;

  for (const bool matching : {true, false}) {
    auto request = build_authorization_request(client, provider, {}, *random, kNow).value();
    const std::string callback = "http://127.0.0.1:9/callback?code=C&iss=" + percent_encode(kIssuer) +
                                 "&state=" + request.transaction.state;
    auto first = signin_flow(client, provider, request.transaction, callback, options, kNow);
    ASSERT_TRUE(first.ok()) << first.error().to_string();
    Json id_claims = claims();
    id_claims["nonce"] = request.transaction.nonce;
    id_claims["at_hash"] = at_hash_of(matching ? "AT" : "another");
    const Json body = {{"access_token", "AT"}, {"token_type", "Bearer"}, {"id_token", mint({{"alg", "HS256"}}, id_claims)}};
    auto step = flow_step(first->state, answer(200, body.dump()), kNow);
    ASSERT_TRUE(step.ok() && step->verify) << "the flow asks its host to verify the signature";
    step = flow_verified(step->state, verify_signature(*step->verify), kNow);
    if (matching) {
      ASSERT_TRUE(step.ok()) << step.error().to_string();
      EXPECT_TRUE(step->result.has_value());
    } else {
      ASSERT_FALSE(step.ok()) << "a mismatching at_hash passed the sign-in flow";
      EXPECT_EQ(step.error().code, ErrorCode::invalid_response);
    }
  }
}

}  // namespace
}  // namespace ssokit
