// muvi: browser-safe calls (no secret). None: every Muvi call needs the store's auth token or the
// JWT secret (api_muvi_server.cpp), so the browser build answers server_only for all "muvi.*".
#include "api_internal.hpp"

namespace ssokit::api {

MethodTable muvi_methods() { return {nullptr, 0}; }

}  // namespace ssokit::api
