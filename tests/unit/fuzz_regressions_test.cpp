// Inputs the libFuzzer targets (tests/fuzz) found, kept as regression tests: each one failed
// before its fix. Reproduce a new finding with build/fuzz/bin/fuzz_<target> <input file>.
#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace ssokit
