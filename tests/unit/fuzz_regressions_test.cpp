// Inputs the libFuzzer targets (tests/fuzz) found, kept as regression tests: each one failed
// before its fix. Reproduce a new finding with build/fuzz/bin/fuzz_<target> <input file>.
#include <gtest/gtest.h>

#include <string>

#include "ssokit/json.hpp"
#include "ssokit/platforms/muvi.hpp"
#include "ssokit/redact.hpp"
#include "ssokit/url.hpp"

namespace ssokit {
namespace {

// fuzz_url: "file:" with a rootless path was written back as "file://ttp...", which parses with
// "ttp" as the host: the re-serialised URL no longer meant the same thing.
TEST(FuzzRegressions, FileUrlWithRootlessPathRoundTrips) {
  for (const char* text : {"file:ttp#code-abosts", "file:ttp", "file:a/b?q", "file:", "file:/x", "file:///etc/hosts"}) {
    SCOPED_TRACE(text);
    auto url = parse_url(text);
    ASSERT_TRUE(url.ok());
    auto again = parse_url(url->to_string());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->host, url->host);
    EXPECT_EQ(again->path, url->path);
    EXPECT_EQ(again->query, url->query);
    EXPECT_EQ(again->fragment, url->fragment);
    auto built = build_url(*url);
    ASSERT_TRUE(built.ok());
    EXPECT_EQ(*built, url->to_string());
  }
  EXPECT_EQ(parse_url("file:ttp#code-abosts")->to_string(), "file:ttp#code-abosts");
  EXPECT_EQ(parse_url("file:///etc/hosts")->to_string(), "file:///etc/hosts");
}


// What a log of the error shows: the message and the details as JSON.
std::string shown(const Error& e) { return e.message + " " + dump_json(e.details); }

// fuzz_muvi (tests/fuzz/corpus/muvi/muvi-secret-in-error): a msg with a form feed before
// "uzz-muvi-store-auth-token"; the details' JSON dump wrote it "\\fuzz-muvi-store-auth-token".
TEST(FuzzRegressions, MuviMessageWithControlsCannotSpellTheAuthToken) {
  MuviUserRequest request;
  request.store = "https://store.example.com";
  request.auth_token = "fuzz-muvi-store-auth-token";
  request.email = "viewer@example.com";
  auto first = muvi_ensure_user(request);
  ASSERT_TRUE(first.ok());
  HttpResponse r;
  r.status = 200;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = R"({"code": 320, "status": "OK", "msg": "Su~~~~=~~~~ess4e\\\fuzz-muvi-store-auth-token\\\f6\\\f3\\"})";
  auto step = muvi_step(first->state, r, 1700000000);
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(shown(step.error()).find(request.auth_token), std::string::npos) << shown(step.error());
}

// fuzz_redact (tests/fuzz/corpus/redact/redact-secret-survives): a secret "0=======" and a
// text with NUL bytes before "=" runs: the dump's "\\u0000" + "=======" spelled the secret.
TEST(FuzzRegressions, NulBytesCannotSpellASecretInTheDump) {
  const std::string secret = "0=======";
  const std::string text = std::string("====\x07") + std::string(7, '\0') + std::string(20, '=');
  Error e = make_error(ErrorCode::token_error, text + secret, {{"error_description", secret + text}, {"list", {text, secret}}});
  e = redact_secrets(std::move(e), {secret});
  EXPECT_EQ(shown(e).find(secret), std::string::npos) << shown(e);
}

}  // namespace
}  // namespace ssokit
