// twentythree: browser-safe calls (no secret).
#include <iterator>

#include "api_internal.hpp"

namespace ssokit::api {

namespace {

// Placeholder entry until the connector lands; the table must not be empty in C++.
Result<Json> m_unavailable(const Json&) {
  return make_error(ErrorCode::invalid_argument, "not available yet");
}

const Method kMethods[] = {
    {"twentythree.unavailable", m_unavailable},
};

}  // namespace

MethodTable twentythree_methods() { return {kMethods, std::size(kMethods)}; }

}  // namespace ssokit::api
