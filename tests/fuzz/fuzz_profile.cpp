// The profile mapper: a mapping (a JSON spec, or a preset name) and the documents it reads.
// Input: "<mapping>\0<claims JSON>\0<userinfo JSON>\0<profile JSON>" (missing parts are {}; a
// mapping that is not a JSON object is taken as a preset name). Invariants: a mapped profile has a
// userId and respects the documented bounds (kProfileMaxGroups, kProfileMaxGroupLength,
// kProfileMaxValueLength), and its JSON has every member.
#include "fuzz_common.hpp"
#include "ssokit/profile.hpp"

using namespace ssokit;

namespace {

std::string_view next_part(std::string_view& text) {
  const std::size_t zero = text.find('\0');
  const std::string_view part = text.substr(0, zero);
  text = zero == std::string_view::npos ? std::string_view() : text.substr(zero + 1);
  return part;
}

Json document(std::string_view text) {
  auto parsed = parse_json(text);
  return parsed.ok() ? std::move(parsed).value() : Json::object();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz_input(data, size);
  const std::string_view spec_text = next_part(text);
  const Json claims = document(next_part(text));
  const Json userinfo = document(next_part(text));
  const Json profile_doc = document(next_part(text));

  auto spec = parse_json_object(spec_text);
  Result<ProfileMapping> mapping = spec.ok() ? parse_profile_mapping(spec.value()) : profile_preset(spec_text.substr(0, 64));
  if (!mapping.ok()) {
    FUZZ_CHECK(mapping.error().code == ErrorCode::invalid_argument);
    return 0;
  }
  auto profile = map_profile(claims, userinfo, profile_doc, mapping.value(), 1700000000);
  if (!profile.ok()) return 0;
  FUZZ_CHECK(!profile->userId.empty());
  FUZZ_CHECK(profile->groups.size() <= kProfileMaxGroups);
  for (const auto& g : profile->groups) FUZZ_CHECK(!g.empty() && g.size() <= kProfileMaxGroupLength);
  for (const std::string* v : {&profile->userId, &profile->firstName, &profile->lastName, &profile->email,
                               &profile->membershipStatus, &profile->membershipType}) {
    FUZZ_CHECK(v->size() <= kProfileMaxValueLength);
  }
  const Json out = profile->to_json();
  for (const char* member : {"userId", "firstName", "lastName", "email", "membershipStatus", "membershipType", "groups"}) {
    FUZZ_CHECK(out.contains(member));
  }
  return 0;
}
