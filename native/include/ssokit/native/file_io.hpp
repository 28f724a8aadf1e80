// File handling shared by every file the native layer writes (both token stores, the generation
// record, the CLI's QR code): an advisory lock with a bounded wait, a bounded read, and an
// atomic replacement that never writes through a file or symlink someone else planted.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ssokit/result.hpp"
#include "ssokit/session.hpp"

namespace ssokit::native {

// Closes on scope exit (and so releases a flock held on it).
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& other) noexcept : fd(other.fd) { other.fd = -1; }
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
};

// A lock file held for TokenStore::lock_for_refresh.
class HeldLock final : public StoreLock {
 public:
  explicit HeldLock(Fd fd) : fd_(std::move(fd)) {}

 private:
  Fd fd_;
};

// How long a store waits for a lock another process holds before it answers storage_error.
inline constexpr std::chrono::milliseconds kDefaultLockWait{10000};

// The advisory lock (flock) on `lock_path`, released when the Fd closes, also when the process
// dies. Exclusive: creates the file (0600, O_NOFOLLOW). Shared: never creates it, and answers an
// empty Fd when it does not exist (writers create it first and replace files by rename, so an
// unlocked reader still sees a whole file). Gives up after `wait` with storage_error naming the
// lock file ("held by another process").
Result<Fd> lock_file(const std::string& lock_path, bool exclusive, std::chrono::milliseconds wait);

// The whole file (a regular file of at most `max_size` bytes), or nullopt when it does not exist.
// `what` names the file in errors ("the store file").
Result<std::optional<std::string>> read_small_file(const std::string& path, std::size_t max_size, std::string_view what);

// Replaces `path` with `data` so that a crash at any point leaves the old or the new file: a new
// temporary "<path>.tmp.<random>" in the same directory (O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC,
// mode 0600 whatever the umask), write, fsync, rename over `path`, fsync of the directory.
// storage_error (the previous content unchanged) when any step fails.
Status replace_file(const std::string& path, std::string_view data, std::string_view what);

// The directory part of a path ("." when there is none).
std::string directory_of(const std::string& path);

// `path` made absolute with its directory's symlinks resolved (the directory as realpath(3)
// gives it, then the file name), so one file has one name. Unchanged when the directory does not
// exist.
std::string canonical_store_path(const std::string& path);

// open(2), retried on EINTR (-1 and errno on failure); the text of errno, for error messages.
int open_retry(const char* path, int flags, unsigned mode = 0);
std::string os_error();

}  // namespace ssokit::native
