// Pushed authorization requests (RFC 9126): when the request is pushed, what it carries, how the
// client authenticates, what the browser is sent with, and the provider's answers.
#include <gtest/gtest.h>

#include "ssokit/crypto.hpp"
#include "ssokit/oauth.hpp"

namespace ssokit {
namespace {

constexpr const char* kIssuer = "https://id.example.com";
constexpr std::int64_t kNow = 1'800'000'000;

Json metadata(bool with_par, bool required = false) {
  Json doc = {{"issuer", kIssuer},
              {"authorization_endpoint", std::string(kIssuer) + "/authorize"},
              {"token_endpoint", std::string(kIssuer) + "/token"},
              {"jwks_uri", std::string(kIssuer) + "/jwks"}};
  if (with_par) doc["pushed_authorization_request_endpoint"] = std::string(kIssuer) + "/par";
  if (required) doc["require_pushed_authorization_requests"] = true;
  return doc;
}

ProviderMetadata provider(bool with_par) { return ProviderMetadata::from_json(metadata(with_par)).value(); }

ClientConfig public_client() {
  ClientConfig c;
  c.issuer = kIssuer;
  c.client_id = "portal";
  c.redirect_uri = "http://127.0.0.1:8765/callback";
  return c;
}

ClientConfig confidential_client() {
  ClientConfig c = public_client();
  c.client_secret = "a-confidential-client-secret";
  c.auth = ClientAuth::client_secret_basic;
  return c;
}

RandomSource& random() {
  static auto r = CtrDrbgRandom::from_seed(Bytes(32, 7));
  return *r.value();
}

int count(const Params& params, std::string_view name) {
  int n = 0;
  for (const auto& p : params) n += p.first == name ? 1 : 0;
  return n;
}

std::string value_of(const Params& params, std::string_view name) {
  for (const auto& p : params) {
    if (p.first == name) return p.second;
  }
  return "";
}

HttpResponse answer(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = body;
  return r;
}

TEST(Par, ProviderMetadataReadsTheEndpointAndTheRequirement) {
  auto m = ProviderMetadata::from_json(metadata(true, true));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->pushed_authorization_request_endpoint, std::string(kIssuer) + "/par");
  EXPECT_TRUE(m->require_pushed_authorization_requests);
  EXPECT_FALSE(provider(false).require_pushed_authorization_requests);
}

TEST(Par, RequiredWithoutAnEndpointIsABrokenDocument) {
  Json doc = metadata(false);
  doc["require_pushed_authorization_requests"] = true;
  auto m = ProviderMetadata::from_json(doc);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::discovery_failed);
}

TEST(Par, AnEndpointOnPlainHttpToARemoteHostIsRefused) {
  Json doc = metadata(false);
  doc["pushed_authorization_request_endpoint"] = "http://id.example.com/par";
  auto m = ProviderMetadata::from_json(doc);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::discovery_failed);
}

TEST(Par, WithoutAnEndpointNorTheClientAskingTheUrlCarriesTheParameters) {
  auto request = build_authorization_request(public_client(), provider(false), {}, random(), kNow);
  ASSERT_TRUE(request.ok());
  EXPECT_FALSE(request->push.has_value());
  EXPECT_NE(request->url.find("code_challenge="), std::string::npos);
}

TEST(Par, AProviderWithAnEndpointGetsThePushedRequest) {
  AuthorizationOptions options;
  options.login_hint = "viewer@example.com";
  auto request = build_authorization_request(public_client(), provider(true), options, random(), kNow);
  ASSERT_TRUE(request.ok());
  ASSERT_TRUE(request->push.has_value());
  EXPECT_TRUE(request->url.empty());  // nothing to open before the provider answered
  const HttpRequest& push = *request->push;
  EXPECT_EQ(push.method, "POST");
  EXPECT_EQ(push.url, std::string(kIssuer) + "/par");
  EXPECT_FALSE(push.idempotent);
  auto form = form_decode(push.body).value();
  EXPECT_EQ(count(form, "client_id"), 1);  // the public client names itself once
  EXPECT_EQ(value_of(form, "client_id"), "portal");
  EXPECT_EQ(value_of(form, "state"), request->transaction.state);
  EXPECT_EQ(value_of(form, "nonce"), request->transaction.nonce);
  EXPECT_EQ(value_of(form, "code_challenge_method"), "S256");
  EXPECT_EQ(value_of(form, "login_hint"), "viewer@example.com");
  EXPECT_EQ(value_of(form, "redirect_uri"), "http://127.0.0.1:8765/callback");
}

TEST(Par, AConfidentialClientAuthenticatesAsAtTheTokenEndpoint) {
  auto request = build_authorization_request(confidential_client(), provider(true), {}, random(), kNow);
  ASSERT_TRUE(request.ok());
  ASSERT_TRUE(request->push.has_value());
  auto auth = HttpResponse{0, request->push->headers, ""}.header("Authorization");
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->rfind("Basic ", 0), 0u);
  auto form = form_decode(request->push->body).value();
  EXPECT_EQ(count(form, "client_id"), 1);  // authenticated in the Basic header, named in the form (RFC 9126 2.1)
  EXPECT_EQ(count(form, "client_secret"), 0);
}

TEST(Par, TheClientCanAskForItButNotWithoutAnEndpoint) {
  ClientConfig c = public_client();
  c.par = true;
  auto request = build_authorization_request(c, provider(false), {}, random(), kNow);
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(request.error().message.find("pushed_authorization_request_endpoint"), std::string::npos);
}

TEST(Par, ClientConfigKeepsParAcrossJson) {
  ClientConfig c = public_client();
  c.par = true;
  auto back = ClientConfig::from_json(c.to_json());
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->par);
  EXPECT_FALSE(ClientConfig::from_json(public_client().to_json())->par);
}

TEST(Par, TheBrowserGetsClientIdAndRequestUriOnly) {
  auto url = process_pushed_authorization_response(
      public_client(), provider(true), answer(201, R"({"request_uri":"urn:ietf:params:oauth:request_uri:x1","expires_in":60})"));
  ASSERT_TRUE(url.ok()) << url.error().message;
  auto params = query_params(parse_url(*url).value()).value();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(value_of(params, "client_id"), "portal");
  EXPECT_EQ(value_of(params, "request_uri"), "urn:ietf:params:oauth:request_uri:x1");
  EXPECT_EQ(url->rfind(std::string(kIssuer) + "/authorize?", 0), 0u);
}

TEST(Par, TheProvidersRefusalIsAnAuthorizationErrorWithItsError) {
  auto url = process_pushed_authorization_response(
      public_client(), provider(true), answer(400, R"({"error":"invalid_client","error_description":"client authentication failed"})"));
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.error().code, ErrorCode::authorization_error);
  EXPECT_EQ(json_string(url.error().details, "error").value_or(""), "invalid_client");
  EXPECT_EQ(json_int(url.error().details, "status").value_or(0), 400);
}

TEST(Par, MalformedAnswersAreInvalidResponse) {
  for (const char* body : {"[]", "not json", R"({"request_uri":""})", R"({"request_uri":"urn:x","expires_in":"60"})",
                           R"({"request_uri":42,"expires_in":60})", R"({"request_uri":"urn:x","expires_in":-5})"}) {
    auto url = process_pushed_authorization_response(public_client(), provider(true), answer(201, body));
    ASSERT_FALSE(url.ok()) << body;
    EXPECT_EQ(url.error().code, ErrorCode::invalid_response) << body;
  }
}

}  // namespace
}  // namespace ssokit
