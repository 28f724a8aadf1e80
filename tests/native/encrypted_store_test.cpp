// EncryptedFileStore on a real file system: round trips, tamper and truncation detection at every
// byte, no plaintext on disk, permissions, key providers, and real processes (the store_writer
// helper) sharing the store and being SIGKILLed in the middle of writes.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "ssokit/aead.hpp"
#include "store/encrypted_file_store.hpp"
#include "store/file_store.hpp"

namespace ssokit::native {
namespace {

const char kKeyHex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Bytes test_key() { return hex_decode(kKeyHex).value(); }

std::unique_ptr<KeyProvider> fixed_key(Bytes key = test_key()) {
  return std::make_unique<CallbackKeyProvider>([key]() -> Result<Bytes> { return key; });
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ssokit-store-XXXXXX").string();
    char* made = ::mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  const std::string text = s.str();
  return Bytes(text.begin(), text.end());
}

void write_bytes(const std::string& path, const Bytes& data, mode_t mode = 0600) {
  std::remove(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ::fchmod(fd, mode);
  ::close(fd);
}

bool contains(const Bytes& haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

// A realistic stored session (the shape SsoClient stores), with a marker to tell A from B.
std::string session_text(char which) {
  std::string filler(1500, which);
  return std::string("{\"tokens\":{\"access_token\":\"at-") + which + "-" + filler +
         "\",\"refresh_token\":\"rt-" + which + "\",\"expires_at\":1700000000},\"claims\":{\"sub\":\"user-" + which +
         "\"},\"profile\":{\"name\":\"User " + which + "\"},\"return_to\":\"/\",\"updated_at\":17}";
}

TEST(EncryptedFileStore, RoundTrip) {
  TempDir dir;
  EncryptedFileStore store(dir.file("tokens"), fixed_key());
  auto missing = store.get("nothing");
  ASSERT_TRUE(missing.ok()) << missing.error().message;
  EXPECT_FALSE(missing->has_value());
  EXPECT_FALSE(std::filesystem::exists(dir.file("tokens")));  // a read never creates files
  EXPECT_FALSE(std::filesystem::exists(dir.file("tokens.lock")));

  ASSERT_TRUE(store.put("a", "alpha").ok());
  ASSERT_TRUE(store.put("b", "beta").ok());
  ASSERT_TRUE(store.put("a", "alpha2").ok());
  ASSERT_TRUE(store.put("empty", "").ok());
  ASSERT_TRUE(store.put("unicode", "caf\xc3\xa9 \xe2\x9c\x93").ok());
  EXPECT_EQ(store.get("a").value(), std::optional<std::string>("alpha2"));
  EXPECT_EQ(store.get("b").value(), std::optional<std::string>("beta"));
  EXPECT_EQ(store.get("empty").value(), std::optional<std::string>(""));
  EXPECT_EQ(store.get("unicode").value(), std::optional<std::string>("caf\xc3\xa9 \xe2\x9c\x93"));
  ASSERT_TRUE(store.remove("a").ok());
  ASSERT_TRUE(store.remove("never-there").ok());
  EXPECT_FALSE(store.get("a").value().has_value());
  EXPECT_EQ(store.get("b").value(), std::optional<std::string>("beta"));
  EXPECT_FALSE(std::filesystem::exists(dir.file("tokens.tmp")));
}

TEST(EncryptedFileStore, RemoveOnMissingFileIsNoop) {
  TempDir dir;
  EncryptedFileStore store(dir.file("tokens"), fixed_key());
  ASSERT_TRUE(store.remove("x").ok());
  EXPECT_FALSE(std::filesystem::exists(dir.file("tokens")));
}

TEST(EncryptedFileStore, PersistsAcrossInstances) {
  TempDir dir;
  {
    EncryptedFileStore store(dir.file("tokens"), fixed_key());
    ASSERT_TRUE(store.put("ssokit.session", session_text('A')).ok());
  }
  EncryptedFileStore again(dir.file("tokens"), fixed_key());
  EXPECT_EQ(again.get("ssokit.session").value(), std::optional<std::string>(session_text('A')));
}

TEST(EncryptedFileStore, EveryWriteUsesAFreshNonce) {
  TempDir dir;
  EncryptedFileStore store(dir.file("tokens"), fixed_key());
  ASSERT_TRUE(store.put("k", "v").ok());
  const Bytes first = read_bytes(dir.file("tokens"));
  ASSERT_TRUE(store.put("k", "v").ok());
  const Bytes second = read_bytes(dir.file("tokens"));
  ASSERT_EQ(first.size(), second.size());
  // Version 2: magic, version, an 8-byte generation (0 until a removal), then the nonce.
  EXPECT_NE(Bytes(first.begin() + 17, first.begin() + 29), Bytes(second.begin() + 17, second.begin() + 29));
  EXPECT_EQ(std::string(first.begin(), first.begin() + 17), std::string("SSOKITS1\x02\0\0\0\0\0\0\0\0", 17));
}

TEST(EncryptedFileStore, WrongKeyIsTamperedAndNothingIsOverwritten) {
  TempDir dir;
  EncryptedFileStore store(dir.file("tokens"), fixed_key());
  ASSERT_TRUE(store.put("k", "secret-value").ok());
  const Bytes before = read_bytes(dir.file("tokens"));
  Bytes other = test_key();
  other[0] ^= 1;
  EncryptedFileStore wrong(dir.file("tokens"), fixed_key(other));
  auto got = wrong.get("k");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::storage_tampered);
  EXPECT_EQ(got.error().message.find("secret-value"), std::string::npos);
  auto put = wrong.put("k", "other");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, ErrorCode::storage_tampered);
  EXPECT_EQ(wrong.remove("k").error().code, ErrorCode::storage_tampered);
  EXPECT_EQ(read_bytes(dir.file("tokens")), before);
  EXPECT_EQ(store.get("k").value(), std::optional<std::string>("secret-value"));
}

TEST(EncryptedFileStore, EveryModifiedByteIsDetected) {
  TempDir dir;
  const std::string path = dir.file("tokens");
  EncryptedFileStore store(path, fixed_key());
  ASSERT_TRUE(store.put("k", "v").ok());
  const Bytes good = read_bytes(path);
  ASSERT_GT(good.size(), 37u);
  for (std::uint8_t flip : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xFF}}) {
    for (std::size_t i = 0; i < good.size(); ++i) {
      Bytes bad = good;
      bad[i] ^= flip;
      write_bytes(path, bad);
      auto got = store.get("k");
      ASSERT_FALSE(got.ok()) << "byte " << i << " flip " << int(flip);
      // The 9 header bytes (magic, version) say "not this format"; the rest fail authentication.
      EXPECT_EQ(got.error().code, i < 9 ? ErrorCode::storage_error : ErrorCode::storage_tampered)
          << "byte " << i << " flip " << int(flip);
      auto put = store.put("k", "new");
      ASSERT_FALSE(put.ok()) << "byte " << i;
      EXPECT_EQ(read_bytes(path), bad) << "a failed put must leave the file as it was";
    }
  }
  // Extra bytes are modifications too.
  Bytes longer = good;
  longer.push_back(0);
  write_bytes(path, longer);
  EXPECT_EQ(store.get("k").error().code, ErrorCode::storage_tampered);
}

TEST(EncryptedFileStore, EveryTruncationIsDetected) {
  TempDir dir;
  const std::string path = dir.file("tokens");
  EncryptedFileStore store(path, fixed_key());
  ASSERT_TRUE(store.put("ssokit.session", "{\"tokens\":{}}").ok());
  const Bytes good = read_bytes(path);
  for (std::size_t n = 0; n < good.size(); ++n) {
    write_bytes(path, Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)));
    auto got = store.get("ssokit.session");
    ASSERT_FALSE(got.ok()) << "length " << n;
    EXPECT_EQ(got.error().code, ErrorCode::storage_tampered) << "length " << n;
  }
}

TEST(EncryptedFileStore, ForeignFilesAreStorageErrors) {
  TempDir dir;
  const std::string path = dir.file("tokens");
  EncryptedFileStore store(path, fixed_key());
  const std::string plaintext_store = "{\"ssokit.session\":\"{}\"}";
  write_bytes(path, Bytes(plaintext_store.begin(), plaintext_store.end()));
  auto got = store.get("ssokit.session");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::storage_error);
  EXPECT_NE(got.error().message.find("not an encrypted ssokit store"), std::string::npos);

  Bytes future = {'S', 'S', 'O', 'K', 'I', 'T', 'S', '1', 3};
  future.resize(64, 0);
  write_bytes(path, future);
  got = store.get("x");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::storage_error);
  EXPECT_NE(got.error().message.find("version 3"), std::string::npos);

  // A directory where the file should be, and a directory that does not exist.
  std::filesystem::create_directory(dir.file("adir"));
  EncryptedFileStore on_dir(dir.file("adir"), fixed_key());
  EXPECT_EQ(on_dir.get("x").error().code, ErrorCode::storage_error);
  EXPECT_EQ(on_dir.put("x", "y").error().code, ErrorCode::storage_error);
  EncryptedFileStore nowhere(dir.file("missing/dir/tokens"), fixed_key());
  EXPECT_FALSE(nowhere.get("x").value().has_value());
  EXPECT_EQ(nowhere.put("x", "y").error().code, ErrorCode::storage_error);
}

TEST(EncryptedFileStore, NoTokenBytesOnDisk) {
  TempDir dir;
  const std::string path = dir.file("tokens");
  EncryptedFileStore store(path, fixed_key());
  const std::vector<std::string> markers = {"MARKER-ACCESS-7c1e9a44d2", "MARKER-REFRESH-b83f0e51aa",
                                            "eyJhbGciOiJSUzI1NiJ9.MARKER-IDTOKEN-5d2c"};
  ASSERT_TRUE(store.put("ssokit.session", "{\"access_token\":\"" + markers[0] + "\",\"refresh_token\":\"" +
                                              markers[1] + "\",\"id_token\":\"" + markers[2] + "\"}")
                  .ok());
  ASSERT_TRUE(store.put("ssokit.transaction.MARKER-KEYNAME", markers[0]).ok());
  const Bytes file = read_bytes(path);
  const Bytes key = test_key();
  for (const auto& m : markers) {
    for (const std::string& form : {m, m.substr(7, 12), base64url_encode(m), base64_encode(m),
                                    hex_encode(reinterpret_cast<const std::uint8_t*>(m.data()), m.size())}) {
      EXPECT_FALSE(contains(file, form)) << "found on disk: " << form;
    }
  }
  EXPECT_FALSE(contains(file, "MARKER-KEYNAME"));
  EXPECT_FALSE(contains(file, "ssokit.session"));
  EXPECT_FALSE(contains(file, std::string(key.begin(), key.end())));
  EXPECT_FALSE(contains(file, kKeyHex));
}

TEST(EncryptedFileStore, FilesAreOwnerOnlyWhateverTheUmask) {
  TempDir dir;
  const std::string path = dir.file("tokens");
  const mode_t old = ::umask(0);
  EncryptedFileStore store(path, fixed_key());
  auto status = store.put("k", "v");
  ::umask(old);
  ASSERT_TRUE(status.ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((path + ".lock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A replacement keeps the mode even if someone loosened it.
  ::chmod(path.c_str(), 0644);
  ASSERT_TRUE(store.put("k", "w").ok());
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(EncryptedFileStore, RefusesNonUtf8) {
  TempDir dir;
  EncryptedFileStore store(dir.file("tokens"), fixed_key());
  EXPECT_EQ(store.put("k", std::string("\xff\xfe", 2)).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(store.put("k", "ab\xc3").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(store.put("k", "\xed\xa0\x80").error().code, ErrorCode::invalid_argument);  // surrogate
  EXPECT_EQ(store.put("k", "\xc0\xaf").error().code, ErrorCode::invalid_argument);      // overlong
  EXPECT_TRUE(store.put("k", "\xf0\x9f\x8e\xac").ok());
}

TEST(KeyProviders, KeyFileForms) {
  TempDir dir;
  const Bytes key = test_key();
  const std::string raw = dir.file("raw.key"), hex = dir.file("hex.key"), b64 = dir.file("b64.key");
  write_bytes(raw, key);
  const std::string hex_text = std::string(kKeyHex) + "\n";
  write_bytes(hex, Bytes(hex_text.begin(), hex_text.end()));
  const std::string b64_text = base64url_encode(key);
  write_bytes(b64, Bytes(b64_text.begin(), b64_text.end()));
  for (const auto& p : {raw, hex, b64}) {
    auto got = KeyFileProvider(p).key();
    ASSERT_TRUE(got.ok()) << p << ": " << got.error().message;
    EXPECT_EQ(got.value(), key);
  }
  // The same store opens with any form of the same key.
  EncryptedFileStore a(dir.file("tokens"), std::make_unique<KeyFileProvider>(raw));
  ASSERT_TRUE(a.put("k", "v").ok());
  EncryptedFileStore b(dir.file("tokens"), std::make_unique<KeyFileProvider>(hex));
  EXPECT_EQ(b.get("k").value(), std::optional<std::string>("v"));
}

TEST(KeyProviders, KeyFileReadableByOthersIsRefused) {
  TempDir dir;
  const std::string path = dir.file("store.key");
  for (mode_t mode : {mode_t{0644}, mode_t{0640}, mode_t{0604}, mode_t{0620}}) {
    write_bytes(path, test_key(), mode);
    auto got = KeyFileProvider(path).key();
    ASSERT_FALSE(got.ok()) << std::oct << mode;
    EXPECT_EQ(got.error().code, ErrorCode::storage_error);
    EXPECT_NE(got.error().message.find("chmod 600"), std::string::npos) << got.error().message;
  }
  EncryptedFileStore store(dir.file("tokens"), std::make_unique<KeyFileProvider>(path));
  EXPECT_EQ(store.put("k", "v").error().code, ErrorCode::storage_error);
  EXPECT_FALSE(std::filesystem::exists(dir.file("tokens")));
  EXPECT_EQ(KeyFileProvider(dir.file("absent.key")).key().error().code, ErrorCode::storage_error);
  const std::string junk = "not a key at all";
  write_bytes(path, Bytes(junk.begin(), junk.end()));
  auto bad = KeyFileProvider(path).key();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(bad.error().message.find(junk), std::string::npos);
}

TEST(KeyProviders, Environment) {
  const Bytes key = test_key();
  ::setenv("SSOKIT_TEST_STORE_KEY", kKeyHex, 1);
  EXPECT_EQ(EnvKeyProvider("SSOKIT_TEST_STORE_KEY").key().value(), key);
  ::setenv("SSOKIT_TEST_STORE_KEY", base64url_encode(key).c_str(), 1);
  EXPECT_EQ(EnvKeyProvider("SSOKIT_TEST_STORE_KEY").key().value(), key);
  const char* bad_values[] = {"abcdef", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g", ""};
  for (const char* bad : bad_values) {
    ::setenv("SSOKIT_TEST_STORE_KEY", bad, 1);
    auto got = EnvKeyProvider("SSOKIT_TEST_STORE_KEY").key();
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.error().code, ErrorCode::invalid_argument);
    if (*bad) {
      EXPECT_EQ(got.error().message.find(bad), std::string::npos);
    }
  }
  ::unsetenv("SSOKIT_TEST_STORE_KEY");
  EXPECT_EQ(EnvKeyProvider("SSOKIT_TEST_STORE_KEY").key().error().code, ErrorCode::invalid_argument);
}

TEST(KeyProviders, CallbackErrorsAndWrongSizes) {
  TempDir dir;
  EncryptedFileStore short_key(dir.file("tokens"), fixed_key(Bytes(16, 1)));
  EXPECT_EQ(short_key.put("k", "v").error().code, ErrorCode::invalid_argument);
  EncryptedFileStore failing(dir.file("tokens"), std::make_unique<CallbackKeyProvider>([]() -> Result<Bytes> {
                               return make_error(ErrorCode::storage_error, "keystore locked");
                             }));
  auto got = failing.get("k");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message, "keystore locked");
  EncryptedFileStore none(dir.file("tokens"), nullptr);
  EXPECT_EQ(none.get("k").error().code, ErrorCode::invalid_argument);
}

// A store used before fork() must not hand the child the parent's generator state: the two would
// then seal with the same nonces.
TEST(EncryptedFileStore, ForkedWritersDrawDifferentNonces) {
  TempDir dir;
  EncryptedFileStore store(dir.file("parent"), fixed_key());
  ASSERT_TRUE(store.put("k", "v").ok());  // seeds the generator before the fork
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child's first nonce after the fork, kept in a copy of the file.
    bool ok = store.put("k", "v").ok();
    std::error_code ec;
    std::filesystem::copy_file(dir.file("parent"), dir.file("child"), ec);
    ::_exit(ok && !ec ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const Bytes from_child = read_bytes(dir.file("child"));
  ASSERT_TRUE(store.put("k", "v").ok());  // the parent's next nonce
  const Bytes from_parent = read_bytes(dir.file("parent"));
  ASSERT_EQ(from_child.size(), from_parent.size());
  EXPECT_NE(Bytes(from_child.begin() + 17, from_child.begin() + 29),
            Bytes(from_parent.begin() + 17, from_parent.begin() + 29));
}

// Starts the store_writer helper with its stdout on a pipe; returns the pid and the read end.
pid_t spawn_writer(const std::vector<std::string>& args, int* read_fd) {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  std::vector<char*> argv;
  // Cross builds run under qemu-user, which cannot exec a foreign binary by itself: start the
  // writer through the same emulator ("qemu-arm|-L|/usr/arm-linux-gnueabihf").
  std::vector<std::string> emulator;
  std::string spec = SSOKIT_STORE_WRITER_EMULATOR;
  for (std::size_t at = 0; !spec.empty() && at != std::string::npos;) {
    std::size_t bar = spec.find('|', at);
    emulator.push_back(spec.substr(at, bar == std::string::npos ? std::string::npos : bar - at));
    at = bar == std::string::npos ? bar : bar + 1;
  }
  for (auto& e : emulator) argv.push_back(e.data());
  std::string program = SSOKIT_STORE_WRITER;
  argv.push_back(program.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  if (read_fd) {
    *read_fd = fds[0];
  } else {
    ::close(fds[0]);
  }
  return pid;
}

// Bytes the child wrote to the pipe so far, waiting up to `timeout_ms` for the first one.
std::string read_available(int fd, int timeout_ms) {
  std::string out;
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, out.empty() ? timeout_ms : 0) > 0) {
    char buffer[256];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

class StoreProcesses : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("SSOKIT_STORE_KEY", kKeyHex, 1); }
  void TearDown() override { ::unsetenv("SSOKIT_STORE_KEY"); }
};

TEST_F(StoreProcesses, ConcurrentWritersLoseNoUpdate) {
  TempDir dir;
  const std::string path = dir.file("tokens");
  const int n = 50;
  pid_t a = spawn_writer({"count", path, "first", std::to_string(n)}, nullptr);
  pid_t b = spawn_writer({"count", path, "second", std::to_string(n)}, nullptr);
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  for (pid_t pid : {a, b}) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "writer died";
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  EncryptedFileStore store(path, std::make_unique<EnvKeyProvider>());
  for (const char* prefix : {"first", "second"}) {
    for (int i = 0; i < n; ++i) {
      auto got = store.get(std::string(prefix) + "." + std::to_string(i));
      ASSERT_TRUE(got.ok()) << got.error().message;
      EXPECT_EQ(got.value(), std::optional<std::string>("value-" + std::to_string(i))) << prefix << "." << i;
    }
  }
}

// SIGKILL at random moments while a writer alternates two sessions: the store must always open
// and hold one of the two complete sessions.
TEST_F(StoreProcesses, KilledWriterLeavesOldOrNewSession) {
  TempDir dir;
  const std::string path = dir.file("tokens");
  const std::string a = session_text('A'), b = session_text('B');
  {
    EncryptedFileStore store(path, std::make_unique<EnvKeyProvider>());
    ASSERT_TRUE(store.put("session", a).ok());
  }
  std::mt19937 rng(20240605);  // fixed: a failure replays with the same delays
  // Under an emulator (cross builds) a write takes about ten times longer: kill later too.
  const bool emulated = std::string(SSOKIT_STORE_WRITER_EMULATOR).size() > 0;
  std::uniform_int_distribution<int> delay_us(0, emulated ? 50000 : 5000);
  int writes = 0, interrupted = 0, seen_a = 0, seen_b = 0;
  const auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < 200; ++round) {
    int out = -1;
    pid_t pid = spawn_writer({"alternate", path, a, b}, &out);
    ASSERT_GT(pid, 0);
    std::string progress = read_available(out, 10000);
    ASSERT_FALSE(progress.empty()) << "writer did not start";
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    progress += read_available(out, 0);
    ::close(out);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited by itself (status " << status << ") in round " << round;
    writes += static_cast<int>(std::count(progress.begin(), progress.end(), 'w'));
    if (std::filesystem::exists(path + ".tmp")) ++interrupted;

    EncryptedFileStore reader(path, std::make_unique<EnvKeyProvider>());
    auto got = reader.get("session");
    ASSERT_TRUE(got.ok()) << "round " << round << ": " << got.error().code_name() << ": " << got.error().message;
    ASSERT_TRUE(got->has_value()) << "round " << round;
    const std::string& value = **got;
    ASSERT_TRUE(value == a || value == b) << "round " << round << ": a mix of sessions (" << value.size() << " bytes)";
    (value == a ? seen_a : seen_b)++;
  }
  // The next writer copes with whatever the killed one left behind.
  EncryptedFileStore store(path, std::make_unique<EnvKeyProvider>());
  ASSERT_TRUE(store.put("session", a).ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("crash test: 200 kills in %.1f s, %d completed writes, %d kills left a partial temp file, "
              "store held A %d times and B %d times\n",
              seconds, writes, interrupted, seen_a, seen_b);
  EXPECT_GT(writes, 0);
}


// ---- Issue 16: rollback, relocation, the version-1 migration, bounded lock waits ----

// After a sign-out (a removal), the file as it was before is refused: restoring it must not bring
// the session back.
TEST(EncryptedFileStore, RestoringTheFileFromBeforeASignOutIsTampered) {
  TempDir dir;
  const std::string path = dir.file("tokens");
  EncryptedFileStore store(path, fixed_key());
  ASSERT_TRUE(store.put("ssokit.session", session_text('A')).ok());
  const Bytes signed_in = read_bytes(path);
  ASSERT_TRUE(store.remove("ssokit.session").ok());  // what revoke and sign-out do
  write_bytes(path, signed_in);
  auto got = store.get("ssokit.session");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::storage_tampered);
  EXPECT_NE(got.error().message.find("restored from a copy"), std::string::npos) << got.error().message;
  EXPECT_EQ(store.put("ssokit.session", session_text('B')).error().code, ErrorCode::storage_tampered);
  EXPECT_EQ(read_bytes(path), signed_in) << "a refused store is never overwritten";
  // Deleting the record as well does not help.
  std::filesystem::remove(path + ".gen");
  EXPECT_EQ(store.get("ssokit.session").error().code, ErrorCode::storage_tampered);
  // A removal of the file is the way back to an empty store.
  std::filesystem::remove(path);
  ASSERT_TRUE(store.put("ssokit.session", session_text('C')).ok());
  EXPECT_EQ(store.get("ssokit.session").value(), std::optional<std::string>(session_text('C')));
}

// Each removal advances the generation, so only the newest file opens.
TEST(EncryptedFileStore, EveryRemovalAdvancesTheGeneration) {
  TempDir dir;
  const std::string path = dir.file("tokens");
  EncryptedFileStore store(path, fixed_key());
  std::vector<Bytes> files;
  for (char c : {'A', 'B', 'C'}) {
    ASSERT_TRUE(store.put("ssokit.session", session_text(c)).ok());
    ASSERT_TRUE(store.put("ssokit.tx.1", "pending").ok());
    ASSERT_TRUE(store.remove("ssokit.tx.1").ok());  // a spent pending sign-in
    files.push_back(read_bytes(path));
  }
  ASSERT_TRUE(store.remove("ssokit.tx.1").ok());  // nothing removed: no new generation
  EXPECT_EQ(read_bytes(path), files.back());
  std::ifstream record(path + ".gen");
  std::string generation;
  record >> generation;
  EXPECT_EQ(generation, "3");
  for (std::size_t i = 0; i + 1 < files.size(); ++i) {
    write_bytes(path, files[i]);
    EXPECT_EQ(store.get("ssokit.session").error().code, ErrorCode::storage_tampered) << "file " << i;
  }
  write_bytes(path, files.back());
  EXPECT_EQ(store.get("ssokit.session").value(), std::optional<std::string>(session_text('C')));
}

// A copy under another path (or a link to it in another directory) with the same key does not open.
TEST(EncryptedFileStore, ACopyUnderAnotherPathDoesNotOpen) {
  TempDir dir;
  const std::string path = dir.file("tokens");
  EncryptedFileStore store(path, fixed_key());
  ASSERT_TRUE(store.put("ssokit.session", session_text('A')).ok());
  std::filesystem::create_directory(dir.file("elsewhere"));
  for (const std::string& copy : {dir.file("tokens-copy"), dir.file("elsewhere/tokens")}) {
    std::filesystem::copy_file(path, copy);
    EncryptedFileStore moved(copy, fixed_key());
    auto got = moved.get("ssokit.session");
    ASSERT_FALSE(got.ok()) << copy;
    EXPECT_EQ(got.error().code, ErrorCode::storage_tampered) << copy;
    EXPECT_NE(got.error().message.find("another path"), std::string::npos) << got.error().message;
  }
  // The same file through a symlinked directory and a relative path is the same store.
  std::filesystem::create_directory_symlink(dir.path(), dir.file("alias"));
  EncryptedFileStore through_link(dir.file("alias/tokens"), fixed_key());
  EXPECT_EQ(through_link.get("ssokit.session").value(), std::optional<std::string>(session_text('A')));
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  EncryptedFileStore relative("tokens", fixed_key());
  auto got = relative.get("ssokit.session");
  std::filesystem::current_path(cwd);
  EXPECT_EQ(got.value(), std::optional<std::string>(session_text('A')));
}

// Files of format version 1 (no generation, no path in the associated data) keep opening, and
// the next write rewrites them as version 2.
TEST(EncryptedFileStore, Version1FilesAreReadAndRewrittenAsVersion2) {
  TempDir dir;
  const std::string path = dir.file("tokens");
  const Bytes head = {'S', 'S', 'O', 'K', 'I', 'T', 'S', '1', 1};
  const Bytes nonce(kAesGcmNonceSize, 7);
  const std::string entries = "{\"ssokit.session\":\"old\"}";
  auto sealed = aes256gcm_seal(test_key(), nonce, reinterpret_cast<const std::uint8_t*>(entries.data()), entries.size(),
                               head.data(), head.size());
  ASSERT_TRUE(sealed.ok());
  Bytes v1 = head;
  v1.insert(v1.end(), nonce.begin(), nonce.end());
  v1.insert(v1.end(), sealed->begin(), sealed->end());
  write_bytes(path, v1);
  EncryptedFileStore store(path, fixed_key());
  EXPECT_EQ(store.get("ssokit.session").value(), std::optional<std::string>("old"));
  ASSERT_TRUE(store.put("other", "x").ok());
  const Bytes v2 = read_bytes(path);
  ASSERT_GT(v2.size(), 9u);
  EXPECT_EQ(v2[8], 2);
  EXPECT_EQ(store.get("ssokit.session").value(), std::optional<std::string>("old"));
  // After a sign-out the version-1 file is a rollback like any other.
  ASSERT_TRUE(store.remove("ssokit.session").ok());
  write_bytes(path, v1);
  EXPECT_EQ(store.get("ssokit.session").error().code, ErrorCode::storage_tampered);
}

// A lock that another process holds (and never releases) ends in storage_error after the wait,
// for writers, for readers when the holder writes, and for a refresh.
TEST(EncryptedFileStore, ALockHeldElsewhereIsStorageErrorAfterTheWait) {
  TempDir dir;
  const std::string path = dir.file("tokens");
  EncryptedStoreOptions options;
  options.lock_wait = std::chrono::milliseconds(50);
  EncryptedFileStore store(path, fixed_key(), std::move(options));
  ASSERT_TRUE(store.put("k", "v").ok());
  const Bytes before = read_bytes(path);
  for (const char* suffix : {".lock", ".refresh.lock"}) {
    // flock conflicts between open file descriptions, also within one process.
    const int holder = ::open((path + suffix).c_str(), O_RDWR | O_CREAT, 0600);
    ASSERT_GE(holder, 0);
    ASSERT_EQ(::flock(holder, LOCK_EX), 0);
    if (std::string(suffix) == ".lock") {
      auto put = store.put("k", "w");
      ASSERT_FALSE(put.ok());
      EXPECT_EQ(put.error().code, ErrorCode::storage_error);
      EXPECT_NE(put.error().message.find("locked by another process"), std::string::npos) << put.error().message;
      EXPECT_EQ(store.get("k").error().code, ErrorCode::storage_error);
      EXPECT_EQ(store.remove("k").error().code, ErrorCode::storage_error);
    } else {
      auto held = store.lock_for_refresh();
      ASSERT_FALSE(held.ok());
      EXPECT_EQ(held.error().code, ErrorCode::storage_error);
      EXPECT_TRUE(store.put("k", "v2").ok()) << "a refresh lock does not block the store itself";
    }
    ::close(holder);
  }
  EXPECT_NE(read_bytes(path), before);
  EXPECT_EQ(store.get("k").value(), std::optional<std::string>("v2"));
}


// ---- The plaintext FileTokenStore writes the same way (issue 16 items 3 and 4) ----

// Another user who can write the directory plants "<store>.tmp" (the name the plain store used to
// write through with O_CREAT|O_TRUNC) as a symlink to a file of theirs, or as their own file:
// neither ever receives the tokens.
TEST(FileTokenStore, PlantedTemporaryFilesAreNeverWrittenThrough) {
  TempDir dir;
  const std::string path = dir.file("session.json");
  write_bytes(dir.file("attacker-file"), {}, 0666);
  std::filesystem::create_symlink(dir.file("attacker-file"), path + ".tmp");
  FileTokenStore store(path);
  ASSERT_TRUE(store.put("ssokit.session", session_text('A')).ok());
  EXPECT_TRUE(read_bytes(dir.file("attacker-file")).empty()) << "the store wrote through a planted symlink";
  EXPECT_TRUE(std::filesystem::is_symlink(path + ".tmp"));
  std::filesystem::remove(path + ".tmp");
  write_bytes(path + ".tmp", {}, 0666);
  ASSERT_TRUE(store.put("ssokit.session", session_text('B')).ok());
  EXPECT_TRUE(read_bytes(path + ".tmp").empty()) << "the store wrote into a planted file";
  EXPECT_EQ(store.get("ssokit.session").value(), std::optional<std::string>(session_text('B')));
  struct stat st;
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(FileTokenStore, ALockHeldElsewhereIsStorageErrorAfterTheWait) {
  TempDir dir;
  const std::string path = dir.file("session.json");
  FileTokenStore store(path, std::chrono::milliseconds(50));
  ASSERT_TRUE(store.put("k", "v").ok());
  const int holder = ::open((path + ".lock").c_str(), O_RDWR);
  ASSERT_GE(holder, 0);
  ASSERT_EQ(::flock(holder, LOCK_SH), 0);  // a reader elsewhere: reads go on, writes wait
  EXPECT_EQ(store.get("k").value(), std::optional<std::string>("v"));
  auto put = store.put("k", "w");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, ErrorCode::storage_error);
  ::close(holder);
  EXPECT_EQ(store.get("k").value(), std::optional<std::string>("v"));
  EXPECT_TRUE(store.put("k", "w").ok());
}

// Several processes writing one plain store (the review's 8 parallel `ssokit refresh --store`
// gave write errors and once torn JSON): every update lands and the file stays whole.
TEST(FileTokenStore, ConcurrentWritingProcessesLoseNoUpdate) {
  TempDir dir;
  const std::string path = dir.file("session.json");
  const int n = 30;
  std::vector<pid_t> writers;
  for (const char* prefix : {"p0", "p1", "p2", "p3"}) {
    writers.push_back(spawn_writer({"plain-count", path, prefix, std::to_string(n)}, nullptr));
    ASSERT_GT(writers.back(), 0);
  }
  for (pid_t pid : writers) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "writer died";
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  FileTokenStore store(path);
  for (const char* prefix : {"p0", "p1", "p2", "p3"}) {
    for (int i = 0; i < n; ++i) {
      auto got = store.get(std::string(prefix) + "." + std::to_string(i));
      ASSERT_TRUE(got.ok()) << got.error().message;
      EXPECT_EQ(got.value(), std::optional<std::string>("value-" + std::to_string(i))) << prefix << "." << i;
    }
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << "left behind: " << entry.path();
  }
}

}  // namespace
}  // namespace ssokit::native
