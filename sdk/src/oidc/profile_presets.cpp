// Profile mapping presets: the built-in specs (docs/profile-mapping.md) and the lookups by name.
#include "ssokit/profile.hpp"
#include "profile_internal.hpp"

namespace ssokit {

using namespace detail;

namespace {

// Name fallbacks shared by the OIDC-style presets: "Ada King Lovelace" -> "Ada" / "King Lovelace".
#define SSOKIT_NAME_FROM(first, last)                                                    \
  "\"firstName\": [" first ", {\"from\": \"/name\", \"split\": \" \", \"index\": 0}],"  \
  "\"lastName\": [" last ", {\"from\": \"/name\", \"split\": \" \", \"rest\": 1}],"

const Preset kPresets[] = {
    {"oidc", R"({"fields": {"userId": "/sub",)" SSOKIT_NAME_FROM(R"("/given_name")", R"("/family_name")") R"(
      "email": "/email",
      "membershipStatus": "/membership_status",
      "membershipType": "/membership_type",
      "groups": "/groups"}})"},
    // Okta: "groups" is the usual name of the groups claim an authorization server adds;
    // preferred_username is the Okta login, an e-mail address by default.
    {"okta", R"({"fields": {"userId": "/sub",)" SSOKIT_NAME_FROM(R"("/given_name")", R"("/family_name")") R"(
      "email": ["/email", "/preferred_username"],
      "groups": "/groups"}})"},
    // Entra ID: e-mail is optional there; preferred_username / upn usually hold the address.
    // Security groups ("groups", object ids) and app roles ("roles") both grant access.
    {"entra", R"({"fields": {"userId": "/sub",)" SSOKIT_NAME_FROM(R"("/given_name")", R"("/family_name")") R"(
      "email": ["/email", "/preferred_username", "/upn"],
      "groups": {"from": ["/groups", "/roles"], "merge": true}}})"},
    // Google: only verified addresses; the Workspace domain (hd) as the membership type,
    // empty for consumer accounts. Google issues no groups claim.
    {"google", R"({"fields": {"userId": "/sub",)" SSOKIT_NAME_FROM(R"("/given_name")", R"("/family_name")") R"(
      "email": {"from": "/email", "when": "/email_verified"},
      "membershipType": "/hd"}})"},
    // Auth0: custom claims must be namespaced (an Action adds them); the plain names are what
    // Webcastcloud's Auth0 guide lists.
    {"auth0", R"({"fields": {"userId": "/sub",)" SSOKIT_NAME_FROM(R"("/given_name", "/first_name")",
                                                                    R"("/family_name", "/last_name")") R"(
      "email": "/email",
      "membershipStatus": ["/https:~1~1ssokit.dev~1membership_status", "/membershipStatus"],
      "membershipType": ["/https:~1~1ssokit.dev~1membership_type", "/memberType"],
      "groups": ["/https:~1~1ssokit.dev~1groups", "/memberGroups", "/groups"]}})"},
    // Salesforce: user-info carries user_id (sub is an identity URL); membership data come
    // from a connected app's custom attributes (strings, so groups are comma-joined).
    {"salesforce", R"({"fields": {"userId": ["/user_id", "/sub"],)" SSOKIT_NAME_FROM(R"("/given_name")",
                                                                                     R"("/family_name")") R"(
      "email": "/email",
      "membershipStatus": {"from": "/custom_attributes/membership_status", "case": "lower"},
      "membershipType": "/custom_attributes/membership_type",
      "groups": {"from": "/custom_attributes/groups", "split": ","}}})"},
    // YourMembership: flat names from its OAuth profile, or the nested member profile
    // (PersonalInformation / AccountInformation, often the answer of the extra profile request).
    // AccountInformation.Membership is the membership's name: with MembershipExpires false it is
    // a membership that never expires; otherwise MembershipExpiresDate decides.
    {"yourmembership", R"({"fields": {
      "userId": ["/MemberId", "/MemberID", "/sub"],
      "firstName": ["/FirstName", "/PersonalInformation/FirstName"],
      "lastName": ["/LastName", "/PersonalInformation/LastName"],
      "email": ["/EmailAddr", "/Email", "/PersonalInformation/Email"],
      "membershipStatus": [{"from": "/MembershipStatus", "case": "lower"},
                           {"from": "/AccountInformation/Membership", "map": {"*": "active"},
                            "when": {"path": "/AccountInformation/MembershipExpires", "in": ["false"]}},
                           {"from": "/AccountInformation/MembershipExpiresDate", "expiry": true,
                            "when": {"path": "/AccountInformation/MembershipExpires", "not_in": ["false"]}}],
      "membershipType": ["/MemberTypeCode", "/AccountInformation/MemberTypeCode"],
      "groups": {"from": ["/Groups", "/AccountInformation/Groups", "/AccountInformation/PrimaryGroupName"], "split": ";"}}})"},
    // Webcastcloud: the attribute names its own Auth0 guide expects from an identity provider
    // (its user_id -> IntegrationUid mapping: sub, else user_id, else the membership system's
    // contact_id). memberGroups may be an array or a comma-joined string.
    {"webcastcloud", R"({"fields": {"userId": ["/sub", "/user_id", "/contact_id"],)" SSOKIT_NAME_FROM(
                         R"("/given_name", "/first_name")", R"("/family_name", "/last_name")") R"(
      "email": "/email",
      "membershipStatus": ["/membershipStatus", "/membership_status"],
      "membershipType": ["/memberType", "/membershipType", "/membership_type"],
      "groups": {"from": ["/memberGroups", "/groups"], "split": ","}}})"},
    // Novi AMS: sub is the customer record's unique id; member_status "current" or
    // "inheriting" (membership through a company) means a member.
    {"novi", R"({"fields": {"userId": "/sub",)" SSOKIT_NAME_FROM(R"("/given_name")", R"("/family_name")") R"(
      "email": "/email",
      "membershipStatus": {"from": "/member_status", "in": ["current", "inheriting"]},
      "membershipType": ["/member_type", "/membership_type"],
      "groups": "/groups"}})"},
    // iMIS (SSO Premium): claims are the column aliases of a site-defined query; an alias with a
    // dot becomes a sub-object (nameData.firstName -> {"nameData": {"firstName"}}), so both
    // shapes are read. The membershipData names are this preset's convention.
    {"imis", R"({"fields": {"userId": ["/sub", "/imisId", "/id"],
      "firstName": ["/given_name", "/nameData/firstName", "/nameData.firstName", {"from": "/name", "split": " ", "index": 0}],
      "lastName": ["/family_name", "/nameData/lastName", "/nameData.lastName", {"from": "/name", "split": " ", "rest": 1}],
      "email": ["/email", "/emailData/email", "/emailData.email"],
      "membershipStatus": [{"from": ["/membershipData/status", "/membershipData.status"], "case": "lower",
                            "map": {"a": "active", "i": "inactive", "s": "suspended"}},
                           {"from": ["/membershipData/paidThrough", "/membershipData.paidThrough"], "expiry": true}],
      "membershipType": ["/membershipData/memberType", "/membershipData.memberType"],
      "groups": {"from": ["/groups", "/membershipData/groups", "/membershipData.groups"], "split": ","}}})"},
    // WordPress OAuth servers (WP OAuth Server, miniOrange): user-table names beside the OIDC
    // ones; contact_tags (a CRM plugin's tags) comes as one comma-joined string.
    {"wordpress", R"({"fields": {"userId": ["/sub", "/ID", "/id"],
      "firstName": ["/given_name", "/first_name", {"from": ["/name", "/display_name"], "split": " ", "index": 0}],
      "lastName": ["/family_name", "/last_name", {"from": ["/name", "/display_name"], "split": " ", "rest": 1}],
      "email": ["/email", "/user_email"],
      "membershipStatus": "/membership_status",
      "membershipType": ["/membership_level", "/membership_type"],
      "groups": {"from": ["/contact_tags", "/groups"], "split": ","}}})"},
};

#undef SSOKIT_NAME_FROM

}  // namespace

namespace detail {

std::string preset_list() {
  std::string out;
  for (const auto& p : kPresets) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

const Preset* find_preset(std::string_view name) {
  for (const auto& p : kPresets) {
    if (name == p.name) return &p;
  }
  return nullptr;
}

Error unknown_preset(std::string_view name) {
  return make_error(ErrorCode::invalid_argument,
                    "unknown profile mapping preset \"" + clip(name) + "\"; use one of: " + preset_list());
}

}  // namespace detail

std::vector<std::string> profile_preset_names() {
  std::vector<std::string> names;
  for (const auto& p : kPresets) names.emplace_back(p.name);
  return names;
}

Result<Json> profile_preset_spec(std::string_view name) {
  const Preset* preset = find_preset(name);
  if (preset == nullptr) return unknown_preset(name);
  return parse_json_object(preset->spec, ErrorCode::internal_error);
}

Result<ProfileMapping> profile_preset(std::string_view name) {
  SSOKIT_TRY(Json spec, profile_preset_spec(name));
  return parse_profile_mapping(spec);
}

}  // namespace ssokit
