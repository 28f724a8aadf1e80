// Checks behind SECURITY.md's client checklists (RFC 9700, RFC 8252) that no other suite made
// on its own: TLS to the provider, fresh S256 PKCE/state/nonce per request, code flow only,
// per-issuer transactions, access tokens only in headers, token requests never retried, a
// refreshed ID token about another subject, private-use redirect URIs, redacted strings.
#include <gtest/gtest.h>

#include "api.hpp"
#include "hs256_tokens.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/oauth.hpp"
#include "ssokit/pkce.hpp"
#include "ssokit/profile.hpp"
#include "ssokit/session.hpp"

namespace ssokit {
namespace {

constexpr const char* kIssuer = "https://id.example.com";
using namespace hs256_tokens;  // kSecret, b64, mint, json_answer
constexpr std::int64_t kNow = 1'800'000'000;

Json metadata_document(const std::string& issuer) {
  return {{"issuer", issuer},
          {"authorization_endpoint", issuer + "/authorize"},
          {"token_endpoint", issuer + "/token"},
          {"userinfo_endpoint", issuer + "/userinfo"},
          {"jwks_uri", issuer + "/jwks"},
          {"authorization_response_iss_parameter_supported", true}};
}

ProviderMetadata provider(const std::string& issuer = kIssuer) {
  return ProviderMetadata::from_json(metadata_document(issuer)).value();
}

ClientConfig client(const std::string& redirect_uri = "http://127.0.0.1:8765/callback") {
  ClientConfig c;
  c.issuer = kIssuer;
  c.client_id = "portal";
  c.client_secret = kSecret;
  c.auth = ClientAuth::client_secret_basic;
  c.redirect_uri = redirect_uri;
  return c;
}

RandomSource& random() {
  static auto r = CtrDrbgRandom::from_seed(Bytes(32, 9));
  return *r.value();
}

Params query_of(const std::string& url) { return query_params(parse_url(url).value()).value(); }

int count_param(const Params& params, std::string_view name) {
  int n = 0;
  for (const auto& p : params) n += p.first == name ? 1 : 0;
  return n;
}

// RFC 9700 2.6 / RFC 6749 1.6: codes, tokens and client secrets never cross the network in clear.
TEST(SecurityTls, PlainHttpIssuerOnlyOnLoopback) {
  for (const char* issuer : {"http://id.example.com", "http://10.0.0.7:8080/realm", "http://127.0.0.1.example.com",
                             "http://localhost.example.com", "http://128.0.0.1"}) {
    auto request = discovery_request(issuer);
    ASSERT_FALSE(request.ok()) << issuer;
    EXPECT_EQ(request.error().code, ErrorCode::invalid_url) << issuer;
    auto rfc8414 = oauth_metadata_request(issuer);
    ASSERT_FALSE(rfc8414.ok()) << issuer;
    EXPECT_EQ(rfc8414.error().code, ErrorCode::invalid_url) << issuer;
  }
  for (const char* issuer : {"https://id.example.com", "http://127.0.0.1:4000", "http://127.8.9.10/tenant",
                             "http://localhost:4000", "http://[::1]:4000"}) {
    EXPECT_TRUE(discovery_request(issuer).ok()) << issuer;
  }
}

TEST(SecurityTls, PlainHttpEndpointsOfAProviderAreRefused) {
  const char* fields[] = {"authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri",
                          "end_session_endpoint", "revocation_endpoint", "device_authorization_endpoint"};
  for (const char* field : fields) {
    Json doc = metadata_document(kIssuer);
    doc[field] = "http://id.example.com/endpoint";
    auto metadata = process_discovery_response(kIssuer, json_answer(200, doc));
    ASSERT_FALSE(metadata.ok()) << field;
    EXPECT_EQ(metadata.error().code, ErrorCode::discovery_failed) << field;
    EXPECT_NE(metadata.error().message.find(field), std::string::npos) << metadata.error().message;
  }
  // Loopback test providers keep working.
  const std::string local = "http://127.0.0.1:4000";
  EXPECT_TRUE(process_discovery_response(local, json_answer(200, metadata_document(local))).ok());
}

// RFC 9700 2.1.1, RFC 7636: S256 for every client (public and confidential), values bound to one
// transaction; RFC 9700 2.1: state for CSRF; OIDC nonce.
TEST(SecurityAuthorize, EveryRequestHasItsOwnS256PkceStateAndNonce) {
  auto first = build_authorization_request(client(), provider(), {}, random(), kNow);
  auto second = build_authorization_request(client(), provider(), {}, random(), kNow);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  for (const auto* request : {&first.value(), &second.value()}) {
    const Params q = query_of(request->url);
    const Transaction& tx = request->transaction;
    EXPECT_EQ(find_param(q, "code_challenge_method"), std::optional<std::string>("S256"));
    EXPECT_EQ(find_param(q, "code_challenge"), std::optional<std::string>(base64url_encode(sha256(tx.code_verifier))));
    EXPECT_EQ(find_param(q, "code_verifier"), std::nullopt) << "the verifier never leaves the client before the token request";
    EXPECT_EQ(find_param(q, "state"), std::optional<std::string>(tx.state));
    EXPECT_EQ(find_param(q, "nonce"), std::optional<std::string>(tx.nonce));
    EXPECT_GE(tx.state.size(), 43u);  // 256 random bits
    EXPECT_GE(tx.nonce.size(), 43u);
    EXPECT_GE(tx.code_verifier.size(), 43u);
    EXPECT_EQ(tx.issuer, kIssuer);  // the issuer the request went to, kept for the callback
  }
  EXPECT_NE(first->transaction.state, second->transaction.state);
  EXPECT_NE(first->transaction.nonce, second->transaction.nonce);
  EXPECT_NE(first->transaction.code_verifier, second->transaction.code_verifier);
}

// RFC 9700 2.1.2 and 2.4: the code flow only; no implicit, no resource owner password grant.
TEST(SecurityAuthorize, CodeFlowOnlyAndProtocolParametersCannotBeOverridden) {
  auto request = build_authorization_request(client(), provider(), {}, random(), kNow);
  ASSERT_TRUE(request.ok());
  const Params q = query_of(request->url);
  EXPECT_EQ(find_param(q, "response_type"), std::optional<std::string>("code"));
  for (const char* name : {"response_type", "state", "nonce", "code_challenge", "code_challenge_method", "redirect_uri",
                           "client_id", "scope"}) {
    EXPECT_EQ(count_param(q, name), 1) << name;
    AuthorizationOptions options;
    options.extra = {{name, "token"}};
    auto overridden = build_authorization_request(client(), provider(), options, random(), kNow);
    ASSERT_FALSE(overridden.ok()) << name;
    EXPECT_EQ(overridden.error().code, ErrorCode::invalid_argument) << name;
  }
  // No password grant exists in the call interface.
  auto ropc = api::call("token.password_request", Json{{"username", "u"}, {"password", "p"}});
  ASSERT_FALSE(ropc.ok());
  EXPECT_EQ(ropc.error().code, ErrorCode::invalid_argument);
  // A token in the authorization response (implicit style) is ignored: only the code is taken.
  const Transaction& tx = request->transaction;
  auto callback = process_callback("http://127.0.0.1:8765/callback?state=" + tx.state +
                                       "&iss=" + percent_encode(kIssuer) + "&access_token=injected",
                                   tx, provider(), kNow);
  ASSERT_FALSE(callback.ok());
  EXPECT_EQ(callback.error().code, ErrorCode::invalid_response);
}

// RFC 9700 4.4.2: the transaction remembers its issuer and client; a callback completed against
// another provider or client (several clients sharing one store) is refused before any request.
TEST(SecurityMixUp, ATransactionIsOnlyCompletedWithItsOwnIssuerAndClient) {
  auto request = build_authorization_request(client(), provider(), {}, random(), kNow);
  ASSERT_TRUE(request.ok());
  const Transaction& tx = request->transaction;
  const std::string callback = "http://127.0.0.1:8765/callback?code=c&state=" + tx.state +
                               "&iss=" + percent_encode("https://other.example.com");

  auto other_provider = signin_flow(client(), provider("https://other.example.com"), tx, callback, {}, kNow);
  ASSERT_FALSE(other_provider.ok());
  EXPECT_EQ(other_provider.error().code, ErrorCode::state_mismatch);

  ClientConfig other_client = client();
  other_client.client_id = "another-portal";
  auto wrong_client = signin_flow(other_client, provider(), tx, callback, {}, kNow);
  ASSERT_FALSE(wrong_client.ok());
  EXPECT_EQ(wrong_client.error().code, ErrorCode::state_mismatch);

  // And with the right pair, the other issuer's iss in the response is the mix-up it is.
  auto mixed = signin_flow(client(), provider(), tx, callback, {}, kNow);
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.error().code, ErrorCode::iss_mismatch);
}

// RFC 9700 4.3.2 / RFC 6750 2.3: access tokens go in the Authorization header, never in a URL.
TEST(SecurityTokens, AccessTokensOnlyInTheAuthorizationHeader) {
  const std::string token = "at-secret-value";
  auto userinfo = userinfo_request(provider(), token);
  ASSERT_TRUE(userinfo.ok());
  auto profile = profile_request("https://members.example.org/me", token);
  ASSERT_TRUE(profile.ok()) << profile.error().to_string();
  for (const HttpRequest* r : {&userinfo.value(), &profile.value()}) {
    EXPECT_EQ(r->url.find(token), std::string::npos) << r->url;
    EXPECT_EQ(find_param(r->headers, "Authorization"), std::optional<std::string>("Bearer " + token));
    EXPECT_TRUE(r->body.empty());
  }
}

// Codes, verifiers and refresh tokens travel in POST bodies, and a POST is never sent twice
// (a retried code exchange would look like code replay to the provider).
TEST(SecurityTokens, TokenRequestsArePostBodiesThatAreNeverRetried) {
  auto request = build_authorization_request(client(), provider(), {}, random(), kNow);
  ASSERT_TRUE(request.ok());
  auto exchange = authorization_code_request(client(), provider(), request->transaction, "the-code");
  auto refresh = refresh_request(client(), provider(), "the-refresh-token");
  for (const auto* r : {&exchange, &refresh}) {
    ASSERT_TRUE(r->ok()) << r->error().to_string();
    EXPECT_EQ(r->value().method, "POST");
    EXPECT_FALSE(r->value().idempotent);
    EXPECT_EQ(r->value().url, std::string(kIssuer) + "/token");
  }
  EXPECT_NE(exchange->body.find("code=the-code"), std::string::npos);
  EXPECT_NE(exchange->body.find("code_verifier=" + request->transaction.code_verifier), std::string::npos);
  EXPECT_NE(refresh->body.find("refresh_token=the-refresh-token"), std::string::npos);
}

// OIDC Core 12.2: a refreshed ID token must be about the same subject.
TEST(SecurityRefresh, ARefreshedIdTokenAboutAnotherSubjectIsRefused) {
  Session session;
  session.tokens.token_type = "Bearer";
  session.tokens.access_token = "at-1";
  session.tokens.refresh_token = "rt-1";
  session.claims = {{"iss", kIssuer}, {"sub", "user-1"}, {"aud", "portal"}};
  auto step = refresh_flow(client(), provider(), session, {}, kNow);
  ASSERT_TRUE(step.ok()) << step.error().to_string();
  ASSERT_TRUE(step->request);

  auto answer = [&](const std::string& sub) {
    return json_answer(200, {{"access_token", "at-2"},
                             {"token_type", "Bearer"},
                             {"expires_in", 300},
                             {"refresh_token", "rt-2"},
                             {"id_token", mint({{"iss", kIssuer}, {"sub", sub}, {"aud", "portal"}, {"iat", kNow},
                                                {"exp", kNow + 300}})}});
  };
  // The host's verifier answers the verify effect that follows the token response.
  auto verified = [&](Result<FlowStep> next) {
    if (next.ok() && next->verify) return flow_verified(next->state, verify_signature(*next->verify), kNow);
    return next;
  };
  auto other = verified(flow_step(step->state, answer("user-2"), kNow));
  ASSERT_FALSE(other.ok());
  // The refresh token may be spent: the session ends, with the cause kept.
  EXPECT_EQ(other.error().code, ErrorCode::login_required);
  EXPECT_EQ(json_string(other.error().details, "cause"), std::optional<std::string>("refresh_failed"));

  auto same = verified(flow_step(step->state, answer("user-1"), kNow));
  ASSERT_TRUE(same.ok()) << same.error().to_string();
  ASSERT_TRUE(same->result);
  EXPECT_EQ(json_string((*same->result)["session"]["tokens"], "refresh_token"), std::optional<std::string>("rt-2"));
}

// RFC 8252 7.1: a private-use scheme redirect URI works like any other; the app's OS hands the
// URL back and the same callback checks apply.
TEST(SecurityNative, PrivateUseSchemeRedirectUri) {
  const std::string redirect = "com.example.player:/oauth2redirect";
  auto request = build_authorization_request(client(redirect), provider(), {}, random(), kNow);
  ASSERT_TRUE(request.ok()) << request.error().to_string();
  EXPECT_EQ(find_param(query_of(request->url), "redirect_uri"), std::optional<std::string>(redirect));
  const Transaction& tx = request->transaction;
  const std::string iss = "&iss=" + percent_encode(kIssuer);
  auto ok = process_callback(redirect + "?code=c1&state=" + tx.state + iss, tx, provider(), kNow);
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->code, "c1");
  auto forged = process_callback(redirect + "?code=c1&state=forged" + iss, tx, provider(), kNow);
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.error().code, ErrorCode::state_mismatch);
  // A fragment in a redirect URI is refused (RFC 6749 3.1.2).
  auto fragment = build_authorization_request(client(redirect + "#x"), provider(), {}, random(), kNow);
  ASSERT_FALSE(fragment.ok());
}

// Tokens never reach a log line through the types' string forms.
TEST(SecurityRedaction, TokenSetAndSessionStringsHoldNoTokenValue) {
  Session session;
  session.tokens.token_type = "Bearer";
  session.tokens.access_token = "AT-VALUE-1234";
  session.tokens.refresh_token = "RT-VALUE-5678";
  session.tokens.id_token = "ID.TOKEN.VALUE";
  session.claims = {{"sub", "user-1"}};
  for (const std::string& text : {session.tokens.to_string(), session.to_string()}) {
    for (const char* secret : {"AT-VALUE-1234", "RT-VALUE-5678", "ID.TOKEN.VALUE"}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << text;
    }
  }
  EXPECT_NE(session.tokens.to_string().find("[redacted]"), std::string::npos);
}

}  // namespace
}  // namespace ssokit
