// The C ABI 1.0 (bindings/c, ssokit/ssokit.h) where no provider is needed: version macros, the
// numeric codes against the core's list, the error object, the config checks of
// ssokit_client_new, the storage and key callbacks' wiring, and the QR outputs. The sign-ins
// through the C API run against the real oidc-provider in tests/idp/capi.test.mjs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>

#include "ssokit/error.hpp"
#include "ssokit/native/encrypted_file_store.hpp"
#include "ssokit/ssokit.h"

namespace {

// Codes are never renumbered: these numbers are the ABI.
static_assert(SSOKIT_OK == 0 && SSOKIT_E_INVALID_ARGUMENT == 1 && SSOKIT_E_NETWORK_ERROR == 11 &&
                  SSOKIT_E_LOGIN_REQUIRED == 30 && SSOKIT_E_CANCELLED == 38 && SSOKIT_E_RATE_LIMITED == 42 &&
                  SSOKIT_E_UNSUPPORTED == 43,
              "C codes are fixed");

struct Err {
  ssokit_error* e = ssokit_error_new();
  ~Err() { ssokit_error_free(e); }
  std::string name() const { return ssokit_error_name(e); }
  std::string message() const { return ssokit_error_message(e); }
};

std::filesystem::path temp_dir() {
  char tmpl[] = "/tmp/ssokit-capi-XXXXXX";
  return std::filesystem::path(mkdtemp(tmpl));
}

constexpr const char* kIssuer = R"("issuer":"http://127.0.0.1:9","client_id":"tv")";

// An encrypted store file holding a session entry, written with `byte` * 32 as the key.
void write_store(const std::string& path, unsigned char byte) {
  ssokit::Bytes key(32, byte);
  ssokit::native::EncryptedFileStore store(
      path, std::make_unique<ssokit::native::CallbackKeyProvider>([key]() -> ssokit::Result<ssokit::Bytes> { return key; }));
  ASSERT_TRUE(store.put("ssokit.session", "{}").ok());
}

ssokit_code make(const std::string& config, Err& err, const ssokit_callbacks* cb = nullptr) {
  ssokit_client* client = nullptr;
  const ssokit_code rc = ssokit_client_new(config.c_str(), cb, &client, err.e);
  EXPECT_EQ(rc == SSOKIT_OK, client != nullptr);
  ssokit_client_free(client);
  return rc;
}

TEST(CApi, VersionMacrosMatchTheLibrary) {
  EXPECT_EQ(ssokit_version_num(), static_cast<unsigned>(SSOKIT_VERSION_NUM));
  EXPECT_STREQ(ssokit_version(), SSOKIT_VERSION);
  char expected[32];
  std::snprintf(expected, sizeof expected, "%d.%d.%d", SSOKIT_VERSION_MAJOR, SSOKIT_VERSION_MINOR, SSOKIT_VERSION_PATCH);
  EXPECT_STREQ(ssokit_version(), expected);
}

TEST(CApi, EveryCoreCodeHasItsNumberNameAndDescription) {
  int count = 0;
  for (int i = 0;; ++i) {
    const char* name = ssokit::error_code_name(static_cast<ssokit::ErrorCode>(i));
    ssokit::ErrorCode back;
    if (!ssokit::error_code_from_name(name, &back) || static_cast<int>(back) != i) break;  // past the last code
    const auto c = static_cast<ssokit_code>(i + 1);
    EXPECT_STREQ(ssokit_code_name(c), name) << i;
    EXPECT_STRNE(ssokit_strerror(c), "unknown code") << name;
    ++count;
  }
  EXPECT_EQ(count, static_cast<int>(SSOKIT_E_UNSUPPORTED)) << "the C enum ends with the core's last code";
  EXPECT_STREQ(ssokit_code_name(SSOKIT_OK), "ok");
  EXPECT_STREQ(ssokit_code_name(static_cast<ssokit_code>(SSOKIT_E_UNSUPPORTED + 1)), "unknown");
  EXPECT_STREQ(ssokit_strerror(static_cast<ssokit_code>(-1)), "unknown code");
}

TEST(CApi, ErrorObjectIsFilledOnFailureAndClearedOnSuccess) {
  Err err;
  char* out = nullptr;
  EXPECT_EQ(ssokit_json_get("{\"a\":1", "/a", &out, err.e), SSOKIT_E_INVALID_ARGUMENT);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(ssokit_error_code(err.e), SSOKIT_E_INVALID_ARGUMENT);
  EXPECT_EQ(err.name(), "invalid_argument");
  EXPECT_FALSE(err.message().empty());
  EXPECT_EQ(ssokit_json_get("{\"a\":{\"b\":\"x\"}}", "/a/b", &out, err.e), SSOKIT_OK);
  EXPECT_STREQ(out, "x");
  ssokit_free(out);
  EXPECT_EQ(ssokit_error_code(err.e), SSOKIT_OK);
  EXPECT_EQ(err.name(), "");
  EXPECT_STREQ(ssokit_error_details(err.e), "{}");
  // NULL is allowed for err.
  EXPECT_EQ(ssokit_json_get("[", "", &out, nullptr), SSOKIT_E_INVALID_ARGUMENT);
}

TEST(CApi, ClientNewRefusesUnknownKeysTyposAndMissingFields) {
  for (const std::string& config :
       {std::string("{}"), std::string(R"({"issuer":"http://127.0.0.1:9"})"),
        std::string(R"({"issuer":"http://127.0.0.1:9","client-id":"tv"})"),
        std::string("{") + kIssuer + R"(,"store_pth":"/tmp/x"})", std::string("{") + kIssuer + R"(,"scope":7})",
        std::string(R"({"issuer":"http://id.example.com","client_id":"tv"})"),
        std::string("{") + kIssuer + R"(,"refresh_leeway":"soon"})",
        std::string("{") + kIssuer + R"(,"transport":{"timeout":5}})",
        std::string("{") + kIssuer + R"(,"transport":{"ca_bundle":"/nonexistent/ca.pem"}})"}) {
    Err err;
    EXPECT_EQ(make(config, err), SSOKIT_E_INVALID_ARGUMENT) << config;
    EXPECT_EQ(err.name(), "invalid_argument") << config;
  }
  Err err;
  EXPECT_EQ(make(std::string("{") + kIssuer + R"(,"transport":{"timeout_ms":2000,"user_agent":"tv/1","proxy":""}})", err), SSOKIT_OK)
      << err.message();
}

TEST(CApi, AFileStoreNeedsAKeyOrAnExplicitPlaintextChoice) {
  const auto dir = temp_dir();
  const std::string path = (dir / "session").string();
  Err err;
  EXPECT_EQ(make(std::string("{") + kIssuer + R"(,"store_path":")" + path + "\"}", err), SSOKIT_E_INVALID_ARGUMENT);
  EXPECT_NE(err.message().find("store_plaintext"), std::string::npos) << err.message();
  EXPECT_EQ(err.message().find("SSOKIT_"), std::string::npos) << "names no environment variable: " << err.message();
  EXPECT_EQ(make(std::string("{") + kIssuer + R"(,"store_path":")" + path + R"(","store_plaintext":true})", err), SSOKIT_OK);
  EXPECT_EQ(make(std::string("{") + kIssuer + R"(,"store_path":")" + path + R"(","store_plaintext":true,"store_key_hex":")" +
                     std::string(64, 'a') + "\"}",
                 err),
            SSOKIT_E_INVALID_ARGUMENT);
  std::filesystem::remove_all(dir);
}

TEST(CApi, TheStoreFolderAndKeyAreCheckedUpFront) {
  const auto dir = temp_dir();
  Err err;
  const std::string key = std::string(R"(,"store_key_hex":")") + std::string(64, '1') + "\"";
  EXPECT_EQ(make(std::string("{") + kIssuer + R"(,"store_path":")" + (dir / "no/such/folder/session").string() + "\"" + key + "}", err),
            SSOKIT_E_STORAGE_ERROR);
  // A file written with one key does not open with another: refused when the client is made.
  const std::string path = (dir / "session").string();
  write_store(path, 0x11);
  EXPECT_EQ(make(std::string("{") + kIssuer + R"(,"store_path":")" + path + "\"" + key + "}", err), SSOKIT_OK) << err.message();
  const std::string other = std::string(R"(,"store_key_hex":")") + std::string(64, '2') + "\"";
  EXPECT_EQ(make(std::string("{") + kIssuer + R"(,"store_path":")" + path + "\"" + other + "}", err), SSOKIT_E_STORAGE_TAMPERED)
      << err.message();
  std::filesystem::remove_all(dir);
}

// Storage callbacks over a map, and a key callback: the library reaches them, and their failures
// come back with their code.
struct Box {
  std::map<std::string, std::string> values;
  int reads = 0, writes = 0, removes = 0, keys = 0;
  bool fail_reads = false;
};

ssokit_code box_read(void* user, const char* key, char** value_out, ssokit_error* err) {
  auto* box = static_cast<Box*>(user);
  ++box->reads;
  if (box->fail_reads) {
    ssokit_error_set(err, SSOKIT_E_STORAGE_ERROR, "the keystore is locked");
    return SSOKIT_E_STORAGE_ERROR;
  }
  auto it = box->values.find(key);
  *value_out = it == box->values.end() ? nullptr : strdup(it->second.c_str());
  return SSOKIT_OK;
}
ssokit_code box_write(void* user, const char* key, const char* value, ssokit_error*) {
  auto* box = static_cast<Box*>(user);
  ++box->writes;
  box->values[key] = value;
  return SSOKIT_OK;
}
ssokit_code box_remove(void* user, const char* key, ssokit_error*) {
  auto* box = static_cast<Box*>(user);
  ++box->removes;
  box->values.erase(key);
  return SSOKIT_OK;
}
ssokit_code box_key(void* user, unsigned char key_out[32], ssokit_error*) {
  ++static_cast<Box*>(user)->keys;
  std::memset(key_out, 0x5a, 32);
  return SSOKIT_OK;
}

TEST(CApi, StorageCallbacksAreUsedAndTheirErrorsKept) {
  Box box;
  ssokit_callbacks cb = SSOKIT_CALLBACKS_INIT;
  cb.user = &box;
  cb.store_read = box_read;
  cb.store_write = box_write;
  cb.store_remove = box_remove;
  Err err;
  ssokit_client* client = nullptr;
  // No provider here: the wiring through session (read) and sign-out (remove); the sign-in writes
  // through them in tests/idp/capi.test.mjs.
  ASSERT_EQ(ssokit_client_new((std::string("{") + kIssuer + "}").c_str(), &cb, &client, err.e), SSOKIT_OK) << err.message();
  char* session = nullptr;
  EXPECT_EQ(ssokit_session(client, &session, err.e), SSOKIT_OK);
  EXPECT_EQ(session, nullptr);
  EXPECT_GE(box.reads, 1);
  box.fail_reads = true;
  EXPECT_EQ(ssokit_session(client, &session, err.e), SSOKIT_E_STORAGE_ERROR);
  EXPECT_EQ(err.message(), "the keystore is locked");
  box.fail_reads = false;
  EXPECT_EQ(ssokit_sign_out(client, nullptr, nullptr, err.e), SSOKIT_OK);
  EXPECT_GE(box.removes, 1);
  ssokit_client_free(client);

  // Only all three, and not with store_path.
  cb.store_remove = nullptr;
  EXPECT_EQ(make(std::string("{") + kIssuer + "}", err, &cb), SSOKIT_E_INVALID_ARGUMENT);
  cb.store_remove = box_remove;
  EXPECT_EQ(make(std::string("{") + kIssuer + R"(,"store_path":"/tmp/x","store_plaintext":true})", err, &cb),
            SSOKIT_E_INVALID_ARGUMENT);
}

TEST(CApi, AKeyCallbackEncryptsTheFile) {
  const auto dir = temp_dir();
  const std::string path = (dir / "session").string();
  Box box;
  ssokit_callbacks cb = SSOKIT_CALLBACKS_INIT;
  cb.user = &box;
  cb.store_key = box_key;
  Err err;
  write_store(path, 0x5a);
  EXPECT_EQ(make(std::string("{") + kIssuer + R"(,"store_path":")" + path + "\"}", err, &cb), SSOKIT_OK) << err.message();
  EXPECT_GE(box.keys, 1) << "the key callback opened the file";
  // The same file with the key as hex: the callback's key was 0x5a * 32.
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "5a";
  EXPECT_EQ(make(std::string("{") + kIssuer + R"(,"store_path":")" + path + R"(","store_key_hex":")" + hex + "\"}", err), SSOKIT_OK)
      << err.message();
  std::string wrong;
  for (int i = 0; i < 32; ++i) wrong += "5b";
  EXPECT_EQ(make(std::string("{") + kIssuer + R"(,"store_path":")" + path + R"(","store_key_hex":")" + wrong + "\"}", err),
            SSOKIT_E_STORAGE_TAMPERED);
  std::filesystem::remove_all(dir);
}

// A transport callback's response headers reach the core: the organization API's 429 with
// Retry-After: 7 comes back as rate_limited with details.retry_after 7 (max_retries 0).
ssokit_code answer_429(void* user, const ssokit_http_request* request, ssokit_http_response* response, ssokit_error*) {
  *static_cast<std::string*>(user) = request->url;
  ssokit_response_set_status(response, 429);
  ssokit_response_add_header(response, "Content-Type", "application/json");
  ssokit_response_add_header(response, "Retry-After", "7");
  const char* body = R"({"message":"slow down"})";
  return ssokit_response_set_body(response, body, std::strlen(body));
}

TEST(CApi, TransportCallbackHeadersReachTheCore) {
  std::string url;
  ssokit_callbacks cb = SSOKIT_CALLBACKS_INIT;
  cb.user = &url;
  cb.send = answer_429;
  Err err;
  char* out = nullptr;
  const ssokit_code rc = ssokit_run("org.sso_test", "org.step",
                                    R"({"base":"https://api.example.com","organization_id":"org1","api_key":"k-123","max_retries":0})",
                                    &cb, &out, err.e);
  EXPECT_EQ(rc, SSOKIT_E_RATE_LIMITED) << err.name() << ": " << err.message();
  EXPECT_EQ(out, nullptr);
  EXPECT_NE(std::string(ssokit_error_details(err.e)).find("\"retry_after\":7"), std::string::npos) << ssokit_error_details(err.e);
  EXPECT_EQ(url.rfind("https://api.example.com/", 0), 0u) << url;
}

#ifdef SSOKIT_TEST_HAS_QRENCODE
TEST(CApi, QrAsMatrixPngSvgAndText) {
  Err err;
  const char* text = "https://id.example.com/device?user_code=WDJB-MJHT";
  unsigned char* modules = nullptr;
  int side = 0;
  ASSERT_EQ(ssokit_qr_matrix(text, &modules, &side, err.e), SSOKIT_OK) << err.message();
  ASSERT_GE(side, 21);
  EXPECT_EQ(modules[0], 1) << "the top-left finder pattern is dark";
  EXPECT_EQ(modules[static_cast<std::size_t>(1) * side + 1], 0) << "with a light ring inside";

  ssokit_qr_options options = SSOKIT_QR_OPTIONS_INIT;
  options.module_px = 3;
  options.quiet_zone = 2;
  char* png = nullptr;
  size_t length = 0;
  ASSERT_EQ(ssokit_qr(text, "png", &options, &png, &length, err.e), SSOKIT_OK) << err.message();
  const auto* p = reinterpret_cast<const unsigned char*>(png);
  ASSERT_GT(length, 33u);
  EXPECT_EQ(std::memcmp(p, "\x89PNG\r\n\x1a\n", 8), 0);
  EXPECT_EQ(std::memcmp(p + 12, "IHDR", 4), 0);
  const unsigned width = (p[16] << 24) | (p[17] << 16) | (p[18] << 8) | p[19];
  EXPECT_EQ(width, static_cast<unsigned>((side + 4) * 3)) << "(side + 2 * quiet zone) * module_px";
  EXPECT_EQ(std::memcmp(p + length - 8, "IEND", 4), 0);
  // The IDAT's zlib stream (stored blocks) holds one filter byte per row and a gray byte per pixel:
  // each pixel is the module it lies in (quiet zone light), and the Adler-32 matches.
  const std::size_t idat_length = (p[33] << 24) | (p[34] << 16) | (p[35] << 8) | p[36];
  ASSERT_EQ(std::memcmp(p + 37, "IDAT", 4), 0);
  const unsigned char* z = p + 41;
  ASSERT_EQ(z[0], 0x78);
  std::string raw;
  std::size_t at = 2;
  for (bool last = false; !last && at + 5 <= idat_length;) {
    last = (z[at] & 1) != 0;
    const std::size_t n = z[at + 1] | (z[at + 2] << 8);
    ASSERT_EQ(n ^ 0xffff, static_cast<std::size_t>(z[at + 3] | (z[at + 4] << 8))) << "NLEN is LEN's complement";
    raw.append(reinterpret_cast<const char*>(z + at + 5), n);
    at += 5 + n;
  }
  ASSERT_EQ(raw.size(), static_cast<std::size_t>(width) * (width + 1));
  std::uint32_t a = 1, b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  EXPECT_EQ((z[at] << 24 | z[at + 1] << 16 | z[at + 2] << 8 | z[at + 3]), static_cast<int>((b << 16) | a));
  for (unsigned y = 0; y < width; ++y) {
    ASSERT_EQ(raw[y * (width + 1)], '\0') << "filter none";
    for (unsigned x = 0; x < width; ++x) {
      const int mx = static_cast<int>(x / 3) - 2, my = static_cast<int>(y / 3) - 2;
      const bool dark = mx >= 0 && my >= 0 && mx < side && my < side && modules[my * side + mx] != 0;
      ASSERT_EQ(static_cast<unsigned char>(raw[y * (width + 1) + 1 + x]), dark ? 0 : 255) << x << "," << y;
    }
  }
  ssokit_free(png);

  char* svg = nullptr;
  ASSERT_EQ(ssokit_qr(text, "svg", nullptr, &svg, &length, err.e), SSOKIT_OK);
  EXPECT_EQ(std::string(svg).rfind("<svg", 0), 0u);
  EXPECT_EQ(length, std::strlen(svg));
  ssokit_free(svg);
  char* term = nullptr;
  ASSERT_EQ(ssokit_qr(text, "terminal", nullptr, &term, nullptr, err.e), SSOKIT_OK);
  EXPECT_NE(std::string(term).find("\u2588"), std::string::npos);
  ssokit_free(term);
  ssokit_free(modules);

  EXPECT_EQ(ssokit_qr(text, "gif", nullptr, &term, nullptr, err.e), SSOKIT_E_INVALID_ARGUMENT);
  options.module_px = 65;
  EXPECT_EQ(ssokit_qr(text, "png", &options, &png, &length, err.e), SSOKIT_E_INVALID_ARGUMENT);
}
#else
TEST(CApi, QrWithoutLibqrencodeIsUnsupported) {
  Err err;
  unsigned char* modules = nullptr;
  int side = 0;
  EXPECT_EQ(ssokit_qr_matrix("https://id.example.com/device", &modules, &side, err.e), SSOKIT_E_UNSUPPORTED);
  EXPECT_EQ(err.name(), "unsupported");
}
#endif

}  // namespace
