// Organization SSO (seed 004): e-mail and settings checks, the envelope parser with every
// documented code, Retry-After (seconds and HTTP dates), the step machines (sign-in routing, the
// admin calls, the lock-out guard, 429 retries) against scripted answers, hostile input, and the
// JSON methods.
#include <gtest/gtest.h>

#include <deque>

#include "api.hpp"
#include "ssokit/platforms/org.hpp"
#include "ssokit/native/drive.hpp"
#include "ssokit/step_state.hpp"

namespace ssokit {
namespace {

// JSON the test wrote or received; aborts on malformed input (as nlohmann's Json::parse did here).
Json must_parse(std::string_view text) { return parse_json(text, ErrorCode::invalid_argument).value(); }

constexpr const char* kBase = "https://api.example.com";
constexpr const char* kOrgId = "01HZ3K5R4X9Y2V6QF8TJ7W0CDN";
constexpr const char* kKey = "ba_AbCdEf0123456789";
constexpr const char* kSecret = "idp-client-secret-value-42";
constexpr std::int64_t kNow = 1'800'000'000;

HttpResponse answer(int status, const Json& body, Params headers = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

Json ok_envelope(int status, const std::string& message, const Json& data) {
  return {{"success", true}, {"status", status}, {"code", "OK"}, {"message", message}, {"data", data}};
}

Json error_envelope(int status, const std::string& code, const std::string& message, Json errors = Json::array()) {
  return {{"success", false}, {"status", status}, {"code", code}, {"message", message}, {"meta", {{"errors", errors}}}};
}

HttpResponse rate_limited(std::optional<std::string> retry_after) {
  Params headers;
  if (retry_after) headers.emplace_back("Retry-After", *retry_after);
  const std::string m = "Too many requests from this IP, please try again later.";
  return answer(429, {{"success", false}, {"status", 429}, {"code", "RATE_LIMIT_ERROR"}, {"message", m}, {"meta", {{"message", m}}}},
                headers);
}

org::Admin admin() {
  org::Admin a;
  a.connection.base = kBase;
  a.organization_id = kOrgId;
  a.api_key = kKey;
  return a;
}

org::SsoSettings sso_settings() { return {"okta", "https://your-org.okta.com", "client-1", kSecret}; }

std::string header_of(const HttpRequest& r, std::string_view name) { return find_param(r.headers, name).value_or("<none>"); }

// Feeds scripted answers to a step machine and returns the final result or error.
Result<Json> drive(Result<FlowStep> first, std::deque<HttpResponse> answers, std::vector<HttpRequest>* sent = nullptr,
                   std::vector<std::int64_t>* waits = nullptr) {
  if (!first.ok()) return first.take_error();
  FlowStep step = std::move(first).value();
  for (int i = 0; i < 10 && !step.result; ++i) {
    if (!step.request || answers.empty()) return make_error(ErrorCode::internal_error, "script ran out");
    if (sent != nullptr) sent->push_back(*step.request);
    if (waits != nullptr) waits->push_back(step.wait_seconds);
    HttpResponse response = answers.front();
    answers.pop_front();
    auto next = org_step(step.state, response, kNow);
    if (!next.ok()) return next.take_error();
    step = std::move(next).value();
  }
  if (!step.result) return make_error(ErrorCode::internal_error, "no result");
  return *step.result;
}

// ---- e-mail, base URL, slugs ----

TEST(OrgEmail, NormalizesTheDomainToLowerCase) {
  auto e = org::normalize_email("Jane.Doe+video@YourCompany.COM");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e.value(), "Jane.Doe+video@yourcompany.com");
}

TEST(OrgEmail, RejectsMalformedAddresses) {
  for (const char* bad : {"", "no-at-sign", "two@@example.com", "a@b@example.com", "@example.com", "jane@", "jane@localhost",
                          "jane@-bad.com", "jane@bad-.com", "jane@exa mple.com", "ja ne@example.com", "jane@example..com",
                          ".jane@example.com", "jane.@example.com", "ja..ne@example.com", "jane@example.com.",
                          "jane\n@example.com", "jane@ex\xc3\xa4mple.com", "\"jane\"@example.com", "jane@example_com.org"}) {
    auto e = org::normalize_email(bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.error().code, ErrorCode::invalid_argument) << bad;
    EXPECT_EQ(e.error().details["field"], "email");
  }
  EXPECT_FALSE(org::normalize_email(std::string(65, 'a') + "@example.com").ok());
  EXPECT_FALSE(org::normalize_email("a@" + std::string(250, 'b') + ".com").ok());
  EXPECT_FALSE(org::normalize_email("a@" + std::string(64, 'b') + ".com").ok());  // label over 63
  EXPECT_TRUE(org::normalize_email("a@" + std::string(63, 'b') + ".com").ok());
}

TEST(OrgLoginUrl, BuildsTheCanonicalEntryPoint) {
  EXPECT_EQ(org::sso_login_url("https://api.example.com/", "acme").value(), "https://api.example.com/api/auth/sso/acme/login");
  EXPECT_EQ(org::sso_login_url("https://api.example.com/v2", "acme-studio").value(),
            "https://api.example.com/v2/api/auth/sso/acme-studio/login");
  EXPECT_EQ(org::sso_login_url("http://127.0.0.1:8080", "acme").value(), "http://127.0.0.1:8080/api/auth/sso/acme/login");
  EXPECT_EQ(org::sso_callback_url("https://API.example.com").value(), "https://api.example.com/api/auth/sso/callback");
}

TEST(OrgLoginUrl, RefusesBadBasesAndSlugs) {
  EXPECT_EQ(org::sso_login_url("http://api.example.com", "acme").error().code, ErrorCode::invalid_url);
  EXPECT_EQ(org::sso_login_url("https://api.example.com?x=1", "acme").error().code, ErrorCode::invalid_url);
  EXPECT_EQ(org::sso_login_url("https://user@api.example.com", "acme").error().code, ErrorCode::invalid_url);
  EXPECT_EQ(org::sso_login_url("not a url", "acme").error().code, ErrorCode::invalid_url);
  for (const char* slug : {"", "..", "a/b", "a?b", "a b", "%2e%2e"}) {
    EXPECT_EQ(org::sso_login_url(kBase, slug).error().code, ErrorCode::invalid_argument) << slug;
  }
  EXPECT_FALSE(org::sso_login_url(kBase, std::string(129, 'a')).ok());
}

// ---- SSO settings checks (before anything is sent) ----

TEST(OrgSsoSettings, AcceptsTheSeedsExample) { EXPECT_TRUE(org::validate_sso_settings(sso_settings()).ok()); }

TEST(OrgSsoSettings, NamesTheFieldOfEachProblem) {
  struct Case {
    org::SsoSettings s;
    const char* field;
  };
  const Case cases[] = {
      {{"", "https://a.okta.com", "c", "s"}, "provider"},
      {{"ok ta", "https://a.okta.com", "c", "s"}, "provider"},
      {{"okta", "", "c", "s"}, "issuerUrl"},
      {{"okta", "http://a.okta.com", "c", "s"}, "issuerUrl"},
      {{"okta", "https://a.okta.com?x=1", "c", "s"}, "issuerUrl"},
      {{"okta", "https://a.okta.com#f", "c", "s"}, "issuerUrl"},
      {{"okta", "not a url", "c", "s"}, "issuerUrl"},
      {{"okta", "https://a.okta.com", "", "s"}, "clientId"},
      {{"okta", "https://a.okta.com", "c id", "s"}, "clientId"},
      {{"okta", "https://a.okta.com", "c", ""}, "clientSecret"},
      {{"okta", "https://a.okta.com", "c", std::string(4097, 's')}, "clientSecret"},
  };
  for (const auto& c : cases) {
    auto st = org::validate_sso_settings(c.s);
    ASSERT_FALSE(st.ok()) << c.field;
    EXPECT_EQ(st.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(st.error().details["field"], c.field) << st.error().message;
  }
}

TEST(OrgSsoSettings, WellKnownSuffixGetsAClearFix) {
  for (const char* issuer : {"https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration",
                             "https://login.microsoftonline.com/tenant/v2.0/.WELL-KNOWN/openid-configuration",
                             "https://login.microsoftonline.com/tenant/v2.0/.well-known"}) {
    auto st = org::validate_sso_settings({"azure", issuer, "c", kSecret});
    ASSERT_FALSE(st.ok()) << issuer;
    EXPECT_EQ(st.error().details["field"], "issuerUrl");
    EXPECT_EQ(st.error().details["suggestion"], "https://login.microsoftonline.com/tenant/v2.0");
    EXPECT_NE(st.error().message.find("drop that suffix"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("https://login.microsoftonline.com/tenant/v2.0)"), std::string::npos);
  }
}

TEST(OrgSsoSettings, SetRefusesBeforeSendingAndNeverQuotesTheSecret) {
  auto s = sso_settings();
  s.issuer_url = "https://your-org.okta.com/.well-known/openid-configuration";
  auto step = org::sso_set(admin(), s);
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(step.error().details["field"], "issuerUrl");
  EXPECT_EQ(step.error().to_string().find(kSecret), std::string::npos);
}

TEST(OrgSecurity, ParsesAuthRequired) {
  EXPECT_EQ(org::parse_auth_required("any").value(), org::AuthRequired::any);
  EXPECT_EQ(org::parse_auth_required("mfa").value(), org::AuthRequired::mfa);
  EXPECT_EQ(org::parse_auth_required("sso").value(), org::AuthRequired::sso);
  for (const char* bad : {"", "SSO", "password", "sso "}) EXPECT_FALSE(org::parse_auth_required(bad).ok()) << bad;
}

// ---- the envelope ----

TEST(OrgReply, SuccessGivesData) {
  auto r = org::parse_reply(answer(201, ok_envelope(201, "Domain added", {{"id", "d1"}})));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->message, "Domain added");
  EXPECT_EQ(r->data["id"], "d1");
}

TEST(OrgReply, EmptySuccessIsNoData) {
  HttpResponse no_content;
  no_content.status = 204;
  auto r = org::parse_reply(no_content);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->data.is_null());
}

TEST(OrgReply, EveryDocumentedCodeIsAPlatformErrorWithAHint) {
  struct Case {
    int status;
    const char* code;
    const char* hint;
  };
  const Case cases[] = {
      {400, "VALIDATION_ERROR", "correct these fields"},
      {401, "AUTHENTICATION_REQUIRED", "SSOKIT_ORG_API_KEY"},
      {401, "INVALID_API_KEY", "revoked or expired"},
      {401, "INVALID_OR_EXPIRED_TOKEN", "bearer token"},
      {403, "INSUFFICIENT_PERMISSIONS", "organization owner"},
      {403, "FORBIDDEN", "pinned to another organization"},
      {403, "MFA_REQUIRED", "not subject to MFA"},
      {404, "NOT_FOUND", "refused the request"},
  };
  for (const auto& c : cases) {
    auto r = org::parse_reply(answer(c.status, error_envelope(c.status, c.code, "platform says no")));
    ASSERT_FALSE(r.ok()) << c.code;
    const Error& e = r.error();
    EXPECT_EQ(e.code, ErrorCode::platform_error) << c.code;
    EXPECT_EQ(e.details["platform_code"], c.code);
    EXPECT_EQ(e.details["status"], c.status);
    EXPECT_TRUE(e.details["errors"].is_array());
    EXPECT_EQ(e.details["platform_message"], "platform says no");
    EXPECT_NE(e.message.find(c.hint), std::string::npos) << c.code << ": " << e.message;
    EXPECT_NE(e.message.find(c.code), std::string::npos) << e.message;
  }
}

TEST(OrgReply, ValidationErrorsKeepTheFieldLevelList) {
  const Json errors = {{{"field", "issuerUrl"}, {"error", "Invalid url"}, {"location", "body"}},
                       {{"field", "clientId"}, {"error", "Required"}, {"location", "body"}}};
  auto r = org::parse_reply(answer(400, error_envelope(400, "VALIDATION_ERROR", "Validation failed", errors)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().details["errors"], errors);
  EXPECT_NE(r.error().message.find("send it again: issuerUrl: Invalid url; clientId: Required ["), std::string::npos) << r.error().message;
}

TEST(OrgReply, BranchesOnCodeNotOnStatus) {
  // A 200 whose envelope says failure is a failure; code decides.
  auto r = org::parse_reply(answer(200, error_envelope(200, "FORBIDDEN", "nope")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().details["platform_code"], "FORBIDDEN");
  // success:false with code OK is contradictory: an error, never silently a success.
  auto c = org::parse_reply(answer(200, {{"success", false}, {"code", "OK"}, {"message", "?"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::platform_error);
}

TEST(OrgReply, RateLimitIsRateLimited) {
  auto r = org::parse_reply(rate_limited("5"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(r.error().details["platform_code"], "RATE_LIMIT_ERROR");
  HttpResponse bare;
  bare.status = 429;
  bare.body = "slow down";
  EXPECT_EQ(org::parse_reply(bare).error().code, ErrorCode::rate_limited);
}

TEST(OrgReply, NonEnvelopesAreClearErrors) {
  HttpResponse gateway;
  gateway.status = 502;
  gateway.body = "<html>Bad Gateway</html>";
  EXPECT_EQ(org::parse_reply(gateway).error().code, ErrorCode::http_error);
  HttpResponse html_ok;
  html_ok.status = 200;
  html_ok.body = "<html>login</html>";
  EXPECT_EQ(org::parse_reply(html_ok).error().code, ErrorCode::invalid_response);
  EXPECT_EQ(org::parse_reply(answer(200, {{"data", 1}})).error().code, ErrorCode::invalid_response);
  EXPECT_EQ(org::parse_reply(answer(200, Json::array({1, 2}))).error().code, ErrorCode::invalid_response);
  EXPECT_EQ(org::parse_reply(answer(500, {{"oops", true}})).error().code, ErrorCode::http_error);
  HttpResponse truncated;
  truncated.status = 200;
  truncated.body = R"({"success":true,"code":"OK","data":{"id":)";
  EXPECT_EQ(org::parse_reply(truncated).error().code, ErrorCode::invalid_response);
}

TEST(OrgReply, HostileEnvelopesNeverCrash) {
  // Wrong types everywhere.
  Json weird = {{"success", "yes"}, {"status", "x"}, {"code", "VALIDATION_ERROR"}, {"message", 42},
                {"meta", {{"errors", {1, "two", Json::array(), {{"field", 3}, {"error", nullptr}}}}}}};
  auto r = org::parse_reply(answer(400, weird));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::platform_error);
  EXPECT_EQ(r.error().details["status"], 400);
  EXPECT_EQ(r.error().details["errors"].size(), 1u);
  // meta.errors not an array, meta not an object.
  EXPECT_FALSE(org::parse_reply(answer(400, {{"code", "X"}, {"meta", {{"errors", "all"}}}})).ok());
  EXPECT_FALSE(org::parse_reply(answer(400, {{"code", "X"}, {"meta", 7}})).ok());
  // Huge message and many errors: bounded.
  Json many = Json::array();
  for (int i = 0; i < 500; ++i) many.push_back({{"field", "f" + std::to_string(i)}, {"error", std::string(1000, 'e')}, {"location", "body"}});
  auto big = org::parse_reply(answer(400, error_envelope(400, "VALIDATION_ERROR", std::string(100000, 'm') + "\r\n", many)));
  ASSERT_FALSE(big.ok());
  ASSERT_EQ(big.error().code, ErrorCode::platform_error);
  EXPECT_EQ(big.error().details.at("errors").size(), 20u);
  EXPECT_LT(big.error().message.size(), 6000u);
  EXPECT_EQ(big.error().message.find('\n'), std::string::npos);
  // Over the 1 MiB JSON limit: no envelope is read at all.
  HttpResponse huge = answer(400, error_envelope(400, "VALIDATION_ERROR", std::string(2 << 20, 'm')));
  EXPECT_EQ(org::parse_reply(huge).error().code, ErrorCode::http_error);
  // Deep nesting is refused by the JSON limits, not by the stack.
  HttpResponse deep;
  deep.status = 200;
  deep.body = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(org::parse_reply(deep).error().code, ErrorCode::invalid_response);
}

// ---- Retry-After ----

TEST(OrgRetryAfter, HttpDateVector) {
  // RFC 9110's example date.
  EXPECT_EQ(org::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(org::parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(org::parse_http_date("Tue, 29 Feb 2028 12:00:00 GMT"), 1835438400);
  for (const char* bad : {"", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Foo 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                          "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 0x Nov 1994 08:49:37 GMT"}) {
    EXPECT_FALSE(org::parse_http_date(bad).has_value()) << bad;
  }
}

TEST(OrgRetryAfter, SecondsOrDate) {
  auto with = [](const std::string& v) {
    HttpResponse r;
    r.status = 429;
    r.headers = {{"retry-after", v}};
    return org::retry_after_seconds(r, kNow);
  };
  EXPECT_EQ(with("7"), 7);
  EXPECT_EQ(with(" 12 "), 12);
  EXPECT_EQ(with("0"), 0);
  EXPECT_EQ(with("99999999999999999999"), 999999999);
  EXPECT_EQ(with("Fri, 15 Jan 2027 08:00:05 GMT"), 1800000005 - kNow);  // 2027-01-15T08:00:05Z is kNow + 5
  EXPECT_EQ(with("Sun, 06 Nov 1994 08:49:37 GMT"), 0);                   // in the past: retry now
  EXPECT_FALSE(with("-3").has_value());
  EXPECT_FALSE(with("soon").has_value());
  EXPECT_FALSE(with("1.5").has_value());
  HttpResponse none;
  EXPECT_FALSE(org::retry_after_seconds(none, kNow).has_value());
}

// ---- sign-in routing ----

org::Connection connection() {
  org::Connection c;
  c.base = kBase;
  return c;
}

Json identify(const std::string& method, const Json& redirect, const Json& provider = "okta") {
  return ok_envelope(200, "Operation completed successfully",
                     {{"method", method}, {"ssoProvider", provider}, {"ssoRedirectUrl", redirect}, {"hasPasskey", false},
                      {"allowMagicLink", true}});
}

TEST(OrgRoute, AsksThePublicLookupWithoutACredential) {
  auto step = org::login_route(connection(), "Jane@YourCompany.com");
  ASSERT_TRUE(step.ok());
  const HttpRequest& r = *step->request;
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://api.example.com/api/auth/identify");
  EXPECT_EQ(must_parse(r.body), Json({{"email", "Jane@yourcompany.com"}}));
  EXPECT_EQ(header_of(r, "Content-Type"), "application/json");
  EXPECT_EQ(header_of(r, "X-Api-Key"), "<none>");
  EXPECT_EQ(header_of(r, "Authorization"), "<none>");
  EXPECT_EQ(step->wait_seconds, 0);
}

TEST(OrgRoute, SsoOnlyMembersGetTheLoginUrlAndNoPassword) {
  auto r = drive(org::login_route(connection(), "jane@yourcompany.com"), {answer(200, identify("sso", "/api/auth/sso/acme/login"))});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value()["method"], "sso");
  EXPECT_EQ(r.value()["login_url"], "https://api.example.com/api/auth/sso/acme/login");
  EXPECT_EQ(r.value()["slug"], "acme");
  EXPECT_EQ(r.value()["provider"], "okta");
  EXPECT_EQ(r.value()["domain"], "yourcompany.com");
}

TEST(OrgRoute, SsoOfferedButNotRequiredIsAny) {
  auto r = drive(org::login_route(connection(), "jane@yourcompany.com"),
                 {answer(200, identify("password", "https://api.example.com/api/auth/sso/acme/login"))});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value()["method"], "any");
  EXPECT_EQ(r.value()["login_url"], "https://api.example.com/api/auth/sso/acme/login");
}

TEST(OrgRoute, NoSsoIsPassword) {
  auto r = drive(org::login_route(connection(), "joe@gmail.com"), {answer(200, identify("password", nullptr, nullptr))});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), Json({{"method", "password"}, {"email", "joe@gmail.com"}, {"domain", "gmail.com"}}));
  auto empty = drive(org::login_route(connection(), "joe@gmail.com"), {answer(200, identify("magic_link", ""))});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value()["method"], "password");
}

TEST(OrgRoute, KeepsTheBasePathPrefix) {
  org::Connection c;
  c.base = "https://host.example.com/api-v1/";
  auto r = drive(org::login_route(c, "a@b.co"), {answer(200, identify("sso", "/api-v1/api/auth/sso/acme/login"))});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value()["login_url"], "https://host.example.com/api-v1/api/auth/sso/acme/login");
}

TEST(OrgRoute, NeverFollowsAForeignRedirect) {
  for (const char* evil : {"https://evil.example/api/auth/sso/acme/login", "//evil.example/api/auth/sso/acme/login",
                           "/\\evil.example/api/auth/sso/acme/login", "/api/auth/sso/../../admin/login",
                           "/api/auth/sso/acme/login?next=https://evil.example", "https://idp.okta.com/authorize",
                           "javascript:alert(1)", "/api/auth/sso//login", "/api/auth/sso/a/b/login"}) {
    auto r = drive(org::login_route(connection(), "jane@yourcompany.com"), {answer(200, identify("sso", evil))});
    ASSERT_FALSE(r.ok()) << evil;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_response) << evil;
  }
}

TEST(OrgRoute, IncompleteAnswersAreInvalidResponse) {
  auto no_redirect = drive(org::login_route(connection(), "a@b.co"), {answer(200, identify("sso", nullptr))});
  EXPECT_EQ(no_redirect.error().code, ErrorCode::invalid_response);
  auto no_data = drive(org::login_route(connection(), "a@b.co"), {answer(200, ok_envelope(200, "ok", nullptr))});
  EXPECT_EQ(no_data.error().code, ErrorCode::invalid_response);
  auto no_method = drive(org::login_route(connection(), "a@b.co"), {answer(200, ok_envelope(200, "ok", {{"x", 1}}))});
  EXPECT_EQ(no_method.error().code, ErrorCode::invalid_response);
}

TEST(OrgRoute, RefusesBadInputBeforeSending) {
  EXPECT_EQ(org::login_route(connection(), "not-an-email").error().code, ErrorCode::invalid_argument);
  org::Connection http;
  http.base = "http://api.example.com";
  EXPECT_EQ(org::login_route(http, "a@b.co").error().code, ErrorCode::invalid_url);
  for (const char* path : {"", "api/auth/identify", "//evil/x", "/x?y", "/x y"}) {
    EXPECT_EQ(org::login_route(connection(), "a@b.co", path).error().code, ErrorCode::invalid_argument) << path;
  }
}

TEST(OrgRoute, PlatformErrorsComeThrough) {
  auto r = drive(org::login_route(connection(), "a@b.co"),
                 {answer(400, error_envelope(400, "VALIDATION_ERROR", "bad", {{{"field", "email"}, {"error", "Invalid email"}, {"location", "body"}}}))});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::platform_error);
  EXPECT_EQ(r.error().details["errors"][0]["field"], "email");
}

// ---- administration requests ----

// The browser's step function: identify only. An administration state (it carries the API key)
// is server_only, never advanced in a page.
TEST(OrgIdentifyStep, RoutesLikeOrgStepAndRefusesAdministration) {
  auto route = org::login_route(connection(), "jane@yourcompany.com");
  ASSERT_TRUE(route.ok());
  const HttpResponse reply = answer(200, identify("sso", "/api/auth/sso/acme/login"));
  auto a = org_identify_step(route->state, reply, kNow);
  auto b = org_step(route->state, reply, kNow);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->result, b->result);
  EXPECT_EQ(a->result.value()["login_url"], "https://api.example.com/api/auth/sso/acme/login");

  auto set = org::sso_set(admin(), sso_settings());
  ASSERT_TRUE(set.ok());
  const HttpResponse saved = answer(200, ok_envelope(200, "SSO configuration updated", Json::object()));
  auto refused = org_identify_step(set->state, saved, kNow);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::server_only);
  EXPECT_EQ(refused.error().message.find(kKey), std::string::npos);
  EXPECT_TRUE(org_step(set->state, saved, kNow).ok());
}

TEST(OrgAdmin, SsoSetSendsExactlyTheFourFields) {
  std::vector<HttpRequest> sent;
  auto r = drive(org::sso_set(admin(), sso_settings()),
                 {answer(200, ok_envelope(200, "SSO configuration updated",
                                          {{"provider", "okta"}, {"clientId", "client-1"}, {"clientSecret", "echoed!"}})),
                  answer(200, ok_envelope(200, "SSO configuration is valid", {{"success", true}, {"message", "SSO configuration is valid"}}))},
                 &sent);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(sent.size(), 2u);  // the save, then the guard's test of what was saved
  EXPECT_EQ(sent[1].method, "POST");
  EXPECT_EQ(sent[1].url, std::string(kBase) + "/api/user/organizations/" + kOrgId + "/settings/sso/test");
  EXPECT_TRUE(sent[1].body.empty());
  EXPECT_EQ(r.value()["sso_test"], Json({{"valid", true}, {"message", "SSO configuration is valid"}}));
  EXPECT_EQ(sent[0].method, "PUT");
  EXPECT_EQ(sent[0].url, std::string(kBase) + "/api/user/organizations/" + kOrgId + "/settings/sso");
  EXPECT_EQ(header_of(sent[0], "X-Api-Key"), kKey);
  EXPECT_EQ(header_of(sent[0], "Content-Type"), "application/json");
  EXPECT_EQ(must_parse(sent[0].body), Json({{"provider", "okta"}, {"issuerUrl", "https://your-org.okta.com"},
                                             {"clientId", "client-1"}, {"clientSecret", kSecret}}));
  EXPECT_FALSE(r.value()["data"].contains("clientSecret"));  // an echoed secret is never handed on
  EXPECT_EQ(r.value()["idp"]["sign_in_redirect_uri"], "https://api.example.com/api/auth/sso/callback");
  EXPECT_EQ(r.value()["idp"]["scopes"], Json({"openid", "profile", "email"}));
}

// Issue 16 item 6: with authRequired sso, an SSO change that breaks sign-in locks everybody out.
// sso_set tests what it saved and says so when the test fails; sso_delete needs force.
TEST(OrgAdmin, SsoChangesAreGuardedAgainstLockOut) {
  std::vector<HttpRequest> sent;
  auto broken = drive(org::sso_set(admin(), sso_settings()),
                      {answer(200, ok_envelope(200, "SSO configuration updated", Json::object())),
                       answer(200, ok_envelope(200, "SSO configuration test failed",
                                               {{"success", false}, {"message", "OIDC discovery failed"}}))},
                      &sent);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, ErrorCode::sso_test_failed);
  EXPECT_EQ(json_bool(broken.error().details, "saved"), true);
  EXPECT_NE(broken.error().message.find("lower authRequired"), std::string::npos) << broken.error().message;
  EXPECT_EQ(broken.error().message.find(kSecret), std::string::npos);
  ASSERT_EQ(sent.size(), 2u);

  org::SsoSettings forced = sso_settings();
  forced.force = true;
  sent.clear();
  auto skipped = drive(org::sso_set(admin(), forced), {answer(200, ok_envelope(200, "SSO configuration updated", Json::object()))}, &sent);
  ASSERT_TRUE(skipped.ok()) << skipped.error().message;
  EXPECT_EQ(sent.size(), 1u);
  EXPECT_EQ(skipped.value()["forced"], true);

  auto refused = org::sso_delete(admin());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(json_string(refused.error().details, "field"), "force");
  EXPECT_TRUE(org::sso_delete(admin(), true).ok());
}

TEST(OrgAdmin, BearerOption) {
  auto a = admin();
  a.bearer = true;
  auto step = org::sso_delete(a, true);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(header_of(*step->request, "Authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(header_of(*step->request, "X-Api-Key"), "<none>");
  EXPECT_EQ(step->request->method, "DELETE");
  EXPECT_TRUE(step->request->body.empty());
}

TEST(OrgAdmin, TestTakesNoBodyAndReportsTheOutcome) {
  std::vector<HttpRequest> sent;
  const Json pass = {{"success", true}, {"message", "SSO configuration is valid"}};
  auto r = drive(org::sso_test(admin()), {answer(200, ok_envelope(200, "SSO configuration is valid", pass))}, &sent);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_TRUE(sent[0].body.empty());
  EXPECT_EQ(header_of(sent[0], "Content-Type"), "<none>");
  EXPECT_EQ(r.value()["valid"], true);
  EXPECT_EQ(r.value()["message"], "SSO configuration is valid");

  const Json fail = {{"success", false}, {"message", "OIDC discovery failed"}};
  auto f = drive(org::sso_test(admin()), {answer(200, ok_envelope(200, "SSO configuration test failed", fail))});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, ErrorCode::sso_test_failed);
  EXPECT_NE(f.error().message.find("OIDC discovery failed"), std::string::npos);

  auto odd = drive(org::sso_test(admin()), {answer(200, ok_envelope(200, "?", {{"success", "yes"}}))});
  EXPECT_EQ(odd.error().code, ErrorCode::invalid_response);
}

TEST(OrgAdmin, DomainAddSurfacesTheTxtRecord) {
  std::vector<HttpRequest> sent;
  const Json data = {{"id", "01HZ3KA7V0J9Z8Q2G5B1T7XWDN"}, {"domain", "yourcompany.com"}, {"status", "pending"},
                     {"txtRecord", {{"type", "TXT"}, {"name", "_v.yourcompany.com"}, {"value", "token-1"}}}};
  auto r = drive(org::domain_add(admin(), "YourCompany.com"), {answer(201, ok_envelope(201, "Domain added", data))}, &sent);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(sent[0].url, std::string(kBase) + "/api/user/organizations/" + kOrgId + "/domains");
  EXPECT_EQ(must_parse(sent[0].body), Json({{"domain", "yourcompany.com"}}));
  EXPECT_EQ(r.value()["txt_record"], Json({{"type", "TXT"}, {"name", "_v.yourcompany.com"}, {"value", "token-1"}}));

  auto other = drive(org::domain_add(admin(), "a.com"),
                     {answer(201, ok_envelope(201, "ok", {{"dnsRecord", {{"name", "n"}, {"value", "v"}}}}))});
  EXPECT_EQ(other.value()["txt_record"]["name"], "n");
  auto none = drive(org::domain_add(admin(), "a.com"), {answer(201, ok_envelope(201, "ok", {{"id", "x"}}))});
  EXPECT_TRUE(none.value()["txt_record"].is_null());
  EXPECT_EQ(org::domain_add(admin(), "not a domain").error().code, ErrorCode::invalid_argument);
}

TEST(OrgAdmin, DomainVerify) {
  std::vector<HttpRequest> sent;
  auto r = drive(org::domain_verify(admin(), "01HZ3KA7V0J9Z8Q2G5B1T7XWDN"),
                 {answer(200, ok_envelope(200, "Domain verified", {{"status", "verified"}}))}, &sent);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(sent[0].url, std::string(kBase) + "/api/user/organizations/" + kOrgId + "/domains/01HZ3KA7V0J9Z8Q2G5B1T7XWDN/verify");
  EXPECT_TRUE(sent[0].body.empty());
  EXPECT_EQ(r.value()["verified"], true);
  auto pending = drive(org::domain_verify(admin(), "d1"), {answer(200, ok_envelope(200, "ok", {{"status", "pending"}}))});
  EXPECT_EQ(pending.value()["verified"], false);
  EXPECT_EQ(org::domain_verify(admin(), "../../x").error().code, ErrorCode::invalid_argument);
}

TEST(OrgAdmin, RefusesBadCredentialsAndIdsBeforeSending) {
  auto a = admin();
  a.api_key.clear();
  EXPECT_EQ(org::sso_test(a).error().code, ErrorCode::invalid_argument);
  a.api_key = "ba_key\r\nX-Evil: 1";
  auto injected = org::sso_test(a);
  ASSERT_FALSE(injected.ok());
  EXPECT_EQ(injected.error().message.find("ba_key"), std::string::npos);
  a = admin();
  for (const char* id : {"", "..", "a/b", "a b", "a%2Fb"}) {
    a.organization_id = id;
    EXPECT_EQ(org::sso_test(a).error().code, ErrorCode::invalid_argument) << id;
  }
}

// ---- the lock-out guard ----

const Json kPass = ok_envelope(200, "SSO configuration is valid", {{"success", true}, {"message", "SSO configuration is valid"}});
const Json kSaved = ok_envelope(200, "Security settings updated", {{"authRequired", "sso"}, {"requireMfa", false}});

org::SecuritySettings require_sso(bool force = false) {
  org::SecuritySettings s;
  s.auth_required = org::AuthRequired::sso;
  s.force = force;
  return s;
}

TEST(OrgGuard, TestsFirstThenRaises) {
  std::vector<HttpRequest> sent;
  auto r = drive(org::set_security(admin(), require_sso()), {answer(200, kPass), answer(200, kSaved)}, &sent);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_NE(sent[0].url.find("/settings/sso/test"), std::string::npos);
  EXPECT_EQ(sent[1].method, "PUT");
  EXPECT_NE(sent[1].url.find("/settings/security"), std::string::npos);
  EXPECT_EQ(header_of(sent[1], "X-Api-Key"), kKey);
  EXPECT_EQ(must_parse(sent[1].body), Json({{"authRequired", "sso"}, {"requireMfa", false}}));
  EXPECT_EQ(r.value()["sso_test"]["valid"], true);
  EXPECT_EQ(r.value()["data"]["authRequired"], "sso");
}

TEST(OrgGuard, FailingTestChangesNothing) {
  std::vector<HttpRequest> sent;
  const Json fail = ok_envelope(200, "SSO configuration test failed", {{"success", false}, {"message", "discovery failed"}});
  auto r = drive(org::set_security(admin(), require_sso()), {answer(200, fail)}, &sent);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::sso_test_failed);
  EXPECT_EQ(r.error().details["step"], "sso_test");
  EXPECT_NE(r.error().message.find("force"), std::string::npos);
  EXPECT_EQ(sent.size(), 1u);  // the PUT was never sent
}

TEST(OrgGuard, NoSsoConfiguredIsSsoTestFailed) {
  auto r = drive(org::set_security(admin(), require_sso()),
                 {answer(400, error_envelope(400, "VALIDATION_ERROR", "SSO is not configured for this organization"))});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::sso_test_failed);
  EXPECT_EQ(r.error().details["platform_code"], "VALIDATION_ERROR");
}

TEST(OrgGuard, CredentialProblemsKeepTheirCode) {
  auto r = drive(org::set_security(admin(), require_sso()), {answer(401, error_envelope(401, "INVALID_API_KEY", "Invalid API key"))});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::platform_error);
  EXPECT_EQ(r.error().details["platform_code"], "INVALID_API_KEY");
  EXPECT_EQ(r.error().details["step"], "sso_test");
}

TEST(OrgGuard, ForceSkipsTheTest) {
  std::vector<HttpRequest> sent;
  auto r = drive(org::set_security(admin(), require_sso(true)), {answer(200, kSaved)}, &sent);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "PUT");
  EXPECT_EQ(r.value()["forced"], true);
  EXPECT_FALSE(r.value().contains("sso_test"));
}

TEST(OrgGuard, LoweringNeedsNoTest) {
  org::SecuritySettings s;
  s.auth_required = org::AuthRequired::mfa;
  s.require_mfa = true;
  std::vector<HttpRequest> sent;
  auto r = drive(org::set_security(admin(), s), {answer(200, ok_envelope(200, "ok", {{"authRequired", "mfa"}}))}, &sent);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(must_parse(sent[0].body), Json({{"authRequired", "mfa"}, {"requireMfa", true}}));
}

// ---- 429 ----

TEST(OrgRateLimit, WaitsRetryAfterAndRepeatsTheSameRequest) {
  std::vector<HttpRequest> sent;
  std::vector<std::int64_t> waits;
  auto r = drive(org::sso_delete(admin(), true), {rate_limited("3"), rate_limited("1"), answer(200, ok_envelope(200, "removed", nullptr))},
                 &sent, &waits);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(waits, (std::vector<std::int64_t>{0, 3, 1}));
  ASSERT_EQ(sent.size(), 3u);
  for (const auto& s : sent) {
    EXPECT_EQ(s.method, "DELETE");
    EXPECT_EQ(s.url, sent[0].url);
    EXPECT_EQ(header_of(s, "X-Api-Key"), kKey);
  }
}

TEST(OrgRateLimit, GivesUpAfterTwoRetries) {
  auto r = drive(org::sso_test(admin()), {rate_limited("2"), rate_limited("2"), rate_limited("4")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(r.error().details["retry_after"], 4);
  EXPECT_EQ(r.error().details["retries"], 2);
  EXPECT_EQ(r.error().details["platform_code"], "RATE_LIMIT_ERROR");
  EXPECT_NE(r.error().message.find("try again in 4 s"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find(kKey), std::string::npos);
}

TEST(OrgRateLimit, TooLongAWaitIsNotWaited) {
  std::vector<std::int64_t> waits;
  auto r = drive(org::sso_test(admin()), {rate_limited("600")}, nullptr, &waits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(r.error().details["retry_after"], 600);
  EXPECT_EQ(r.error().details["retries"], 0);
  EXPECT_EQ(waits.size(), 1u);
}

TEST(OrgRateLimit, HttpDateAndMissingHeader) {
  std::vector<std::int64_t> waits;
  auto r = drive(org::sso_test(admin()),
                 {rate_limited("Fri, 15 Jan 2027 08:00:05 GMT"), rate_limited(std::nullopt), answer(200, kPass)}, nullptr, &waits);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(waits, (std::vector<std::int64_t>{0, 5, org::kDefaultRetryAfter}));
}

TEST(OrgRateLimit, CallerMayWaitLessNeverMore) {
  auto a = admin();
  a.connection.max_retries = 0;
  auto none = drive(org::sso_test(a), {rate_limited("1")});
  EXPECT_EQ(none.error().code, ErrorCode::rate_limited);
  a.connection.max_retries = 50;  // clamped to 2
  a.connection.max_wait = 10'000; // clamped to 60
  auto r = drive(org::sso_test(a), {rate_limited("60"), rate_limited("60"), rate_limited("60")});
  EXPECT_EQ(r.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(r.error().details["retries"], 2);
  auto longer = drive(org::sso_test(a), {rate_limited("61")});
  EXPECT_EQ(longer.error().details["retries"], 0);
}

TEST(OrgRateLimit, GuardRetriesEachPhase) {
  std::vector<HttpRequest> sent;
  auto r = drive(org::set_security(admin(), require_sso()),
                 {rate_limited("1"), answer(200, kPass), rate_limited("1"), rate_limited("1"), answer(200, kSaved)}, &sent);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(sent.size(), 5u);
  EXPECT_EQ(sent[1].method, "POST");
  EXPECT_EQ(sent[4].method, "PUT");
}

// A transport that plays answers and records; a sleep that records instead of sleeping.
class ScriptTransport final : public HttpTransport {
 public:
  explicit ScriptTransport(std::deque<HttpResponse> answers) : answers_(std::move(answers)) {}
  Result<HttpResponse> send(const HttpRequest& request) override {
    sent.push_back(request);
    if (answers_.empty()) return make_error(ErrorCode::network_error, "no more answers");
    HttpResponse r = answers_.front();
    answers_.pop_front();
    return r;
  }
  std::vector<HttpRequest> sent;

 private:
  std::deque<HttpResponse> answers_;
};

DriveOptions recording(std::vector<std::int64_t>* slept_ms) {
  DriveOptions o;
  o.clock = [] { return kNow; };
  o.sleep = [slept_ms](std::chrono::milliseconds d) { slept_ms->push_back(d.count()); };
  return o;
}

TEST(OrgRun, SleepsThroughRetries) {
  ScriptTransport transport({rate_limited("2"), answer(200, kPass)});
  std::vector<std::int64_t> slept;
  auto r = drive_steps(transport, org::sso_test(admin()), platform_machine(org_step), recording(&slept));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(slept, (std::vector<std::int64_t>{2000}));
  EXPECT_EQ(transport.sent.size(), 2u);
}

TEST(OrgRun, IsBounded) {
  std::deque<HttpResponse> many(20, rate_limited("0"));
  ScriptTransport transport(many);
  auto a = admin();
  std::vector<std::int64_t> slept;
  auto r = drive_steps(transport, org::sso_test(a), platform_machine(org_step), recording(&slept));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(transport.sent.size(), 3u);
  ScriptTransport failing({});
  EXPECT_EQ(drive_steps(failing, org::sso_test(a), platform_machine(org_step), recording(&slept)).error().code,
            ErrorCode::network_error);
  // The state's budget is the rule: a state with none left sends nothing more.
  auto started = org::sso_test(a);
  ASSERT_TRUE(started.ok());
  started->state["budget"] = 0;
  ScriptTransport limited({rate_limited("0"), answer(200, kPass)});
  auto spent = drive_steps(limited, std::move(started), platform_machine(org_step), recording(&slept));
  ASSERT_FALSE(spent.ok());
  EXPECT_EQ(spent.error().code, ErrorCode::internal_error);
  EXPECT_NE(spent.error().message.find("request budget"), std::string::npos);
}

TEST(OrgRun, ACancelledWaitStops) {
  ScriptTransport transport({rate_limited("30"), answer(200, kPass)});
  std::vector<std::int64_t> slept;
  DriveOptions o = recording(&slept);
  o.cancelled = [&slept] { return slept.size() >= 4; };  // one second in 250 ms slices
  auto r = drive_steps(transport, org::sso_test(admin()), platform_machine(org_step), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::cancelled);
  EXPECT_EQ(slept.size(), 4u);
  EXPECT_EQ(transport.sent.size(), 1u);
}

// ---- state handling ----

TEST(OrgState, TamperedOrFinishedStatesAreRefused) {
  const HttpResponse ok = answer(200, kPass);
  auto started = org::sso_test(admin());
  ASSERT_TRUE(started.ok());
  Json other_version = started->state;
  other_version["v"] = 2;
  Json other_machine = started->state;
  other_machine["machine"] = "muvi.ensure_user";
  Json unknown_op = started->state;
  unknown_op["machine"] = "org.rm -rf";
  Json no_request = started->state;
  no_request["data"].erase("request");
  Json typed_base = started->state;
  typed_base["data"]["base"] = 1;
  for (const Json& state : {Json(nullptr), Json::array(), Json{{"v", 2}}, Json{{"v", 1}, {"op", "rm -rf"}},
                            Json{{"v", 1}, {"op", "sso_test"}}, Json{{"v", 1}, {"op", "sso_test"}, {"base", 1}, {"request", {}}},
                            Json{{"v", 1}, {"op", "sso_test"}, {"done", true}}, other_version, other_machine, unknown_op,
                            no_request, typed_base, done_step_state("org.sso_test")}) {
    auto r = org_step(state, ok, kNow);
    ASSERT_FALSE(r.ok()) << state.dump();
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  }
  // A state whose request is broken cannot be retried.
  auto step = org::sso_test(admin());
  Json broken = step->state;
  broken["data"]["request"] = {{"method", 1}};
  EXPECT_EQ(org_step(broken, rate_limited("1"), kNow).error().code, ErrorCode::invalid_argument);
  // The guard's saved request is required too.
  auto guard = org::set_security(admin(), require_sso());
  Json no_save = guard->state;
  no_save["data"].erase("save");
  EXPECT_EQ(org_step(no_save, answer(200, kPass), kNow).error().code, ErrorCode::invalid_argument);
}

TEST(OrgState, FinishedStateHoldsNoSecret) {
  auto step = org::sso_set(admin(), sso_settings());
  ASSERT_TRUE(step.ok());
  auto saved = org_step(step->state, answer(200, ok_envelope(200, "ok", {{"provider", "okta"}})), kNow);
  ASSERT_TRUE(saved.ok() && saved->request.has_value());
  auto done = org_step(saved->state, answer(200, ok_envelope(200, "valid", {{"success", true}, {"message", "valid"}})), kNow);
  ASSERT_TRUE(done.ok());
  ASSERT_TRUE(done->result.has_value());
  const std::string text = done->state.dump();
  EXPECT_EQ(text.find(kKey), std::string::npos);
  EXPECT_EQ(text.find(kSecret), std::string::npos);
}

// ---- the JSON methods ----

TEST(OrgApi, LoginUrlStepsAndSlugShortcut) {
  auto step = api::call("org.login_url", {{"base", kBase}, {"email", "jane@yourcompany.com"}});
  ASSERT_TRUE(step.ok()) << step.error().message;
  EXPECT_EQ(step.value()["request"]["url"], "https://api.example.com/api/auth/identify");
  auto next = api::call("org.step", {{"state", step.value()["state"]},
                                     {"response", api::response_to_json(answer(200, identify("sso", "/api/auth/sso/acme/login")))},
                                     {"now", kNow}});
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next.value()["result"]["method"], "sso");

  auto slug = api::call("org.login_url", {{"base", kBase}, {"slug", "acme"}});
  ASSERT_TRUE(slug.ok());
  EXPECT_EQ(slug.value()["result"], Json({{"login_url", "https://api.example.com/api/auth/sso/acme/login"}, {"slug", "acme"}}));
  EXPECT_EQ(api::call("org.login_url", {{"base", kBase}}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(api::call("org.login_url", {{"base", kBase}, {"email", "a@b.co"}, {"slug", "x"}}).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(api::call("org.login_url", {{"base", kBase}, {"email", "a@b.co"}, {"max_retries", -1}}).error().code,
            ErrorCode::invalid_argument);
}

TEST(OrgApi, RetryStepCarriesWaitSeconds) {
  auto step = api::call("org.sso_test", {{"base", kBase}, {"organization_id", kOrgId}, {"api_key", kKey}});
  ASSERT_TRUE(step.ok()) << step.error().message;
  auto next = api::call("org.step", {{"state", step.value()["state"]}, {"response", api::response_to_json(rate_limited("7"))}, {"now", kNow}});
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next.value()["wait_seconds"], 7);
  EXPECT_EQ(next.value()["request"]["method"], "POST");
}

TEST(OrgApi, AdminMethodsCheckTheirParameters) {
  const Json common = {{"base", kBase}, {"organization_id", kOrgId}, {"api_key", kKey}};
  Json p = common;
  p["auth_required"] = "sso";
  p["force"] = "yes";
  EXPECT_EQ(api::call("org.security", p).error().code, ErrorCode::invalid_argument);
  p["force"] = true;
  auto forced = api::call("org.security", p);
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(forced.value()["request"]["method"], "PUT");
  p["auth_required"] = "always";
  EXPECT_EQ(api::call("org.security", p).error().code, ErrorCode::invalid_argument);
  Json s = common;
  s["provider"] = "okta";
  s["issuer_url"] = "https://your-org.okta.com";
  s["client_id"] = "c";
  auto missing_secret = api::call("org.sso_set", s);
  ASSERT_FALSE(missing_secret.ok());
  EXPECT_EQ(missing_secret.error().details["field"], "clientSecret");
  EXPECT_EQ(api::call("org.domain_add", common).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(api::call("org.domain_verify", common).error().code, ErrorCode::invalid_argument);
  Json no_key = common;
  no_key.erase("api_key");
  EXPECT_EQ(api::call("org.sso_delete", no_key).error().code, ErrorCode::invalid_argument);
  Json bad_bearer = common;
  bad_bearer["bearer"] = 1;
  EXPECT_EQ(api::call("org.sso_delete", bad_bearer).error().code, ErrorCode::invalid_argument);
}

TEST(OrgApi, NormalizeEmailAndCallbackUrl) {
  auto e = api::call("org.normalize_email", {{"email", "A@B.CO"}});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.value(), Json({{"email", "A@b.co"}, {"domain", "b.co"}}));
  EXPECT_EQ(api::call("org.callback_url", {{"base", kBase}}).value()["callback_url"], "https://api.example.com/api/auth/sso/callback");
}

}  // namespace
}  // namespace ssokit
