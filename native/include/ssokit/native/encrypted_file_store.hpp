// Encrypted file token store for players, set-top boxes and the CLI (DESIGN.md: native/).
//
// File format, version 2 (all of it written by one atomic rename):
//   "SSOKITS1" (8 bytes magic) | version (1 byte, 0x02) | generation (8 bytes, big-endian) |
//   nonce (12 random bytes) | AES-256-GCM(JSON object {"key": "value", ...}) || tag (16 bytes)
// The associated data is the 17 header bytes and "path:" + the store's canonical path (its
// directory through realpath, then its name): the version and generation cannot be changed
// unnoticed, and a copy of the file under another path does not open (storage_tampered).
// Each write draws a fresh nonce, so the same content never produces the same bytes.
// Version 1 (no generation; the 9 header bytes as associated data, no path) is still read, and
// the next write rewrites it as version 2: that is its migration.
//
// Rollback: every remove (sign-out, revocation, a spent pending sign-in) advances the generation
// and records it in a GenerationRecord (by default the file "<path>.gen", created before the first
// version-2 file); a file whose generation is below the record, or a version-2 file without a
// record, is storage_tampered, so restoring the file as it was before a sign-out does not bring the session
// back. Puts keep the generation (a record written once per sign-out, not per refresh: platform
// monotonic counters wear). Limit: whoever can restore the record too (the whole directory from a
// backup) can roll both back; plug a GenerationRecord kept where the store's user cannot write,
// or a platform monotonic counter, to close that.
//
// Durability and sharing: every write goes to a fresh "<path>.tmp.<random>" (O_EXCL|O_NOFOLLOW,
// mode 0600) in the same directory, is fsynced, renamed over the target and the directory is
// fsynced (file_io.hpp replace_file); a crash at any moment leaves either the old or the new
// complete file. Several processes may share one store: put/remove hold an exclusive flock on
// "<path>.lock" across their read-modify-write, get holds a shared one when the lock file exists
// (writers create it with mode 0600 and never remove it; a get never creates files, and the
// rename makes even an unlocked read see a whole file). lock_for_refresh holds
// "<path>.refresh.lock" across a whole refresh. Every lock wait is bounded (lock_wait, default
// 10 s), then storage_error.
//
// Errors: wrong key, modified, truncated, relocated or rolled-back file -> storage_tampered; a
// file that is not this format (bad magic, unknown version) or cannot be read/written, a lock
// held too long -> storage_error; key material that is missing or malformed -> invalid_argument.
// A missing file is an empty store. A store that fails to open is never overwritten by
// put/remove (nothing is silently discarded).
//
// Where the key comes from (KeyProvider, asked once per operation):
// - EnvKeyProvider: an environment variable (SSOKIT_STORE_KEY), 64 hex digits or 43 base64url.
// - KeyFileProvider: a file with 32 raw bytes, or the same text forms; refused unless only its
//   owner can access it (chmod 600).
// - CallbackKeyProvider: your own function. This is where a platform key store plugs in:
//   on Android, unwrap a stored data key with a non-exportable AES key from the Android Keystore
//   (via JNI); on iOS/tvOS read a 32-byte item from the Keychain (kSecAttrAccessible...
//   ThisDeviceOnly); on a set-top box ask the secure element / TEE key ladder for the device
//   key (or a key derived for "ssokit-store" from it). Cache inside the callback if it is slow.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ssokit/random.hpp"
#include "ssokit/session.hpp"
#include "ssokit/native/file_io.hpp"

namespace ssokit::native {

class KeyProvider {
 public:
  virtual ~KeyProvider() = default;
  // The 32-byte store key, or an error (never with key bytes in the message).
  virtual Result<Bytes> key() = 0;
};

// 32 bytes written as 64 hex digits or 43 base64url characters (no padding); surrounding
// whitespace is ignored. `source` names where the text came from, for the error message.
Result<Bytes> parse_store_key(std::string_view text, std::string_view source);

class EnvKeyProvider final : public KeyProvider {
 public:
  explicit EnvKeyProvider(std::string variable = "SSOKIT_STORE_KEY") : variable_(std::move(variable)) {}
  Result<Bytes> key() override;

 private:
  std::string variable_;
};

class KeyFileProvider final : public KeyProvider {
 public:
  explicit KeyFileProvider(std::string path) : path_(std::move(path)) {}
  // storage_error when the file cannot be read or group/others have any access to it.
  Result<Bytes> key() override;

 private:
  std::string path_;
};

class CallbackKeyProvider final : public KeyProvider {
 public:
  explicit CallbackKeyProvider(std::function<Result<Bytes>()> callback) : callback_(std::move(callback)) {}
  Result<Bytes> key() override;

 private:
  std::function<Result<Bytes>()> callback_;
};

// Where a store's generation (the rollback guard) is kept. The default is a file beside the
// store; a platform with a monotonic counter (a TPM NV counter, a secure element, a keystore
// with rollback resistance) or a file the store's user cannot write implements this instead.
class GenerationRecord {
 public:
  virtual ~GenerationRecord() = default;
  // The highest generation recorded, or nullopt when none ever was.
  virtual Result<std::optional<std::uint64_t>> read() = 0;
  // Records `generation`, which is above what read() gave.
  virtual Status advance(std::uint64_t generation) = 0;
  // Names it in error messages.
  virtual std::string name() const = 0;
};

// The generation as decimal text in a file (replaced atomically, mode 0600).
class FileGenerationRecord final : public GenerationRecord {
 public:
  explicit FileGenerationRecord(std::string path);
  Result<std::optional<std::uint64_t>> read() override;
  Status advance(std::uint64_t generation) override;
  std::string name() const override { return path_; }

 private:
  std::string path_;
};

struct EncryptedStoreOptions {
  // Draws the nonces; by default a generator seeded from the system that reseeds after fork() (a
  // forked copy of one generator would repeat nonces, fatal for GCM). Not owned.
  RandomSource* random = nullptr;
  // Default: FileGenerationRecord("<path>.gen").
  std::unique_ptr<GenerationRecord> generation;
  // How long to wait for a lock another process holds (then storage_error).
  std::chrono::milliseconds lock_wait = kDefaultLockWait;
};

class EncryptedFileStore final : public TokenStore {
 public:
  EncryptedFileStore(std::string path, std::unique_ptr<KeyProvider> key, RandomSource* random = nullptr);
  EncryptedFileStore(std::string path, std::unique_ptr<KeyProvider> key, EncryptedStoreOptions options);
  ~EncryptedFileStore() override;

  Result<std::optional<std::string>> get(std::string_view key) override;
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;
  Result<std::unique_ptr<StoreLock>> lock_for_refresh() override;

  const std::string& path() const { return path_; }

 private:
  struct Current;
  Result<Bytes> store_key();
  Result<Current> read_current(const Bytes& key);
  Status write_current(const Current& current, const Json& entries, std::uint64_t generation, const Bytes& key);
  std::string path_;
  std::unique_ptr<KeyProvider> key_;
  std::unique_ptr<GenerationRecord> generation_;
  std::unique_ptr<RandomSource> own_random_;
  RandomSource* random_;
  std::chrono::milliseconds lock_wait_;
};

}  // namespace ssokit::native
