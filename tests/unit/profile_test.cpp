// Profile mapping checks that the shared JSON cases (tests/cases/profile*.json) cannot express:
// the C++ entry points' edge cases, message wording, inputs too big for a case file, a
// deterministic fuzz loop (no crash, bounds always hold), and the extra profile request as a
// phase of the sign-in step machine (SsoClient against a scripted provider).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ssokit/client.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/profile.hpp"

namespace ssokit {
namespace {

// JSON the test wrote or received; aborts on malformed input (as nlohmann's Json::parse did here).
Json must_parse(std::string_view text) { return parse_json(text, ErrorCode::invalid_argument).value(); }

constexpr std::int64_t kNow = 1700000000;

TEST(profile, EveryPresetBuildsAndHasFields) {
  const auto names = profile_preset_names();
  ASSERT_EQ(names.size(), 11u);
  EXPECT_EQ(names.front(), "oidc");
  EXPECT_EQ(names.back(), "wordpress");
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    auto spec = profile_preset_spec(name);
    ASSERT_TRUE(spec.ok()) << spec.error().to_string();
    EXPECT_TRUE(spec.value().contains("fields"));
    auto mapping = profile_preset(name);
    ASSERT_TRUE(mapping.ok()) << mapping.error().to_string();
    // Every preset finds the OIDC subject when it has nothing better.
    auto p = map_profile(Json{{"sub", "s-1"}}, Json::object(), mapping.value(), kNow);
    ASSERT_TRUE(p.ok()) << p.error().to_string();
    EXPECT_EQ(p.value().userId, "s-1");
  }
}

TEST(profile, UnknownPresetListsTheNames) {
  auto m = profile_preset("keycloak");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::invalid_argument);
  for (const auto& name : profile_preset_names()) {
    EXPECT_NE(m.error().message.find(name), std::string::npos) << m.error().message;
  }
}

TEST(profile, MessagesNameTheOffendingMember) {
  auto m = parse_profile_mapping(must_parse(R"({"fields": {"groups": [{"from": "/g"}, {"from": "/h", "split": 3}]}})"));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("fields.groups[1].split"), std::string::npos) << m.error().message;
  m = parse_profile_mapping(must_parse(R"({"fields": {"email": "email"}})"));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("must start with \"/\""), std::string::npos) << m.error().message;
}

TEST(profile, MissingUserIdNeverEchoesClaimValues) {
  auto m = profile_preset("oidc");
  ASSERT_TRUE(m.ok());
  auto p = map_profile(Json{{"email", "secret-looking-value@example.com"}}, Json::object(), m.value(), kNow);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::invalid_response);
  EXPECT_EQ(p.error().message.find("secret-looking-value"), std::string::npos);
}

TEST(profile, NonObjectInputsAreEmptyAndAnEmptyMappingIsRefused) {
  auto m = profile_preset("oidc");
  ASSERT_TRUE(m.ok());
  auto p = map_profile(Json::array({1, 2}), Json("text"), m.value(), kNow);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::invalid_response);
  p = map_profile(Json::array(), Json{{"sub", "ui"}}, m.value(), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().userId, "ui");

  auto empty = map_profile(Json{{"sub", "x"}}, Json::object(), ProfileMapping{}, kNow);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::invalid_argument);
}

// Beyond what JavaScript numbers hold, so not in the shared cases.
TEST(profile, LargeUnsignedNumbersDoNotWrap) {
  auto m = parse_profile_mapping(must_parse(
      R"({"fields": {"membershipType": "/n", "membershipStatus": {"from": "/e", "expiry": true, "default": "bad"}}})"));
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  auto p = map_profile(must_parse(R"({"sub": "u", "n": 18446744073709551615, "e": 18446744073709551615})"),
                       Json::object(), m.value(), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().membershipType, "18446744073709551615");
  EXPECT_EQ(p.value().membershipStatus, "bad");
  auto bad_index = parse_profile_mapping(
      must_parse(R"({"fields": {"firstName": {"from": "/n", "split": " ", "index": 18446744073709551615}}})"));
  EXPECT_FALSE(bad_index.ok());
}

TEST(profile, ToJsonAlwaysHasEveryMemberAbsentOnesNull) {
  Profile p;
  p.userId = "u";
  p.email = "ada@example.com";
  Json j = p.to_json();
  EXPECT_EQ(j["userId"], "u");
  EXPECT_EQ(j["email"], "ada@example.com");
  for (const char* key : {"firstName", "lastName", "membershipStatus", "membershipType"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_TRUE(j[key].is_null()) << key << " was not sent: null, not \"\"";
  }
  EXPECT_EQ(j["groups"], Json::array());
}

TEST(profile, HugeDelimitedGroupsAreCappedQuickly) {
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "group-" + std::to_string(i % 5000) + ",";
  auto m = parse_profile_mapping(Json{{"fields", {{"groups", {{"from", "/groups"}, {"split", ","}}}}}});
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  auto p = map_profile(Json{{"sub", "u"}, {"groups", many}}, Json::object(), m.value(), kNow);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p.value().groups.size(), kProfileMaxGroups);
  EXPECT_EQ(p.value().groups.front(), "group-0");
  EXPECT_EQ(p.value().groups.back(), "group-255");
}

TEST(profile, ManyDuplicateOrDroppedGroupsCostBoundedWork) {
  // All map to "" (dropped): the sink stops looking after a bounded number of items.
  Json groups = Json::array();
  for (int i = 0; i < 50000; ++i) groups.push_back("x" + std::to_string(i));
  auto m = parse_profile_mapping(Json{{"fields", {{"groups", {{"from", "/groups"}, {"map", {{"*", ""}}}}}}}});
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  auto p = map_profile(Json{{"sub", "u"}, {"groups", groups}}, Json::object(), m.value(), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.value().groups.empty());
}

// Deterministic pseudo-random JSON, claims-shaped, and specs assembled from valid and invalid
// pieces: whatever happens, no crash, and a returned profile respects the bounds.
struct Lcg {
  std::uint64_t s;
  std::uint32_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(s >> 33);
  }
  std::uint32_t below(std::uint32_t n) { return next() % n; }
};

const char* const kKeys[] = {"sub", "email", "name", "given_name", "groups", "roles", "a/b", "m~n", "",
                             "MemberId", "Groups", "AccountInformation", "MembershipExpiresDate", "0", "1",
                             "member_status", "MembershipExpires", "Membership", "nameData", "contact_tags"};
const char* const kTexts[] = {"", " ", "Ada Lovelace", "a,b;c", "2024-02-29", "2023-11-14T22:13:21+01:00", "true",
                              "1700000001", "~/", "x@EXAMPLE.com", "\xc3\xa9\xff", ";;;", "  , ,", "current",
                              "/Date(1700000001000)/", "/Date(-9999999999999999)/", "/Date(", "0001-01-01T00:00:00"};

Json random_value(Lcg& r, int depth) {
  switch (r.below(depth > 3 ? 5 : 7)) {
    case 0: return nullptr;
    case 1: return r.below(2) == 1;
    case 2: return static_cast<std::int64_t>(r.next()) - (1 << 30);
    case 3: return static_cast<double>(r.next()) / 7.0;
    case 4: return kTexts[r.below(sizeof kTexts / sizeof kTexts[0])];
    case 5: {
      Json a = Json::array();
      for (std::uint32_t i = r.below(6); i > 0; --i) a.push_back(random_value(r, depth + 1));
      return a;
    }
    default: {
      Json o = Json::object();
      for (std::uint32_t i = r.below(6); i > 0; --i) o[kKeys[r.below(sizeof kKeys / sizeof kKeys[0])]] = random_value(r, depth + 1);
      return o;
    }
  }
}

std::string random_pointer(Lcg& r) {
  static const char* const kParts[] = {"/", "~0", "~1", "~", "sub", "groups", "0", "01", "-", "claims:", "userinfo:",
                                       "profile:", "AccountInformation", "MembershipExpiresDate", "a~1b"};
  std::string p = r.below(8) == 0 ? "" : "/";
  for (std::uint32_t i = r.below(5); i > 0; --i) p += kParts[r.below(sizeof kParts / sizeof kParts[0])];
  return p;
}

Json random_rule(Lcg& r) {
  if (r.below(3) == 0) return random_pointer(r);
  Json rule = Json::object();
  if (r.below(5) != 0) rule["from"] = r.below(2) ? Json(random_pointer(r)) : Json::array({random_pointer(r), random_pointer(r)});
  static const char* const kDelims[] = {",", ";", " ", "::", ""};
  if (r.below(3) == 0) rule["split"] = kDelims[r.below(5)];
  if (r.below(4) == 0) rule["index"] = static_cast<int>(r.below(9)) - 4;
  if (r.below(6) == 0) rule["rest"] = static_cast<int>(r.below(3));
  if (r.below(5) == 0) rule["join"] = ", ";
  if (r.below(4) == 0) rule["expiry"] = true;
  if (r.below(4) == 0) rule["merge"] = true;
  if (r.below(4) == 0) rule["case"] = r.below(2) ? "lower" : "upper";
  if (r.below(4) == 0) rule["map"] = {{"true", "active"}, {"*", ""}};
  if (r.below(4) == 0) rule["default"] = "d";
  if (r.below(5) == 0) rule["item"] = random_pointer(r);
  if (r.below(6) == 0) rule["when"] = random_pointer(r);
  if (r.below(6) == 0) {
    rule["when"] = {{"path", random_pointer(r)}, {r.below(2) ? "in" : "not_in", {"true", "current", "1"}}};
  }
  if (r.below(5) == 0) rule["in"] = r.below(8) == 0 ? Json::array() : Json::array({"current", "Ada Lovelace", "true"});
  return rule;
}

TEST(profile, FuzzNeverCrashesAndKeepsBounds) {
  Lcg r{20240229};
  static const char* const kFields[] = {"userId", "firstName", "lastName", "email", "membershipStatus", "membershipType", "groups"};
  int mapped = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    Json claims = random_value(r, 0);
    Json userinfo = random_value(r, 0);
    Json extra = random_value(r, 0);
    if (claims.is_object() && r.below(2) == 0) claims["sub"] = "s";
    const auto names = profile_preset_names();
    const auto pick = [&] { return names[r.below(static_cast<std::uint32_t>(names.size()))]; };
    Result<ProfileMapping> mapping = profile_preset(pick());
    if (r.below(2) == 0) {
      Json spec = Json::object();
      if (r.below(3) == 0) spec["extends"] = pick();
      Json fields = Json::object();
      for (std::uint32_t i = r.below(4); i > 0; --i) {
        fields[kFields[r.below(7)]] = r.below(3) == 0 ? Json::array({random_rule(r), random_rule(r)}) : random_rule(r);
      }
      spec["fields"] = fields;
      mapping = parse_profile_mapping(spec);
      if (!mapping.ok()) {
        EXPECT_EQ(mapping.error().code, ErrorCode::invalid_argument);
        continue;
      }
    }
    ASSERT_TRUE(mapping.ok());
    auto p = map_profile(claims, userinfo, extra, mapping.value(), kNow);
    if (!p.ok()) {
      EXPECT_EQ(p.error().code, ErrorCode::invalid_response);
      continue;
    }
    ++mapped;
    const Profile& v = p.value();
    EXPECT_FALSE(v.userId.empty());
    for (const std::string* s : {&v.userId, &v.firstName, &v.lastName, &v.email, &v.membershipStatus, &v.membershipType}) {
      EXPECT_LE(s->size(), kProfileMaxValueLength);
    }
    EXPECT_LE(v.groups.size(), kProfileMaxGroups);
    for (const auto& g : v.groups) {
      EXPECT_FALSE(g.empty());
      EXPECT_LE(g.size(), kProfileMaxGroupLength);
    }
    (void)dump_json(v.to_json());  // invalid UTF-8 from claims must still serialize
  }
  EXPECT_GT(mapped, 100);
}

// ---------------------------------------------------------------------------------------------
// Membership rules beyond what a case file holds comfortably.

TEST(profile, OverLongValuesAreAbsentForInRules) {
  auto m = parse_profile_mapping(must_parse(
      R"({"fields": {"membershipStatus": {"from": "/s", "in": ["current"], "default": "unknown"}}})"));
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  auto p = map_profile(Json{{"sub", "u"}, {"s", std::string(kProfileMaxValueLength + 1, 'c')}}, Json::object(), m.value(), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().membershipStatus, "unknown");
}

TEST(profile, InListsAreBoundedAndMessagesNameTheMember) {
  Json values = Json::array();
  for (int i = 0; i < 64; ++i) values.push_back("v" + std::to_string(i));
  Json spec = {{"fields", {{"membershipStatus", {{"from", "/s"}, {"in", values}}}}}};
  ASSERT_TRUE(parse_profile_mapping(spec).ok());
  spec["fields"]["membershipStatus"]["in"].push_back("v64");
  auto m = parse_profile_mapping(spec);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("fields.membershipStatus.in"), std::string::npos) << m.error().message;
  auto w = parse_profile_mapping(must_parse(R"({"fields": {"email": {"from": "/e", "when": {"path": "/k", "in": [3]}}}})"));
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("fields.email.when.in[0]"), std::string::npos) << w.error().message;
}

// A deeply nested member profile: paths reach 32 segments, deeper documents never crash.
TEST(profile, DeepProfileDocumentsAreSafe) {
  Json deep = "Gold";
  std::string path;
  for (int i = 0; i < 31; ++i) {
    deep = Json{{"n", deep}};
    path += "/n";
  }
  auto m = parse_profile_mapping(Json{{"fields", {{"membershipType", "profile:" + path}}}});
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  auto p = map_profile(Json{{"sub", "u"}}, Json::object(), deep, m.value(), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().membershipType, "Gold");
  for (int i = 0; i < 2000; ++i) deep = Json::array({deep});
  p = map_profile(Json{{"sub", "u"}}, deep, deep, m.value(), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().membershipType, "");
}

TEST(profile, HugeProfileListsAreCapped) {
  Json groups = Json::array();
  for (int i = 0; i < 20000; ++i) groups.push_back("g" + std::to_string(i));
  auto m = profile_preset("webcastcloud");
  ASSERT_TRUE(m.ok());
  auto p = map_profile(Json{{"sub", "u"}}, Json::object(), Json{{"memberGroups", groups}}, m.value(), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().groups.size(), kProfileMaxGroups);
  EXPECT_EQ(p.value().groups.back(), "g255");
}

// ---------------------------------------------------------------------------------------------
// The extra profile request.

TEST(profile, EndpointMustBeHttpsOrLoopback) {
  for (const char* good : {"https://members.example.org/api/me", "https://members.example.org:8443/me?x=1",
                           "http://127.0.0.1:9000/p", "http://127.8.9.10/p", "http://localhost/p", "http://[::1]:80/p"}) {
    EXPECT_TRUE(check_profile_endpoint(good).ok()) << good;
  }
  for (const char* bad : {"http://members.example.org/me", "http://127.0.0.1.nip.io/me", "http://127.1/me",
                          "https://u:p@members.example.org/me", "https://members.example.org/me#f", "", "/relative",
                          "javascript:alert(1)", "ftp://members.example.org/"}) {
    auto s = check_profile_endpoint(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::invalid_url) << bad;
  }
  auto token = profile_request("https://members.example.org/me", "");
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code, ErrorCode::login_required);
}

TEST(profile, ProfileErrorsNameTheEndpointButNotItsQueryOrTheBody) {
  const std::string url = "https://members.example.org/api/me?api_key=query-secret";
  HttpResponse r;
  r.status = 403;
  r.body = R"({"error": "body-secret"})";
  auto e = process_profile_response(r, url);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::http_error);
  EXPECT_NE(e.error().message.find("https://members.example.org/api/me"), std::string::npos) << e.error().message;
  EXPECT_NE(e.error().message.find("403"), std::string::npos);
  EXPECT_EQ(e.error().details["status"], 403);
  EXPECT_EQ(e.error().details["endpoint"], "https://members.example.org/api/me");
  for (const std::string& text : {e.error().message, dump_json(e.error().details)}) {
    EXPECT_EQ(text.find("query-secret"), std::string::npos) << text;
    EXPECT_EQ(text.find("body-secret"), std::string::npos) << text;
  }
  r.status = 200;
  r.body = "<html>body-secret</html>";
  e = process_profile_response(r, url);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::invalid_response);
  EXPECT_NE(e.error().message.find("profile endpoint https://members.example.org/api/me"), std::string::npos);
  EXPECT_EQ(e.error().message.find("body-secret"), std::string::npos);
}

TEST(profile, OversizedProfileAnswersAreRefused) {
  HttpResponse r;
  r.status = 200;
  r.body = R"({"pad": ")" + std::string(1 << 20, 'x') + R"("})";
  auto e = process_profile_response(r, "https://members.example.org/me");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::invalid_response);
}

// A provider (discovery, token, user-info; HS256 ID tokens with the client secret) and a
// membership API behind one fake transport, recording what was sent.
constexpr const char* kIssuer = "https://id.example.com";
constexpr const char* kSecret = "a-confidential-client-secret-of-32-bytes";
constexpr const char* kMembers = "https://members.example.org/api/v1/me?fields=all";

std::string b64(const std::string& s) { return base64url_encode(Bytes(s.begin(), s.end())); }

class MembershipSite final : public HttpTransport {
 public:
  std::int64_t now = 1'800'000'000;
  std::string nonce;
  int profile_status = 200;
  std::string profile_body = R"({"AccountInformation": {"MembershipExpires": true,
      "MembershipExpiresDate": "2030-06-30T00:00:00", "MemberTypeCode": "PRO", "PrimaryGroupName": "Speakers"},
      "PersonalInformation": {"FirstName": "Mae", "LastName": "Jemison", "Email": "mae@example.org"}})";
  std::vector<HttpRequest> sent;

  Result<HttpResponse> send(const HttpRequest& request) override {
    sent.push_back(request);
    HttpResponse r;
    r.status = 200;
    const std::string base = kIssuer;
    if (request.url == base + "/.well-known/openid-configuration") {
      r.body = Json{{"issuer", kIssuer},
                    {"authorization_endpoint", base + "/authorize"},
                    {"token_endpoint", base + "/token"},
                    {"userinfo_endpoint", base + "/userinfo"},
                    {"jwks_uri", base + "/jwks"}}
                   .dump();
    } else if (request.url == base + "/token") {
      Json claims{{"iss", kIssuer}, {"sub", "ym-1001"}, {"aud", "portal"}, {"iat", now}, {"exp", now + 300}, {"nonce", nonce}};
      const std::string input = b64(R"({"alg":"HS256","typ":"JWT"})") + "." + b64(claims.dump());
      r.body = Json{{"access_token", "member-access-token"},
                    {"token_type", "Bearer"},
                    {"expires_in", 300},
                    {"id_token", input + "." + base64url_encode(hmac_sha256(kSecret, input))}}
                   .dump();
    } else if (request.url == base + "/userinfo") {
      r.body = R"({"sub": "ym-1001", "MemberId": 1001})";
    } else if (request.url == kMembers) {
      r.status = profile_status;
      r.body = profile_body;
    } else {
      r.status = 404;
    }
    return r;
  }
};

class ProfileRequestFlow : public ::testing::Test {
 protected:
  Result<Session> sign_in(const std::string& endpoint, bool fetch_userinfo = true) {
    SsoClientOptions o;
    o.config.issuer = kIssuer;
    o.config.client_id = "portal";
    o.config.client_secret = kSecret;
    o.config.auth = ClientAuth::client_secret_basic;
    o.config.redirect_uri = "http://127.0.0.1:8765/callback";
    o.signin.profile_mapping = "yourmembership";
    o.signin.profile_endpoint = endpoint;
    o.signin.fetch_userinfo = fetch_userinfo;
    static auto random = CtrDrbgRandom::from_seed(Bytes(32, 9));
    SsoClient client(o, site_, store_, *random.value(), [this] { return site_.now; });
    auto url = client.login_url();
    if (!url.ok()) return url.take_error();
    auto params = query_params(parse_url(url.value()).value()).value();
    site_.nonce = *find_param(params, "nonce");
    return client.handle_callback("http://127.0.0.1:8765/callback?code=c1&state=" + *find_param(params, "state"));
  }
  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (const auto& r : site_.sent) out.push_back(r.url);
    return out;
  }

  MembershipSite site_;
  MemoryTokenStore store_;
};

TEST_F(ProfileRequestFlow, TheAnswerIsMappedAfterUserInfoWithTheAccessTokenAsBearer) {
  auto session = sign_in(kMembers);
  ASSERT_TRUE(session.ok()) << session.error().to_string();
  const std::string base = kIssuer;
  EXPECT_EQ(urls(), (std::vector<std::string>{base + "/.well-known/openid-configuration", base + "/token",
                                              base + "/userinfo", kMembers}));
  const HttpRequest& extra = site_.sent.back();
  EXPECT_EQ(extra.method, "GET");
  EXPECT_EQ(find_param(extra.headers, "Authorization"), std::optional<std::string>("Bearer member-access-token"));
  EXPECT_EQ(session->profile, (Json{{"userId", "1001"}, {"firstName", "Mae"}, {"lastName", "Jemison"},
                                    {"email", "mae@example.org"}, {"membershipStatus", "active"},
                                    {"membershipType", "PRO"}, {"groups", {"Speakers"}}}));
}

TEST_F(ProfileRequestFlow, WithoutUserInfoTheProfileRequestStillRuns) {
  auto session = sign_in(kMembers, false);
  ASSERT_TRUE(session.ok()) << session.error().to_string();
  EXPECT_EQ(urls().back(), kMembers);
  EXPECT_EQ(session->profile["userId"], "ym-1001");  // no MemberId without user-info: sub
  EXPECT_EQ(session->profile["membershipStatus"], "active");
}

TEST_F(ProfileRequestFlow, NoEndpointNoExtraRequest) {
  auto session = sign_in("");
  ASSERT_TRUE(session.ok()) << session.error().to_string();
  EXPECT_EQ(urls().back(), std::string(kIssuer) + "/userinfo");
  EXPECT_TRUE(session->profile["membershipStatus"].is_null());
}

TEST_F(ProfileRequestFlow, AFailingEndpointFailsTheSignInNamingItNeverTheToken) {
  site_.profile_status = 502;
  auto session = sign_in(kMembers);
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::http_error);
  EXPECT_NE(session.error().message.find("profile endpoint https://members.example.org/api/v1/me"), std::string::npos)
      << session.error().message;
  EXPECT_EQ(session.error().message.find("member-access-token"), std::string::npos);
  site_.profile_status = 200;
  site_.profile_body = "member-access-token is not JSON";
  session = sign_in(kMembers);
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::invalid_response);
  EXPECT_EQ(session.error().message.find("member-access-token"), std::string::npos) << session.error().message;
}

TEST_F(ProfileRequestFlow, AnInsecureEndpointFailsBeforeTheCodeIsSpent) {
  auto session = sign_in("http://members.example.org/me");
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::invalid_url);
  for (const auto& url : urls()) EXPECT_EQ(url.find("/token"), std::string::npos) << "no code exchange";
}

}  // namespace
}  // namespace ssokit
