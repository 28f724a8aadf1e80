// The step machines' one state envelope (step_state.hpp): its version and machine checks, its
// request budget, and for each machine that its finished state holds none of the secrets that
// went in (client secret, code, PKCE verifier, nonce, tokens, device code).
#include <gtest/gtest.h>

#include <functional>

#include "hs256_tokens.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/device.hpp"
#include "ssokit/oauth.hpp"
#include "ssokit/session.hpp"
#include "ssokit/step_state.hpp"

namespace ssokit {
namespace {

constexpr const char* kIssuer = "https://id.example.com";
using namespace hs256_tokens;  // kSecret, b64, mint, json_answer
constexpr std::int64_t kNow = 1'800'000'000;

// ---- The envelope ----

TEST(StepState, MadeAndReadBack) {
  const Json state = make_step_state("twentythree.login", "token", 3, {{"k", "v"}});
  EXPECT_EQ(state["v"], 1);
  EXPECT_EQ(state["machine"], "twentythree.login");
  EXPECT_EQ(state["phase"], "token");
  EXPECT_EQ(state["budget"], 3);
  auto read = read_step_state(state, "twentythree.login");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->phase, "token");
  EXPECT_EQ(read->budget, 3);
  EXPECT_EQ(read->data["k"], "v");
  EXPECT_TRUE(read_step_state(state, "twentythree.").ok());  // a family prefix
  EXPECT_EQ(read->to_json(), state);
}

TEST(StepState, AnotherMachineIsInvalidArgumentNamingBoth) {
  const Json state = make_step_state("refresh", "token", 8, Json::object());
  for (const char* expected : {"signin", "twentythree.", "refresh.x", "refres"}) {
    auto read = read_step_state(state, expected);
    ASSERT_FALSE(read.ok()) << expected;
    EXPECT_EQ(read.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(read.error().message.find("\"refresh\""), std::string::npos) << read.error().message;
  }
}

TEST(StepState, AnotherVersionIsInvalidArgument) {
  Json state = make_step_state("signin", "token", 8, Json::object());
  state["v"] = 2;
  auto read = read_step_state(state, "signin");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(read.error().message.find("version 2"), std::string::npos) << read.error().message;
}

TEST(StepState, MalformedStatesAreInvalidArgumentNeverACrash) {
  const Json good = make_step_state("signin", "token", 8, Json::object());
  std::vector<Json> bad = {nullptr, Json::array(), "signin", 1, Json::object()};
  for (const char* key : {"v", "machine", "phase", "budget", "data"}) {
    Json missing = good;
    missing.erase(key);
    bad.push_back(missing);
    for (const Json& wrong : {Json(nullptr), Json("1"), Json(Json::array()), Json(-1)}) {
      Json changed = good;
      changed[key] = wrong;
      // Any phase name is the machine's to judge (a flow refuses one it does not know).
      if (changed != good && !(std::string(key) == "phase" && wrong.is_string())) bad.push_back(changed);
    }
  }
  for (const Json& state : bad) {
    auto read = read_step_state(state, "signin");
    ASSERT_FALSE(read.ok()) << state.dump();
    EXPECT_EQ(read.error().code, ErrorCode::invalid_argument) << state.dump();
  }
}

TEST(StepState, SpendingTheLastRequestIsTheBudgetError) {
  StepState state;
  state.machine = "org.sso";
  state.budget = 2;
  EXPECT_TRUE(spend_request(state).ok());
  EXPECT_TRUE(spend_request(state).ok());
  EXPECT_EQ(state.budget, 0);
  Status spent = spend_request(state);
  ASSERT_FALSE(spent.ok());
  EXPECT_EQ(spent.error().code, ErrorCode::internal_error);
  EXPECT_NE(spent.error().message.find("did not finish within its request budget"), std::string::npos);
  Json as_json = make_step_state("org.sso", "get", 1, Json::object());
  EXPECT_TRUE(spend_request(as_json).ok());
  EXPECT_EQ(as_json["budget"], 0);
  EXPECT_EQ(spend_request(as_json).error().code, ErrorCode::internal_error);
}

TEST(StepState, ADoneStateHasNoDataAndIsReadable) {
  const Json done = done_step_state("device");
  EXPECT_EQ(done, Json({{"v", 1}, {"machine", "device"}, {"phase", "done"}}));
  auto read = read_step_state(done, "device");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->phase, kDonePhase);
}

// ---- The flows: the budget is the envelope's, and a done state keeps no secret ----

ProviderMetadata provider() {
  const std::string base = kIssuer;
  return ProviderMetadata::from_json({{"issuer", kIssuer},
                                      {"authorization_endpoint", base + "/authorize"},
                                      {"token_endpoint", base + "/token"},
                                      {"device_authorization_endpoint", base + "/device"},
                                      {"jwks_uri", base + "/jwks"}})
      .value();
}

ClientConfig client() {
  ClientConfig c;
  c.issuer = kIssuer;
  c.client_id = "portal";
  c.client_secret = kSecret;
  c.auth = ClientAuth::client_secret_basic;
  c.redirect_uri = "http://127.0.0.1:8765/callback";
  return c;
}

RandomSource& random() {
  static auto r = CtrDrbgRandom::from_seed(Bytes(32, 7));
  return *r.value();
}

const std::string kAccess = "access-token-of-the-envelope-test-1";
const std::string kRefresh = "refresh-token-of-the-envelope-test-2";
const std::string kNewRefresh = "rotated-refresh-token-of-the-envelope-test-3";

std::string id_token(const std::string& nonce) {
  Json claims = {{"iss", kIssuer}, {"aud", "portal"}, {"sub", "viewer-1"}, {"iat", kNow}, {"exp", kNow + 600}};
  if (!nonce.empty()) claims["nonce"] = nonce;
  return mint(claims);
}

// Runs the steps by hand (send, verify, repeat), answering with `answer`; collects every state.
struct StepRun {
  Result<Json> result = make_error(ErrorCode::internal_error, "not run");
  Json last_state;
  int requests = 0;
};
StepRun drive(Result<FlowStep> first, const std::function<HttpResponse(const HttpRequest&)>& answer) {
  StepRun run;
  if (!first.ok()) {
    run.result = first.take_error();
    return run;
  }
  FlowStep step = std::move(first).value();
  for (int guard = 0; guard < 64 && !step.result; ++guard) {
    Result<FlowStep> next = make_error(ErrorCode::internal_error, "no effect");
    if (step.verify) {
      next = flow_verified(step.state, verify_signature(*step.verify), kNow);
    } else if (step.request) {
      ++run.requests;
      next = flow_step(step.state, answer(*step.request), kNow);
    }
    if (!next.ok()) {
      run.result = next.take_error();
      return run;
    }
    step = std::move(next).value();
  }
  run.last_state = step.state;
  if (step.result) run.result = std::move(*step.result);
  return run;
}

void expect_no_secret(const Json& state, const std::vector<std::string>& secrets) {
  const std::string text = state.dump();
  for (const auto& s : secrets) EXPECT_EQ(text.find(s), std::string::npos) << s << " in " << text;
}

TEST(StepStateFlows, SignInStartsWithBudgetEightAndEndsWithoutSecrets) {
  auto request = build_authorization_request(client(), provider(), {}, random(), kNow);
  ASSERT_TRUE(request.ok());
  const Transaction tx = request->transaction;
  const std::string code = "the-authorization-code-xyz";
  const std::string callback = "http://127.0.0.1:8765/callback?code=" + code + "&state=" + tx.state;
  SignInOptions options;
  options.fetch_userinfo = false;
  auto first = signin_flow(client(), provider(), tx, callback, options, kNow);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->state["v"], 1);
  EXPECT_EQ(first->state["machine"], "signin");
  EXPECT_EQ(first->state["phase"], "token");
  EXPECT_EQ(first->state["budget"], 7);  // 8, one spent on the code exchange it asks for
  const std::string token = id_token(tx.nonce);
  StepRun run = drive(std::move(first), [&](const HttpRequest& r) {
    if (r.url == std::string(kIssuer) + "/jwks") return json_answer(200, {{"keys", Json::array()}});
    return json_answer(200, {{"access_token", kAccess}, {"refresh_token", kRefresh}, {"id_token", token},
                             {"token_type", "Bearer"}, {"expires_in", 600}});
  });
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  EXPECT_EQ(run.last_state, done_step_state("signin"));
  expect_no_secret(run.last_state, {kSecret, code, tx.code_verifier, tx.nonce, tx.state, kAccess, kRefresh, token});
}

TEST(StepStateFlows, RefreshEndsWithoutSecretsAndAFinishedStateCannotGoOn) {
  Session session;
  session.tokens.token_type = "Bearer";
  session.tokens.access_token = "old-access-token-of-the-envelope-test";
  session.tokens.refresh_token = kRefresh;
  session.claims = {{"sub", "viewer-1"}};
  auto first = refresh_flow(client(), provider(), session, {}, kNow);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->state["machine"], "refresh");
  EXPECT_EQ(first->state["budget"], 7);
  StepRun run = drive(std::move(first), [&](const HttpRequest&) {
    return json_answer(200, {{"access_token", kAccess}, {"refresh_token", kNewRefresh}, {"token_type", "Bearer"},
                             {"expires_in", 600}});
  });
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  EXPECT_EQ(run.result.value()["session"]["tokens"]["refresh_token"], kNewRefresh);
  EXPECT_EQ(run.last_state, done_step_state("refresh"));
  expect_no_secret(run.last_state, {kSecret, kAccess, kRefresh, kNewRefresh, session.tokens.access_token});
  auto again = flow_step(run.last_state, json_answer(200, Json::object()), kNow);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::invalid_argument);
}

DeviceAuthorization device_code(std::int64_t lifetime) {
  DeviceAuthorization d;
  d.device_code = "device-code-of-the-envelope-test-42";
  d.user_code = "WDJB-MJHT";
  d.verification_uri = std::string(kIssuer) + "/device";
  d.expires_in = lifetime;
  d.expires_at = kNow + lifetime;
  d.interval = 5;
  return d;
}

TEST(StepStateFlows, DeviceBudgetCoversTheCodesLifetimeAndEndsWithoutSecrets) {
  const DeviceAuthorization d = device_code(600);
  auto first = device_flow(client(), provider(), d, SignInOptions{}, kNow);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->state["machine"], "device");
  EXPECT_EQ(first->state["phase"], "poll");
  // A poll a second at most for the code's 600 s (601), the sign-in's own 8, one spent.
  EXPECT_EQ(first->state["budget"], 600 + 1 + 8 - 1);
  const std::string token = id_token("");
  int polls = 0;
  StepRun run = drive(std::move(first), [&](const HttpRequest& r) {
    if (r.url == std::string(kIssuer) + "/jwks") return json_answer(200, {{"keys", Json::array()}});
    if (++polls < 3) return json_answer(400, {{"error", "authorization_pending"}});
    return json_answer(200, {{"access_token", kAccess}, {"refresh_token", kRefresh}, {"id_token", token},
                             {"token_type", "Bearer"}, {"expires_in", 600}, {"scope", "openid"}});
  });
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  EXPECT_EQ(run.last_state, done_step_state("device"));
  expect_no_secret(run.last_state, {kSecret, d.device_code, kAccess, kRefresh, token});
}

TEST(StepStateFlows, TheFastPollPathSpendsTheBudgetToo) {
  auto first = device_flow(client(), provider(), device_code(600), SignInOptions{}, kNow);
  ASSERT_TRUE(first.ok());
  FlowStep step = std::move(first).value();
  const std::int64_t before = json_int(step.state, "budget").value_or(-1);
  auto next = flow_step(std::move(step), json_answer(400, {{"error", "authorization_pending"}}), kNow);
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->state["budget"], before - 1);
  // A state whose budget is spent stops, however the host drives it.
  next->state["budget"] = 0;
  auto spent = flow_step(std::move(next).value(), json_answer(400, {{"error", "authorization_pending"}}), kNow);
  ASSERT_FALSE(spent.ok());
  EXPECT_EQ(spent.error().code, ErrorCode::internal_error);
  EXPECT_NE(spent.error().message.find("request budget"), std::string::npos);
}

TEST(StepStateFlows, AFlowRefusesAnotherMachinesState) {
  const Json platform = make_step_state("twentythree.login", "token", 2, Json::object());
  auto step = flow_step(platform, json_answer(200, Json::object()), kNow);
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(step.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(step.error().message.find("twentythree.login"), std::string::npos);
  Json old = {{"kind", "signin"}, {"phase", "token"}};  // the state of an SDK before the envelope
  auto legacy = flow_step(old, json_answer(200, Json::object()), kNow);
  ASSERT_FALSE(legacy.ok());
  EXPECT_EQ(legacy.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace ssokit
