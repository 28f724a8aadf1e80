// The error codes JavaScript declares (web/index.d.ts, SsoErrorCode) are exactly the core's
// (error.hpp): a code added to the core and forgotten in the types, or the reverse, fails here.
// The C API numbers the same list (ssokit_code: the core's index + 1; tests/native/c_api_test.cpp).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "ssokit/error.hpp"

namespace ssokit {
namespace {

// The last code of error.hpp's list (new codes are appended: move this with them).
constexpr ErrorCode kLastCode = ErrorCode::unsupported;

std::set<std::string> core_codes() {
  std::set<std::string> out;
  for (std::size_t i = 0; i <= static_cast<std::size_t>(kLastCode); ++i) {
    out.insert(error_code_name(static_cast<ErrorCode>(i)));
  }
  return out;
}

std::set<std::string> typescript_codes() {
  std::ifstream in(SSOKIT_WEB_TYPES);
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  const std::size_t start = all.find("export type SsoErrorCode =");
  EXPECT_NE(start, std::string::npos) << "web/index.d.ts declares SsoErrorCode";
  const std::size_t end = all.find(';', start);
  const std::string decl = all.substr(start, end - start);
  std::set<std::string> out;
  const std::regex quoted("'([a-z_]+)'");
  for (auto it = std::sregex_iterator(decl.begin(), decl.end(), quoted); it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

TEST(ErrorCodes, TypeScriptDeclaresExactlyTheCoresCodes) {
  const auto core = core_codes();
  const auto ts = typescript_codes();
  for (const auto& c : core) EXPECT_TRUE(ts.count(c)) << c << " is missing from SsoErrorCode in web/index.d.ts";
  for (const auto& c : ts) EXPECT_TRUE(core.count(c)) << c << " is in web/index.d.ts but not a core code";
  EXPECT_GT(core.size(), 40u);
}

TEST(ErrorCodes, NamesRoundTripAndAreUnique) {
  const auto core = core_codes();
  EXPECT_EQ(core.size(), static_cast<std::size_t>(kLastCode) + 1) << "two codes share a name";
  for (const auto& name : core) {
    ErrorCode code;
    ASSERT_TRUE(error_code_from_name(name, &code)) << name;
    EXPECT_EQ(error_code_name(code), name);
  }
}

}  // namespace
}  // namespace ssokit
