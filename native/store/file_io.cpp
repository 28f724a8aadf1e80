// See file_io.hpp.
#include "ssokit/native/file_io.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace ssokit::native {

std::string os_error() { return std::strerror(errno); }

int open_retry(const char* path, int flags, unsigned mode) {
  int fd;
  do {
    fd = ::open(path, flags, static_cast<mode_t>(mode));
  } while (fd < 0 && errno == EINTR);
  return fd;
}

namespace {

bool write_all(int fd, std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// 16 hex digits from the system's generator: a temporary name nobody can guess in advance.
std::string random_suffix() {
  unsigned char bytes[8] = {};
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    // O_EXCL still refuses a planted file; the name only has to differ from the last try.
    static unsigned counter = 0;
    const unsigned long mix = static_cast<unsigned long>(::getpid()) * 2654435761UL + ++counter;
    std::memcpy(bytes, &mix, sizeof bytes < sizeof mix ? sizeof bytes : sizeof mix);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  std::swap(fd, other.fd);
  return *this;
}

Fd::~Fd() {
  if (fd >= 0) ::close(fd);
}

Result<Fd> lock_file(const std::string& lock_path, bool exclusive, std::chrono::milliseconds wait) {
  Fd fd;
  if (exclusive) {
    fd = Fd(open_retry(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.fd < 0) {
      return make_error(ErrorCode::storage_error, "cannot open the lock file " + lock_path + ": " + os_error() +
                                                      "; check that the store's directory is writable");
    }
  } else {
    fd = Fd(open_retry(lock_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.fd < 0) return Fd();
  }
  // Poll with a growing pause rather than block: a process that holds the lock and hangs must not
  // hang us too.
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    if (::flock(fd.fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0) return fd;
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      return make_error(ErrorCode::storage_error, "cannot lock " + lock_path + ": " + os_error());
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return make_error(ErrorCode::storage_error,
                        "the store is locked by another process (" + lock_path + ") for more than " +
                            std::to_string(wait.count()) +
                            " ms; try again, or end the process that holds it (a stale lock is released when its "
                            "process exits)");
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

Result<std::optional<std::string>> read_small_file(const std::string& path, std::size_t max_size, std::string_view what) {
  const std::string name = std::string(what) + " " + path;
  Fd fd(open_retry(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return make_error(ErrorCode::storage_error, "cannot open " + name + ": " + os_error());
  }
  struct stat st;
  if (::fstat(fd.fd, &st) != 0) return make_error(ErrorCode::storage_error, "cannot inspect " + name + ": " + os_error());
  if (!S_ISREG(st.st_mode)) return make_error(ErrorCode::storage_error, name + " is not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > max_size) {
    return make_error(ErrorCode::storage_error, name + " is too large to be one of ssokit's files");
  }
  std::string data;
  data.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(ErrorCode::storage_error, "cannot read " + name + ": " + os_error());
    if (n == 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
    if (data.size() > max_size) return make_error(ErrorCode::storage_error, name + " is too large to be one of ssokit's files");
  }
  return std::optional<std::string>(std::move(data));
}

std::string directory_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status replace_file(const std::string& path, std::string_view data, std::string_view what) {
  const std::string name = std::string(what) + " " + path;
  Fd fd;
  std::string tmp;
  // O_EXCL: never write through a file or symlink someone else planted; a fresh name each time,
  // so a planted name costs us only another try.
  for (int attempt = 0; attempt < 8 && fd.fd < 0; ++attempt) {
    tmp = path + ".tmp." + random_suffix();
    fd = Fd(open_retry(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.fd < 0 && errno != EEXIST) break;
  }
  if (fd.fd < 0) {
    return make_error(ErrorCode::storage_error, "cannot create a temporary file beside " + name + ": " + os_error() +
                                                    "; check that the directory is writable");
  }
  std::string failure;
  if (::fchmod(fd.fd, 0600) != 0 || !write_all(fd.fd, data) || ::fsync(fd.fd) != 0) failure = os_error();
  const int close_rc = ::close(fd.fd);
  fd.fd = -1;
  if (failure.empty() && close_rc != 0) failure = os_error();
  if (failure.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) failure = os_error();
  if (!failure.empty()) {
    ::unlink(tmp.c_str());
    return make_error(ErrorCode::storage_error, "cannot write " + name + ": " + failure + " (the previous content is unchanged)");
  }
  // Make the rename itself durable.
  const std::string dir = directory_of(path);
  Fd dir_fd(open_retry(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.fd >= 0 && ::fsync(dir_fd.fd) != 0 && errno != EINVAL && errno != EROFS) {
    return make_error(ErrorCode::storage_error, "cannot sync the directory " + dir + ": " + os_error());
  }
  return {};
}

std::string canonical_store_path(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  char resolved[PATH_MAX];
  if (::realpath(directory_of(path).c_str(), resolved) == nullptr) return path;
  std::string dir = resolved;
  if (dir.empty() || dir.back() != '/') dir += '/';
  return dir + base;
}

}  // namespace ssokit::native
