// Internal to sdk/src/platforms/org: what the request builders, the reply parser and the step
// machine share.
#pragma once

#include <string>
#include <string_view>

#include "ssokit/platforms/org.hpp"

namespace ssokit::org::detail {

// The base URL checked (https, or http on a loopback host) and without a trailing '/'.
Result<std::string> normalize_base(std::string_view base);
// A host name as used in e-mail domains and verified domains, lower-cased.
Result<std::string> normalize_domain(std::string_view domain, std::string_view what);
// An identifier for a URL path segment (organization id, domain id, slug): 1..128 characters of
// A-Z a-z 0-9 - _ . ~ (never a '/', so it cannot climb out of its segment).
bool is_path_id(std::string_view id);

// Text from the platform, fit for a message: control characters dropped, at most `max` bytes
// (cut on a UTF-8 boundary).
std::string clean_text(std::string_view text, std::size_t max = 200);

}  // namespace ssokit::org::detail
