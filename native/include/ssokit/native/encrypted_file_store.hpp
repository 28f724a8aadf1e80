// Encrypted file token store for players, set-top boxes and the CLI (DESIGN.md: native/).
//
// File format, version 1 (all of it written by one atomic rename):
//   "SSOKITS1" (8 bytes magic) | version (1 byte, 0x01) | nonce (12 random bytes) |
//   AES-256-GCM(JSON object {"key": "value", ...}) || tag (16 bytes)
// The associated data is the 9 header bytes, so the version cannot be changed unnoticed.
// Each write draws a fresh nonce, so the same content never produces the same bytes.
//
// Durability and sharing: every write goes to "<path>.tmp" (O_EXCL, mode 0600) in the same
// directory, is fsynced, renamed over the target and the directory is fsynced; a crash at any
// moment leaves either the old or the new complete file. Several processes may share one store:
// put/remove hold an exclusive flock on "<path>.lock" across their read-modify-write, get holds
// a shared one when the lock file exists (writers create it with mode 0600 and never remove it;
// a get never creates files, and the rename makes even an unlocked read see a whole file).
//
// Errors: wrong key, modified or truncated file -> storage_tampered; a file that is not this
// format (bad magic, unknown version) or cannot be read/written -> storage_error; key material
// that is missing or malformed -> invalid_argument. A missing file is an empty store. A store
// that fails to open is never overwritten by put/remove (nothing is silently discarded).
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

#include <functional>
#include <memory>
#include <string>

#include "ssokit/random.hpp"
#include "ssokit/session.hpp"

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

class EncryptedFileStore final : public TokenStore {
 public:
  // `random` draws the nonces; by default a generator seeded from the system that reseeds after
  // fork() (a forked copy of one generator would repeat nonces, fatal for GCM). Not owned.
  EncryptedFileStore(std::string path, std::unique_ptr<KeyProvider> key, RandomSource* random = nullptr);
  ~EncryptedFileStore() override;

  Result<std::optional<std::string>> get(std::string_view key) override;
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;

  const std::string& path() const { return path_; }

 private:
  Result<Bytes> store_key();
  std::string path_;
  std::unique_ptr<KeyProvider> key_;
  std::unique_ptr<RandomSource> own_random_;
  RandomSource* random_;
};

}  // namespace ssokit::native
