// Device authorization grant (RFC 8628): the request/response pairs, the classification of poll
// answers, and SsoClient::device_sign_in against a scripted provider with a fake sleeper that
// moves a fake clock (slow_down, expiry, cancellation, network back-off, bounded polling).
// ID tokens are HS256 with the client secret so the test can mint them.
#include <gtest/gtest.h>

#include <deque>

#include "hs256_tokens.hpp"
#include "ssokit/client.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/device.hpp"
#include "ssokit/native/drive.hpp"

namespace ssokit {
namespace {

constexpr const char* kIssuer = "https://id.example.com";
using namespace hs256_tokens;  // kSecret, b64, mint, json_answer
constexpr std::int64_t kStart = 1'800'000'000;

HttpResponse answer(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = body;
  return r;
}

Json discovery_document() {
  const std::string base = kIssuer;
  return {{"issuer", kIssuer},
          {"authorization_endpoint", base + "/authorize"},
          {"token_endpoint", base + "/token"},
          {"device_authorization_endpoint", base + "/device/auth"},
          {"userinfo_endpoint", base + "/userinfo"},
          {"jwks_uri", base + "/jwks"}};
}

// Through from_json, as discovery makes it (the flow state carries the raw document).
ProviderMetadata provider_metadata() { return ProviderMetadata::from_json(discovery_document()).value(); }

ClientConfig client_config() {
  ClientConfig c;
  c.issuer = kIssuer;
  c.client_id = "tv";
  c.client_secret = kSecret;
  c.auth = ClientAuth::client_secret_basic;
  return c;
}

// ---- request/response pairs ----

TEST(DeviceRequests, AuthorizationRequestPostsScopeWithClientAuth) {
  auto r = device_authorization_request(client_config(), provider_metadata(), std::string("openid tv"));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->url, std::string(kIssuer) + "/device/auth");
  EXPECT_EQ(r->body, "scope=openid+tv");
  EXPECT_FALSE(r->idempotent);
  auto auth = HttpResponse{0, r->headers, ""}.header("Authorization");
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->rfind("Basic ", 0), 0u);
}

TEST(DeviceRequests, AuthorizationRequestWithoutEndpointIsInvalidArgument) {
  ProviderMetadata p = provider_metadata();
  p.device_authorization_endpoint.clear();
  auto r = device_authorization_request(client_config(), p);  // e.g. a provider without the device flow
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

TEST(DeviceRequests, TokenRequestUsesTheDeviceCodeGrant) {
  ClientConfig c = client_config();
  c.auth = ClientAuth::none;
  c.client_secret.clear();
  auto r = device_token_request(c, provider_metadata(), "DC-1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=DC-1&client_id=tv");
}

TEST(DeviceRequests, AuthorizationResponseDefaultsTheIntervalToFiveSeconds) {
  auto d = process_device_authorization_response(
      answer(200, R"({"device_code":"DC","user_code":"ABCD-EFGH","verification_uri":"https://id.example.com/device",)"
                  R"("verification_uri_complete":"https://id.example.com/device?user_code=ABCD-EFGH","expires_in":600})"),
      kStart);
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  EXPECT_EQ(d->interval, 5);
  EXPECT_EQ(d->expires_at, kStart + 600);
  EXPECT_EQ(d->display_uri(), "https://id.example.com/device?user_code=ABCD-EFGH");
  EXPECT_EQ(d->to_string().find("\"DC\""), std::string::npos) << "device code redacted";
}

TEST(DeviceRequests, AuthorizationResponseProblems) {
  struct Case {
    int status;
    const char* body;
    ErrorCode code;
  };
  const Case cases[] = {
      {400, R"({"error":"invalid_client"})", ErrorCode::authorization_error},
      {500, "down", ErrorCode::http_error},
      {200, "not json", ErrorCode::invalid_response},
      {200, R"({"user_code":"U","verification_uri":"https://x.example/d","expires_in":60})", ErrorCode::invalid_response},
      {200, R"j({"device_code":"D","user_code":"U","verification_uri":"javascript:alert(1)","expires_in":60})j",
       ErrorCode::invalid_response},
      {200, R"({"device_code":"D","user_code":"U","verification_uri":"https://x.example/d"})", ErrorCode::invalid_response},
      {200, R"({"device_code":"D","user_code":"U","verification_uri":"https://x.example/d","expires_in":60,"interval":0})",
       ErrorCode::invalid_response},
  };
  for (const auto& c : cases) {
    auto d = process_device_authorization_response(answer(c.status, c.body), kStart);
    ASSERT_FALSE(d.ok()) << c.body;
    EXPECT_EQ(d.error().code, c.code) << c.body;
  }
  // An older draft's name is accepted.
  auto google = process_device_authorization_response(
      answer(200, R"({"device_code":"D","user_code":"U","verification_url":"https://x.example/d","expires_in":60,"interval":7})"),
      kStart);
  ASSERT_TRUE(google.ok());
  EXPECT_EQ(google->interval, 7);
  EXPECT_EQ(google->verification_uri, "https://x.example/d");
}

TEST(DevicePollClassification, EachAnswer) {
  auto ok = process_device_token_response(answer(200, R"({"access_token":"at","token_type":"Bearer"})"), kStart);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, DevicePollStatus::authorized);
  EXPECT_EQ(ok->tokens.access_token, "at");

  auto pending = process_device_token_response(answer(400, R"({"error":"authorization_pending"})"), kStart);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->status, DevicePollStatus::pending);
  auto slow = process_device_token_response(answer(400, R"({"error":"slow_down"})"), kStart);
  ASSERT_TRUE(slow.ok());
  EXPECT_EQ(slow->status, DevicePollStatus::slow_down);

  struct Case {
    int status;
    const char* body;
    ErrorCode code;
  };
  const Case failures[] = {
      {400, R"({"error":"expired_token"})", ErrorCode::device_code_expired},
      {400, R"({"error":"access_denied"})", ErrorCode::access_denied},
      {400, R"({"error":"invalid_grant"})", ErrorCode::token_error},
      {401, R"({"error":"invalid_client"})", ErrorCode::token_error},
      {502, "bad gateway", ErrorCode::http_error},
      {200, R"({"token_type":"Bearer"})", ErrorCode::invalid_response},
  };
  for (const auto& c : failures) {
    auto r = process_device_token_response(answer(c.status, c.body), kStart);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.error().code, c.code) << c.body;
  }
}

// ---- the step machine and SsoClient::device_sign_in ----

// A provider with a device endpoint whose token endpoint plays a script of poll answers.
class DeviceProvider final : public HttpTransport {
 public:
  std::int64_t now = kStart;
  std::int64_t expires_in = 600;
  std::deque<std::string> script;  // "pending", "slow_down", "expired", "denied", "offline", "ok"
  std::string when_empty = "pending";
  std::vector<std::int64_t> polls;  // seconds since kStart of each poll
  bool id_token = true;

  Result<HttpResponse> send(const HttpRequest& request) override {
    const std::string base = kIssuer;
    if (request.url == base + "/.well-known/openid-configuration") {
      return answer(200, discovery_document().dump());
    }
    if (request.url == base + "/device/auth") {
      // No interval, like oidc-provider: the client uses 5 seconds.
      return answer(200, Json{{"device_code", "DC-secret"},
                              {"user_code", "WDJB-MJHT"},
                              {"verification_uri", base + "/device"},
                              {"verification_uri_complete", base + "/device?user_code=WDJB-MJHT"},
                              {"expires_in", expires_in}}
                             .dump());
    }
    if (request.url == base + "/userinfo") return answer(200, R"({"sub":"user-1","email":"u@example.com"})");
    if (request.url == base + "/jwks") return answer(200, R"({"keys":[]})");
    if (request.url == base + "/token") {
      polls.push_back(now - kStart);
      std::string next = when_empty;
      if (!script.empty()) {
        next = script.front();
        script.pop_front();
      }
      if (next == "pending") return answer(400, R"({"error":"authorization_pending"})");
      if (next == "slow_down") return answer(400, R"({"error":"slow_down"})");
      if (next == "expired") return answer(400, R"({"error":"expired_token"})");
      if (next == "denied") return answer(400, R"({"error":"access_denied"})");
      if (next == "offline") return make_error(ErrorCode::network_error, "connection refused");
      Json body{{"access_token", "at-1"}, {"token_type", "Bearer"}, {"expires_in", 300}, {"refresh_token", "rt-1"}};
      if (id_token) {
        body["id_token"] = mint({{"iss", kIssuer}, {"sub", "user-1"}, {"aud", "tv"}, {"iat", now}, {"exp", now + 300}});
      }
      return answer(200, body.dump());
    }
    return answer(404, "");
  }
};

class DeviceSignInTest : public ::testing::Test {
 protected:
  DeviceSignInTest() : client_(options(), provider_, store_, random(), [this] { return provider_.now; }) {}

  SsoClientOptions options() {
    SsoClientOptions o;
    o.config = client_config();
    // The fake sleeper moves the fake clock: whole seconds once slept through.
    o.sleep = [this](std::chrono::milliseconds d) {
      slept_ms_ += d.count();
      ++sleeps_;
      provider_.now = kStart + slept_ms_ / 1000;
    };
    return o;
  }
  static RandomSource& random() {
    static auto r = CtrDrbgRandom::from_seed(Bytes(32, 9));
    return *r.value();
  }

  Result<Session> sign_in(const std::function<bool()>& cancelled = {}) {
    return client_.device_sign_in([this](const DeviceAuthorization& d) { shown_.push_back(d.user_code); }, cancelled);
  }

  DeviceProvider provider_;
  MemoryTokenStore store_;
  SsoClient client_;
  std::int64_t slept_ms_ = 0;
  int sleeps_ = 0;
  std::vector<std::string> shown_;
};

TEST_F(DeviceSignInTest, PollsAtTheIntervalAndSlowsDownWhenAsked) {
  provider_.script = {"pending", "slow_down", "pending", "ok"};
  auto session = sign_in();
  ASSERT_TRUE(session.ok()) << session.error().to_string();
  EXPECT_EQ(shown_, std::vector<std::string>{"WDJB-MJHT"});
  // 5 s default; slow_down adds 5 s for this and every later poll.
  EXPECT_EQ(provider_.polls, (std::vector<std::int64_t>{5, 10, 20, 30}));
  EXPECT_EQ(session->claims["sub"], "user-1");
  EXPECT_EQ(session->profile["email"], "u@example.com");
  auto stored = client_.session();
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->tokens.access_token, "at-1");
}

TEST_F(DeviceSignInTest, ExpiryStopsPollingBeforeAPointlessPoll) {
  provider_.expires_in = 20;
  auto session = sign_in();
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::device_code_expired);
  EXPECT_EQ(provider_.polls, (std::vector<std::int64_t>{5, 10, 15, 20}));
  EXPECT_EQ(slept_ms_, 20'000);
}

TEST_F(DeviceSignInTest, ProviderSideExpiryAndDenial) {
  provider_.script = {"pending", "expired"};
  auto expired = sign_in();
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::device_code_expired);

  provider_.script = {"denied"};
  auto denied = sign_in();
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, ErrorCode::access_denied);
  auto stored = client_.session();
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_value());
}

TEST_F(DeviceSignInTest, CancellationStopsWhileWaiting) {
  auto cancelled = sign_in([this] { return sleeps_ >= 30; });  // 7.5 s in 250 ms slices
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code, ErrorCode::cancelled);
  EXPECT_EQ(provider_.polls, (std::vector<std::int64_t>{5}));
  EXPECT_EQ(slept_ms_, 7'500);
}

TEST_F(DeviceSignInTest, NetworkTroubleWhilePollingBacksOff) {
  provider_.script = {"offline", "offline", "ok"};
  auto session = sign_in();
  ASSERT_TRUE(session.ok()) << session.error().to_string();
  // 5, then twice the interval (10 s later), then twice that (20 s later).
  EXPECT_EQ(provider_.polls, (std::vector<std::int64_t>{5, 15, 35}));
}

TEST_F(DeviceSignInTest, AClockThatStandsStillStillEndsTheLoop) {
  provider_.expires_in = 30;
  SsoClientOptions o = options();
  o.sleep = [this](std::chrono::milliseconds) { ++sleeps_; };  // time never passes
  SsoClient still(std::move(o), provider_, store_, random(), [this] { return provider_.now; });
  auto session = still.device_sign_in({});
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::device_code_expired);
  EXPECT_LE(provider_.polls.size(), 31u);
}

TEST_F(DeviceSignInTest, MissingIdTokenWithOpenidIsAnError) {
  provider_.id_token = false;
  provider_.script = {"ok"};
  auto session = sign_in();
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::id_token_missing);
}

TEST(DeviceFlow, StepsCarryTheWaitAndTheStateRoundTrips) {
  DeviceAuthorization d;
  d.device_code = "DC";
  d.user_code = "U";
  d.verification_uri = "https://id.example.com/device";
  d.expires_in = 60;
  d.expires_at = kStart + 60;
  auto step = device_flow(client_config(), provider_metadata(), d, {}, kStart);
  ASSERT_TRUE(step.ok()) << step.error().to_string();
  EXPECT_EQ(step->wait_seconds, 5);
  ASSERT_TRUE(step->request);
  EXPECT_EQ(step->request->url, std::string(kIssuer) + "/token");
  auto next = flow_step(step->state, answer(400, R"({"error":"slow_down"})"), kStart + 5);
  ASSERT_TRUE(next.ok()) << next.error().to_string();
  EXPECT_EQ(next->wait_seconds, 10);
  // The driver waits each poll's interval before sending it (never hammers the provider), and a
  // cancellation during the wait stops it before the first poll.
  DeviceProvider provider;
  std::int64_t slept_ms = 0;
  DriveOptions drive;
  drive.clock = [] { return kStart; };
  drive.sleep = [&slept_ms](std::chrono::milliseconds ms) { slept_ms += ms.count(); };
  drive.cancelled = [&slept_ms] { return slept_ms >= 1000; };
  auto run = drive_steps(provider, device_flow(client_config(), provider_metadata(), d, {}, kStart), flow_machine(), drive);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().code, ErrorCode::cancelled);
  EXPECT_EQ(slept_ms, 1000);
  EXPECT_TRUE(provider.polls.empty());
  // An already expired code does not start.
  auto late = device_flow(client_config(), provider_metadata(), d, {}, kStart + 60);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::device_code_expired);
}

// The polling loop's shortcut (flow_step taking the previous step whole re-sends the same request
// on "not yet") must give exactly what the JSON-state path gives: same request, wait and state.
TEST(DeviceFlow, TheWholeStepShortcutMatchesTheStatePath) {
  DeviceAuthorization d;
  d.device_code = "DC";
  d.user_code = "U";
  d.verification_uri = "https://id.example.com/device";
  d.expires_in = 40;
  d.expires_at = kStart + 40;
  auto first = device_flow(client_config(), provider_metadata(), d, {}, kStart);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  FlowStep by_state = first.value();
  FlowStep whole = first.value();
  const char* answers[] = {R"({"error":"authorization_pending"})", R"({"error":"slow_down"})",
                           R"({"error":"authorization_pending"})", R"({"error":"authorization_pending"})",
                           R"({"error":"authorization_pending"})"};
  std::int64_t now = kStart;
  for (const char* body : answers) {
    now += by_state.wait_seconds;
    auto a = flow_step(by_state.state, answer(400, body), now);
    auto b = flow_step(std::move(whole), answer(400, body), now);
    ASSERT_EQ(a.ok(), b.ok()) << body;
    if (!a.ok()) {
      // The poll that would come after the code's expiry: both stop the same way.
      EXPECT_EQ(a.error().code, ErrorCode::device_code_expired);
      EXPECT_EQ(b.error().code, a.error().code);
      EXPECT_EQ(now, kStart + 40);  // polls at 5, 10, 20, 30, 40; the next would be at 50
      return;
    }
    EXPECT_EQ(b->state, a->state) << body;
    EXPECT_EQ(b->wait_seconds, a->wait_seconds) << body;
    ASSERT_TRUE(a->request && b->request);
    EXPECT_EQ(b->request->url, a->request->url);
    EXPECT_EQ(b->request->body, a->request->body);
    EXPECT_EQ(b->request->headers, a->request->headers);
    by_state = std::move(a).value();
    whole = std::move(b).value();
  }
  ADD_FAILURE() << "the 40 s code should have expired after the fifth poll";
}

}  // namespace
}  // namespace ssokit
