// Profile mapping: turns ID-token claims and user-info into the portal's canonical profile
// (userId, firstName, lastName, email, membershipStatus, membershipType, groups), the attribute
// set video platforms such as Webcastcloud ask for. Identity providers and membership platforms
// name and shape these attributes differently, so a mapping (a preset or a JSON spec,
// docs/profile-mapping.md) says where each field comes from and how it is normalized.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ssokit/http.hpp"
#include "ssokit/json.hpp"
#include "ssokit/result.hpp"

namespace ssokit {

struct Profile {
  std::string userId, firstName, lastName, email, membershipStatus, membershipType;
  std::vector<std::string> groups;
  // Every member is always present. Here a field with no value is ""; in to_json() it is null
  // (groups: []), so consumers of the JSON (JavaScript, the CLI, the C API) can tell "not sent".
  Json to_json() const;
};

// Bounds on what a mapping produces (input beyond them never crashes).
inline constexpr std::size_t kProfileMaxGroups = 256;        // further groups are dropped
inline constexpr std::size_t kProfileMaxGroupLength = 256;   // longer group names are dropped
inline constexpr std::size_t kProfileMaxValueLength = 1024;  // longer values count as absent

namespace detail {
struct ProfileRules;
}

// A validated mapping. A copy copies the rules (a few per field). Not a shared_ptr: its control
// block's virtual functions carry the RTTI runtime into the page wasm (about 1 KB gzip).
struct ProfileMapping {
  ProfileMapping();
  ProfileMapping(const ProfileMapping& other);
  ProfileMapping(ProfileMapping&& other) noexcept;
  ProfileMapping& operator=(const ProfileMapping& other);
  ProfileMapping& operator=(ProfileMapping&& other) noexcept;
  ~ProfileMapping();
  std::unique_ptr<const detail::ProfileRules> rules;
};

// The built-in presets, in a stable order: "oidc" (the default), "okta", "entra", "google",
// "auth0", "salesforce", "yourmembership", "webcastcloud", "novi", "imis", "wordpress".
std::vector<std::string> profile_preset_names();
// The JSON spec of a preset (what "extends" starts from); invalid_argument for an unknown name.
Result<Json> profile_preset_spec(std::string_view name);
// A preset's mapping; invalid_argument listing the names for an unknown one.
Result<ProfileMapping> profile_preset(std::string_view name);
// Validates a JSON spec; invalid_argument naming the offending member for a bad one.
Result<ProfileMapping> parse_profile_mapping(const Json& spec);

// Maps claims and user-info (either may be {}; paths look in user-info first) to a profile.
// `now` (unix seconds) is compared with expiry dates. invalid_response when no userId results.
Result<Profile> map_profile(const Json& claims, const Json& userinfo, const ProfileMapping& mapping,
                            std::int64_t now);
// The same with the answer of the extra profile request as a third document (an object or an
// array; null or {} when there is none): looked at after user-info and the claims, or alone with
// the "profile:" path prefix.
Result<Profile> map_profile(const Json& claims, const Json& userinfo, const Json& profile,
                            const ProfileMapping& mapping, std::int64_t now);

// The extra profile request several membership platforms need after the token exchange: GET
// `url` with the access token as Bearer. The URL must be https (http only for a loopback host:
// 127.0.0.0/8, ::1, localhost) without user name or fragment: invalid_url otherwise.
Status check_profile_endpoint(std::string_view url);
Result<HttpRequest> profile_request(std::string_view url, std::string_view access_token);
// Its answer: HTTP 200 with a JSON object or array (the "profile" document of map_profile).
// Other statuses: http_error (details: status, endpoint); not JSON, or a JSON scalar:
// invalid_response. Messages name the endpoint (scheme, host, port, path; never the query).
Result<Json> process_profile_response(const HttpResponse& response, std::string_view url);

}  // namespace ssokit
