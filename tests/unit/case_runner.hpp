// The shared case runner for C++ hosts: tests/unit/cases_test.cpp runs it on the JSON call
// interface directly, tests/c/capi_cases_test.cpp through the C API's ssokit_call. The same
// rules in JavaScript: tests/wasm/cases.test.mjs. Described in docs/ARCHITECTURE.md ("One
// behaviour, four builds").
//
// A case: {"name", "method", "params", then "result": <JSON> or "error": "<code>"}; an error case
// may add "details" (members the error's details hold) and "message_contains" (words).
//  - A file's "cases" are single calls: the result must be exactly "result". A reply that is a
//    verify effect ({state, verify}) is performed by the host's own verifier and continued with
//    flow.step; the continuation's result is the answer.
//  - A file's "transcripts" have "steps": the method starts a step machine and each step scripts
//    one exchange, in order: {"request": <what the machine must send>, "response": <its answer>,
//    "wait_seconds"?, "now"?} or {"verify": <the effect it must ask for>, "verified": <the host's
//    answer>, "now"?}. "request" lists what matters: method, url, body, headers {name: value, or
//    null for "absent"} (names case-insensitive), form {field: value or null} (the body decoded as
//    a form). After the last step the machine must be done: "result" lists the members the
//    result must hold (objects compared member by member, arrays and values exactly), or
//    "error" is the code the last step fails with. Each step's "now" carries on to the next.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "ssokit/jose.hpp"
#include "ssokit/json.hpp"
#include "ssokit/url.hpp"

namespace ssokit::cases {

// What a host answered: a value, or an error's code name, message and details.
struct Outcome {
  bool ok = false;
  Json value;
  std::string code;
  std::string message;
  Json details = Json::object();
};

using Call = std::function<Outcome(const std::string& method, const Json& params)>;
using Verify = std::function<bool(const Json& verify_effect)>;

struct Case {
  std::string file;  // "policy.json"
  std::size_t index = 0;
  bool transcript = false;  // from the file's "transcripts", else from its "cases"
  Json spec;
};

inline std::vector<Case> load_cases(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<Case> out;
  for (const auto& file : files) {
    std::ifstream in(dir + "/" + file);
    std::stringstream text;
    text << in.rdbuf();
    auto doc = parse_json_object(text.str());
    const Json* cases = doc.ok() ? json_member(doc.value(), "cases") : nullptr;
    // An unreadable file still becomes a (failing) case, so it cannot pass silently.
    if (cases == nullptr || !cases->is_array() || cases->empty()) {
      out.push_back({file, 0, false, Json{{"name", "the file is unreadable or has no cases"}, {"unreadable", true}}});
      continue;
    }
    std::size_t i = 0;
    for (const auto& c : *cases) out.push_back({file, i++, false, c});
    if (const Json* transcripts = json_member(doc.value(), "transcripts")) {
      i = 0;
      for (const auto& t : *transcripts) out.push_back({file, i++, true, t});
    }
  }
  return out;
}

// GoogleTest prints a failing case's parameter as its file and name.
inline void PrintTo(const Case& c, std::ostream* os) { *os << c.file << ": " << json_string(c.spec, "name").value_or("?"); }

// file stem, index and the case's words, as a GoogleTest name.
inline std::string test_name(const Case& c) {
  std::string n = c.file.substr(0, c.file.size() - 5) + (c.transcript ? "_t" : "_") + std::to_string(c.index) + "_" +
                  json_string(c.spec, "name").value_or("").substr(0, 60);
  std::replace_if(n.begin(), n.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
  return n;
}

// Empty when `got` holds everything `expected` lists; else where it differs.
inline std::string mismatch(const Json& expected, const Json& got, const std::string& path = "") {
  if (expected.is_object()) {
    if (!got.is_object()) return path + ": expected an object, got " + got.dump();
    for (const auto& item : expected.items()) {
      const Json* member = json_member(got, item.key());
      if (member == nullptr) return path + "/" + item.key() + ": missing (expected " + item.value().dump() + ")";
      std::string m = mismatch(item.value(), *member, path + "/" + item.key());
      if (!m.empty()) return m;
    }
    return {};
  }
  if (expected != got) return path + ": expected " + expected.dump() + ", got " + got.dump();
  return {};
}

inline std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// Empty when the machine's request is the scripted one (only the members the step lists).
inline std::string request_mismatch(const Json& expected, const Json& got) {
  for (const char* key : {"method", "url", "body"}) {
    if (const Json* want = json_member(expected, key)) {
      const Json* have = json_member(got, key);
      if (have == nullptr || *have != *want) {
        return std::string(key) + ": expected " + want->dump() + ", got " + (have ? have->dump() : "nothing");
      }
    }
  }
  if (const Json* headers = json_member(expected, "headers")) {
    for (const auto& item : headers->items()) {
      const Json* found = nullptr;
      for (const auto& pair : got["headers"]) {
        if (lower(pair[0].get<std::string>()) == lower(item.key())) found = &pair[1];
      }
      if (item.value().is_null() ? found != nullptr : (found == nullptr || *found != item.value())) {
        return "header " + item.key() + ": expected " + item.value().dump() + ", got " + (found ? found->dump() : "none");
      }
    }
  }
  if (const Json* form = json_member(expected, "form")) {
    auto fields = form_decode(json_string(got, "body").value_or(""));
    if (!fields.ok()) return "the body is not a form: " + fields.error().message;
    for (const auto& item : form->items()) {
      const std::string* found = nullptr;
      for (const auto& [name, value] : fields.value()) {
        if (name == item.key()) found = &value;
      }
      if (item.value().is_null() ? found != nullptr
                                 : (found == nullptr || !item.value().is_string() || *found != item.value().get<std::string>())) {
        return "form field " + item.key() + ": expected " + item.value().dump() + ", got " +
               (found ? "\"" + *found + "\"" : "none");
      }
    }
  }
  return {};
}

inline std::string describe(const Outcome& o) {
  return o.ok ? o.value.dump().substr(0, 400) : "error " + o.code + ": " + o.message;
}

// A single call; a verify effect is performed by the host and continued with flow.step.
inline Outcome call_with_host(const Call& call, const Verify& verify, const std::string& method, const Json& params) {
  Outcome reply = call(method, params);
  bool continued = false;
  for (int i = 0; i < 4 && reply.ok && json_member(reply.value, "verify") != nullptr; ++i) {
    const bool verified = verify(reply.value["verify"]);
    reply = call("flow.step", Json{{"state", reply.value["state"]}, {"verified", verified}, {"now", 0}});
    continued = true;
  }
  if (continued && reply.ok) reply.value = reply.value["result"];
  return reply;
}

// Plays a transcript; the final reply is the step machine's result (or its error).
inline Outcome play(const Call& call, const Json& spec) {
  const Json& params = json_member(spec, "params") ? spec["params"] : Json::object();
  Json now = json_member(params, "now") ? params["now"] : Json(0);
  Outcome reply = call(spec["method"].get<std::string>(), params);
  std::size_t n = 0;
  for (const auto& step : spec["steps"]) {
    const std::string at = "step " + std::to_string(n++) + ": ";
    if (!reply.ok) {
      ADD_FAILURE() << at << "the machine failed before the script ended: " << describe(reply);
      return reply;
    }
    if (const Json* t = json_member(step, "now")) now = *t;
    if (const Json* request = json_member(step, "request")) {
      const Json* sent = json_member(reply.value, "request");
      if (sent == nullptr) {
        ADD_FAILURE() << at << "expected a request, got " << describe(reply);
        return reply;
      }
      std::string m = request_mismatch(*request, *sent);
      if (!m.empty()) ADD_FAILURE() << at << m;
      const std::int64_t wait = json_int(reply.value, "wait_seconds").value_or(0);
      EXPECT_EQ(wait, json_int(step, "wait_seconds").value_or(0)) << at << "wait_seconds";
      reply = call("flow.step", Json{{"state", reply.value["state"]}, {"response", step["response"]}, {"now", now}});
    } else if (const Json* effect = json_member(step, "verify")) {
      const Json* asked = json_member(reply.value, "verify");
      if (asked == nullptr) {
        ADD_FAILURE() << at << "expected a verify effect, got " << describe(reply);
        return reply;
      }
      std::string m = mismatch(*effect, *asked, "verify");
      if (!m.empty()) ADD_FAILURE() << at << m;
      reply = call("flow.step", Json{{"state", reply.value["state"]}, {"verified", step["verified"]}, {"now", now}});
    } else {
      ADD_FAILURE() << at << "a step has a request or a verify";
      return reply;
    }
  }
  if (reply.ok) {
    if (json_member(reply.value, "request") || json_member(reply.value, "verify") || !json_member(reply.value, "result")) {
      ADD_FAILURE() << "the script ended but the machine goes on: " << describe(reply);
      return reply;
    }
    reply.value = reply.value["result"];
  }
  return reply;
}

inline void run_case(const Case& c, const Call& call, const Verify& verify) {
  const Json& spec = c.spec;
  ASSERT_FALSE(json_member(spec, "unreadable")) << c.file << " is unreadable or has no cases";
  const std::string name = json_string(spec, "name").value_or("?");
  SCOPED_TRACE(c.file + ": " + name);
  ASSERT_TRUE((json_member(spec, "result") != nullptr) != (json_member(spec, "error") != nullptr))
      << "a case has exactly one of result/error";
  ASSERT_TRUE(json_string(spec, "method").has_value()) << "a case names its method";
  const bool transcript = c.transcript;
  if (transcript) ASSERT_TRUE(spec["steps"].is_array() && !spec["steps"].empty()) << "steps: a non-empty array";
  if (!transcript) ASSERT_FALSE(json_member(spec, "steps")) << "a case with steps belongs in the file's transcripts";
  Outcome r = transcript ? play(call, spec)
                         : call_with_host(call, verify, spec["method"].get<std::string>(),
                                          json_member(spec, "params") ? spec["params"] : Json::object());
  if (const Json* code = json_member(spec, "error")) {
    ASSERT_FALSE(r.ok) << "expected " << code->dump() << ", got " << describe(r);
    EXPECT_EQ(r.code, code->get<std::string>()) << r.message;
    if (const Json* details = json_member(spec, "details")) {
      for (const auto& item : details->items()) {
        const Json* got = json_member(r.details, item.key());
        EXPECT_TRUE(got != nullptr && *got == item.value())
            << "details." << item.key() << " is not " << item.value().dump() << " in " << r.details.dump();
      }
    }
    if (const Json* words = json_member(spec, "message_contains")) {
      for (const auto& w : *words) {
        EXPECT_NE(r.message.find(w.get<std::string>()), std::string::npos)
            << "the message \"" << r.message << "\" does not say " << w.dump();
      }
    }
  } else {
    ASSERT_TRUE(r.ok) << describe(r);
    if (transcript) {
      std::string m = mismatch(spec["result"], r.value, "result");
      EXPECT_TRUE(m.empty()) << m;
    } else {
      EXPECT_EQ(r.value, spec["result"]) << "got " << r.value.dump();
    }
  }
}

// A C++ or C host's verifier for single calls' verify effects: the core's mbedTLS one.
inline bool verify_natively(const Json& effect) {
  auto request = VerifyRequest::from_json(effect);
  return request.ok() && verify_signature(request.value());
}

}  // namespace ssokit::cases

// One test per shared case of SSOKIT_CASES_DIR, named Cases/SUITE.MatchExpected/<file_index_words>,
// each run with the host's call (a Call) and verifier (a Verify).
#define SSOKIT_SHARED_CASES(SUITE, CALL, VERIFY)                                                          \
  class SUITE : public ::testing::TestWithParam<::ssokit::cases::Case> {};                                \
  TEST_P(SUITE, MatchExpected) { ::ssokit::cases::run_case(GetParam(), CALL, VERIFY); }                  \
  INSTANTIATE_TEST_SUITE_P(Cases, SUITE, ::testing::ValuesIn(::ssokit::cases::load_cases(SSOKIT_CASES_DIR)), \
                           [](const auto& info) { return ::ssokit::cases::test_name(info.param); })
