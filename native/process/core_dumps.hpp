// Keeping secrets out of core dumps. A crash of a process that holds a client secret, a PKCE
// verifier or tokens would otherwise leave them in a core file (with `ulimit -c unlimited`) or
// hand them to a crash reporter. The CLI and the set-top sample (through ssokit_harden_process)
// call this first thing.
#pragma once

#include "ssokit/result.hpp"

namespace ssokit::native {

// The environment variable that keeps core dumps on for debugging: SSOKIT_ALLOW_CORE_DUMPS=1.
inline constexpr const char* kAllowCoreDumpsVariable = "SSOKIT_ALLOW_CORE_DUMPS";

// Unless SSOKIT_ALLOW_CORE_DUMPS is "1": prctl(PR_SET_DUMPABLE, 0) (no core, no ptrace attach by
// other processes of the same user, /proc/<pid>/mem closed to them) and RLIMIT_CORE 0 (soft and
// hard, so a child cannot raise it again). internal_error if the system refuses.
Status disable_core_dumps();

}  // namespace ssokit::native
