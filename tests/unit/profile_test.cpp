// Profile mapping checks that the shared JSON cases (tests/cases/profile.json) cannot express:
// the C++ entry points' edge cases, message wording, inputs too big for a case file, and a
// deterministic fuzz loop (no crash, bounds always hold).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "ssokit/profile.hpp"

namespace ssokit {
namespace {

constexpr std::int64_t kNow = 1700000000;

TEST(profile, EveryPresetBuildsAndHasFields) {
  const auto names = profile_preset_names();
  ASSERT_EQ(names.size(), 7u);
  EXPECT_EQ(names.front(), "oidc");
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
  auto m = parse_profile_mapping(Json::parse(R"({"fields": {"groups": [{"from": "/g"}, {"from": "/h", "split": 3}]}})"));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("fields.groups[1].split"), std::string::npos) << m.error().message;
  m = parse_profile_mapping(Json::parse(R"({"fields": {"email": "email"}})"));
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
  auto m = parse_profile_mapping(Json::parse(
      R"({"fields": {"membershipType": "/n", "membershipStatus": {"from": "/e", "expiry": true, "default": "bad"}}})"));
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  auto p = map_profile(Json::parse(R"({"sub": "u", "n": 18446744073709551615, "e": 18446744073709551615})"),
                       Json::object(), m.value(), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().membershipType, "18446744073709551615");
  EXPECT_EQ(p.value().membershipStatus, "bad");
  auto bad_index = parse_profile_mapping(
      Json::parse(R"({"fields": {"firstName": {"from": "/n", "split": " ", "index": 18446744073709551615}}})"));
  EXPECT_FALSE(bad_index.ok());
}

TEST(profile, ToJsonAlwaysHasEveryMember) {
  Profile p;
  p.userId = "u";
  Json j = p.to_json();
  for (const char* key : {"userId", "firstName", "lastName", "email", "membershipStatus", "membershipType"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_TRUE(j[key].is_string());
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
                             "MemberId", "Groups", "AccountInformation", "MembershipExpiresDate", "0", "1"};
const char* const kTexts[] = {"", " ", "Ada Lovelace", "a,b;c", "2024-02-29", "2023-11-14T22:13:21+01:00", "true",
                              "1700000001", "~/", "x@EXAMPLE.com", "\xc3\xa9\xff", ";;;", "  , ,"};

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
                                       "AccountInformation", "MembershipExpiresDate", "a~1b"};
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
  return rule;
}

TEST(profile, FuzzNeverCrashesAndKeepsBounds) {
  Lcg r{20240229};
  static const char* const kFields[] = {"userId", "firstName", "lastName", "email", "membershipStatus", "membershipType", "groups"};
  int mapped = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    Json claims = random_value(r, 0);
    Json userinfo = random_value(r, 0);
    if (claims.is_object() && r.below(2) == 0) claims["sub"] = "s";
    Result<ProfileMapping> mapping = profile_preset(profile_preset_names()[r.below(7)]);
    if (r.below(2) == 0) {
      Json spec = Json::object();
      if (r.below(3) == 0) spec["extends"] = profile_preset_names()[r.below(7)];
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
    auto p = map_profile(claims, userinfo, mapping.value(), kNow);
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

}  // namespace
}  // namespace ssokit
