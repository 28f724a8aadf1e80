// SsoClient (the native high-level client) with a scripted provider behind a fake transport:
// callback single use, tampered state, refresh coalescing (also when the refresh fails),
// rotation persisted, invalid_grant forgetting the session. ID tokens are HS256 with the
// confidential client's secret, so the test can mint them without a private key.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "hs256_tokens.hpp"
#include "ssokit/client.hpp"
#include "ssokit/crypto.hpp"

namespace ssokit {
namespace {

constexpr const char* kIssuer = "https://id.example.com";
using namespace hs256_tokens;  // kSecret, b64, mint, json_answer

// A provider answering discovery, token (code and refresh grants) and user-info.
class ScriptedProvider final : public HttpTransport {
 public:
  std::int64_t now = 1'800'000'000;
  std::atomic<int> refresh_calls{0};
  std::string refresh_error;  // "" ok, "invalid_grant", "server" (HTTP 500)
  std::string nonce;
  int issued = 0;

  Result<HttpResponse> send(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    HttpResponse r;
    r.status = 200;
    r.headers = {{"Content-Type", "application/json"}};
    if (request.url == std::string(kIssuer) + "/.well-known/openid-configuration") {
      r.body = Json{{"issuer", kIssuer},
                    {"authorization_endpoint", std::string(kIssuer) + "/authorize"},
                    {"token_endpoint", std::string(kIssuer) + "/token"},
                    {"userinfo_endpoint", std::string(kIssuer) + "/userinfo"},
                    {"jwks_uri", std::string(kIssuer) + "/jwks"},
                    {"response_types_supported", {"code"}}}
                   .dump();
    } else if (request.url == std::string(kIssuer) + "/jwks") {
      r.body = R"({"keys":[]})";
    } else if (request.url == std::string(kIssuer) + "/userinfo") {
      r.body = R"({"sub":"user-1","email":"u@example.com"})";
    } else if (request.url == std::string(kIssuer) + "/token") {
      const bool refresh = request.body.find("grant_type=refresh_token") != std::string::npos;
      if (refresh) {
        ++refresh_calls;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the other callers pile up
        if (refresh_error == "invalid_grant") {
          r.status = 400;
          r.body = R"({"error":"invalid_grant"})";
          return r;
        }
        if (refresh_error == "server") {
          r.status = 500;
          r.body = "oops";
          return r;
        }
      }
      ++issued;
      Json claims{{"iss", kIssuer}, {"sub", "user-1"}, {"aud", "portal"}, {"iat", now}, {"exp", now + 300}};
      if (!refresh) claims["nonce"] = nonce;
      r.body = Json{{"access_token", "at-" + std::to_string(issued)},
                    {"token_type", "Bearer"},
                    {"expires_in", 300},
                    {"refresh_token", "rt-" + std::to_string(issued)},
                    {"id_token", mint(claims)}}
                   .dump();
    } else {
      r.status = 404;
    }
    return r;
  }

 private:
  std::mutex mutex_;
};

class SsoClientTest : public ::testing::Test {
 protected:
  SsoClientTest() : client_(options(), provider_, store_, random(), [this] { return provider_.now; }) {}

  static SsoClientOptions options() {
    SsoClientOptions o;
    o.config.issuer = kIssuer;
    o.config.client_id = "portal";
    o.config.client_secret = kSecret;
    o.config.auth = ClientAuth::client_secret_basic;
    o.config.redirect_uri = "http://127.0.0.1:8765/callback";
    return o;
  }
  static RandomSource& random() {
    static auto r = CtrDrbgRandom::from_seed(Bytes(32, 7));
    return *r.value();
  }

  // Starts a sign-in and returns the callback URL a provider would send the browser to.
  std::string authorize() {
    auto url = client_.login_url();
    EXPECT_TRUE(url.ok()) << url.error().to_string();
    auto parsed = parse_url(url.value());
    auto params = query_params(parsed.value()).value();
    provider_.nonce = *find_param(params, "nonce");
    return "http://127.0.0.1:8765/callback?code=c1&state=" + *find_param(params, "state");
  }

  ScriptedProvider provider_;
  MemoryTokenStore store_;
  SsoClient client_;
};

TEST_F(SsoClientTest, CallbackSignsInOnceAndNotifies) {
  int notified = 0;
  client_.on_session_change([&](const Session* s) { notified += s != nullptr ? 1 : 0; });
  const std::string callback = authorize();
  auto session = client_.handle_callback(callback);
  ASSERT_TRUE(session.ok()) << session.error().to_string();
  EXPECT_EQ(session->claims["sub"], "user-1");
  EXPECT_EQ(session->profile["email"], "u@example.com");
  EXPECT_EQ(notified, 1);
  auto replay = client_.handle_callback(callback);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, ErrorCode::transaction_not_found);
}

TEST_F(SsoClientTest, TamperedStateIsStateMismatchAndSpendsThePendingSignIn) {
  const std::string callback = authorize();
  auto tampered = client_.handle_callback(callback + "x");
  ASSERT_FALSE(tampered.ok());
  EXPECT_EQ(tampered.error().code, ErrorCode::state_mismatch);
  auto genuine = client_.handle_callback(callback);
  ASSERT_FALSE(genuine.ok());
  EXPECT_EQ(genuine.error().code, ErrorCode::transaction_not_found);
  EXPECT_FALSE(client_.session().value().has_value());
}

// state=latest names the marker's own key: it must not read (or delete) the marker as if it were
// a transaction, but spend the pending sign-in like any forged state.
TEST_F(SsoClientTest, AStateNamedLikeTheMarkerIsStateMismatchAndSpendsThePendingSignIn) {
  const std::string callback = authorize();
  const std::string forged = callback.substr(0, callback.find("state=")) + "state=latest";
  auto first = client_.handle_callback(forged);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, ErrorCode::state_mismatch);
  EXPECT_FALSE(store_.get("ssokit.tx.latest").value().has_value());
  auto genuine = client_.handle_callback(callback);
  ASSERT_FALSE(genuine.ok());
  EXPECT_EQ(genuine.error().code, ErrorCode::transaction_not_found) << "the pending sign-in was spent";
}

// A transport that is offline for everything after sign-in.
class Offline final : public HttpTransport {
 public:
  Result<HttpResponse> send(const HttpRequest&) override {
    return make_error(ErrorCode::network_error, "offline");
  }
};

TEST_F(SsoClientTest, SignOutAndRevokeForgetLocallyFirstEvenOffline) {
  for (const bool revoke : {false, true}) {
    MemoryTokenStore store;
    Offline offline;
    SsoClient signed_in(options(), provider_, store, random(), [this] { return provider_.now; });
    auto url = parse_url(signed_in.login_url().value()).value();
    auto params = query_params(url).value();
    provider_.nonce = *find_param(params, "nonce");
    ASSERT_TRUE(signed_in.handle_callback("http://127.0.0.1:8765/callback?code=c1&state=" + *find_param(params, "state")).ok());
    // A new client on the same store with no network (no cached discovery either).
    SsoClient client(options(), offline, store, random(), [this] { return provider_.now; });
    const Status done = revoke ? client.revoke() : Status(client.logout_url().take_error());
    EXPECT_FALSE(done.ok());
    EXPECT_EQ(done.error().code, ErrorCode::network_error);
    EXPECT_FALSE(client.session().value().has_value()) << (revoke ? "revoke" : "sign-out") << " kept the session offline";
  }
}

TEST_F(SsoClientTest, ConcurrentCallersShareOneRefreshAndTheRotatedTokenIsStored) {
  ASSERT_TRUE(client_.handle_callback(authorize()).ok());
  provider_.now += 290;  // within the 60 s leeway of expiry
  std::vector<std::string> tokens(6);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (auto& t : tokens) threads.emplace_back([&] {
    while (!go) std::this_thread::yield();
    t = client_.access_token().value();
  });
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(provider_.refresh_calls.load(), 1);
  for (const auto& t : tokens) EXPECT_EQ(t, "at-2");
  EXPECT_EQ(client_.session().value()->tokens.refresh_token, "rt-2");
}

TEST_F(SsoClientTest, AFailedRefreshIsSharedTooAndKeepsTheSession) {
  ASSERT_TRUE(client_.handle_callback(authorize()).ok());
  provider_.now += 290;
  provider_.refresh_error = "server";
  std::vector<std::optional<Error>> errors(4);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (auto& e : errors) threads.emplace_back([&] {
    while (!go) std::this_thread::yield();
    auto r = client_.access_token();
    if (!r.ok()) e = r.error();
  });
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(provider_.refresh_calls.load(), 1);
  for (const auto& e : errors) {
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code, ErrorCode::refresh_failed) << e->message;
  }
  EXPECT_TRUE(client_.session().value().has_value()) << "a transient failure keeps the session";
}

TEST_F(SsoClientTest, InvalidGrantMeansLoginRequiredAndForgetsTheSession) {
  ASSERT_TRUE(client_.handle_callback(authorize()).ok());
  provider_.now += 290;
  provider_.refresh_error = "invalid_grant";
  auto r = client_.access_token();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::login_required);
  EXPECT_FALSE(client_.session().value().has_value());
}

}  // namespace
}  // namespace ssokit
