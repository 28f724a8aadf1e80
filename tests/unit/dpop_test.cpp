// DPoP (RFC 9449), the core's half: proof header and claims, htu, the key's thumbprint (RFC 7638),
// dpop_jkt on the authorization request, the nonce a server asks for, nonces per server, and the
// token_type a DPoP request must get back. The proof is signed by the native host's KeySigner
// and verified with mbedTLS, so the signing input is the one a server checks.
#include <gtest/gtest.h>

#include <set>

#include "ssokit/crypto.hpp"
#include "ssokit/dpop.hpp"
#include "ssokit/jose.hpp"
#include "ssokit/native/key_signer.hpp"
#include "ssokit/oauth.hpp"
#include "ssokit/session.hpp"
#include "ssokit/signing.hpp"

namespace ssokit {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;
// A P-256 test key (generated for this test only).
constexpr const char* kPrivateJwk =
    R"({"kty":"EC","crv":"P-256","x":"0JfZdGyQJ8uXDn8sdzxsyMuNsdvmgmnNCetLTVP4sn8","y":"75xj5yTto0649IHOZgcXoCetv4-Y-7epNR9H9hoPlXE","d":"9N0Rwd0okrwaM2vVYyl1_CRoOZ81gydMjemFJuNhUak"})";
const Json kPublicJwk = {{"kty", "EC"}, {"crv", "P-256"}, {"x", "0JfZdGyQJ8uXDn8sdzxsyMuNsdvmgmnNCetLTVP4sn8"},
                         {"y", "75xj5yTto0649IHOZgcXoCetv4-Y-7epNR9H9hoPlXE"}};

RandomSource& random() {
  static auto r = CtrDrbgRandom::from_seed(Bytes(32, 3));
  return *r.value();
}

DpopKey key() { return DpopKey::from_json({{"alg", "ES256"}, {"jwk", kPublicJwk}}).value(); }

Json part(const std::string& input, int index) {
  const std::size_t dot = input.find('.');
  const std::string b64 = index == 0 ? input.substr(0, dot) : input.substr(dot + 1);
  return parse_json_object(base64url_decode_string(b64).value()).value();
}

HttpResponse answer(int status, Params headers, const std::string& body = "") {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = body;
  return r;
}

TEST(Dpop, ProofHeaderAndClaims) {
  auto proof = dpop_proof(key(), "POST", "https://id.example.com/token?x=1#frag", kNow, random(), "n-1");
  ASSERT_TRUE(proof.ok()) << proof.error().message;
  EXPECT_EQ(proof->key, "dpop");
  EXPECT_EQ(proof->alg, "ES256");
  EXPECT_EQ(proof->header, "DPoP");
  EXPECT_TRUE(proof->form_field.empty());
  const Json header = part(proof->input, 0);
  EXPECT_EQ(json_string(header, "typ").value_or(""), "dpop+jwt");
  EXPECT_EQ(json_string(header, "alg").value_or(""), "ES256");
  EXPECT_EQ(*json_member(header, "jwk"), kPublicJwk);
  const Json claims = part(proof->input, 1);
  EXPECT_EQ(json_string(claims, "htm").value_or(""), "POST");
  EXPECT_EQ(json_string(claims, "htu").value_or(""), "https://id.example.com/token");
  EXPECT_EQ(json_int(claims, "iat").value_or(0), kNow);
  EXPECT_EQ(json_string(claims, "nonce").value_or(""), "n-1");
  EXPECT_EQ(json_string(claims, "jti").value_or("").size(), 22u);  // 128 random bits
  EXPECT_EQ(json_member(claims, "ath"), nullptr);                  // not for the token endpoint
}

TEST(Dpop, EveryProofHasItsOwnJti) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto proof = dpop_proof(key(), "GET", "https://api.example.com/me", kNow, random());
    ASSERT_TRUE(proof.ok());
    seen.insert(json_string(part(proof->input, 1), "jti").value_or(""));
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(Dpop, AthIsTheAccessTokensHash) {
  auto proof = dpop_proof(key(), "GET", "https://api.example.com/me", kNow, random(), "", "token-abc");
  ASSERT_TRUE(proof.ok());
  const Json claims = part(proof->input, 1);
  EXPECT_EQ(json_string(claims, "ath").value_or(""), base64url_encode(sha256("token-abc")));
  EXPECT_EQ(json_member(claims, "nonce"), nullptr);
}

TEST(Dpop, HtuDropsQueryFragmentAndDefaultPort) {
  EXPECT_EQ(dpop_htu("HTTPS://API.Example.com:443/v1/items?page=2#top").value(), "https://api.example.com/v1/items");
  EXPECT_EQ(dpop_htu("http://127.0.0.1:8080/resource?x").value(), "http://127.0.0.1:8080/resource");
  EXPECT_EQ(dpop_htu("http://127.0.0.1:80").value(), "http://127.0.0.1/");
  EXPECT_EQ(dpop_htu("not a url").error().code, ErrorCode::invalid_url);
}

TEST(Dpop, TheHostsSignatureVerifiesOverTheProof) {
  native::KeySigner signer;
  ASSERT_TRUE(signer.add_key("dpop", kPrivateJwk).ok());
  HttpRequest request;
  request.method = "POST";
  request.url = "https://id.example.com/token";
  ASSERT_TRUE(add_dpop_proof(request, key(), kNow, random()).ok());
  ASSERT_EQ(request.sign.size(), 1u);
  const std::string input = request.sign[0].input;
  ASSERT_TRUE(complete_signatures(request, &signer).ok());
  auto proof = HttpResponse{0, request.headers, ""}.header("DPoP");
  ASSERT_TRUE(proof.has_value());
  ASSERT_EQ(proof->rfind(input + ".", 0), 0u);
  VerifyRequest verify;
  verify.alg = "ES256";
  verify.key = parse_jwk(kPublicJwk).value();
  verify.input = input;
  verify.signature = base64url_decode(proof->substr(input.size() + 1)).value();
  EXPECT_EQ(verify.signature.size(), 64u);  // r||s
  EXPECT_TRUE(verify_signature(verify));
}

TEST(Dpop, AResourceRequestCarriesTheTokenAsDpopAndOneProof) {
  HttpRequest request;
  request.url = "https://api.example.com/me";
  request.headers = {{"authorization", "Bearer old"}, {"Accept", "application/json"}};
  ASSERT_TRUE(add_dpop_proof(request, key(), kNow, random(), "", "tok").ok());
  ASSERT_TRUE(add_dpop_proof(request, key(), kNow, random(), "nonce-2", "tok").ok());  // the retry
  ASSERT_EQ(request.sign.size(), 1u);
  EXPECT_EQ(json_string(part(request.sign[0].input, 1), "nonce").value_or(""), "nonce-2");
  int authorization = 0;
  for (const auto& h : request.headers) {
    if (h.first == "Authorization" || h.first == "authorization") {
      ++authorization;
      EXPECT_EQ(h.second, "DPoP tok");
    }
  }
  EXPECT_EQ(authorization, 1);
}

TEST(Dpop, KeysArePublicAndFitTheAlgorithm) {
  Json with_private = kPublicJwk;
  with_private["d"] = "9N0Rwd0okrwaM2vVYyl1_CRoOZ81gydMjemFJuNhUak";
  EXPECT_EQ(DpopKey::from_json({{"jwk", with_private}}).error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(DpopKey::from_json({{"alg", "RS256"}, {"jwk", kPublicJwk}}).ok());
  EXPECT_FALSE(DpopKey::from_json({{"alg", "HS256"}, {"jwk", kPublicJwk}}).ok());
  Json short_x = kPublicJwk;
  short_x["x"] = "AAAA";
  EXPECT_FALSE(DpopKey::from_json({{"jwk", short_x}}).ok());
  auto k = DpopKey::from_json({{"jwk", kPublicJwk}});
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->alg, "ES256");  // the default
}

TEST(Dpop, ThumbprintIsRfc7638) {
  // RFC 7638 section 3.1's example key and thumbprint.
  const Json rsa = {{"kty", "RSA"},
                    {"n", "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjB"
                          "ZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8K"
                          "JZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBn"
                          "iIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},
                    {"e", "AQAB"},
                    {"alg", "RS256"},
                    {"kid", "2011-04-29"}};
  EXPECT_EQ(jwk_thumbprint(rsa).value(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(Dpop, DpopJktGoesOnTheAuthorizationRequest) {
  ClientConfig client;
  client.issuer = "https://id.example.com";
  client.client_id = "portal";
  client.redirect_uri = "http://127.0.0.1:8765/callback";
  auto provider = ProviderMetadata::from_json({{"issuer", "https://id.example.com"},
                                               {"authorization_endpoint", "https://id.example.com/authorize"}})
                      .value();
  AuthorizationOptions options;
  options.dpop_jwk = kPublicJwk;
  auto request = build_authorization_request(client, provider, options, random(), kNow);
  ASSERT_TRUE(request.ok());
  auto params = query_params(parse_url(request->url).value()).value();
  std::string jkt;
  for (const auto& p : params) {
    if (p.first == "dpop_jkt") jkt = p.second;
  }
  EXPECT_EQ(jkt, jwk_thumbprint(kPublicJwk).value());
  AuthorizationOptions forged;
  forged.extra = {{"dpop_jkt", "attacker"}};
  EXPECT_EQ(build_authorization_request(client, provider, forged, random(), kNow).error().code, ErrorCode::invalid_argument);
}

TEST(Dpop, NonceChallengeFromTheAuthorizationServer) {
  const Params nonce = {{"DPoP-Nonce", "eyJ7S_zG.eyJH0-Z.HX4w-7v"}};
  EXPECT_EQ(dpop_nonce_challenge(answer(400, nonce, R"({"error":"use_dpop_nonce"})")).value_or(""), "eyJ7S_zG.eyJH0-Z.HX4w-7v");
  EXPECT_FALSE(dpop_nonce_challenge(answer(400, nonce, R"({"error":"invalid_grant"})")).has_value());
  EXPECT_FALSE(dpop_nonce_challenge(answer(400, {}, R"({"error":"use_dpop_nonce"})")).has_value());  // no nonce to use
  EXPECT_FALSE(dpop_nonce_challenge(answer(200, nonce, "{}")).has_value());
}

TEST(Dpop, NonceChallengeFromAResourceServer) {
  EXPECT_EQ(dpop_nonce_challenge(answer(401, {{"WWW-Authenticate", R"(DPoP error="use_dpop_nonce", error_description="fresh nonce")"},
                                              {"DPoP-Nonce", "n-9"}}))
                .value_or(""),
            "n-9");
  EXPECT_FALSE(dpop_nonce_challenge(answer(401, {{"WWW-Authenticate", R"(DPoP error="invalid_token")"}, {"DPoP-Nonce", "n-9"}})).has_value());
  EXPECT_FALSE(dpop_nonce_challenge(answer(401, {{"WWW-Authenticate", R"(Bearer error="invalid_token")"}, {"DPoP-Nonce", "n-9"}})).has_value());
}

TEST(Dpop, NoncesAreRememberedPerServer) {
  Json nonces = Json::object();
  remember_dpop_nonce(nonces, "https://id.example.com/token", answer(200, {{"DPoP-Nonce", "as-1"}}));
  remember_dpop_nonce(nonces, "https://api.example.com/v1/me?x=1", answer(401, {{"dpop-nonce", "rs-1"}}));
  remember_dpop_nonce(nonces, "https://id.example.com/token", answer(200, {}));  // no header: kept
  EXPECT_EQ(dpop_nonce_for(nonces, "https://id.example.com/other"), "as-1");
  EXPECT_EQ(dpop_nonce_for(nonces, "https://api.example.com/v2"), "rs-1");
  EXPECT_EQ(dpop_nonce_for(nonces, "https://api.example.com:8443/v2"), "");
  remember_dpop_nonce(nonces, "https://id.example.com/token", answer(400, {{"DPoP-Nonce", "as-2"}}));
  EXPECT_EQ(dpop_nonce_for(nonces, "https://id.example.com/token"), "as-2");
}

TEST(Dpop, ADpopRequestMustGetADpopToken) {
  const std::string bearer = R"({"access_token":"a","token_type":"Bearer","expires_in":60})";
  const std::string dpop = R"({"access_token":"a","token_type":"DPoP","expires_in":60})";
  auto refused = process_token_response(answer(200, {}, bearer), kNow, true);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_response);
  auto bound = process_token_response(answer(200, {}, dpop), kNow, true);
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->token_type, "DPoP");
  EXPECT_EQ(process_token_response(answer(200, {}, dpop), kNow).error().code, ErrorCode::invalid_response);
  EXPECT_EQ(process_token_response(answer(200, {}, bearer), kNow)->token_type, "Bearer");
}

// ---- DPoP in the refresh flow and the app's requests ----

ProviderMetadata dpop_provider() {
  return ProviderMetadata::from_json({{"issuer", "https://id.example.com"},
                                      {"authorization_endpoint", "https://id.example.com/auth"},
                                      {"token_endpoint", "https://id.example.com/token"},
                                      {"jwks_uri", "https://id.example.com/jwks"}})
      .value();
}

ClientConfig dpop_client() {
  ClientConfig c;
  c.issuer = "https://id.example.com";
  c.client_id = "player";
  c.redirect_uri = "http://127.0.0.1/cb";
  return c;
}

Session bound_session() {
  Session s;
  s.tokens.access_token = "at-1";
  s.tokens.refresh_token = "rt-1";
  s.tokens.token_type = "DPoP";
  s.claims = {{"sub", "u1"}};
  s.dpop = key();
  return s;
}

std::string header_of(const HttpRequest& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (header_name_equals(h.first, name)) return h.second;
  }
  return "";
}

const SignRequest* proof_of(const HttpRequest& r) {
  for (const auto& s : r.sign) {
    if (s.key == "dpop") return &s;
  }
  return nullptr;
}

const HttpResponse kUseNonce = answer(400, {{"DPoP-Nonce", "n-1"}}, R"({"error":"use_dpop_nonce"})");

TEST(DpopFlow, ARefreshProvesTheSessionsKeyAndRetriesOnceWithTheNonce) {
  auto first = refresh_flow(dpop_client(), dpop_provider(), bound_session(), SignInOptions{}, kNow, random());
  ASSERT_TRUE(first.ok()) << first.error().message;
  const SignRequest* proof = proof_of(*first->request);
  ASSERT_NE(proof, nullptr) << "the session's own key proves possession without a key option";
  EXPECT_EQ(json_member(part(proof->input, 1), "nonce"), nullptr);
  auto retry = flow_step(first->state, kUseNonce, kNow, random());
  ASSERT_TRUE(retry.ok()) << retry.error().message;
  ASSERT_TRUE(retry->request);
  EXPECT_EQ(retry->request->url, "https://id.example.com/token");
  EXPECT_EQ(json_string(part(proof_of(*retry->request)->input, 1), "nonce").value_or(""), "n-1");
  EXPECT_NE(json_string(part(proof_of(*retry->request)->input, 1), "jti"), json_string(part(proof->input, 1), "jti"));
  // The server asks once more: no second retry; the refresh fails and keeps the session.
  auto again = flow_step(retry->state, answer(400, {{"DPoP-Nonce", "n-2"}}, R"({"error":"use_dpop_nonce"})"), kNow, random());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::refresh_failed);
  EXPECT_EQ(json_string(again.error().details, "error").value_or(""), "use_dpop_nonce");
}

TEST(DpopFlow, ARefreshedSessionStaysBoundAndTheResultCarriesTheNonces) {
  auto first = refresh_flow(dpop_client(), dpop_provider(), bound_session(), SignInOptions{}, kNow, random());
  ASSERT_TRUE(first.ok());
  auto done = flow_step(first->state,
                        answer(200, {{"DPoP-Nonce", "n-3"}}, R"({"access_token":"at-2","token_type":"DPoP","expires_in":300})"),
                        kNow, random());
  ASSERT_TRUE(done.ok()) << done.error().message;
  ASSERT_TRUE(done->result);
  auto session = Session::from_json((*done->result)["session"]).value();
  EXPECT_EQ(session.tokens.access_token, "at-2");
  EXPECT_EQ(session.tokens.refresh_token, "rt-1");
  ASSERT_TRUE(session.dpop);
  EXPECT_EQ(session.dpop->jwk, kPublicJwk);
  EXPECT_EQ(json_string((*done->result)["dpop_nonces"], "https://id.example.com").value_or(""), "n-3");
}

TEST(DpopFlow, ABearerAnswerToADpopRefreshIsRefused) {
  auto first = refresh_flow(dpop_client(), dpop_provider(), bound_session(), SignInOptions{}, kNow, random());
  ASSERT_TRUE(first.ok());
  auto step = flow_step(first->state, answer(200, {}, R"({"access_token":"at-2","token_type":"Bearer","expires_in":300})"),
                        kNow, random());
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(json_string(step.error().details, "cause").value_or(""), "invalid_response");
}

TEST(DpopFlow, ABearerSessionRefreshesWithoutAProof) {
  Session s = bound_session();
  s.dpop.reset();
  s.tokens.token_type = "Bearer";
  auto first = refresh_flow(dpop_client(), dpop_provider(), s, SignInOptions{}, kNow, random());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(proof_of(*first->request), nullptr);
}

TEST(DpopFlow, ASignInThatWantsDpopNeedsAKey) {
  ClientConfig client = dpop_client();
  client.dpop = true;
  Transaction tx;
  tx.client_id = client.client_id;
  tx.issuer = client.issuer;
  auto step = signin_flow(client, dpop_provider(), tx, "http://127.0.0.1/cb?code=c&state=s", SignInOptions{}, kNow, random());
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(step.error().code, ErrorCode::invalid_argument);
  Json doc = dpop_provider().to_json();
  doc["dpop_bound_access_tokens"] = true;
  EXPECT_TRUE(dpop_wanted(dpop_client(), ProviderMetadata::from_json(doc).value()));
  EXPECT_FALSE(dpop_wanted(dpop_client(), dpop_provider()));
}

TEST(DpopFlow, AuthorizedRequestIsDpopForABoundSessionAndBearerOtherwise) {
  HttpRequest api;
  api.url = "https://api.example.com/v1/me?x=1";
  api.headers = {{"authorization", "Basic old"}, {"Accept", "application/json"}};
  const Json nonces = {{"https://api.example.com", "api-nonce"}};
  auto bound = authorized_request(api, bound_session(), nonces, kNow, random());
  ASSERT_TRUE(bound.ok()) << bound.error().message;
  EXPECT_EQ(header_of(*bound, "Authorization"), "DPoP at-1");
  EXPECT_EQ(bound->headers.size(), 2u) << "the old Authorization header is replaced";
  const Json claims = part(proof_of(*bound)->input, 1);
  EXPECT_EQ(json_string(claims, "nonce").value_or(""), "api-nonce");
  EXPECT_EQ(json_string(claims, "htu").value_or(""), "https://api.example.com/v1/me");
  EXPECT_EQ(json_string(claims, "ath").value_or(""), base64url_encode(sha256(std::string("at-1"))));
  Session bearer = bound_session();
  bearer.dpop.reset();
  auto plain = authorized_request(api, bearer, Json::object(), kNow, random());
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(header_of(*plain, "Authorization"), "Bearer at-1");
  EXPECT_TRUE(plain->sign.empty());
  bearer.tokens.access_token.clear();
  EXPECT_EQ(authorized_request(api, bearer, Json::object(), kNow, random()).error().code, ErrorCode::login_required);
}

}  // namespace
}  // namespace ssokit
