// Runs every shared case file (tests/cases/*.json) through the JSON call interface.
// tests/wasm/cases.test.mjs runs the same files through WebAssembly: identical answers required.
//
// A case: {"name", "method", "params", then "result": <exact JSON> or "error": "<code>"}; an
// error case may add "details" (members the error's details hold) and "message_contains" (words).
// A method that answers a verify effect ({state, verify}) has it performed by the native host's
// verifier and continued with flow.step {state, verified}; the continuation's result is the
// method's answer (tests/wasm/cases.test.mjs does the same with WebCrypto).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api.hpp"
#include "ssokit/jose.hpp"

namespace {

std::vector<std::string> case_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(SSOKIT_CASES_DIR)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

ssokit::Result<ssokit::Json> call_with_host(const std::string& method, const ssokit::Json& params) {
  auto reply = ssokit::api::call(method, params);
  bool continued = false;
  for (int i = 0; i < 4 && reply.ok() && ssokit::json_member(reply.value(), "verify") != nullptr; ++i) {
    auto request = ssokit::VerifyRequest::from_json(reply.value()["verify"]);
    const bool verified = request.ok() && ssokit::verify_signature(request.value());
    reply = ssokit::api::call("flow.step", {{"state", reply.value()["state"]}, {"verified", verified}, {"now", 0}});
    continued = true;
  }
  if (continued && reply.ok()) return reply.value()["result"];
  return reply;
}

class SharedCases : public ::testing::TestWithParam<std::string> {};

TEST_P(SharedCases, MatchExpected) {
  std::ifstream in(std::string(SSOKIT_CASES_DIR) + "/" + GetParam());
  std::stringstream text;
  text << in.rdbuf();
  auto doc = ssokit::parse_json_object(text.str());
  ASSERT_TRUE(doc.ok()) << doc.error().to_string();
  const auto& cases = doc.value()["cases"];
  ASSERT_TRUE(cases.is_array());
  ASSERT_FALSE(cases.empty());
  for (const auto& c : cases) {
    std::string name = c.value("name", "?");
    SCOPED_TRACE(name);
    ASSERT_TRUE(c.contains("result") != c.contains("error")) << "a case has exactly one of result/error";
    auto r = call_with_host(c["method"].get<std::string>(), c.value("params", ssokit::Json::object()));
    if (c.contains("error")) {
      ASSERT_FALSE(r.ok()) << name << ": expected " << c["error"] << ", got " << r.value().dump();
      EXPECT_EQ(r.error().code_name(), c["error"].get<std::string>()) << name << ": " << r.error().message;
      // Optional: members the error's details must hold, and words its message must contain.
      if (const auto* details = ssokit::json_member(c, "details")) {
        for (const auto& item : details->items()) {
          const auto* got = ssokit::json_member(r.error().details, item.key());
          EXPECT_TRUE(got != nullptr && *got == item.value()) << name << ": details." << item.key() << " is not " << item.value().dump();
        }
      }
      if (const auto* words = ssokit::json_member(c, "message_contains")) {
        for (const auto& w : *words) {
          EXPECT_NE(r.error().message.find(w.get<std::string>()), std::string::npos)
              << name << ": the message \"" << r.error().message << "\" does not say " << w.dump();
        }
      }
    } else {
      ASSERT_TRUE(r.ok()) << name << ": " << r.error().to_string();
      EXPECT_EQ(r.value(), c["result"]) << name << ": got " << r.value().dump();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Files, SharedCases, ::testing::ValuesIn(case_files()),
                         [](const auto& info) {
                           std::string n = info.param.substr(0, info.param.size() - 5);
                           std::replace_if(n.begin(), n.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
                           return n;
                         });

}  // namespace
