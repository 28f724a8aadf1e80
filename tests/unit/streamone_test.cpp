// StreamOne API v3 connector: request signing against HMAC-SHA1 values computed independently
// (openssl dgst -sha1 -hmac, see each test), the envelope with every documented status, hostile
// answers, and the single sign-on step machines (provisioning, 431 and replace_token, bounds).
#include <gtest/gtest.h>

#include <deque>

#include "api.hpp"
#include "ssokit/platforms/streamone.hpp"

namespace ssokit {
namespace {

using streamone::Credentials;

constexpr std::int64_t kNow = 1'700'000'000;
constexpr const char* kKey = "psk-secret";
constexpr const char* kResponse = "resp value/with*chars~";

Credentials app() {
  Credentials c;
  c.server = "https://api.example.com";
  c.actor_id = "app1";
  c.key = kKey;
  return c;
}

HttpResponse answer(const std::string& body, int http = 200, Params headers = {}) {
  HttpResponse r;
  r.status = http;
  r.headers = std::move(headers);
  r.body = body;
  return r;
}

HttpResponse envelope(int status, const Json& body = nullptr, const std::string& message = "msg") {
  return answer(Json{{"header", {{"status", status}, {"statusmessage", message}}}, {"body", body}}.dump());
}

std::string query_of(const std::string& url) { return url.substr(url.find('?') + 1); }

// ---- Signing ----

TEST(StreamOneSign, ApplicationRequestMatchesIndependentHmac) {
  streamone::Call call;
  call.command = "session";
  call.action = "createwithsso";
  call.arguments = {{"service", "idp"}, {"response", kResponse}};
  auto r = streamone::build_request(app(), call, kNow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::string expected_signed =
      "/api/session/createwithsso?api=3&format=json&authentication_type=application&application=app1"
      "&timestamp=1700000000&service=idp&response=resp+value%2Fwith%2Achars%7E";
  EXPECT_EQ(r->signed_string, expected_signed);
  // printf '%s' "<expected_signed>" | openssl dgst -sha1 -hmac 'psk-secret'
  const std::string signature = "bea3bab3f88d2a1c88b73aceeb053e7dbf78217b";
  EXPECT_EQ(r->request.url,
            "https://api.example.com/api/session/createwithsso?api=3&format=json&authentication_type=application"
            "&application=app1&timestamp=1700000000&signature=" + signature);
  EXPECT_EQ(r->request.method, "POST");
  EXPECT_EQ(r->request.body, "service=idp&response=resp+value%2Fwith%2Achars%7E");
  EXPECT_EQ(find_param(r->request.headers, "Content-Type").value_or(""), "application/x-www-form-urlencoded");
  EXPECT_FALSE(r->request.idempotent);
  EXPECT_EQ(r->timestamp, kNow);
}

TEST(StreamOneSign, SessionRequestSignsWithApplicationKeyPlusSessionKey) {
  Credentials c = app();
  c.account = "acc1";
  c.timezone = "Europe/Amsterdam";
  streamone::Call call;
  call.command = "session";
  call.action = "delete";
  call.session = streamone::SessionAuth{"S1", "session-key"};
  auto r = streamone::build_request(c, call, kNow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  // No arguments: the signed string still ends with "&" (path?query&body with an empty body).
  const std::string expected_signed =
      "/api/session/delete?api=3&format=json&account=acc1&timezone=Europe%2FAmsterdam"
      "&authentication_type=application&application=app1&timestamp=1700000000&session=S1&";
  EXPECT_EQ(r->signed_string, expected_signed);
  // printf '%s' "<expected_signed>" | openssl dgst -sha1 -hmac 'psk-secretsession-key'
  EXPECT_EQ(query_of(r->request.url),
            "api=3&format=json&account=acc1&timezone=Europe%2FAmsterdam&authentication_type=application"
            "&application=app1&timestamp=1700000000&session=S1&signature=b85c7683ea6e71ffeaf1caa25ecad5826afafaf7");
  EXPECT_EQ(r->request.body, "");
}

TEST(StreamOneSign, UserActorWithCustomer) {
  Credentials c;
  c.server = "https://api.example.com/";
  c.actor = streamone::ActorType::user;
  c.actor_id = "u1";
  c.key = "user-psk";
  c.customer = "cust 1";
  streamone::Call call;
  call.command = "user";
  call.action = "linkssotoken";
  call.arguments = {{"user", "u2"}, {"service", "idp"}, {"response", "r"}};
  auto r = streamone::build_request(c, call, kNow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->signed_string,
            "/api/user/linkssotoken?api=3&format=json&customer=cust+1&authentication_type=user&user=u1"
            "&timestamp=1700000000&user=u2&service=idp&response=r");
  // openssl dgst -sha1 -hmac 'user-psk'
  EXPECT_NE(r->request.url.find("&signature=1ffd07912a9f9bc1e6158cbf706b36f0b72d7fd2"), std::string::npos);
  EXPECT_EQ(r->request.url.rfind("https://api.example.com/api/user/linkssotoken?", 0), 0u) << "trailing / dropped";
}

TEST(StreamOneSign, ServerPrefixIsInTheUrlButNotInTheSignedPath) {
  Credentials c = app();
  c.server = "http://127.0.0.1:8080/streamone";
  streamone::Call call{"user", "create", {}, std::nullopt};
  auto r = streamone::build_request(c, call, kNow);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->request.url.rfind("http://127.0.0.1:8080/streamone/api/user/create?", 0), 0u);
  EXPECT_EQ(r->signed_string.rfind("/api/user/create?", 0), 0u);
}

TEST(StreamOneSign, RejectsBadInput) {
  streamone::Call call{"session", "createwithsso", {}, std::nullopt};
  Credentials both = app();
  both.account = "a";
  both.customer = "c";
  EXPECT_EQ(streamone::build_request(both, call, kNow).error().code, ErrorCode::invalid_argument);
  Credentials no_key = app();
  no_key.key.clear();
  EXPECT_EQ(streamone::build_request(no_key, call, kNow).error().code, ErrorCode::invalid_argument);
  Credentials no_id = app();
  no_id.actor_id.clear();
  EXPECT_EQ(streamone::build_request(no_id, call, kNow).error().code, ErrorCode::invalid_argument);
  for (const char* server : {"ftp://api.example.com", "https://api.example.com/?x=1", "https://u:p@api.example.com",
                             "api.example.com", "", "https://api.example.com/#f",
                             // Issue 16 item 1: the session key would cross the network in clear.
                             "http://api.streamone.example", "http://127.evil.example", "http://10.0.0.1"}) {
    Credentials c = app();
    c.server = server;
    EXPECT_EQ(streamone::build_request(c, call, kNow).error().code, ErrorCode::invalid_url) << server;
  }
  for (const char* word : {"", "session/../x", "a?b", "a b", "a&b"}) {
    streamone::Call bad{word, "x", {}, std::nullopt};
    EXPECT_EQ(streamone::build_request(app(), bad, kNow).error().code, ErrorCode::invalid_argument) << word;
  }
  Credentials user = app();
  user.actor = streamone::ActorType::user;
  streamone::Call in_session{"session", "delete", {}, streamone::SessionAuth{"S", "K"}};
  EXPECT_EQ(streamone::build_request(user, in_session, kNow).error().code, ErrorCode::invalid_argument);
  streamone::Call empty_session{"session", "delete", {}, streamone::SessionAuth{"S", ""}};
  EXPECT_EQ(streamone::build_request(app(), empty_session, kNow).error().code, ErrorCode::invalid_argument);
}

TEST(StreamOneSign, ErrorsNeverQuoteTheKey) {
  Credentials c = app();
  c.server = "notaurl";
  auto r = streamone::build_request(c, {"session", "createwithsso", {}, std::nullopt}, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().to_string().find(kKey), std::string::npos);
}

TEST(StreamOneArguments, FromJson) {
  auto p = streamone::arguments_from_json(
      Json{{"username", "jo"}, {"active", true}, {"admin", false}, {"age", 42}, {"note", nullptr}, {"roles", {"a", "b"}}});
  ASSERT_TRUE(p.ok());
  const Params expected = {{"active", "1"}, {"admin", "0"}, {"age", "42"}, {"note", ""}, {"roles", "a,b"}, {"username", "jo"}};
  EXPECT_EQ(p.value(), expected);
  EXPECT_EQ(streamone::arguments_from_json(Json{{"x", {{"nested", 1}}}}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(streamone::arguments_from_json(Json{{"x", {{1, 2}}}}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(streamone::arguments_from_json(Json::array()).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(streamone::join_list({"r1", "r2", "r3"}), "r1,r2,r3");
}

// ---- Envelope ----

TEST(StreamOneEnvelope, SuccessOnlyForStatusZero) {
  auto ok = streamone::parse_envelope(
      answer(R"({"header":{"status":0,"statusmessage":"OK","sessiontimeout":30},"body":{"a":1}})"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 0);
  EXPECT_EQ(ok->body, (Json{{"a", 1}}));
  EXPECT_EQ(json_int(ok->header, "sessiontimeout").value_or(0), 30);
  auto no_body = streamone::parse_envelope(answer(R"({"header":{"status":0,"statusmessage":"OK"}})"));
  ASSERT_TRUE(no_body.ok());
  EXPECT_TRUE(no_body->body.is_null());
}

struct Documented {
  int code;
  const char* name;
};
constexpr Documented kDocumented[] = {
    {1, "INTERNAL_ERROR"},        {2, "TIMESTAMP_OUT_OF_RANGE"},  {3, "AUTHENTICATION_FAILED"},
    {4, "ACCESS_DENIED"},         {5, "INVALID_ACTION"},          {6, "INPUT_ERROR"},
    {7, "UNKNOWN_PARAMETER"},     {8, "RATE_LIMITED"},            {9, "INVALID_TIMEZONE"},
    {10, "API_IN_READONLY_MODE"}, {281, "SESSION_INVALID"},       {282, "SESSION_NOT_FOUND"},
    {310, "USER_NOT_FOUND"},      {316, "USER_USERNAME_ALREADY_EXISTS"}, {430, "SSO_SERVICE_NOT_FOUND"},
    {431, "USER_ALREADY_HAS_SSO_TOKEN"}, {432, "USER_HAS_NO_SSO_TOKEN"}, {433, "SSO_RESPONSE_INVALID"},
    {434, "SSO_TOKEN_UNKNOWN"},
};

TEST(StreamOneEnvelope, EveryDocumentedStatusIsMapped) {
  for (const auto& d : kDocumented) {
    SCOPED_TRACE(d.name);
    EXPECT_STREQ(streamone::status_name(d.code), d.name);
    auto r = streamone::parse_envelope(envelope(d.code, nullptr, "server says"));
    ASSERT_FALSE(r.ok());
    const Error& e = r.error();
    EXPECT_EQ(e.code, d.code == 434 ? ErrorCode::sso_token_unknown : ErrorCode::platform_error);
    EXPECT_EQ(json_int(e.details, "platform_code").value_or(-1), d.code);
    EXPECT_EQ(json_string(e.details, "platform_status").value_or(""), d.name);
    EXPECT_EQ(json_string(e.details, "statusmessage").value_or(""), "server says");
    if (d.code != 2) {
      EXPECT_NE(e.message.find(d.name), std::string::npos) << e.message;
    }
  }
  auto unknown = streamone::parse_envelope(envelope(999));
  EXPECT_EQ(unknown.error().code, ErrorCode::platform_error);
  EXPECT_EQ(json_string(unknown.error().details, "platform_status").value_or(""), "UNKNOWN_STATUS");
}

TEST(StreamOneEnvelope, ClockSkewWithTheServersTimeInTheHeader) {
  auto r = streamone::parse_envelope(
      answer(R"({"header":{"status":2,"statusmessage":"Timestamp out of range","timestamp":1700000000},"body":null})"),
      kNow + 3600);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::platform_error);
  EXPECT_NE(r.error().message.find("clock is off"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("2023-11-14T22:13:20Z"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("ahead by 3600 s"), std::string::npos) << r.error().message;
  EXPECT_EQ(json_int(r.error().details, "skew_seconds").value_or(0), 3600);
  EXPECT_EQ(json_int(r.error().details, "server_time").value_or(0), kNow);
  EXPECT_EQ(json_int(r.error().details, "platform_code").value_or(0), 2);
}

TEST(StreamOneEnvelope, ClockSkewFromTheHttpDateHeader) {
  HttpResponse r = envelope(2);
  r.headers = {{"date", "Tue, 14 Nov 2023 22:13:20 GMT"}};
  auto e = streamone::parse_envelope(r, kNow - 120);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("behind by 120 s"), std::string::npos) << e.error().message;
  EXPECT_EQ(json_int(e.error().details, "server_time").value_or(0), kNow);
}

TEST(StreamOneEnvelope, ClockSkewWithoutTheServersTimeSaysCheckNtp) {
  auto e = streamone::parse_envelope(envelope(2), kNow);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("clock is off"), std::string::npos);
  EXPECT_NE(e.error().message.find("NTP"), std::string::npos);
  EXPECT_EQ(json_member(e.error().details, "server_time"), nullptr);
}

TEST(StreamOneEnvelope, HttpDates) {
  EXPECT_EQ(streamone::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").value_or(0), 784111777);
  EXPECT_EQ(streamone::parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT").value_or(-1), 0);
  EXPECT_EQ(streamone::parse_http_date("Tue, 29 Feb 2028 12:00:00 GMT").value_or(0), 1835438400);
  for (const char* bad : {"", "Sun, 06 Nov 1994 08:49:37 UTC", "Sunday, 06-Nov-94 08:49:37 GMT",
                          "Sun, 06 Xyz 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT ", "Sun, 06 Nov 1994 25:49:37 GMT",
                          "Sun, 0x Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1969 08:49:37 GMT", "Sun, 06 ovN 1994 08:49:37 GMT"}) {
    EXPECT_FALSE(streamone::parse_http_date(bad).has_value()) << bad;
  }
}

TEST(StreamOneEnvelope, HostileAnswersAreInvalidResponse) {
  const char* bodies[] = {
      "",
      "<html>Bad gateway</html>",
      R"({"header":{"status":0,"statusmessage":"OK"})",  // truncated
      R"([1,2,3])",
      R"({"body":{}})",
      R"({"header":"ok","body":{}})",
      R"({"header":{"status":"0","statusmessage":"OK"},"body":{}})",
      R"({"header":{"status":0.5,"statusmessage":"OK"},"body":{}})",
      R"({"header":{"status":-1,"statusmessage":"OK"},"body":{}})",
      R"({"header":{"status":18446744073709551615,"statusmessage":"OK"},"body":{}})",
      R"({"header":{"status":0},"body":{}})",
      R"({"header":{"status":0,"statusmessage":7},"body":{}})",
      R"({"header":{"status":0,"statusmessage":"OK","status":1},"body":{}})",  // duplicate member
  };
  for (const char* body : bodies) {
    auto r = streamone::parse_envelope(answer(body));
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_response) << body;
  }
  std::string deep(100000, '[');
  EXPECT_EQ(streamone::parse_envelope(answer(deep)).error().code, ErrorCode::invalid_response);
  std::string huge = R"({"header":{"status":0,"statusmessage":")" + std::string(3 << 20, 'x') + R"("},"body":null})";
  EXPECT_EQ(streamone::parse_envelope(answer(huge)).error().code, ErrorCode::invalid_response);
}

TEST(StreamOneEnvelope, NonSuccessHttpWithoutEnvelopeIsHttpError) {
  auto r = streamone::parse_envelope(answer("<html>Bad gateway</html>", 502));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::http_error);
  EXPECT_EQ(json_int(r.error().details, "http_status").value_or(0), 502);
  // An envelope on a 500 still counts: the platform's own status is the better answer.
  EXPECT_EQ(json_int(streamone::parse_envelope(answer(envelope(1).body, 500)).error().details, "platform_code").value_or(0), 1);
}

TEST(StreamOneEnvelope, ServerTextInMessagesIsPrintableAndBounded) {
  auto r = streamone::parse_envelope(envelope(6, nullptr, "bad\ninput\x01" + std::string(1000, 'y')));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
  EXPECT_EQ(r.error().message.find('\x01'), std::string::npos);
  EXPECT_LT(r.error().message.size(), 500u);
}

TEST(StreamOneSession, ParsesTheSessionBody) {
  auto s = streamone::parse_session(Json{{"id", "S1"}, {"key", "K1"}, {"user", "U1"}, {"timeout", 3600}});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->to_json(), (Json{{"id", "S1"}, {"key", "K1"}, {"user", "U1"}, {"timeout", 3600}}));
  for (const Json& bad : {Json(nullptr), Json::array(), Json{{"id", "S1"}}, Json{{"key", "K"}}, Json{{"id", ""}, {"key", "K"}},
                          Json{{"id", "S"}, {"key", "K"}, {"timeout", "soon"}}, Json{{"id", "S"}, {"key", "K"}, {"user", 5}},
                          Json{{"id", "S"}, {"key", "K"}, {"timeout", -1}}}) {
    EXPECT_EQ(streamone::parse_session(bad).error().code, ErrorCode::invalid_response) << bad.dump();
  }
}

// ---- Step machines ----

// Drives a step machine with scripted answers and records each request's action and arguments.
struct Script {
  std::deque<HttpResponse> answers;
  std::vector<std::string> actions;
  std::vector<Params> bodies;
  std::vector<std::string> urls;

  Result<Json> run(Result<FlowStep> first, std::int64_t now = kNow) {
    if (!first.ok()) return first.take_error();
    FlowStep step = std::move(first).value();
    for (int i = 0; i < 20 && !step.result; ++i) {
      if (!step.request) return make_error(ErrorCode::internal_error, "no request");
      const std::string& url = step.request->url;
      const std::size_t api = url.find("/api/");
      actions.push_back(url.substr(api + 5, url.find('?') - api - 5));
      bodies.push_back(form_decode(step.request->body).value());
      urls.push_back(url);
      if (answers.empty()) return make_error(ErrorCode::internal_error, "script ran out of answers");
      HttpResponse response = answers.front();
      answers.pop_front();
      auto next = streamone_step(step.state, response, now);
      if (!next.ok()) return next.take_error();
      step = std::move(next).value();
    }
    if (!step.result) return make_error(ErrorCode::internal_error, "did not finish");
    return *step.result;
  }
};

Json session_body() { return {{"id", "S1"}, {"key", "K1"}, {"user", "U1"}, {"timeout", 3600}}; }

streamone::LoginOptions login_options() {
  streamone::LoginOptions o;
  o.service = "idp";
  o.response = kResponse;
  return o;
}

TEST(StreamOneLogin, LinkedUserGetsASession) {
  Script s;
  s.answers = {envelope(0, session_body())};
  auto r = s.run(streamone::login(app(), login_options(), kNow));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), (Json{{"session", session_body()}, {"provisioned", false}}));
  EXPECT_EQ(s.actions, std::vector<std::string>{"session/createwithsso"});
  EXPECT_EQ(s.bodies[0], (Params{{"service", "idp"}, {"response", kResponse}}));
}

TEST(StreamOneLogin, UnknownTokenWithoutProvisioningIsSsoTokenUnknown) {
  Script s;
  s.answers = {envelope(434)};
  auto r = s.run(streamone::login(app(), login_options(), kNow));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::sso_token_unknown);
  EXPECT_EQ(json_string(r.error().details, "action").value_or(""), "session/createwithsso");
  EXPECT_EQ(s.actions.size(), 1u);
}

TEST(StreamOneLogin, ProvisionsCreatesLinksAndRetriesOnce) {
  streamone::LoginOptions o = login_options();
  o.create_user = Json{{"username", "jo"}, {"email", "jo@example.com"}};
  o.roles = {"viewer", "member"};
  Script s;
  s.answers = {envelope(434), envelope(0, {{"id", "U9"}, {"username", "jo"}}), envelope(0), envelope(0, session_body())};
  auto r = s.run(streamone::login(app(), o, kNow), kNow + 1);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), (Json{{"session", session_body()}, {"provisioned", true}, {"user_id", "U9"}}));
  EXPECT_EQ(s.actions, (std::vector<std::string>{"session/createwithsso", "user/create", "user/linkssotoken",
                                                 "session/createwithsso"}));
  EXPECT_EQ(s.bodies[1], (Params{{"email", "jo@example.com"}, {"username", "jo"}, {"roles", "viewer,member"}}));
  EXPECT_EQ(s.bodies[2], (Params{{"user", "U9"}, {"service", "idp"}, {"response", kResponse}}));
  // Later requests are signed with the time the step was given.
  EXPECT_NE(s.urls[0].find("timestamp=1700000000&"), std::string::npos);
  EXPECT_NE(s.urls[1].find("timestamp=1700000001&"), std::string::npos);
}

TEST(StreamOneLogin, StillUnknownAfterProvisioningStops) {
  streamone::LoginOptions o = login_options();
  o.create_user = Json{{"username", "jo"}};
  Script s;
  s.answers = {envelope(434), envelope(0, {{"id", "U9"}}), envelope(0), envelope(434), envelope(0, session_body())};
  auto r = s.run(streamone::login(app(), o, kNow));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::sso_token_unknown);
  EXPECT_NE(r.error().message.find("not retrying"), std::string::npos);
  EXPECT_EQ(s.actions.size(), 4u);
}

TEST(StreamOneLogin, ProvisioningErrorsNameTheFailingCall) {
  streamone::LoginOptions o = login_options();
  o.create_user = Json{{"username", "jo"}};
  Script taken;
  taken.answers = {envelope(434), envelope(316)};
  auto r = taken.run(streamone::login(app(), o, kNow));
  EXPECT_EQ(r.error().code, ErrorCode::platform_error);
  EXPECT_EQ(json_int(r.error().details, "platform_code").value_or(0), 316);
  EXPECT_EQ(r.error().message.rfind("user/create: ", 0), 0u) << r.error().message;

  Script no_id;
  no_id.answers = {envelope(434), envelope(0, {{"username", "jo"}})};
  EXPECT_EQ(no_id.run(streamone::login(app(), o, kNow)).error().code, ErrorCode::invalid_response);

  Script bad_session;
  bad_session.answers = {envelope(0, {{"id", "S1"}})};
  EXPECT_EQ(bad_session.run(streamone::login(app(), login_options(), kNow)).error().code, ErrorCode::invalid_response);
}

TEST(StreamOneLogin, AlreadyLinkedIsSurfacedUnlessReplaceToken) {
  streamone::LoginOptions o = login_options();
  o.create_user = Json{{"username", "jo"}};
  Script surfaced;
  surfaced.answers = {envelope(434), envelope(0, {{"id", "U9"}}), envelope(431)};
  auto r = surfaced.run(streamone::login(app(), o, kNow));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::platform_error);
  EXPECT_EQ(json_string(r.error().details, "platform_status").value_or(""), "USER_ALREADY_HAS_SSO_TOKEN");
  EXPECT_EQ(json_string(r.error().details, "action").value_or(""), "user/linkssotoken");

  o.replace_token = true;
  Script replaced;
  replaced.answers = {envelope(434), envelope(0, {{"id", "U9"}}), envelope(431), envelope(0), envelope(0),
                      envelope(0, session_body())};
  auto ok = replaced.run(streamone::login(app(), o, kNow));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(replaced.actions, (std::vector<std::string>{"session/createwithsso", "user/create", "user/linkssotoken",
                                                        "user/clearssotoken", "user/linkssotoken", "session/createwithsso"}));
}

TEST(StreamOneLogin, RejectsBadOptions) {
  streamone::LoginOptions o = login_options();
  o.roles = {"viewer"};
  EXPECT_EQ(streamone::login(app(), o, kNow).error().code, ErrorCode::invalid_argument) << "roles without create_user";
  o = login_options();
  o.create_user = Json::array();
  EXPECT_EQ(streamone::login(app(), o, kNow).error().code, ErrorCode::invalid_argument);
  o.create_user = Json{{"roles", "a"}};
  o.roles = {"b"};
  EXPECT_EQ(streamone::login(app(), o, kNow).error().code, ErrorCode::invalid_argument) << "roles twice";
  o = login_options();
  o.response.clear();
  EXPECT_EQ(streamone::login(app(), o, kNow).error().code, ErrorCode::invalid_argument);
  o = login_options();
  o.service.clear();
  EXPECT_EQ(streamone::login(app(), o, kNow).error().code, ErrorCode::invalid_argument);
}

TEST(StreamOneLink, ReplaceClearsThenLinksOnce) {
  Script plain;
  plain.answers = {envelope(0)};
  auto r = plain.run(streamone::link_token(app(), "U1", "idp", kResponse, false, kNow));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), (Json{{"user", "U1"}, {"service", "idp"}, {"linked", true}, {"replaced", false}}));

  Script refused;
  refused.answers = {envelope(431)};
  EXPECT_EQ(json_int(refused.run(streamone::link_token(app(), "U1", "idp", kResponse, false, kNow)).error().details,
                     "platform_code")
                .value_or(0),
            431);

  Script replace;
  replace.answers = {envelope(431), envelope(0), envelope(0)};
  auto replaced = replace.run(streamone::link_token(app(), "U1", "idp", kResponse, true, kNow));
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(json_bool(replaced.value(), "replaced").value_or(false), true);
  EXPECT_EQ(replace.actions, (std::vector<std::string>{"user/linkssotoken", "user/clearssotoken", "user/linkssotoken"}));
  EXPECT_EQ(replace.bodies[1], (Params{{"user", "U1"}, {"service", "idp"}}));

  // A second 431 after clearing is not cleared again: bounded.
  Script twice;
  twice.answers = {envelope(431), envelope(0), envelope(431), envelope(0), envelope(0)};
  auto e = twice.run(streamone::link_token(app(), "U1", "idp", kResponse, true, kNow));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(twice.actions.size(), 3u);

  Script clear_fails;
  clear_fails.answers = {envelope(431), envelope(432)};
  EXPECT_EQ(json_int(clear_fails.run(streamone::link_token(app(), "U1", "idp", kResponse, true, kNow)).error().details,
                     "platform_code")
                .value_or(0),
            432);
}

TEST(StreamOneClear, ClearsOrReportsNoToken) {
  Script ok;
  ok.answers = {envelope(0)};
  EXPECT_EQ(ok.run(streamone::clear_token(app(), "U1", "idp", kNow)).value(),
            (Json{{"user", "U1"}, {"service", "idp"}, {"cleared", true}}));
  Script none;
  none.answers = {envelope(432)};
  auto e = none.run(streamone::clear_token(app(), "U1", "idp", kNow));
  EXPECT_EQ(json_string(e.error().details, "platform_status").value_or(""), "USER_HAS_NO_SSO_TOKEN");
  EXPECT_EQ(streamone::clear_token(app(), "", "idp", kNow).error().code, ErrorCode::invalid_argument);
}

TEST(StreamOneCreate, CreateUserAndCreateWithSso) {
  Script create;
  create.answers = {envelope(0, {{"id", "U2"}, {"username", "x"}})};
  auto r = create.run(streamone::create_user(app(), Json{{"username", "x"}}, {"r"}, kNow));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(json_string(r.value(), "user_id").value_or(""), "U2");
  EXPECT_EQ(create.bodies[0], (Params{{"username", "x"}, {"roles", "r"}}));
  EXPECT_EQ(streamone::create_user(app(), Json{{"x", {{"y", 1}}}}, {}, kNow).error().code, ErrorCode::invalid_argument);

  Script sso;
  sso.answers = {envelope(0, session_body())};
  auto s = sso.run(streamone::create_with_sso(app(), "idp", kResponse, kNow));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.value(), (Json{{"session", session_body()}}));
}

TEST(StreamOneStep, ClockSkewUsesTheTimestampThatWasSent) {
  auto first = streamone::login(app(), login_options(), kNow);
  ASSERT_TRUE(first.ok());
  HttpResponse r = envelope(2);
  r.headers = {{"Date", "Tue, 14 Nov 2023 21:13:20 GMT"}};  // kNow - 3600
  auto e = streamone_step(first->state, r, kNow + 5);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(json_int(e.error().details, "skew_seconds").value_or(0), 3600);
}

TEST(StreamOneStep, MalformedOrFinishedStateIsInvalidArgument) {
  const HttpResponse ok = envelope(0, session_body());
  for (const Json& state : {Json(nullptr), Json::array(), Json{{"phase", 5}}, Json{{"phase", "link"}},
                            Json{{"phase", "link"}, {"credentials", {{"server", 1}}}}, Json{{"phase", "nope"}},
                            Json{{"phase", "create_user"}, {"credentials", {{"server", "https://a"}, {"actor", "x"}}}}}) {
    auto r = streamone_step(state, envelope(0), kNow);
    ASSERT_FALSE(r.ok()) << state.dump();
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument) << state.dump();
  }
  auto first = streamone::create_with_sso(app(), "idp", kResponse, kNow);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->state["machine"], "streamone.create_with_sso");
  EXPECT_EQ(first->state["budget"], 5);  // 6, one spent on the request it asks for
  auto done = streamone_step(first->state, ok, kNow);
  ASSERT_TRUE(done.ok());
  // The finished state is the envelope's done state: neither the key nor the SSO response.
  EXPECT_EQ(done->state, Json({{"v", 1}, {"machine", "streamone.create_with_sso"}, {"phase", "done"}}));
  EXPECT_EQ(done->state.dump().find(kKey), std::string::npos);
  EXPECT_EQ(done->state.dump().find(kResponse), std::string::npos);
  EXPECT_EQ(streamone_step(done->state, ok, kNow).error().code, ErrorCode::invalid_argument);
  // Another machine's envelope goes no further.
  Json other = first->state;
  other["machine"] = "muvi.ensure_user";
  EXPECT_EQ(streamone_step(other, ok, kNow).error().code, ErrorCode::invalid_argument);
}

TEST(StreamOneStep, AnyAnswersEndWithinTheBudgetAndNeverLeakSecrets) {
  // Every sequence of answers from a small alphabet, up to depth 5, for each operation.
  const std::vector<HttpResponse> alphabet = {envelope(0, session_body()), envelope(0, {{"id", "U9"}}), envelope(431),
                                              envelope(434), answer("garbage")};
  streamone::LoginOptions o = login_options();
  o.create_user = Json{{"username", "jo"}};
  o.replace_token = true;
  std::vector<Result<FlowStep>> starts = {streamone::login(app(), o, kNow),
                                          streamone::link_token(app(), "U1", "idp", kResponse, true, kNow)};
  int runs = 0;
  for (auto& start : starts) {
    ASSERT_TRUE(start.ok());
    std::vector<std::size_t> choice(5, 0);
    for (;;) {
      FlowStep step = start.value();
      int requests = 1;
      for (std::size_t depth = 0; depth < choice.size() && !step.result; ++depth) {
        auto next = streamone_step(step.state, alphabet[choice[depth]], kNow);
        if (!next.ok()) {
          EXPECT_EQ(next.error().to_string().find(kKey), std::string::npos);
          EXPECT_EQ(next.error().to_string().find(kResponse), std::string::npos);
          break;
        }
        step = std::move(next).value();
        if (step.request) ++requests;
      }
      EXPECT_LE(requests, 6);
      ++runs;
      std::size_t i = 0;
      while (i < choice.size() && ++choice[i] == alphabet.size()) choice[i++] = 0;
      if (i == choice.size()) break;
    }
  }
  EXPECT_GT(runs, 1000);
}

// ---- The JSON call interface ----

Json base_params() {
  return {{"server", "https://api.example.com"}, {"application", "app1"}, {"application_key", kKey}, {"now", kNow}};
}

TEST(StreamOneApi, LoginAndStepThroughTheJsonInterface) {
  Json p = base_params();
  p["service"] = "idp";
  p["response"] = kResponse;
  auto start = api::call("streamone.login", p);
  ASSERT_TRUE(start.ok()) << start.error().message;
  ASSERT_TRUE(start->contains("request"));
  EXPECT_EQ(start.value()["request"]["method"], "POST");
  Json step = {{"state", start.value()["state"]},
               {"response", api::response_to_json(envelope(0, session_body()))},
               {"now", kNow}};
  auto done = api::call("streamone.step", step);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done.value()["result"]["session"]["id"], "S1");
}

TEST(StreamOneApi, ParameterErrors) {
  Json both = base_params();
  both["service"] = "idp";
  both["response"] = "r";
  both["account"] = "a";
  both["customer"] = "c";
  EXPECT_EQ(api::call("streamone.login", both).error().code, ErrorCode::invalid_argument);
  Json no_key = base_params();
  no_key.erase("application_key");
  no_key["user"] = "U";
  no_key["service"] = "idp";
  EXPECT_EQ(api::call("streamone.clear_token", no_key).error().code, ErrorCode::invalid_argument);
  Json roles = base_params();
  roles["service"] = "idp";
  roles["response"] = "r";
  roles["roles"] = "viewer";  // must be an array
  EXPECT_EQ(api::call("streamone.login", roles).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(api::call("streamone.step", {{"response", {{"status", 200}}}, {"now", kNow}}).error().code,
            ErrorCode::invalid_argument);
}

TEST(StreamOneApi, GenericRequestAndEnvelope) {
  Json p = base_params();
  p["command"] = "session";
  p["action"] = "delete";
  p["session"] = {{"id", "S1"}, {"key", "session-key"}};
  p["account"] = "acc1";
  p["timezone"] = "Europe/Amsterdam";
  auto r = api::call("streamone.request", p);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_NE(r.value()["request"]["url"].get<std::string>().find("signature=b85c7683ea6e71ffeaf1caa25ecad5826afafaf7"),
            std::string::npos);
  auto e = api::call("streamone.parse_envelope", {{"response", api::response_to_json(envelope(431))}});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(json_string(e.error().details, "platform_status").value_or(""), "USER_ALREADY_HAS_SSO_TOKEN");
  auto ok = api::call("streamone.parse_envelope", {{"response", api::response_to_json(envelope(0, {{"x", 1}}))}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value()["body"]["x"], 1);
  EXPECT_EQ(api::call("streamone.status_name", {{"status", 434}}).value(), "SSO_TOKEN_UNKNOWN");
}

}  // namespace
}  // namespace ssokit
