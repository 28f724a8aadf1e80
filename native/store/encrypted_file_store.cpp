// Encrypted file token store: format, locking and atomic replacement are described in the header.
#include "ssokit/native/encrypted_file_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <mutex>

#include "ssokit/aead.hpp"
#include "ssokit/json.hpp"
#include "ssokit/native/file_io.hpp"

namespace ssokit::native {
namespace {

constexpr char kMagic[8] = {'S', 'S', 'O', 'K', 'I', 'T', 'S', '1'};
constexpr std::uint8_t kVersion1 = 1;  // read only (files written before the path binding)
constexpr std::uint8_t kVersion = 2;
constexpr std::size_t kV1HeaderSize = sizeof kMagic + 1;
constexpr std::size_t kHeaderSize = sizeof kMagic + 1 + 8;  // + generation, big-endian
// A token store holds a few kilobytes; anything far larger is not one of ours.
constexpr std::size_t kMaxFileSize = 16 * 1024 * 1024;

// Wipes a secret buffer on scope exit.
struct WipeBytes {
  Bytes& bytes;
  ~WipeBytes() { secure_wipe(bytes); }
};
struct WipeString {
  std::string& text;
  ~WipeString() { secure_wipe(text.data(), text.size()); }
};

Bytes header(std::uint64_t generation) {
  Bytes h(kMagic, kMagic + sizeof kMagic);
  h.push_back(kVersion);
  for (int shift = 56; shift >= 0; shift -= 8) h.push_back(static_cast<std::uint8_t>(generation >> shift));
  return h;
}

// Version 2's associated data: the header and the store's canonical path, so a copy of the file
// under another name (or in another directory) does not open.
Bytes associated_data(const Bytes& head, const std::string& canonical_path) {
  Bytes ad = head;
  const std::string bound = "path:" + canonical_path;
  ad.insert(ad.end(), bound.begin(), bound.end());
  return ad;
}

struct OpenedStore {
  Json entries;
  std::uint64_t generation = 0;
};

// Authenticates and decrypts a store file into its entries (a JSON object of strings) and its
// generation, then checks the generation against the record (the rollback guard).
Result<OpenedStore> decode_store(const std::string& path, const std::string& canonical_path, const std::string& file,
                                 const Bytes& key, std::optional<std::uint64_t> recorded, const std::string& record_name) {
  const std::size_t magic_checked = file.size() < sizeof kMagic ? file.size() : sizeof kMagic;
  if (magic_checked > 0 && std::memcmp(file.data(), kMagic, magic_checked) != 0) {
    return make_error(ErrorCode::storage_error, "the file " + path +
                                                    " is not an encrypted ssokit store (a plaintext store, or "
                                                    "another file); move it away or pick another path");
  }
  const auto version = file.size() > sizeof kMagic ? static_cast<std::uint8_t>(file[sizeof kMagic]) : kVersion;
  if (version != kVersion && version != kVersion1) {
    return make_error(ErrorCode::storage_error, "the store file " + path + " has format version " +
                                                    std::to_string(version) +
                                                    ", which this ssokit does not support; upgrade ssokit");
  }
  const std::size_t head_size = version == kVersion1 ? kV1HeaderSize : kHeaderSize;
  if (file.size() < head_size + kAesGcmNonceSize + kAesGcmTagSize) {
    return make_error(ErrorCode::storage_tampered, "the store file " + path +
                                                       " is truncated; it was damaged or modified, sign in again");
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(file.data());
  const Bytes head(bytes, bytes + head_size);
  OpenedStore out;
  for (std::size_t i = kV1HeaderSize; i < head_size; ++i) out.generation = (out.generation << 8) | bytes[i];
  const Bytes ad = version == kVersion1 ? head : associated_data(head, canonical_path);
  const Bytes nonce(bytes + head_size, bytes + head_size + kAesGcmNonceSize);
  const std::size_t body = head_size + kAesGcmNonceSize;
  auto opened = aes256gcm_open(key, nonce, bytes + body, file.size() - body, ad.data(), ad.size());
  if (!opened.ok()) {
    Error e = opened.take_error();
    if (e.code == ErrorCode::storage_tampered) {
      e.message = "the store file " + path +
                  " failed authentication: the key is wrong, the file was modified, or it was written for another "
                  "path (a store does not open once copied or moved); use the right key or sign in again";
    }
    return e;
  }
  // The rollback guard: a file older than the last recorded sign-out is a restored copy.
  if (recorded && out.generation < *recorded) {
    // (A version-1 file counts as generation 0: once a removal was recorded, it is a rollback too.)
    return make_error(ErrorCode::storage_tampered,
                      "the store file " + path + " is older than the last sign-out recorded in " + record_name +
                          " (generation " + std::to_string(out.generation) + " < " + std::to_string(*recorded) +
                          "): it was restored from a copy; remove it and sign in again");
  }
  if (!recorded && version != kVersion1) {
    // Every version-2 file is written after its record: a missing record was removed.
    return make_error(ErrorCode::storage_tampered, "the generation record " + record_name + " of the store file " + path +
                                                       " is missing; remove the store and sign in again");
  }
  Bytes plain = std::move(opened).value();
  WipeBytes wipe{plain};
  JsonLimits limits;
  limits.max_bytes = kMaxFileSize;
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
  out.entries = std::move(doc).value();
  return out;
}

Result<std::string> encode_store(const Json& entries, std::uint64_t generation, const std::string& canonical_path,
                                 const Bytes& key, RandomSource& random) {
  std::string text = dump_json(entries);
  WipeString wipe{text};
  SSOKIT_TRY(Bytes nonce, random.bytes(kAesGcmNonceSize));
  const Bytes head = header(generation);
  const Bytes ad = associated_data(head, canonical_path);
  SSOKIT_TRY(Bytes sealed, aes256gcm_seal(key, nonce, reinterpret_cast<const std::uint8_t*>(text.data()), text.size(),
                                          ad.data(), ad.size()));
  std::string out(head.begin(), head.end());
  out.append(nonce.begin(), nonce.end());
  out.append(sealed.begin(), sealed.end());
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

FileGenerationRecord::FileGenerationRecord(std::string path) : path_(std::move(path)) {}

Result<std::optional<std::uint64_t>> FileGenerationRecord::read() {
  SSOKIT_TRY(std::optional<std::string> text, read_small_file(path_, 64, "the generation record"));
  if (!text) return std::optional<std::uint64_t>();
  std::string t = *text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  if (t.empty() || t.size() > 20 || t.find_first_not_of("0123456789") != std::string::npos) {
    return make_error(ErrorCode::storage_tampered, "the generation record " + path_ +
                                                       " is damaged; remove the store and its record and sign in again");
  }
  return std::optional<std::uint64_t>(std::strtoull(t.c_str(), nullptr, 10));
}

Status FileGenerationRecord::advance(std::uint64_t generation) {
  return replace_file(path_, std::to_string(generation) + "\n", "the generation record");
}

EncryptedFileStore::EncryptedFileStore(std::string path, std::unique_ptr<KeyProvider> key, RandomSource* random)
    : EncryptedFileStore(std::move(path), std::move(key), EncryptedStoreOptions{random, nullptr, kDefaultLockWait}) {}

EncryptedFileStore::EncryptedFileStore(std::string path, std::unique_ptr<KeyProvider> key, EncryptedStoreOptions options)
    : path_(std::move(path)),
      key_(std::move(key)),
      generation_(std::move(options.generation)),
      random_(options.random),
      lock_wait_(options.lock_wait) {
  if (random_ == nullptr) {
    own_random_ = std::make_unique<ForkSafeSystemRandom>();
    random_ = own_random_.get();
  }
  if (!generation_) generation_ = std::make_unique<FileGenerationRecord>(path_ + ".gen");
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

// The store as it is on disk (nullopt: no file yet) and the generation recorded for it. The
// caller holds the lock.
struct EncryptedFileStore::Current {
  std::optional<Json> entries;
  std::uint64_t generation = 0;
  std::optional<std::uint64_t> recorded;
  std::string canonical_path;
};

Result<EncryptedFileStore::Current> EncryptedFileStore::read_current(const Bytes& key) {
  Current c;
  c.canonical_path = canonical_store_path(path_);
  SSOKIT_TRY(c.recorded, generation_->read());
  SSOKIT_TRY(std::optional<std::string> file, read_small_file(path_, kMaxFileSize, "the store file"));
  if (!file) {
    c.generation = c.recorded.value_or(0);
    return c;
  }
  WipeString wipe{*file};
  SSOKIT_TRY(OpenedStore opened, decode_store(path_, c.canonical_path, *file, key, c.recorded, generation_->name()));
  c.entries = std::move(opened.entries);
  c.generation = opened.generation;
  return c;
}

Status EncryptedFileStore::write_current(const Current& c, const Json& entries, std::uint64_t generation, const Bytes& key) {
  SSOKIT_TRY(std::string encoded, encode_store(entries, generation, c.canonical_path, key, *random_));
  // A first record before the first version-2 file (a crash in between leaves a record and no
  // file, or a version-1 file: both open); later ones after the file (a crash in between leaves a
  // file newer than its record, which opens too).
  if (!c.recorded) SSOKIT_CHECK(generation_->advance(generation));
  SSOKIT_CHECK(replace_file(path_, encoded, "the store file"));
  if (c.recorded && generation > *c.recorded) {
    auto recorded = generation_->advance(generation);
    if (!recorded.ok()) {
      return make_error(ErrorCode::storage_error, "the store file " + path_ + " was written, but its generation record " +
                                                      generation_->name() + " was not: " + recorded.error().message);
    }
  }
  return {};
}

Result<std::optional<std::string>> EncryptedFileStore::get(std::string_view name) {
  SSOKIT_TRY(Bytes key, store_key());
  WipeBytes wipe{key};
  SSOKIT_TRY(Fd lock, lock_file(path_ + ".lock", false, lock_wait_));
  SSOKIT_TRY(Current current, read_current(key));
  if (!current.entries) return std::optional<std::string>();
  if (auto value = json_string_at(*current.entries, name)) return std::optional<std::string>(std::move(*value));
  return std::optional<std::string>();
}

Status EncryptedFileStore::put(std::string_view name, std::string_view value) {
  if (!valid_utf8(name) || !valid_utf8(value)) {
    return make_error(ErrorCode::invalid_argument, "token store keys and values must be UTF-8 text");
  }
  SSOKIT_TRY(Bytes key, store_key());
  WipeBytes wipe{key};
  SSOKIT_TRY(Fd lock, lock_file(path_ + ".lock", true, lock_wait_));
  SSOKIT_TRY(Current current, read_current(key));
  Json entries = current.entries ? std::move(*current.entries) : Json::object();
  entries[std::string(name)] = std::string(value);
  // A put keeps the generation: only what ends a session advances it.
  return write_current(current, entries, current.generation, key);
}

Status EncryptedFileStore::remove(std::string_view name) {
  SSOKIT_TRY(Bytes key, store_key());
  WipeBytes wipe{key};
  SSOKIT_TRY(Fd lock, lock_file(path_ + ".lock", true, lock_wait_));
  SSOKIT_TRY(Current current, read_current(key));
  if (!current.entries || !current.entries->contains(std::string(name))) return {};
  current.entries->erase(std::string(name));
  // A removal (sign-out, revocation, a spent pending sign-in) advances the generation, so the
  // file as it was before can never be brought back.
  const std::uint64_t next = std::max(current.generation, current.recorded.value_or(0)) + 1;
  return write_current(current, *current.entries, next, key);
}

Result<std::unique_ptr<StoreLock>> EncryptedFileStore::lock_for_refresh() {
  SSOKIT_TRY(Fd fd, lock_file(path_ + ".refresh.lock", true, lock_wait_));
  return std::unique_ptr<StoreLock>(std::make_unique<HeldLock>(std::move(fd)));
}

}  // namespace ssokit::native
