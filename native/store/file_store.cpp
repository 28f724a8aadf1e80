// The plaintext file token store (see file_store.hpp).
#include "ssokit/native/file_store.hpp"
#include "ssokit/native/encrypted_file_store.hpp"

namespace ssokit::native {

namespace {
// A token store holds a few kilobytes; anything far larger is not one of ours.
constexpr std::size_t kMaxFileSize = 16 * 1024 * 1024;
}  // namespace

Result<Json> FileTokenStore::load() const {
  SSOKIT_TRY(std::optional<std::string> text, read_small_file(path_, kMaxFileSize, "the store file"));
  if (!text) return Json::object();  // no file yet: an empty store
  if (text->rfind("SSOKITS1", 0) == 0) {
    return make_error(ErrorCode::storage_error, "the store file " + path_ +
                                                    " is encrypted; set SSOKIT_STORE_KEY or SSOKIT_STORE_KEY_FILE");
  }
  auto doc = parse_json_object(*text, ErrorCode::storage_error);
  if (!doc.ok()) return make_error(ErrorCode::storage_error, "the store file " + path_ + " is not a ssokit store; remove it or pick another path");
  return doc;
}

Status FileTokenStore::write(const Json& doc) const { return replace_file(path_, dump_json(doc), "the store file"); }

Result<std::optional<std::string>> FileTokenStore::get(std::string_view key) {
  SSOKIT_TRY(Fd lock, lock_file(path_ + ".lock", false, lock_wait_));
  SSOKIT_TRY(Json doc, load());
  if (auto v = json_string_at(doc, key)) return std::optional<std::string>(*v);
  return std::optional<std::string>();
}

Status FileTokenStore::put(std::string_view key, std::string_view value) {
  SSOKIT_TRY(Fd lock, lock_file(path_ + ".lock", true, lock_wait_));
  SSOKIT_TRY(Json doc, load());
  doc[std::string(key)] = std::string(value);
  return write(doc);
}

Status FileTokenStore::remove(std::string_view key) {
  SSOKIT_TRY(Fd lock, lock_file(path_ + ".lock", true, lock_wait_));
  SSOKIT_TRY(Json doc, load());
  if (!doc.contains(std::string(key))) return {};
  doc.erase(std::string(key));
  return write(doc);
}

Result<std::unique_ptr<StoreLock>> FileTokenStore::lock_for_refresh() {
  SSOKIT_TRY(Fd fd, lock_file(path_ + ".refresh.lock", true, lock_wait_));
  return std::unique_ptr<StoreLock>(std::make_unique<HeldLock>(std::move(fd)));
}

Result<std::unique_ptr<TokenStore>> open_store(const std::string& path, const std::string& key_text) {
  if (path.empty()) return std::unique_ptr<TokenStore>(std::make_unique<MemoryTokenStore>());
  if (key_text.empty()) return std::unique_ptr<TokenStore>(std::make_unique<FileTokenStore>(path));
  SSOKIT_TRY(Bytes key, parse_store_key(key_text, "the store key"));
  auto provider = std::make_unique<CallbackKeyProvider>([key]() -> Result<Bytes> { return key; });
  return std::unique_ptr<TokenStore>(std::make_unique<EncryptedFileStore>(path, std::move(provider)));
}

}  // namespace ssokit::native
