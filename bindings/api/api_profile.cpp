// JSON methods for profile mapping (docs/profile-mapping.md).
#include "api_internal.hpp"
#include "ssokit/profile.hpp"

namespace ssokit::api {
namespace {

// {"claims": {...}, "userinfo"?: {...}, "profile"?: {...} | [...] (the extra profile request's
//  answer), "mapping"?: "preset" | {spec} (default "oidc"), "now"}
Result<Json> m_profile_map(const Json& p) {
  const Json* claims = json_member(p, "claims");
  if (claims == nullptr || !claims->is_object()) return bad_param("claims", "is required and must be an object");
  static const Json kEmpty = Json::object();
  const Json* userinfo = json_member(p, "userinfo");
  if (userinfo != nullptr && !userinfo->is_null() && !userinfo->is_object()) {
    return bad_param("userinfo", "must be an object when given");
  }
  const Json* extra = json_member(p, "profile");
  if (extra != nullptr && !extra->is_null() && !extra->is_object() && !extra->is_array()) {
    return bad_param("profile", "must be an object or an array when given");
  }
  SSOKIT_TRY(std::int64_t now, need_now(p));
  const Json* spec = json_member(p, "mapping");
  Result<ProfileMapping> mapping = spec == nullptr || spec->is_null() ? profile_preset("oidc")
                                   : spec->is_string()                ? profile_preset(spec->get<std::string>())
                                                                      : parse_profile_mapping(*spec);
  if (!mapping.ok()) return mapping.take_error();
  SSOKIT_TRY(Profile profile, map_profile(*claims, userinfo != nullptr && userinfo->is_object() ? *userinfo : kEmpty,
                                          extra != nullptr ? *extra : kEmpty, mapping.value(), now));
  return profile.to_json();
}

// {"url", "access_token"} -> the extra profile request (GET, Bearer).
Result<Json> m_profile_request(const Json& p) {
  SSOKIT_TRY(std::string url, need_string(p, "url"));
  SSOKIT_TRY(std::string token, need_string(p, "access_token"));
  SSOKIT_TRY(HttpRequest request, profile_request(url, token));
  return request_to_json(request);
}

// {"url", "response"} -> the profile document (an object or an array).
Result<Json> m_profile_process(const Json& p) {
  SSOKIT_TRY(std::string url, need_string(p, "url"));
  SSOKIT_TRY(HttpResponse response, response_from_json(p));
  return process_profile_response(response, url);
}

Result<Json> m_profile_presets(const Json&) { return Json(profile_preset_names()); }

// {"name"} -> the preset's spec, a starting point for a custom mapping.
Result<Json> m_profile_preset(const Json& p) {
  SSOKIT_TRY(std::string name, need_string(p, "name"));
  return profile_preset_spec(name);
}

// {"mapping": {spec}} -> true when valid (the error otherwise): for configuration screens.
Result<Json> m_profile_validate(const Json& p) {
  const Json* spec = json_member(p, "mapping");
  if (spec == nullptr) return bad_param("mapping", "is required (a preset name or a mapping object)");
  Result<ProfileMapping> mapping = spec->is_string() ? profile_preset(spec->get<std::string>())
                                                     : parse_profile_mapping(*spec);
  if (!mapping.ok()) return mapping.take_error();
  return Json(true);
}

constexpr Method kProfileMethods[] = {
    {"profile.map", m_profile_map},
    {"profile.request", m_profile_request},
    {"profile.process", m_profile_process},
};

constexpr Method kProfileToolMethods[] = {
    {"profile.presets", m_profile_presets},
    {"profile.preset", m_profile_preset},
    {"profile.validate", m_profile_validate},
};

}  // namespace

MethodTable profile_methods() { return {kProfileMethods, sizeof kProfileMethods / sizeof kProfileMethods[0]}; }
MethodTable profile_tool_methods() {
  return {kProfileToolMethods, sizeof kProfileToolMethods / sizeof kProfileToolMethods[0]};
}

}  // namespace ssokit::api
