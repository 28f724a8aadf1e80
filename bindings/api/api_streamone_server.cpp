// streamone: calls that need the platform secret (server build only).
#include <iterator>

#include "api_internal.hpp"

namespace ssokit::api {

namespace {

// Placeholder entry until the connector lands; the table must not be empty in C++.
Result<Json> m_unavailable(const Json&) {
  return make_error(ErrorCode::invalid_argument, "not available yet");
}

const Method kMethods[] = {
    {"streamone.server.unavailable", m_unavailable},
};

}  // namespace

MethodTable streamone_server_methods() { return {kMethods, std::size(kMethods)}; }

}  // namespace ssokit::api
