// Where an ssokit_client keeps its session: the caller's storage callbacks, an encrypted file
// (key from the config or the store_key callback), a plaintext file only when asked for, or
// memory. The file's folder and key are checked when the client is made, not after a sign-in.
#include <unistd.h>

#include "c_internal.hpp"
#include "ssokit/native/encrypted_file_store.hpp"
#include "ssokit/native/file_store.hpp"

namespace ssokit::c {
namespace {

class CallbackStore final : public TokenStore {
 public:
  explicit CallbackStore(const ssokit_callbacks& cb) : cb_(cb) {}

  Result<std::optional<std::string>> get(std::string_view key) override {
    const std::string k(key);
    char* value = nullptr;
    ssokit_error reported;
    const ssokit_code rc = cb_.store_read(cb_.user, k.c_str(), &value, &reported);
    std::unique_ptr<char, decltype(&std::free)> owned(value, &std::free);
    if (rc != SSOKIT_OK) return callback_error(rc, reported, ErrorCode::storage_error, "the store_read callback");
    if (!owned) return std::optional<std::string>();
    return std::optional<std::string>(std::string(owned.get()));
  }

  Status put(std::string_view key, std::string_view value) override {
    const std::string k(key), v(value);
    ssokit_error reported;
    const ssokit_code rc = cb_.store_write(cb_.user, k.c_str(), v.c_str(), &reported);
    if (rc != SSOKIT_OK) return callback_error(rc, reported, ErrorCode::storage_error, "the store_write callback");
    return {};
  }

  Status remove(std::string_view key) override {
    const std::string k(key);
    ssokit_error reported;
    const ssokit_code rc = cb_.store_remove(cb_.user, k.c_str(), &reported);
    if (rc != SSOKIT_OK) return callback_error(rc, reported, ErrorCode::storage_error, "the store_remove callback");
    return {};
  }

 private:
  ssokit_callbacks cb_;
};

Error config_error(const std::string& message) { return make_error(ErrorCode::invalid_argument, "config: " + message); }

// The folder of `path` must exist and be writable (the store writes a temporary file beside it).
Status check_folder(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    return make_error(ErrorCode::storage_error,
                      "config: the folder of \"store_path\" does not exist or is not writable: " + folder.substr(0, 200));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<TokenStore>> open_store(const Json& c, const ssokit_callbacks& cb) {
  const int store_callbacks = (cb.store_read != nullptr) + (cb.store_write != nullptr) + (cb.store_remove != nullptr);
  const Json* path_json = json_member(c, "store_path");
  const Json* key_json = json_member(c, "store_key_hex");
  const Json* plaintext_json = json_member(c, "store_plaintext");
  if (store_callbacks != 0 && store_callbacks != 3) {
    return make_error(ErrorCode::invalid_argument, "callbacks: give store_read, store_write and store_remove together");
  }
  if (store_callbacks == 3) {
    if (path_json != nullptr || key_json != nullptr || plaintext_json != nullptr || cb.store_key != nullptr) {
      return config_error("the storage callbacks replace \"store_path\", \"store_key_hex\", \"store_plaintext\" and store_key");
    }
    return std::unique_ptr<TokenStore>(std::make_unique<CallbackStore>(cb));
  }
  if (path_json == nullptr) {
    if (key_json != nullptr || plaintext_json != nullptr || cb.store_key != nullptr) {
      return config_error("a store key or \"store_plaintext\" without \"store_path\"");
    }
    return std::unique_ptr<TokenStore>(std::make_unique<MemoryTokenStore>());
  }
  if (!path_json->is_string() || path_json->get<std::string>().empty()) return config_error("\"store_path\" must be a file name");
  const std::string path = path_json->get<std::string>();
  if (plaintext_json != nullptr && !plaintext_json->is_boolean()) return config_error("\"store_plaintext\" must be true or false");
  const bool plaintext = plaintext_json != nullptr && plaintext_json->get<bool>();
  const int keys = (key_json != nullptr) + (cb.store_key != nullptr);
  if (plaintext && keys > 0) return config_error("\"store_plaintext\": true and a store key contradict each other");
  if (!plaintext && keys == 0) {
    return config_error("\"store_path\" needs a key: \"store_key_hex\" (64 hex digits) or the store_key callback; "
                        "\"store_plaintext\": true keeps the tokens in clear (development only)");
  }
  if (keys > 1) return config_error("give either \"store_key_hex\" or the store_key callback, not both");
  SSOKIT_CHECK(check_folder(path));

  std::unique_ptr<TokenStore> store;
  if (plaintext) {
    store = std::make_unique<native::FileTokenStore>(path);
  } else {
    std::unique_ptr<native::KeyProvider> provider;
    if (key_json != nullptr) {
      if (!key_json->is_string()) return config_error("\"store_key_hex\" must be a string of 64 hex digits");
      SSOKIT_TRY(Bytes key, native::parse_store_key(key_json->get<std::string>(), "config: store_key_hex"));
      provider = std::make_unique<native::CallbackKeyProvider>([key]() -> Result<Bytes> { return key; });
    } else {
      provider = std::make_unique<native::CallbackKeyProvider>([cb]() -> Result<Bytes> {
        Bytes key(32, 0);
        ssokit_error reported;
        const ssokit_code rc = cb.store_key(cb.user, key.data(), &reported);
        if (rc != SSOKIT_OK) return callback_error(rc, reported, ErrorCode::storage_error, "the store_key callback");
        return key;
      });
    }
    store = std::make_unique<native::EncryptedFileStore>(path, std::move(provider));
  }
  // Read it once now: a file written with another key, or altered, fails here.
  SSOKIT_CHECK(store->get("ssokit.session"));
  return store;
}

}  // namespace ssokit::c
