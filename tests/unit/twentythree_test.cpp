// TwentyThree connector: return_url checks, the signed get-token / get-login-token requests, both
// answer formats (XML and JSON, raw or "var visual = ..."), the always-200 error envelope with
// every documented code, the redeem URLs (access_token -> session_token), the back-end login
// opt-in, and hostile answers (truncated, wrong types, huge, deeply nested) that must fail cleanly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "ssokit/platforms/twentythree.hpp"
#include "ssokit/native/drive.hpp"

namespace ssokit::twentythree {
namespace {

// Case-insensitive request header lookup (HttpRequest keeps headers as sent).
std::optional<std::string> header_of(const HttpRequest& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n.size() == name.size() &&
        std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return v;
    }
  }
  return std::nullopt;
}

constexpr std::int64_t kNow = 1'700'000'000;
constexpr const char* kSite = "https://videos.example.com";

SiteOptions options(ResponseFormat format = ResponseFormat::json) {
  SiteOptions o;
  o.site = kSite;
  o.credentials = {"consumer-key", "consumer-secret", "access-token", "access-token-secret"};
  o.format = format;
  return o;
}

std::unique_ptr<CtrDrbgRandom> rng() {
  auto r = CtrDrbgRandom::from_seed(Bytes(32, 1));
  return std::move(r).value();
}

HttpResponse answer(const std::string& body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = body;
  return r;
}

FlowStep start_get_token(ResponseFormat format = ResponseFormat::json) {
  GetTokenParams p;
  p.return_url = "/video/42?t=1";
  p.email = "viewer@example.com";
  p.full_name = "Vera Viewer";
  auto step = get_token(options(format), p, *rng(), kNow);
  EXPECT_TRUE(step.ok()) << step.error().message;
  return std::move(step).value();
}

// ---- return_url ----

TEST(TwentyThree, AcceptsRelativeReturnUrls) {
  for (const char* ok : {"/", "/video/42", "/manage?tab=1#top", "/search?q=a%20b"}) {
    auto r = validate_return_url(ok);
    ASSERT_TRUE(r.ok()) << ok;
    EXPECT_EQ(r.value(), ok);
  }
}

TEST(TwentyThree, RefusesReturnUrlsThatLeaveTheSite) {
  for (const char* bad : {"", "video", "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil",
                          "javascript:alert(1)", "/a\tb", "/a\nb", "/%2F%2Fevil.example", "/\x01"}) {
    auto r = validate_return_url(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_return_url) << bad;
  }
}

// ---- the get-token request ----

TEST(TwentyThree, GetTokenIsASignedPostWithJsonRequested) {
  FlowStep step = start_get_token();
  ASSERT_TRUE(step.request.has_value());
  const HttpRequest& r = *step.request;
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://videos.example.com/api/session/get-token");  // no query on POST
  EXPECT_FALSE(r.idempotent);
  auto body = form_decode(r.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(find_param(body.value(), "return_url").value_or(""), "/video/42?t=1");
  EXPECT_EQ(find_param(body.value(), "email").value_or(""), "viewer@example.com");
  EXPECT_EQ(find_param(body.value(), "full_name").value_or(""), "Vera Viewer");
  EXPECT_EQ(find_param(body.value(), "format").value_or(""), "json");
  EXPECT_EQ(find_param(body.value(), "raw").value_or(""), "1");
  EXPECT_EQ(r.body.find('+'), std::string::npos);
  auto auth = header_of(r, "Authorization");
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->rfind("OAuth ", 0), 0u);
  EXPECT_NE(auth->find("oauth_token=\"access-token\""), std::string::npos);
  EXPECT_NE(auth->find("oauth_timestamp=\"1700000000\""), std::string::npos);
  // The secrets never travel and never sit in the state.
  for (const char* secret : {"consumer-secret", "access-token-secret"}) {
    EXPECT_EQ(r.body.find(secret), std::string::npos);
    EXPECT_EQ(auth->find(secret), std::string::npos);
    EXPECT_EQ(step.state.dump().find(secret), std::string::npos);
  }
}

TEST(TwentyThree, GetTokenSignatureCoversTheBody) {
  FlowStep step = start_get_token();
  const HttpRequest& r = *step.request;
  // Rebuild the protocol parameters from the header and verify the signature like the site does.
  std::string auth = *header_of(r, "Authorization");
  Params protocol;
  std::size_t pos = 6;
  while (pos < auth.size()) {
    std::size_t eq = auth.find("=\"", pos);
    std::size_t end = auth.find('"', eq + 2);
    ASSERT_NE(eq, std::string::npos);
    protocol.emplace_back(auth.substr(pos, eq - pos), percent_decode(auth.substr(eq + 2, end - eq - 2)).value());
    pos = end + 3;  // `", `
  }
  const std::string signature = find_param(protocol, "oauth_signature").value_or("");
  auto params = oauth1_collect_parameters(r.url, r.body, protocol);
  ASSERT_TRUE(params.ok());
  auto base = oauth1_signature_base_string(r.method, r.url, params.value());
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(oauth1_hmac_sha1(base.value(), "consumer-secret", "access-token-secret"), signature);
  // A changed e-mail no longer matches.
  auto tampered = oauth1_collect_parameters(r.url, r.body + "&x=1", protocol);
  EXPECT_NE(oauth1_hmac_sha1(oauth1_signature_base_string(r.method, r.url, tampered.value()).value(),
                             "consumer-secret", "access-token-secret"),
            signature);
}

TEST(TwentyThree, GetTokenVariants) {
  GetTokenParams p;
  p.return_url = "/";
  SiteOptions xml = options(ResponseFormat::xml);
  xml.method = "GET";
  xml.placement = OAuth1Placement::query;
  xml.site = "https://videos.example.com/";  // the trailing '/' is dropped
  auto step = get_token(xml, p, *rng(), kNow);
  ASSERT_TRUE(step.ok()) << step.error().message;
  const HttpRequest& r = *step->request;
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url.rfind("https://videos.example.com/api/session/get-token?return_url=%2F&oauth_consumer_key=", 0), 0u);
  EXPECT_EQ(r.url.find("format="), std::string::npos);  // XML is the default
  EXPECT_FALSE(header_of(r, "Authorization").has_value());
  EXPECT_TRUE(r.body.empty());
}

TEST(TwentyThree, GetTokenRefusesBadInput) {
  GetTokenParams p;
  p.return_url = "https://evil.example/";
  EXPECT_EQ(get_token(options(), p, *rng(), kNow).error().code, ErrorCode::invalid_return_url);
  p.return_url = "/";
  p.email = "not an e-mail";
  EXPECT_EQ(get_token(options(), p, *rng(), kNow).error().code, ErrorCode::invalid_argument);
  p.email = "a@b@c";
  EXPECT_EQ(get_token(options(), p, *rng(), kNow).error().code, ErrorCode::invalid_argument);
  p.email = "";  // empty means absent
  p.full_name = std::string("Bad\nName");
  EXPECT_EQ(get_token(options(), p, *rng(), kNow).error().code, ErrorCode::invalid_argument);
  p.full_name = std::string(300, 'x');
  EXPECT_EQ(get_token(options(), p, *rng(), kNow).error().code, ErrorCode::invalid_argument);
  p.full_name.reset();
  SiteOptions o = options();
  o.credentials.consumer_secret.clear();
  EXPECT_EQ(get_token(o, p, *rng(), kNow).error().code, ErrorCode::invalid_argument);
}

TEST(TwentyThree, SiteMustBeHttpsExceptLoopback) {
  EXPECT_EQ(normalize_site("https://videos.example.com/").value(), "https://videos.example.com");
  EXPECT_EQ(normalize_site("https://Videos.Example.com:8443/tv/").value(), "https://videos.example.com:8443/tv");
  EXPECT_EQ(normalize_site("http://127.0.0.1:8080").value(), "http://127.0.0.1:8080");
  EXPECT_EQ(normalize_site("http://localhost:1").value(), "http://localhost:1");
  for (const char* bad : {"http://videos.example.com", "ftp://videos.example.com", "https://u:p@videos.example.com",
                          "https://videos.example.com/?a=1", "https://videos.example.com/#x", "videos.example.com"}) {
    EXPECT_EQ(normalize_site(bad).error().code, ErrorCode::invalid_url) << bad;
  }
}

// ---- answers ----

TEST(TwentyThree, JsonAnswerGivesTheRedeemUrl) {
  FlowStep step = start_get_token();
  const std::string body = R"({"status":"ok","message":"The session access token is ready to use",
    "permission_level":"super","cached":"0","sessiontoken":{"access_token":"sdkjh/lsd6f+87=","return_url":"/video/42?t=1"},
    "p":"1","size":"1","site":{"domain":"videos.example.com"},"endpoint":"/api/session/get-token"})";
  auto next = twentythree_step(step.state, answer(body), kNow + 5);
  ASSERT_TRUE(next.ok()) << next.error().message;
  ASSERT_TRUE(next->result.has_value());
  const Json& result = *next->result;
  // The answer's access_token is the redeem's session_token (encoded for the query).
  EXPECT_EQ(result["redirect_url"], "https://videos.example.com/api/session/redeem-token?session_token=sdkjh%2Flsd6f%2B87%3D");
  EXPECT_EQ(result["return_url"], "/video/42?t=1");
  EXPECT_EQ(result["expires_at"], kNow + 5 + 900);
  EXPECT_FALSE(next->request.has_value());
}

TEST(TwentyThree, XmlAnswerGivesTheRedeemUrl) {
  FlowStep step = start_get_token(ResponseFormat::xml);
  const std::string body = R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- generated -->
<response status="ok" permission_level="super"
  message="The session access token is ready to use" cached="0">
  <access_token>sdkjhflsd6f87aysdukgs87dfgkjsdfgkjshdkfjghskjldfg978sdhkgj</access_token>
  <return_url>/video/42?t=1&amp;a=b</return_url>
</response>
)";
  auto next = twentythree_step(step.state, answer(body), kNow);
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ((*next->result)["redirect_url"],
            "https://videos.example.com/api/session/redeem-token?session_token="
            "sdkjhflsd6f87aysdukgs87dfgkjsdfgkjshdkfjghskjldfg978sdhkgj");
  EXPECT_EQ((*next->result)["return_url"], "/video/42?t=1&a=b");
}

TEST(TwentyThree, JsonWithoutRawIsUnwrapped) {
  FlowStep step = start_get_token();
  auto next = twentythree_step(
      step.state, answer("var visual = {\"status\":\"ok\",\"sessiontoken\":{\"access_token\":\"abc\",\"return_url\":\"/\"}};\n"),
      kNow);
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ((*next->result)["redirect_url"], "https://videos.example.com/api/session/redeem-token?session_token=abc");
}

TEST(TwentyThree, EveryDocumentedErrorCodeIsAPlatformError) {
  FlowStep step = start_get_token();
  for (const char* code : {"invalid_signature", "permission_denied", "invalid_input", "no_such_user",
                           "user_already_exists", "token_required", "some_new_code"}) {
    const std::string json = std::string(R"({"status":"error","message":"Nope","code":")") + code +
                             R"(","permission_level":"none","endpoint":"/api/session/get-token"})";
    const std::string xml = std::string(R"(<response status="error" code=")") + code + R"(" message="Nope"/>)";
    for (const std::string& body : {json, xml}) {
      auto r = twentythree_step(step.state, answer(body), kNow);
      ASSERT_FALSE(r.ok()) << body;
      EXPECT_EQ(r.error().code, ErrorCode::platform_error) << body;
      EXPECT_EQ(r.error().details["platform_code"], code);
      EXPECT_EQ(r.error().details["platform_status"], "error");
      EXPECT_EQ(r.error().details["platform_message"], "Nope");
      EXPECT_NE(r.error().message.find(code), std::string::npos);
    }
  }
}

TEST(TwentyThree, XmlAttributeValuesAreNormalized) {
  // The documented permission_denied answer spreads its message over lines.
  auto r = parse_response(answer("<response status=\"error\" permission_level=\"none\" code=\"permission_denied\"\n"
                                 "  message=\"You don't have the necessary permissions to \n  perform this action "
                                 "(required level: 'admin')\">\n</response>"),
                          "sessiontoken");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().details["platform_code"], "permission_denied");
  EXPECT_EQ(r.error().details["platform_message"].get<std::string>().find('\n'), std::string::npos);
}

TEST(TwentyThree, NonOkHttpIsHttpError) {
  FlowStep step = start_get_token();
  for (int status : {201, 302, 400, 401, 500, 503}) {
    auto r = twentythree_step(step.state, answer(R"({"status":"ok"})", status), kNow);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::http_error);
    EXPECT_EQ(r.error().details["status"], status);
  }
}

TEST(TwentyThree, MalformedAnswersAreInvalidResponse) {
  FlowStep step = start_get_token();
  const std::string deep(40, '<');
  std::string nested = "<response status=\"ok\">";
  for (int i = 0; i < 40; ++i) nested += "<a>";
  const std::vector<std::string> bodies = {
      "",
      "   ",
      "Internal error",
      "{",
      R"({"status":"ok"})",                                                     // no token
      R"({"status":"ok","sessiontoken":{"access_token":""}})",                  // empty token
      R"({"status":"ok","sessiontoken":{"access_token":"a b"}})",               // space in token
      R"({"status":"ok","sessiontoken":{"access_token":42.5}})",                // wrong type
      R"({"status":"ok","sessiontoken":"abc"})",                                // wrong type
      R"({"status":"OK","sessiontoken":{"access_token":"abc"}})",               // unknown status
      R"({"sessiontoken":{"access_token":"abc"}})",                             // no status
      R"({"status":"ok","status":"error"})",                                    // duplicate member
      R"(["status","ok"])",
      "<response status=\"ok\"><access_token>abc</access_token>",               // truncated
      "<response status=\"ok\"><access_token>abc</access_tokn></response>",     // mismatched
      "<response status=\"ok\" status=\"error\"/>",                             // repeated attribute
      "<response status=\"ok\"><access_token>a</access_token><access_token>b</access_token></response>",
      "<reply status=\"ok\"><access_token>abc</access_token></reply>",          // other root
      "<!DOCTYPE r [<!ENTITY x \"y\">]><response status=\"ok\"><access_token>&x;</access_token></response>",
      "<response status=\"ok\"><access_token>&unknown;</access_token></response>",
      "<response status=\"ok\"><access_token>&#0;</access_token></response>",
      "<response status=\"ok\"><access_token>abc</access_token></response><more/>",
      "<response status=ok><access_token>abc</access_token></response>",
      "<response status=\"ok\">\xFF<access_token></access_token></response>",
      nested,
      deep,
      "<response status=\"ok\"><!--" + std::string(300 * 1024, ' ') + "--></response>",
      "<response status=\"ok\">" + std::string(2 << 20, 'x') + "</response>",
  };
  for (const auto& body : bodies) {
    auto r = twentythree_step(step.state, answer(body), kNow);
    ASSERT_FALSE(r.ok()) << body.substr(0, 80);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_response) << body.substr(0, 80);
  }
}

TEST(TwentyThree, XmlReaderHandlesCdataEntitiesAndNestedChildren) {
  auto r = parse_response(answer("\xEF\xBB\xBF<response status=\"ok\" message='a &lt;b&gt; &#x41;&#66;'>"
                                 "<access_token><![CDATA[tok]]></access_token>"
                                 "<site><domain>videos.example.com</domain></site>"
                                 "<empty/><?pi x?><!-- c --></response>"),
                          "sessiontoken");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value()["message"], "a <b> AB");
  EXPECT_EQ(r.value()["data"]["access_token"], "tok");
  EXPECT_EQ(r.value()["data"]["empty"], "");
  EXPECT_FALSE(r.value()["data"].contains("site"));  // holds elements: skipped
}

TEST(TwentyThree, StepRefusesAForeignState) {
  for (const Json& state : {Json(nullptr), Json::object(), Json{{"v", 1}, {"op", "other"}, {"site", kSite}},
                            Json{{"v", 2}, {"op", "get_token"}, {"site", kSite}}, Json::array()}) {
    auto r = twentythree_step(state, answer(R"({"status":"ok"})"), kNow);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  }
}

// ---- redeem URLs ----

TEST(TwentyThree, RedeemUrls) {
  EXPECT_EQ(redeem_url("https://videos.example.com/", "abc").value(),
            "https://videos.example.com/api/session/redeem-token?session_token=abc");
  EXPECT_EQ(redeem_login_url("https://videos.example.com", "x y").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(redeem_login_url("https://videos.example.com", "a&b").value(),
            "https://videos.example.com/api/user/redeem-login-token?login_token=a%26b");
  EXPECT_EQ(redeem_url("https://videos.example.com", "").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(redeem_url("https://videos.example.com", std::string(5000, 'a')).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(redeem_url("http://videos.example.com", "abc").error().code, ErrorCode::invalid_url);
}

// ---- back-end login ----

TEST(TwentyThree, BackendLoginNeedsTheExplicitFlag) {
  LoginTokenParams p;
  p.user_id = "12345";
  auto refused = get_login_token(options(), p, *rng(), kNow);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(refused.error().message.find("shared e-mails"), std::string::npos);
  EXPECT_NE(refused.error().message.find("administrator"), std::string::npos);

  p.allow_backend_login = true;
  p.return_url = "/manage";
  auto step = get_login_token(options(), p, *rng(), kNow);
  ASSERT_TRUE(step.ok()) << step.error().message;
  EXPECT_EQ(step->request->url, "https://videos.example.com/api/user/get-login-token");
  auto body = form_decode(step->request->body).value();
  EXPECT_EQ(find_param(body, "user_id").value_or(""), "12345");
  EXPECT_EQ(find_param(body, "return_url").value_or(""), "/manage");

  const std::string json = R"({"status":"ok","message":"The user login token is ready to use","permission_level":"super",
    "cached":"0","logintoken":{"login_token":"sdjhfjlaskdf87","return_url":"/manage","user_id":"12345"}})";
  EXPECT_EQ(step->state["machine"], "twentythree.get_login_token");
  EXPECT_EQ(step->state["budget"], 1);
  auto done = twentythree_step(step->state, answer(json), kNow);
  ASSERT_TRUE(done.ok()) << done.error().message;
  // The finished state keeps nothing: not the user, not the token the answer carried.
  EXPECT_EQ(done->state, Json({{"v", 1}, {"machine", "twentythree.get_login_token"}, {"phase", "done"}}));
  EXPECT_EQ(done->state.dump().find("sdjhfjlaskdf87"), std::string::npos);
  EXPECT_EQ(twentythree_step(done->state, answer(json), kNow).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ((*done->result)["redirect_url"], "https://videos.example.com/api/user/redeem-login-token?login_token=sdjhfjlaskdf87");
  EXPECT_EQ((*done->result)["user_id"], "12345");
  EXPECT_EQ((*done->result)["return_url"], "/manage");

  const std::string xml = "<response status=\"ok\"><login_token>xyz</login_token><return_url>/</return_url>"
                          "<user_id>12345</user_id></response>";
  auto from_xml = twentythree_step(step->state, answer(xml), kNow);
  ASSERT_TRUE(from_xml.ok()) << from_xml.error().message;
  EXPECT_EQ((*from_xml->result)["redirect_url"], "https://videos.example.com/api/user/redeem-login-token?login_token=xyz");

  // A get-token answer does not satisfy a login-token step (different member).
  auto wrong = twentythree_step(step->state, answer(R"({"status":"ok","sessiontoken":{"access_token":"a"}})"), kNow);
  EXPECT_EQ(wrong.error().code, ErrorCode::invalid_response);

  p.user_id = "";
  EXPECT_EQ(get_login_token(options(), p, *rng(), kNow).error().code, ErrorCode::invalid_argument);
  p.user_id = "1";
  p.return_url = "//evil.example";
  EXPECT_EQ(get_login_token(options(), p, *rng(), kNow).error().code, ErrorCode::invalid_return_url);
}

TEST(TwentyThree, RunsWithRunSteps) {
  class Fake final : public HttpTransport {
   public:
    Result<HttpResponse> send(const HttpRequest& request) override {
      seen = request;
      return answer(R"({"status":"ok","sessiontoken":{"access_token":"T0K","return_url":"/x"}})");
    }
    HttpRequest seen;
  } fake;
  GetTokenParams p;
  p.return_url = "/x";
  auto random = rng();
  DriveOptions drive;
  drive.clock = [] { return kNow; };
  auto result = drive_steps(fake, get_token(options(), p, *random, kNow), platform_machine(twentythree_step), drive);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.value()["redirect_url"], "https://videos.example.com/api/session/redeem-token?session_token=T0K");
  EXPECT_EQ(fake.seen.url, "https://videos.example.com/api/session/get-token");
}

}  // namespace
}  // namespace ssokit::twentythree
