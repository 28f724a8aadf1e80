// A token store in a plaintext JSON file, for the CLI, tests and development; players keep
// sessions in the EncryptedFileStore (encrypted_file_store.hpp). open_store() picks between them.
// Written like the encrypted store (file_io.hpp): a fresh temporary file (O_EXCL|O_NOFOLLOW, mode
// 0600), fsync, rename, directory fsync; put/remove under an exclusive flock on "<path>.lock",
// get under a shared one, lock_for_refresh on "<path>.refresh.lock", each wait bounded.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "ssokit/session.hpp"
#include "ssokit/native/file_io.hpp"

namespace ssokit::native {

class FileTokenStore final : public TokenStore {
 public:
  explicit FileTokenStore(std::string path, std::chrono::milliseconds lock_wait = kDefaultLockWait)
      : path_(std::move(path)), lock_wait_(lock_wait) {}
  Result<std::optional<std::string>> get(std::string_view key) override;
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;
  Result<std::unique_ptr<StoreLock>> lock_for_refresh() override;

 private:
  Result<Json> load() const;
  Status write(const Json& doc) const;
  std::string path_;
  std::chrono::milliseconds lock_wait_;
};

// The store for a session file: no path -> in memory; a key (32 bytes as 64 hex digits or 43
// base64url characters) -> the AES-256-GCM EncryptedFileStore; else the plaintext FileTokenStore.
// invalid_argument for a malformed key (the key text is never echoed).
Result<std::unique_ptr<TokenStore>> open_store(const std::string& path, const std::string& key_text);

}  // namespace ssokit::native
