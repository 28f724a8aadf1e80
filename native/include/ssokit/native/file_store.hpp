// A token store in a plaintext JSON file (mode 0600, replaced atomically through a temporary
// file, fsync and rename). For the CLI, tests and development; players keep sessions in the
// EncryptedFileStore (encrypted_file_store.hpp). open_store() picks between them.
#pragma once

#include <memory>
#include <string>

#include "ssokit/session.hpp"

namespace ssokit::native {

class FileTokenStore final : public TokenStore {
 public:
  explicit FileTokenStore(std::string path) : path_(std::move(path)) {}
  Result<std::optional<std::string>> get(std::string_view key) override;
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;

 private:
  Result<Json> load() const;
  Status write(const Json& doc) const;
  std::string path_;
};

// The store for a session file: no path -> in memory; a key (32 bytes as 64 hex digits or 43
// base64url characters) -> the AES-256-GCM EncryptedFileStore; else the plaintext FileTokenStore.
// invalid_argument for a malformed key (the key text is never echoed).
Result<std::unique_ptr<TokenStore>> open_store(const std::string& path, const std::string& key_text);

}  // namespace ssokit::native
