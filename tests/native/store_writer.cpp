// Helper process for encrypted_store_test.cpp: writes an EncryptedFileStore (key from
// SSOKIT_STORE_KEY) so the test can run several real processes against one file and kill them.
//   store_writer alternate PATH VALUE_A VALUE_B  puts "session" = A, B, A, ... until killed (at
//       most 20 s); writes "r" on stdout before the first put and "w" after each completed put.
//   store_writer count PATH PREFIX N             puts PREFIX.0 .. PREFIX.N-1 (one put each).
//   store_writer plain-count PATH PREFIX N       the same on the plaintext FileTokenStore.
// Exit 0 on success, 3 on a store error (printed on stderr), 2 on a usage error.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "store/encrypted_file_store.hpp"
#include "store/file_store.hpp"

namespace {

int report(const ssokit::Error& error) {
  std::fprintf(stderr, "store_writer: %s: %s\n", error.code_name(), error.message.c_str());
  return 3;
}

void signal_parent(char c) {
  // Unbuffered and async-safe: the parent counts these bytes after a SIGKILL.
  ssize_t n = ::write(1, &c, 1);
  (void)n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  const std::string mode = argv[1];
  if (mode == "plain-count" && argc == 5) {
    ssokit::native::FileTokenStore plain(argv[2]);
    const std::string prefix = argv[3];
    const int n = std::atoi(argv[4]);
    for (int i = 0; i < n; ++i) {
      auto status = plain.put(prefix + "." + std::to_string(i), "value-" + std::to_string(i));
      if (!status.ok()) return report(status.error());
    }
    return 0;
  }
  ssokit::native::EncryptedFileStore store(argv[2], std::make_unique<ssokit::native::EnvKeyProvider>());
  if (mode == "alternate" && argc == 5) {
    const std::string values[2] = {argv[3], argv[4]};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    signal_parent('r');
    for (unsigned i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
      auto status = store.put("session", values[i % 2]);
      if (!status.ok()) return report(status.error());
      signal_parent('w');
    }
    return 0;
  }
  if (mode == "count" && argc == 5) {
    const std::string prefix = argv[3];
    const int n = std::atoi(argv[4]);
    for (int i = 0; i < n; ++i) {
      auto status = store.put(prefix + "." + std::to_string(i), "value-" + std::to_string(i));
      if (!status.ok()) return report(status.error());
    }
    return 0;
  }
  return 2;
}
