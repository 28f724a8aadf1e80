// The system generator after fork(): the child must not repeat the parent's bytes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ssokit/random.hpp"

namespace ssokit {
namespace {

TEST(SystemRandom, ForkedChildDrawsOtherBytesThanItsParent) {
  ASSERT_TRUE(system_random().bytes(16).ok());  // seeded before the fork
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto bytes = system_random().bytes(32);
    const bool ok = bytes.ok() && write(pipe_fds[1], bytes.value().data(), 32) == 32;
    _exit(ok ? 0 : 1);
  }
  auto parent = system_random().bytes(32);
  ASSERT_TRUE(parent.ok());
  Bytes from_child(32);
  ASSERT_EQ(read(pipe_fds[0], from_child.data(), 32), 32);
  int status = 0;
  waitpid(child, &status, 0);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(parent.value(), from_child);
}

TEST(SeededRandom, SameSeedSameBytes) {
  auto a = CtrDrbgRandom::from_seed(Bytes(32, 1));
  auto b = CtrDrbgRandom::from_seed(Bytes(32, 1));
  auto c = CtrDrbgRandom::from_seed(Bytes(32, 2));
  EXPECT_EQ(a.value()->bytes(48).value(), b.value()->bytes(48).value());
  EXPECT_NE(a.value()->bytes(48).value(), c.value()->bytes(48).value());
}

}  // namespace
}  // namespace ssokit
