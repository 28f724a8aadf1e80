// The plaintext file token store (see file_store.hpp).
#include "ssokit/native/file_store.hpp"
#include "ssokit/native/encrypted_file_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace ssokit::native {

Result<Json> FileTokenStore::load() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return Json::object();  // no file yet: an empty store
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().rfind("SSOKITS1", 0) == 0) {
    return make_error(ErrorCode::storage_error, "the store file " + path_ +
                                                    " is encrypted; set SSOKIT_STORE_KEY or SSOKIT_STORE_KEY_FILE");
  }
  auto doc = parse_json_object(text.str(), ErrorCode::storage_error);
  if (!doc.ok()) return make_error(ErrorCode::storage_error, "the store file " + path_ + " is not a ssokit store; remove it or pick another path");
  return doc;
}

Status FileTokenStore::write(const Json& doc) const {
  const std::string tmp = path_ + ".tmp";
  const std::string text = dump_json(doc);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorCode::storage_error, "cannot write the store file " + path_);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path_.c_str()) != 0) {
    std::remove(tmp.c_str());
    return make_error(ErrorCode::storage_error, "cannot write the store file " + path_);
  }
  return {};
}

Result<std::optional<std::string>> FileTokenStore::get(std::string_view key) {
  SSOKIT_TRY(Json doc, load());
  if (auto v = json_string(doc, key)) return std::optional<std::string>(*v);
  return std::optional<std::string>();
}

Status FileTokenStore::put(std::string_view key, std::string_view value) {
  SSOKIT_TRY(Json doc, load());
  doc[std::string(key)] = std::string(value);
  return write(doc);
}

Status FileTokenStore::remove(std::string_view key) {
  SSOKIT_TRY(Json doc, load());
  if (!doc.contains(std::string(key))) return {};
  doc.erase(std::string(key));
  return write(doc);
}

Result<std::unique_ptr<TokenStore>> open_store(const std::string& path, const std::string& key_text) {
  if (path.empty()) return std::unique_ptr<TokenStore>(std::make_unique<MemoryTokenStore>());
  if (key_text.empty()) return std::unique_ptr<TokenStore>(std::make_unique<FileTokenStore>(path));
  SSOKIT_TRY(Bytes key, parse_store_key(key_text, "the store key"));
  auto provider = std::make_unique<CallbackKeyProvider>([key]() -> Result<Bytes> { return key; });
  return std::unique_ptr<TokenStore>(std::make_unique<EncryptedFileStore>(path, std::move(provider)));
}

}  // namespace ssokit::native
