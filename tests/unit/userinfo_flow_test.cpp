// The signed user-info response inside a flow (the device flow: no browser step): a second verify
// effect after the ID token's, its key from the JWKS with the flow's refetch rule (one fresh fetch
// for an unknown kid unless one happened within the interval), fetch_userinfo = false, and
// trusted_audiences on the client. Tokens, user-info JWTs and the JWKS come from
// tests/cases/claims.json (generated, real signatures); the verifier is mbedTLS.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ssokit/device.hpp"
#include "ssokit/session.hpp"

namespace ssokit {
namespace {

constexpr std::int64_t kNow = 1700000000;  // the cases' now
const char* const kIssuer = "https://idp.example.com";

const Json& claims_cases() {
  static const Json doc = [] {
    std::ifstream in(std::string(SSOKIT_CASES_DIR) + "/claims.json");
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = parse_json_object(text.str());
    EXPECT_TRUE(parsed.ok()) << "tests/cases/claims.json";
    return parsed.ok() ? parsed.value() : Json::object();
  }();
  return doc;
}

const Json& case_named(const std::string& name) {
  for (const auto& c : claims_cases()["cases"]) {
    if (c["name"] == name) return c;
  }
  ADD_FAILURE() << "no case " << name;
  static const Json kNull;
  return kNull;
}

// The JWKS of the cases without the key of `kid`: what a client cached before it was published.
Json jwks_without(const std::string& kid) {
  Json keys = Json::array();
  for (const auto& k : case_named("signed user-info ES256")["params"]["jwks"]["keys"]) {
    if (k["kid"] != kid) keys.push_back(k);
  }
  return Json{{"keys", keys}};
}

struct FlowRun {
  Result<Json> result = make_error(ErrorCode::internal_error, "not run");
  int jwks_fetches = 0;
  int userinfo_requests = 0;
  int verifications = 0;
};

// A device sign-in whose token response carries `id_token` and whose user-info endpoint answers
// `userinfo_jwt` as application/jwt.
FlowRun device_sign_in(const std::string& id_token, const std::string& userinfo_jwt, SignInOptions options,
                   std::vector<std::string> trusted = {}) {
  ClientConfig client;
  client.issuer = kIssuer;
  client.client_id = "portal-client";
  client.scope = "openid";
  client.trusted_audiences = std::move(trusted);
  auto provider = ProviderMetadata::from_json(Json{{"issuer", kIssuer},
                                                   {"authorization_endpoint", std::string(kIssuer) + "/authorize"},
                                                   {"token_endpoint", std::string(kIssuer) + "/token"},
                                                   {"userinfo_endpoint", std::string(kIssuer) + "/me"},
                                                   {"jwks_uri", std::string(kIssuer) + "/jwks"},
                                                   {"response_types_supported", {"code"}}});
  EXPECT_TRUE(provider.ok());
  DeviceAuthorization device;
  device.device_code = "dc-1";
  device.user_code = "ABCD-EFGH";
  device.verification_uri = std::string(kIssuer) + "/device";
  device.expires_in = 600;
  device.interval = 5;
  device.expires_at = kNow + 600;

  FlowRun run;
  auto step = device_flow(client, provider.value(), device, options, kNow);
  for (int i = 0; i < 10 && step.ok() && !step->result; ++i) {
    if (step->verify) {
      ++run.verifications;
      step = flow_verified(step->state, verify_signature(*step->verify), kNow);
      continue;
    }
    HttpResponse response;
    response.status = 200;
    response.headers = {{"Content-Type", "application/json"}};
    const std::string& url = step->request->url;
    if (url == provider->jwks_uri) {
      ++run.jwks_fetches;
      response.body = case_named("signed user-info ES256")["params"]["jwks"].dump();
    } else if (url == provider->userinfo_endpoint) {
      ++run.userinfo_requests;
      response.headers = {{"Content-Type", "application/jwt; charset=utf-8"}};
      response.body = userinfo_jwt;
    } else {
      response.body = Json{{"access_token", "at-1"}, {"token_type", "Bearer"}, {"expires_in", 300},
                           {"scope", "openid"}, {"id_token", id_token}}
                          .dump();
    }
    step = flow_step(step->state, response, kNow);
  }
  if (!step.ok()) {
    run.result = step.take_error();
  } else if (step->result) {
    run.result = *step->result;
  }
  return run;
}

std::string id_token() { return case_named("aud [client] alone needs no trust")["params"]["id_token"].get<std::string>(); }
std::string userinfo_es256() {
  return case_named("signed user-info ES256")["params"]["response"]["body"].get<std::string>();
}

SignInOptions cached(const Json& jwks, std::int64_t unknown_kid_ago) {
  SignInOptions o;
  o.jwks = jwks;
  o.jwks_fetched_at = kNow - 10;
  o.jwks_unknown_kid_at = unknown_kid_ago < 0 ? 0 : kNow - unknown_kid_ago;
  return o;
}

TEST(SignedUserinfoFlow, VerifiedWithTheCachedKeysAfterTheIdToken) {
  FlowRun run = device_sign_in(id_token(), userinfo_es256(), cached(case_named("signed user-info ES256")["params"]["jwks"], -1));
  ASSERT_TRUE(run.result.ok()) << run.result.error().to_string();
  EXPECT_EQ(run.jwks_fetches, 0);
  EXPECT_EQ(run.verifications, 2) << "the ID token's signature, then the user-info's";
  EXPECT_EQ(run.result.value()["session"]["userinfo"]["email"], "viewer@example.com");
  EXPECT_EQ(run.result.value()["session"]["userinfo"]["sub"], "user-42");
}

TEST(SignedUserinfoFlow, AnUnknownKidInTheUserinfoFetchesTheKeysOnce) {
  // The cache has the RSA key of the ID token but not the EC key of the user-info response.
  FlowRun run = device_sign_in(id_token(), userinfo_es256(), cached(jwks_without("ec-256"), -1));
  ASSERT_TRUE(run.result.ok()) << run.result.error().to_string();
  EXPECT_EQ(run.jwks_fetches, 1);
  EXPECT_EQ(run.result.value()["jwks_unknown_kid_at"], kNow) << "the next flow knows a fetch for an unknown kid happened";
  EXPECT_EQ(run.result.value()["session"]["userinfo"]["email"], "viewer@example.com");
}

TEST(SignedUserinfoFlow, NoSecondFetchForAnUnknownKidWithinTheInterval) {
  FlowRun run = device_sign_in(id_token(), userinfo_es256(), cached(jwks_without("ec-256"), 10));
  ASSERT_FALSE(run.result.ok());
  EXPECT_EQ(run.jwks_fetches, 0);
  EXPECT_EQ(run.result.error().code, ErrorCode::invalid_response);
  EXPECT_EQ(run.result.error().details["reason"], "key_not_found");
}

TEST(SignedUserinfoFlow, WithoutCachedKeysOneFetchServesBothTokens) {
  FlowRun run = device_sign_in(id_token(), userinfo_es256(), SignInOptions{});
  ASSERT_TRUE(run.result.ok()) << run.result.error().to_string();
  EXPECT_EQ(run.jwks_fetches, 1);
  EXPECT_EQ(run.verifications, 2);
}

TEST(SignedUserinfoFlow, ASpoiltSignatureIsInvalidResponse) {
  std::string jwt = userinfo_es256();
  char& first = jwt[jwt.rfind('.') + 1];  // the signature's first character: all six bits count
  first = first == 'A' ? 'B' : 'A';
  FlowRun run = device_sign_in(id_token(), jwt, SignInOptions{});
  ASSERT_FALSE(run.result.ok());
  EXPECT_EQ(run.result.error().code, ErrorCode::invalid_response);
  EXPECT_EQ(run.result.error().details["reason"], "signature_invalid");
}

TEST(SignedUserinfoFlow, AboutAnotherSubjectIsUserinfoSubMismatch) {
  const std::string other = case_named("signed user-info about another subject")["params"]["response"]["body"].get<std::string>();
  FlowRun run = device_sign_in(id_token(), other, SignInOptions{});
  ASSERT_FALSE(run.result.ok());
  EXPECT_EQ(run.result.error().code, ErrorCode::userinfo_sub_mismatch);
}

TEST(SignedUserinfoFlow, FetchUserinfoFalseSendsNoUserinfoRequest) {
  SignInOptions options;
  options.fetch_userinfo = false;
  FlowRun run = device_sign_in(id_token(), userinfo_es256(), options);
  ASSERT_TRUE(run.result.ok()) << run.result.error().to_string();
  EXPECT_EQ(run.userinfo_requests, 0);
  EXPECT_EQ(run.result.value()["session"]["userinfo"], Json::object());
}

TEST(TrustedAudiences, AnUntrustedExtraAudienceFailsTheFlowAndATrustedOnePasses) {
  const std::string two = case_named("aud [client, other-rp] with azp = client: the other audience is not trusted")["params"]["id_token"].get<std::string>();
  SignInOptions options;
  options.fetch_userinfo = false;
  FlowRun refused = device_sign_in(two, "", options);
  ASSERT_FALSE(refused.result.ok());
  EXPECT_EQ(refused.result.error().code, ErrorCode::id_token_aud_mismatch);
  EXPECT_EQ(refused.result.error().details["untrusted"], "other-rp");
  FlowRun trusted = device_sign_in(two, "", options, {"other-rp"});
  ASSERT_TRUE(trusted.result.ok()) << trusted.result.error().to_string();
}

}  // namespace
}  // namespace ssokit
