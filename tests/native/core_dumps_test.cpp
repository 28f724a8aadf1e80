// disable_core_dumps (native/process): what the CLI and the set-top sample do first (issue 16
// item 10). Each case runs in a forked child, so the test process keeps its own settings.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>

#include "process/core_dumps.hpp"

namespace ssokit::native {
namespace {

// Runs `body` in a child; its exit code (0: every check held).
template <class Body>
int in_child(Body body) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST(CoreDumps, OffUnlessAskedToKeepThem) {
  EXPECT_EQ(in_child([] {
              ::unsetenv(kAllowCoreDumpsVariable);
              const struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
              if (::setrlimit(RLIMIT_CORE, &unlimited) != 0) return 10;  // `ulimit -c unlimited`
              if (!disable_core_dumps().ok()) return 11;
              struct rlimit now;
              if (::getrlimit(RLIMIT_CORE, &now) != 0 || now.rlim_cur != 0 || now.rlim_max != 0) return 12;
              if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) return 13;
              return 0;
            }),
            0);
  EXPECT_EQ(in_child([] {
              ::setenv(kAllowCoreDumpsVariable, "1", 1);
              const struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
              if (::setrlimit(RLIMIT_CORE, &unlimited) != 0) return 10;
              if (!disable_core_dumps().ok()) return 11;
              struct rlimit now;
              if (::getrlimit(RLIMIT_CORE, &now) != 0 || now.rlim_cur != RLIM_INFINITY) return 12;
              if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1) return 13;
              return 0;
            }),
            0);
}

}  // namespace
}  // namespace ssokit::native
