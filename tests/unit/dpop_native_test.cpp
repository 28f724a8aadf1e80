// DPoP in the native host (RFC 9449): the key made per sign-in (native::generate_dpop_key,
// mbedTLS P-256), the client's DpopSigner (a proof is signed with the key its header names), and
// SsoClient with a scripted DPoP provider and resource server behind a fake transport: the key kept
// in the store beside the session, refresh with the stored key, a new key per sign-in, a missing
// key -> login_required, sign-out forgetting it, authorized_request's DPoP / Bearer header and its
// single nonce retry. Every proof the fakes get is verified (signature, htm, htu, ath, jwk).
#include <gtest/gtest.h>

#include <mutex>

#include "hs256_tokens.hpp"
#include "ssokit/client.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/jose.hpp"
#include "ssokit/native/dpop_key.hpp"

namespace ssokit {
namespace {

constexpr const char* kIssuer = "https://id.example.com";
constexpr const char* kApi = "https://api.example.com/v1/me";
using namespace hs256_tokens;  // kSecret, b64, mint, json_answer

Json decode_part(const std::string& part) {
  auto bytes = base64url_decode(part);
  if (!bytes.ok()) return Json::object();
  auto json = parse_json(std::string(bytes->begin(), bytes->end()));
  return json.ok() ? json.value() : Json::object();
}

// Checks a DPoP proof as a server does; the verdict is "" when it is good, else why not.
struct ProofCheck {
  std::string verdict;
  Json header = Json::object();
  Json claims = Json::object();
};
ProofCheck check_proof(const std::string& proof, const std::string& method, const std::string& htu,
                       const std::string& access_token = "") {
  ProofCheck out;
  const auto first = proof.find('.');
  const auto second = proof.find('.', first + 1);
  if (first == std::string::npos || second == std::string::npos) return {"not a JWS"};
  out.header = decode_part(proof.substr(0, first));
  out.claims = decode_part(proof.substr(first + 1, second - first - 1));
  if (out.header["typ"] != "dpop+jwt" || out.header["alg"] != "ES256") return {"header"};
  if (out.header["jwk"].contains("d")) return {"private jwk"};
  auto key = parse_jwk(out.header["jwk"]);
  auto signature = base64url_decode(proof.substr(second + 1));
  if (!key.ok() || !signature.ok()) return {"key or signature unreadable"};
  VerifyRequest verify{"ES256", key.value(), proof.substr(0, second), signature.value()};
  if (!verify_signature(verify)) return {"signature"};
  if (out.claims["htm"] != method || out.claims["htu"] != htu) return {"htm/htu"};
  if (json_string(out.claims, "jti").value_or("").size() < 16) return {"jti"};
  if (!access_token.empty()) {
    const Bytes digest = sha256(access_token);
    if (out.claims["ath"] != base64url_encode(digest)) return {"ath"};
  }
  return out;
}

// Of the public members (the store keeps the private JWK).
std::string thumbprint_of(const Json& jwk) {
  auto thumbprint = jwk_thumbprint(Json{{"kty", jwk["kty"]}, {"crv", jwk["crv"]}, {"x", jwk["x"]}, {"y", jwk["y"]}});
  return thumbprint.ok() ? thumbprint.value() : "(no thumbprint)";
}

TEST(DpopKeyTest, EachKeyIsANewP256PrivateJwkThatSigns) {
  auto first = native::generate_dpop_key();
  auto second = native::generate_dpop_key();
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  ASSERT_TRUE(second.ok());
  const Json a = parse_json(first.value()).value();
  const Json b = parse_json(second.value()).value();
  EXPECT_EQ(a["kty"], "EC");
  EXPECT_EQ(a["crv"], "P-256");
  for (const char* member : {"x", "y", "d"}) EXPECT_EQ(base64url_decode(a[member].get<std::string>()).value().size(), 32u) << member;
  EXPECT_NE(a["d"], b["d"]);
  EXPECT_NE(a["x"], b["x"]);

  native::DpopSigner signer(nullptr);
  auto key = signer.add(first.value());
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  EXPECT_EQ(key->alg, "ES256");
  EXPECT_FALSE(key->jwk.contains("d")) << "only the public half leaves the signer";
  EXPECT_EQ(key->jwk["x"], a["x"]);
  HttpRequest request;
  request.method = "POST";
  request.url = "https://id.example.com/token?x=1";
  ASSERT_TRUE(add_dpop_proof(request, *key, 1'800'000'000, system_random()).ok());
  ASSERT_TRUE(complete_signatures(request, &signer).ok());
  const auto check = check_proof(*HttpResponse{0, request.headers, ""}.header("DPoP"), "POST", "https://id.example.com/token");
  EXPECT_EQ(check.verdict, "");
  EXPECT_EQ(check.header["jwk"]["x"], a["x"]);
}

TEST(DpopKeyTest, TheSignerUsesTheKeyTheProofNamesAndNoOther) {
  native::DpopSigner signer(nullptr);
  auto one = signer.add(native::generate_dpop_key().value()).value();
  auto two = signer.add(native::generate_dpop_key().value()).value();
  for (const DpopKey* key : {&one, &two}) {
    HttpRequest request;
    request.url = kApi;
    ASSERT_TRUE(add_dpop_proof(request, *key, 1'800'000'000, system_random(), "", "token").ok());
    ASSERT_TRUE(complete_signatures(request, &signer).ok());
    const auto check = check_proof(*HttpResponse{0, request.headers, ""}.header("DPoP"), "GET", kApi, "token");
    EXPECT_EQ(check.verdict, "");
    EXPECT_EQ(thumbprint_of(check.header["jwk"]), thumbprint_of(key->jwk));
  }
  // A key it does not hold (removed, or never added) is refused, never signed with another.
  signer.remove(one);
  EXPECT_FALSE(signer.holds(one));
  EXPECT_TRUE(signer.holds(two));
  HttpRequest request;
  request.url = kApi;
  ASSERT_TRUE(add_dpop_proof(request, one, 1'800'000'000, system_random()).ok());
  auto refused = complete_signatures(request, &signer);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
  // Other keys ("client": private_key_jwt) are not its business.
  SignRequest client_entry{"ES256", "client", "a.b", "", "client_assertion"};
  auto no_client = signer.sign(client_entry);
  ASSERT_FALSE(no_client.ok());
  EXPECT_EQ(no_client.error().code, ErrorCode::invalid_argument);
}

TEST(DpopKeyTest, TextThatIsNoP256PrivateKeyIsRefusedWithoutQuotingIt) {
  native::DpopSigner signer(nullptr);
  for (const std::string& text : {std::string("{}"), std::string("secret-looking-text"),
                                 std::string(R"({"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA","d":"c2VjcmV0LWQ"})")}) {
    auto key = signer.add(text);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(key.error().message.find("secret"), std::string::npos);
    EXPECT_EQ(key.error().message.find("c2VjcmV0LWQ"), std::string::npos);
  }
}

// A DPoP provider (token endpoint requires a proof and, with `token_nonce`, its nonce first) and a
// resource server at kApi (with `api_nonce`: its own nonce; `api_nonce_every_time`: a new one each time).
class DpopServers final : public HttpTransport {
 public:
  std::int64_t now = 1'800'000'000;
  std::string nonce;            // the ID token's
  bool dpop_required = true;    // discovery's dpop_bound_access_tokens
  bool token_nonce = false;
  bool api_nonce = false;
  bool api_nonce_every_time = false;
  int token_requests = 0;
  int api_requests = 0;
  std::vector<std::string> token_jkts;       // the proof key of each token request
  std::vector<std::string> api_verdicts;     // "" for a good proof, "bearer", else the problem
  std::vector<std::string> api_nonces_seen;  // the nonce claim of each API proof
  std::map<std::string, std::string> bound;  // access token -> jkt ("" for Bearer)

  Result<HttpResponse> send(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    EXPECT_TRUE(request.sign.empty()) << "the client's transport signs before sending";
    HttpResponse r{200, {{"Content-Type", "application/json"}}, ""};
    const std::string base = kIssuer;
    if (request.url == base + "/.well-known/openid-configuration") {
      Json doc{{"issuer", kIssuer},
               {"authorization_endpoint", base + "/authorize"},
               {"token_endpoint", base + "/token"},
               {"jwks_uri", base + "/jwks"},
               {"device_authorization_endpoint", base + "/device"},
               {"response_types_supported", {"code"}},
               {"dpop_signing_alg_values_supported", {"ES256"}}};
      if (dpop_required) doc["dpop_bound_access_tokens"] = true;
      r.body = doc.dump();
    } else if (request.url == base + "/jwks") {
      r.body = R"({"keys":[]})";
    } else if (request.url == base + "/device") {
      r.body = R"({"device_code":"dc","user_code":"ABCD-EFGH","verification_uri":"https://id.example.com/activate","expires_in":60,"interval":1})";
    } else if (request.url == base + "/token") {
      ++token_requests;
      const auto proof = HttpResponse{0, request.headers, ""}.header("DPoP");
      std::string jkt;
      if (proof) {
        const auto check = check_proof(*proof, "POST", base + "/token");
        if (!check.verdict.empty()) return answer(400, R"({"error":"invalid_dpop_proof"})");
        if (token_nonce && check.claims["nonce"] != "as-nonce") {
          r = answer(400, R"({"error":"use_dpop_nonce"})");
          r.headers.emplace_back("DPoP-Nonce", "as-nonce");
          return r;
        }
        jkt = thumbprint_of(check.header["jwk"]);
      }
      token_jkts.push_back(jkt);
      const bool refresh = request.body.find("grant_type=refresh_token") != std::string::npos;
      Json claims{{"iss", kIssuer}, {"sub", "user-1"}, {"aud", "portal"}, {"iat", now}, {"exp", now + 300}};
      if (!refresh && request.body.find("device_code") == std::string::npos) claims["nonce"] = nonce;
      const std::string access = "at-" + std::to_string(token_requests);
      bound[access] = jkt;
      r.body = Json{{"access_token", access},
                    {"token_type", jkt.empty() ? "Bearer" : "DPoP"},
                    {"expires_in", 300},
                    {"refresh_token", "rt-" + std::to_string(token_requests)},
                    {"id_token", mint(claims)}}
                   .dump();
    } else if (request.url == kApi) {
      ++api_requests;
      const std::string authorization = HttpResponse{0, request.headers, ""}.header("Authorization").value_or("");
      if (authorization.rfind("Bearer ", 0) == 0) {
        api_verdicts.push_back("bearer");
        return answer(bound[authorization.substr(7)].empty() ? 200 : 401, R"({"bearer":true})");
      }
      const std::string token = authorization.rfind("DPoP ", 0) == 0 ? authorization.substr(5) : "";
      const auto proof = HttpResponse{0, request.headers, ""}.header("DPoP");
      const auto check = proof ? check_proof(*proof, request.method, kApi, token) : ProofCheck{"no proof"};
      if (check.verdict.empty() && thumbprint_of(check.header["jwk"]) != bound[token]) {
        api_verdicts.push_back("key");
        return answer(401, "{}");
      }
      api_verdicts.push_back(check.verdict);
      api_nonces_seen.push_back(json_string(check.claims, "nonce").value_or(""));
      if (!check.verdict.empty()) return answer(401, "{}");
      if (api_nonce && (api_nonce_every_time || check.claims["nonce"] != "rs-nonce")) {
        r = answer(401, "{}");
        r.headers.emplace_back("WWW-Authenticate", R"(DPoP error="use_dpop_nonce", error_description="nonce")");
        r.headers.emplace_back("DPoP-Nonce", api_nonce_every_time ? "rs-nonce-" + std::to_string(api_requests) : "rs-nonce");
        return r;
      }
      r.body = R"({"ok":true})";
    } else {
      r.status = 404;
    }
    return r;
  }

 private:
  static HttpResponse answer(int status, std::string body) { return {status, {{"Content-Type", "application/json"}}, std::move(body)}; }
  std::mutex mutex_;
};

class DpopClientTest : public ::testing::Test {
 protected:
  DpopClientTest() : client_(options(), servers_, store_, system_random(), [this] { return servers_.now; }) {}

  static SsoClientOptions options(bool dpop = false) {
    SsoClientOptions o;
    o.config.issuer = kIssuer;
    o.config.client_id = "portal";
    o.config.client_secret = kSecret;
    o.config.auth = ClientAuth::client_secret_basic;
    o.config.redirect_uri = "http://127.0.0.1:8765/callback";
    o.config.dpop = dpop;
    o.signin.fetch_userinfo = false;
    return o;
  }

  Result<Session> sign_in(SsoClient& client) {
    SSOKIT_TRY(std::string url, client.login_url());
    auto params = query_params(parse_url(url).value()).value();
    servers_.nonce = *find_param(params, "nonce");
    last_jkt_ = find_param(params, "dpop_jkt").value_or("");
    return client.handle_callback("http://127.0.0.1:8765/callback?code=c1&state=" + *find_param(params, "state"));
  }

  HttpRequest api_get() {
    HttpRequest request;
    request.url = kApi;
    return request;
  }

  DpopServers servers_;
  MemoryTokenStore store_;
  SsoClient client_;
  std::string last_jkt_;
};

TEST_F(DpopClientTest, ASignInBindsTheTokensToANewKeyKeptInTheStore) {
  auto session = sign_in(client_);
  ASSERT_TRUE(session.ok()) << session.error().to_string();
  EXPECT_EQ(session->tokens.token_type, "DPoP");
  ASSERT_TRUE(session->dpop.has_value());
  const std::string jkt = thumbprint_of(session->dpop->jwk);
  EXPECT_EQ(last_jkt_, jkt) << "dpop_jkt names the key on the authorization request";
  EXPECT_EQ(servers_.token_jkts, std::vector<std::string>{jkt});
  auto stored = store_.get("ssokit.dpop_key").value();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(thumbprint_of(parse_json(*stored).value()), jkt);
  EXPECT_TRUE(parse_json(*stored).value().contains("d")) << "the private key is what the store keeps";
  // The pending sign-in's key entry went with its transaction.
  for (const char* name : {"ssokit.tx.latest"}) EXPECT_FALSE(store_.get(name).value().has_value());

  // A second sign-in: a new key.
  auto again = sign_in(client_);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(thumbprint_of(again->dpop->jwk), jkt);
  EXPECT_EQ(thumbprint_of(parse_json(*store_.get("ssokit.dpop_key").value()).value()), thumbprint_of(again->dpop->jwk));
}

TEST_F(DpopClientTest, AStoredSessionRefreshesWithItsKeyInAnotherClientWithoutTheFlag) {
  auto session = sign_in(client_);
  ASSERT_TRUE(session.ok());
  servers_.dpop_required = false;  // nothing asks for DPoP any more, but the session is bound
  SsoClient later(options(false), servers_, store_, system_random(), [this] { return servers_.now; });
  auto refreshed = later.refresh();
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().to_string();
  EXPECT_EQ(refreshed->tokens.token_type, "DPoP");
  EXPECT_EQ(servers_.token_jkts.back(), thumbprint_of(session->dpop->jwk));
  EXPECT_EQ(thumbprint_of(refreshed->dpop->jwk), thumbprint_of(session->dpop->jwk));
}

TEST_F(DpopClientTest, AMissingKeyIsLoginRequiredAndTheSessionIsForgotten) {
  ASSERT_TRUE(sign_in(client_).ok());
  ASSERT_TRUE(store_.remove("ssokit.dpop_key").ok());
  SsoClient later(options(), servers_, store_, system_random(), [this] { return servers_.now; });
  const int before = servers_.token_requests;
  auto refreshed = later.refresh();
  ASSERT_FALSE(refreshed.ok());
  EXPECT_EQ(refreshed.error().code, ErrorCode::login_required);
  EXPECT_EQ(servers_.token_requests, before) << "a bound refresh token is not sent without its key";
  EXPECT_FALSE(later.session().value().has_value());
}

TEST_F(DpopClientTest, AnotherKeyInTheStoreIsLoginRequiredToo) {
  ASSERT_TRUE(sign_in(client_).ok());
  ASSERT_TRUE(store_.put("ssokit.dpop_key", native::generate_dpop_key().value()).ok());
  SsoClient later(options(), servers_, store_, system_random(), [this] { return servers_.now; });
  auto response = later.authorized_request(api_get());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::login_required);
  EXPECT_EQ(servers_.api_requests, 0);
  EXPECT_FALSE(store_.get("ssokit.session").value().has_value());
}

TEST_F(DpopClientTest, SignOutAndRevokeForgetTheKey) {
  ASSERT_TRUE(sign_in(client_).ok());
  ASSERT_TRUE(client_.forget().ok());
  EXPECT_FALSE(store_.get("ssokit.dpop_key").value().has_value());
  ASSERT_TRUE(sign_in(client_).ok());
  (void)client_.revoke();  // the fake has no revocation endpoint: forgotten first all the same
  EXPECT_FALSE(store_.get("ssokit.dpop_key").value().has_value());
  EXPECT_FALSE(store_.get("ssokit.session").value().has_value());
}

TEST_F(DpopClientTest, TheProvidersNonceIsUsedAndRemembered) {
  servers_.token_nonce = true;
  ASSERT_TRUE(sign_in(client_).ok());
  EXPECT_EQ(servers_.token_requests, 2) << "one use_dpop_nonce answer, one retry";
  // The refresh starts with the remembered nonce: no second challenge.
  ASSERT_TRUE(client_.refresh().ok());
  EXPECT_EQ(servers_.token_requests, 3);
}

TEST_F(DpopClientTest, AuthorizedRequestSendsTheTokenAsDpopWithAProofAndRefreshesWhenDue) {
  auto session = sign_in(client_);
  ASSERT_TRUE(session.ok());
  HttpRequest post;
  post.method = "POST";
  post.url = kApi;
  post.headers = {{"Authorization", "Bearer spoofed"}, {"Content-Type", "application/json"}};
  post.body = "{}";
  auto response = client_.authorized_request(post);
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->status, 200) << servers_.api_verdicts.back();
  EXPECT_EQ(servers_.api_verdicts, std::vector<std::string>{""});
  // Near expiry: refreshed first, the new token sent with the same key.
  servers_.now += 290;
  auto later = client_.authorized_request(api_get());
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->status, 200);
  EXPECT_EQ(servers_.token_requests, 2);
  EXPECT_EQ(servers_.api_verdicts.back(), "");
}

TEST_F(DpopClientTest, AuthorizedRequestRetriesOnceWithTheResourceServersNonce) {
  ASSERT_TRUE(sign_in(client_).ok());
  servers_.api_nonce = true;
  auto response = client_.authorized_request(api_get());
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(servers_.api_requests, 2);
  EXPECT_EQ(servers_.api_nonces_seen, (std::vector<std::string>{"", "rs-nonce"}));
  // Remembered: the next request carries it at once.
  ASSERT_TRUE(client_.authorized_request(api_get()).ok());
  EXPECT_EQ(servers_.api_requests, 3);
  EXPECT_EQ(servers_.api_nonces_seen.back(), "rs-nonce");
}

TEST_F(DpopClientTest, AServerThatAsksForANonceEveryTimeGetsTwoRequestsAndTheAppThe401) {
  ASSERT_TRUE(sign_in(client_).ok());
  servers_.api_nonce = true;
  servers_.api_nonce_every_time = true;
  auto response = client_.authorized_request(api_get());
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(servers_.api_requests, 2);
  EXPECT_EQ(servers_.api_nonces_seen, (std::vector<std::string>{"", "rs-nonce-1"}));
}

TEST_F(DpopClientTest, ABearerSessionSendsBearerAndNoProof) {
  servers_.dpop_required = false;
  auto session = sign_in(client_);
  ASSERT_TRUE(session.ok());
  EXPECT_FALSE(session->dpop.has_value());
  EXPECT_TRUE(last_jkt_.empty());
  EXPECT_FALSE(store_.get("ssokit.dpop_key").value().has_value());
  auto response = client_.authorized_request(api_get());
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(servers_.api_verdicts, std::vector<std::string>{"bearer"});
}

TEST_F(DpopClientTest, NobodySignedInIsLoginRequired) {
  auto response = client_.authorized_request(api_get());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::login_required);
  EXPECT_EQ(servers_.api_requests, 0);
}

TEST_F(DpopClientTest, TheDeviceSignInMakesItsOwnKeyAndStoresIt) {
  SsoClientOptions o = options(true);
  o.sleep = [this](std::chrono::milliseconds d) { servers_.now += d.count() / 1000; };
  SsoClient device_client(std::move(o), servers_, store_, system_random(), [this] { return servers_.now; });
  auto session = device_client.device_sign_in([](const DeviceAuthorization&) {});
  ASSERT_TRUE(session.ok()) << session.error().to_string();
  ASSERT_TRUE(session->dpop.has_value());
  EXPECT_EQ(session->tokens.token_type, "DPoP");
  EXPECT_EQ(servers_.token_jkts.back(), thumbprint_of(session->dpop->jwk));
  EXPECT_EQ(thumbprint_of(parse_json(*store_.get("ssokit.dpop_key").value()).value()), thumbprint_of(session->dpop->jwk));
  auto response = device_client.authorized_request(api_get());
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
}

}  // namespace
}  // namespace ssokit
