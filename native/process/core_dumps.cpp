#include "process/core_dumps.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace ssokit::native {

Status disable_core_dumps() {
  const char* allow = std::getenv(kAllowCoreDumpsVariable);
  if (allow != nullptr && std::string(allow) == "1") return {};
#ifdef __linux__
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return make_error(ErrorCode::internal_error, std::string("cannot turn core dumps off (prctl): ") + std::strerror(errno));
  }
#endif
  const struct rlimit none = {0, 0};
  if (::setrlimit(RLIMIT_CORE, &none) != 0) {
    return make_error(ErrorCode::internal_error, std::string("cannot turn core dumps off (RLIMIT_CORE): ") + std::strerror(errno));
  }
  return {};
}

}  // namespace ssokit::native
