// Encrypted file token store: format, locking and atomic replacement are described in the header.
#include "ssokit/native/encrypted_file_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "ssokit/aead.hpp"
#include "ssokit/json.hpp"

namespace ssokit::native {
namespace {

constexpr char kMagic[8] = {'S', 'S', 'O', 'K', 'I', 'T', 'S', '1'};
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kHeaderSize = sizeof kMagic + 1;
constexpr std::size_t kMinFileSize = kHeaderSize + kAesGcmNonceSize + kAesGcmTagSize;
// A token store holds a few kilobytes; anything far larger is not one of ours.
constexpr off_t kMaxFileSize = 16 * 1024 * 1024;

std::string os_error() { return std::strerror(errno); }

// Closes on scope exit.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& other) noexcept : fd(other.fd) { other.fd = -1; }
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd, other.fd);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Wipes a secret buffer on scope exit.
struct WipeBytes {
  Bytes& bytes;
  ~WipeBytes() { secure_wipe(bytes); }
};
struct WipeString {
  std::string& text;
  ~WipeString() { secure_wipe(text.data(), text.size()); }
};

int open_retry(const char* path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path, flags, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// The advisory lock on "<path>.lock"; released when the descriptor closes (also when the process
// dies, so a killed writer never leaves the store locked).
Result<Fd> lock_store(const std::string& path, bool exclusive) {
  const std::string lock_path = path + ".lock";
  if (!exclusive) {
    // Readers never create the lock file (a get on a mistyped path leaves nothing behind) and do
    // without a lock when there is none: every writer creates it first, and writers replace the
    // store by rename, so an unlocked reader still sees the old or the new complete file.
    Fd fd(open_retry(lock_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.fd < 0) return Fd();
    int rc;
    do {
      rc = ::flock(fd.fd, LOCK_SH);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return make_error(ErrorCode::storage_error, "cannot lock " + lock_path + ": " + os_error());
    return fd;
  }
  Fd fd(open_retry(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.fd < 0) {
    return make_error(ErrorCode::storage_error, "cannot open the lock file " + lock_path + ": " + os_error() +
                                                    "; check that the store's directory is writable");
  }
  int rc;
  do {
    rc = ::flock(fd.fd, LOCK_EX);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return make_error(ErrorCode::storage_error, "cannot lock " + lock_path + ": " + os_error());
  return fd;
}

// The whole file, or nullopt when it does not exist (an empty store).
Result<std::optional<Bytes>> read_store_file(const std::string& path) {
  Fd fd(open_retry(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.fd < 0) {
    if (errno == ENOENT) return std::optional<Bytes>();
    return make_error(ErrorCode::storage_error, "cannot open the store file " + path + ": " + os_error());
  }
  struct stat st;
  if (::fstat(fd.fd, &st) != 0) {
    return make_error(ErrorCode::storage_error, "cannot inspect the store file " + path + ": " + os_error());
  }
  if (!S_ISREG(st.st_mode)) {
    return make_error(ErrorCode::storage_error, "the store path " + path + " is not a regular file");
  }
  if (st.st_size > kMaxFileSize) {
    return make_error(ErrorCode::storage_error, "the store file " + path + " is too large to be a ssokit store");
  }
  Bytes data;
  data.reserve(static_cast<std::size_t>(st.st_size));
  std::uint8_t buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(ErrorCode::storage_error, "cannot read the store file " + path + ": " + os_error());
    if (n == 0) break;
    data.insert(data.end(), buffer, buffer + n);
    if (data.size() > static_cast<std::size_t>(kMaxFileSize)) {
      return make_error(ErrorCode::storage_error, "the store file " + path + " is too large to be a ssokit store");
    }
  }
  return std::optional<Bytes>(std::move(data));
}

Bytes header() {
  Bytes h(kMagic, kMagic + sizeof kMagic);
  h.push_back(kVersion);
  return h;
}

// Authenticates and decrypts a store file into its entries (a JSON object of strings).
Result<Json> decode_store(const std::string& path, const Bytes& file, const Bytes& key) {
  const Bytes head = header();
  const std::size_t magic_checked = file.size() < sizeof kMagic ? file.size() : sizeof kMagic;
  if (magic_checked > 0 && std::memcmp(file.data(), kMagic, magic_checked) != 0) {
    return make_error(ErrorCode::storage_error, "the file " + path +
                                                    " is not an encrypted ssokit store (a plaintext store, or "
                                                    "another file); move it away or pick another path");
  }
  if (file.size() > sizeof kMagic && file[sizeof kMagic] != kVersion) {
    return make_error(ErrorCode::storage_error, "the store file " + path + " has format version " +
                                                    std::to_string(file[sizeof kMagic]) +
                                                    ", which this ssokit does not support; upgrade ssokit");
  }
  if (file.size() < kMinFileSize) {
    return make_error(ErrorCode::storage_tampered, "the store file " + path +
                                                       " is truncated; it was damaged or modified, sign in again");
  }
  const Bytes nonce(file.begin() + kHeaderSize, file.begin() + kHeaderSize + kAesGcmNonceSize);
  const std::size_t body = kHeaderSize + kAesGcmNonceSize;
  auto opened = aes256gcm_open(key, nonce, file.data() + body, file.size() - body, head.data(), head.size());
  if (!opened.ok()) {
    Error e = opened.take_error();
    if (e.code == ErrorCode::storage_tampered) {
      e.message = "the store file " + path +
                  " failed authentication: the key is wrong or the file was modified; use the right key or "
                  "sign in again";
    }
    return e;
  }
  Bytes plain = std::move(opened).value();
  WipeBytes wipe{plain};
  JsonLimits limits;
  limits.max_bytes = static_cast<std::size_t>(kMaxFileSize);
  auto doc = parse_json_object(std::string_view(reinterpret_cast<const char*>(plain.data()), plain.size()),
                               ErrorCode::storage_error, limits);
  if (!doc.ok()) {
    return make_error(ErrorCode::storage_error, "the store file " + path + " decrypted to unexpected content");
  }
  for (const auto& item : doc.value().items()) {
    if (!item.value().is_string()) {
      return make_error(ErrorCode::storage_error, "the store file " + path + " decrypted to unexpected content");
    }
  }
  return doc;
}

Result<Bytes> encode_store(const Json& entries, const Bytes& key, RandomSource& random) {
  std::string text = dump_json(entries);
  WipeString wipe{text};
  SSOKIT_TRY(Bytes nonce, random.bytes(kAesGcmNonceSize));
  Bytes out = header();
  SSOKIT_TRY(Bytes sealed, aes256gcm_seal(key, nonce, reinterpret_cast<const std::uint8_t*>(text.data()), text.size(),
                                          out.data(), out.size()));
  out.insert(out.end(), nonce.begin(), nonce.end());
  out.insert(out.end(), sealed.begin(), sealed.end());
  return out;
}

// JSON carries text only; the serializer would silently replace invalid UTF-8, so refuse it.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    std::uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // sequence cut short
    for (std::size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::string directory_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool write_all(int fd, const Bytes& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Replaces `path` with `data` so that a crash at any point leaves the old or the new file.
// The caller holds the exclusive lock, so a leftover "<path>.tmp" is from a writer that died.
Status replace_file(const std::string& path, const Bytes& data) {
  const std::string tmp = path + ".tmp";
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT) {
    return make_error(ErrorCode::storage_error, "cannot remove the stale file " + tmp + ": " + os_error());
  }
  // O_EXCL: never write through a file or symlink someone else planted there.
  Fd fd(open_retry(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.fd < 0) {
    return make_error(ErrorCode::storage_error, "cannot create " + tmp + ": " + os_error() +
                                                    "; check that the store's directory is writable");
  }
  std::string failure;
  if (::fchmod(fd.fd, 0600) != 0 || !write_all(fd.fd, data) || ::fsync(fd.fd) != 0) failure = os_error();
  const int close_rc = ::close(fd.fd);
  fd.fd = -1;
  if (failure.empty() && close_rc != 0) failure = os_error();
  if (failure.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) failure = os_error();
  if (!failure.empty()) {
    ::unlink(tmp.c_str());
    return make_error(ErrorCode::storage_error, "cannot write the store file " + path + ": " + failure +
                                                    " (the previous content is unchanged)");
  }
  // Make the rename itself durable.
  const std::string dir = directory_of(path);
  Fd dir_fd(open_retry(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.fd >= 0 && ::fsync(dir_fd.fd) != 0 && errno != EINVAL && errno != EROFS) {
    return make_error(ErrorCode::storage_error, "cannot sync the directory " + dir + ": " + os_error());
  }
  return {};
}

// The system generator reseeded in a forked child: parent and child must never share a DRBG
// state, or they would draw the same nonces.
class ForkSafeSystemRandom final : public RandomSource {
 public:
  Status fill(std::uint8_t* out, std::size_t size) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const pid_t pid = ::getpid();
    if (!drbg_ || pid != pid_) {
      SSOKIT_TRY(drbg_, CtrDrbgRandom::from_system());
      pid_ = pid;
    }
    return drbg_->fill(out, size);
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<CtrDrbgRandom> drbg_;
  pid_t pid_ = 0;
};

}  // namespace

Result<Bytes> parse_store_key(std::string_view text, std::string_view source) {
  const char* space = " \t\r\n";
  auto first = text.find_first_not_of(space);
  auto last = text.find_last_not_of(space);
  std::string_view t = first == std::string_view::npos ? std::string_view() : text.substr(first, last - first + 1);
  if (t.size() == 2 * kAes256GcmKeySize) {
    auto bytes = hex_decode(t);
    if (bytes.ok() && bytes->size() == kAes256GcmKeySize) return bytes;
  } else if (t.size() == 43) {
    auto bytes = base64url_decode(t);
    if (bytes.ok() && bytes->size() == kAes256GcmKeySize) return bytes;
  }
  // Never echo the text: it may be a (mistyped) key.
  return make_error(ErrorCode::invalid_argument, std::string(source) +
                                                     " must hold a 32-byte key as 64 hex digits or 43 base64url "
                                                     "characters (e.g. from `openssl rand -hex 32`)");
}

Result<Bytes> EnvKeyProvider::key() {
  const char* value = std::getenv(variable_.c_str());
  if (value == nullptr || *value == '\0') {
    return make_error(ErrorCode::invalid_argument, "set " + variable_ + " to the store key (64 hex digits)");
  }
  return parse_store_key(value, "the environment variable " + variable_);
}

Result<Bytes> KeyFileProvider::key() {
  Fd fd(open_retry(path_.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.fd < 0) return make_error(ErrorCode::storage_error, "cannot open the key file " + path_ + ": " + os_error());
  struct stat st;
  if (::fstat(fd.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return make_error(ErrorCode::storage_error, "the key file " + path_ + " is not a readable regular file");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return make_error(ErrorCode::storage_error, "the key file " + path_ + " is accessible by group or others (mode " +
                                                    mode + "); run `chmod 600 " + path_ + "` and try again");
  }
  Bytes content(257);
  WipeBytes wipe{content};
  std::size_t size = 0;
  while (size < content.size()) {
    ssize_t n = ::read(fd.fd, content.data() + size, content.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(ErrorCode::storage_error, "cannot read the key file " + path_ + ": " + os_error());
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  if (size == kAes256GcmKeySize) return Bytes(content.begin(), content.begin() + kAes256GcmKeySize);
  if (size >= content.size()) {
    return make_error(ErrorCode::invalid_argument, "the key file " + path_ + " is too large to hold a 32-byte key");
  }
  return parse_store_key(std::string_view(reinterpret_cast<const char*>(content.data()), size),
                         "the key file " + path_);
}

Result<Bytes> CallbackKeyProvider::key() {
  if (!callback_) return make_error(ErrorCode::invalid_argument, "no key callback was given to the token store");
  return callback_();
}

EncryptedFileStore::EncryptedFileStore(std::string path, std::unique_ptr<KeyProvider> key, RandomSource* random)
    : path_(std::move(path)), key_(std::move(key)), random_(random) {
  if (random_ == nullptr) {
    own_random_ = std::make_unique<ForkSafeSystemRandom>();
    random_ = own_random_.get();
  }
}

EncryptedFileStore::~EncryptedFileStore() = default;

Result<Bytes> EncryptedFileStore::store_key() {
  if (!key_) return make_error(ErrorCode::invalid_argument, "the encrypted token store has no key provider");
  SSOKIT_TRY(Bytes key, key_->key());
  if (key.size() != kAes256GcmKeySize) {
    secure_wipe(key);
    return make_error(ErrorCode::invalid_argument, "the store key must be 32 bytes, the key provider gave " +
                                                       std::to_string(key.size()));
  }
  return key;
}

Result<std::optional<std::string>> EncryptedFileStore::get(std::string_view name) {
  SSOKIT_TRY(Bytes key, store_key());
  WipeBytes wipe{key};
  SSOKIT_TRY(Fd lock, lock_store(path_, false));
  SSOKIT_TRY(std::optional<Bytes> file, read_store_file(path_));
  if (!file) return std::optional<std::string>();
  SSOKIT_TRY(Json entries, decode_store(path_, *file, key));
  if (auto value = json_string(entries, name)) return std::optional<std::string>(std::move(*value));
  return std::optional<std::string>();
}

Status EncryptedFileStore::put(std::string_view name, std::string_view value) {
  if (!valid_utf8(name) || !valid_utf8(value)) {
    return make_error(ErrorCode::invalid_argument, "token store keys and values must be UTF-8 text");
  }
  SSOKIT_TRY(Bytes key, store_key());
  WipeBytes wipe{key};
  SSOKIT_TRY(Fd lock, lock_store(path_, true));
  SSOKIT_TRY(std::optional<Bytes> file, read_store_file(path_));
  Json entries = Json::object();
  if (file) {
    SSOKIT_TRY(entries, decode_store(path_, *file, key));
  }
  entries[std::string(name)] = std::string(value);
  SSOKIT_TRY(Bytes encoded, encode_store(entries, key, *random_));
  return replace_file(path_, encoded);
}

Status EncryptedFileStore::remove(std::string_view name) {
  SSOKIT_TRY(Bytes key, store_key());
  WipeBytes wipe{key};
  SSOKIT_TRY(Fd lock, lock_store(path_, true));
  SSOKIT_TRY(std::optional<Bytes> file, read_store_file(path_));
  if (!file) return {};
  SSOKIT_TRY(Json entries, decode_store(path_, *file, key));
  if (!entries.contains(std::string(name))) return {};
  entries.erase(std::string(name));
  SSOKIT_TRY(Bytes encoded, encode_store(entries, key, *random_));
  return replace_file(path_, encoded);
}

}  // namespace ssokit::native
