// Checks shared by the Muvi connector's files (sdk/src/platforms/muvi).
#pragma once

#include <string_view>

#include "ssokit/result.hpp"

namespace ssokit::muvi_detail {

// Only visible ASCII (0x21..0x7E): no spaces, controls or raw non-ASCII.
bool printable(std::string_view text);
// Required, at most 254 bytes, one '@' with something on both sides, no spaces or controls.
Status check_email(std::string_view email);
// Optional; at most 256 bytes, no control characters (UTF-8 and spaces are fine).
Status check_name(std::string_view name);
// A user_uuid as the store hands it out: 1..128 visible ASCII characters.
bool valid_user_uuid(std::string_view uuid);

}  // namespace ssokit::muvi_detail
