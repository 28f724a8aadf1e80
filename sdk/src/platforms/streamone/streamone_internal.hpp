// Internal to sdk/src/platforms/streamone: helpers the request, envelope and flow files share.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ssokit/platforms/streamone.hpp"

namespace ssokit::streamone {

// name=value pairs joined with '&', encoded as PHP's http_build_query does.
std::string encode_pairs(const Params& params);

}  // namespace ssokit::streamone
