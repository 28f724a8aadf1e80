// Key rotation and refresh outcomes, decided by the core's refresh flow: an ID token whose kid
// the cached JWKS lacks allows one fresh JWKS fetch unless a fetch for an unknown kid happened
// within the interval (a flow's first fetch never counts); a refresh whose response cannot be
// validated ends the session (login_required, the cause kept). Real RS256 tokens and keys from
// bench/fixtures/id-tokens.json; the provider's answers are scripted, the verifier is mbedTLS.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ssokit/session.hpp"

namespace ssokit {
namespace {

const Json& fixtures() {
  static const Json f = [] {
    std::ifstream in(SSOKIT_TOKEN_FIXTURES);
    std::stringstream text;
    text << in.rdbuf();
    auto doc = parse_json_object(text.str());
    EXPECT_TRUE(doc.ok()) << "bench/fixtures/id-tokens.json";
    return doc.ok() ? doc.value() : Json::object();
  }();
  return f;
}

std::int64_t now() { return fixtures()["now"].get<std::int64_t>(); }
std::string issuer() { return fixtures()["issuer"].get<std::string>(); }

// The fixture's JWKS without the key that signed the RS256 token (kid "rsa"): what a client
// cached before the provider published it.
Json keys_without_rsa() {
  Json keys = Json::array();
  for (const auto& k : fixtures()["jwks"]["keys"]) {
    if (k["kid"] != "rsa") keys.push_back(k);
  }
  return Json{{"keys", keys}};
}

ProviderMetadata metadata() {
  auto m = ProviderMetadata::from_json(Json{{"issuer", issuer()},
                                            {"authorization_endpoint", issuer() + "/authorize"},
                                            {"token_endpoint", issuer() + "/token"},
                                            {"jwks_uri", issuer() + "/jwks"},
                                            {"response_types_supported", {"code"}}});
  EXPECT_TRUE(m.ok()) << m.error().to_string();
  return m.ok() ? m.value() : ProviderMetadata{};
}

struct Outcome {
  Result<Json> result = make_error(ErrorCode::internal_error, "not run");
  int jwks_fetches = 0;
};

// Refreshes a session whose provider answers with the fixture's RS256 ID token; its JWKS
// endpoint answers `published` in turn (the last one from then on).
Outcome refresh(const SignInOptions& options, const std::vector<Json>& published) {
  ClientConfig client;
  client.issuer = issuer();
  client.client_id = fixtures()["client_id"].get<std::string>();
  client.redirect_uri = "http://127.0.0.1:9/callback";
  const ProviderMetadata provider = metadata();
  Session session;
  session.tokens.token_type = "Bearer";
  session.tokens.access_token = "at-1";
  session.tokens.refresh_token = "rt-1";
  session.claims = {{"iss", issuer()}, {"sub", "bench-user"}, {"aud", client.client_id}};

  Outcome out;
  auto step = refresh_flow(client, provider, session, options, now());
  for (int i = 0; i < 8 && step.ok() && !step->result; ++i) {
    if (step->verify) {
      step = flow_verified(step->state, verify_signature(*step->verify), now());
      continue;
    }
    HttpResponse response;
    response.status = 200;
    response.headers = {{"Content-Type", "application/json"}};
    if (step->request->url == provider.jwks_uri) {
      response.body = published[std::min<std::size_t>(out.jwks_fetches++, published.size() - 1)].dump();
    } else {
      response.body = Json{{"access_token", "at-2"}, {"token_type", "Bearer"}, {"expires_in", 300},
                           {"refresh_token", "rt-2"}, {"id_token", fixtures()["tokens"]["RS256"]}}
                          .dump();
    }
    step = flow_step(step->state, response, now());
  }
  if (!step.ok()) {
    out.result = step.take_error();
  } else if (step->result) {
    out.result = *step->result;
  }
  return out;
}

SignInOptions cached(std::int64_t fetched_ago, std::int64_t unknown_kid_ago) {
  SignInOptions o;
  o.jwks = keys_without_rsa();
  o.jwks_fetched_at = now() - fetched_ago;
  o.jwks_unknown_kid_at = unknown_kid_ago < 0 ? 0 : now() - unknown_kid_ago;
  return o;
}

TEST(KeyRotation, ALongLivedClientFetchesOnceForANewKidSoonAfterItsLastFetch) {
  // The keys were fetched 10 s ago (the sign-in), under the 60 s interval: that fetch did not
  // look for an unknown kid, so it does not count.
  Outcome o = refresh(cached(10, -1), {fixtures()["jwks"]});
  ASSERT_TRUE(o.result.ok()) << o.result.error().to_string();
  EXPECT_EQ(o.jwks_fetches, 1);
  EXPECT_EQ(o.result.value()["jwks_unknown_kid_at"], now());
  EXPECT_EQ(o.result.value()["session"]["tokens"]["refresh_token"], "rt-2") << "the rotated refresh token is kept";
}

TEST(KeyRotation, NoSecondFetchForAnUnknownKidWithinTheInterval) {
  Outcome o = refresh(cached(10, 10), {fixtures()["jwks"]});
  ASSERT_FALSE(o.result.ok());
  EXPECT_EQ(o.jwks_fetches, 0);
  // The refresh token was spent: the session ends, the cause is kept.
  EXPECT_EQ(o.result.error().code, ErrorCode::login_required);
  EXPECT_EQ(json_string(o.result.error().details, "cause"), std::optional<std::string>("id_token_key_not_found"));
}

TEST(KeyRotation, AFetchForAnUnknownKidAfterTheIntervalIsAllowed) {
  Outcome o = refresh(cached(120, 61), {fixtures()["jwks"]});
  ASSERT_TRUE(o.result.ok()) << o.result.error().to_string();
  EXPECT_EQ(o.jwks_fetches, 1);
}

TEST(KeyRotation, AFreshClientWhoseFirstFetchLacksTheKidFetchesOnceMore) {
  Outcome o = refresh(SignInOptions{}, {keys_without_rsa(), fixtures()["jwks"]});
  ASSERT_TRUE(o.result.ok()) << o.result.error().to_string();
  EXPECT_EQ(o.jwks_fetches, 2);
}

TEST(KeyRotation, AKidNeverPublishedStopsAfterOneRefetchAndEndsTheSession) {
  Outcome o = refresh(SignInOptions{}, {keys_without_rsa()});
  ASSERT_FALSE(o.result.ok());
  EXPECT_EQ(o.jwks_fetches, 2);
  EXPECT_EQ(o.result.error().code, ErrorCode::login_required);
}

TEST(RefreshOutcome, AFailureBeforeTheProviderAnsweredKeepsTheSession) {
  // HTTP 500 from the token endpoint: transient, refresh_failed (drivers keep the session).
  SignInOptions o;
  ClientConfig client;
  client.issuer = issuer();
  client.client_id = "bench-client";
  const ProviderMetadata provider = metadata();
  Session session;
  session.tokens.access_token = "at-1";
  session.tokens.refresh_token = "rt-1";
  auto step = refresh_flow(client, provider, session, o, now());
  ASSERT_TRUE(step.ok());
  HttpResponse response;
  response.status = 500;
  response.body = "busy";
  auto next = flow_step(step->state, response, now());
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().code, ErrorCode::refresh_failed);
}

}  // namespace
}  // namespace ssokit
