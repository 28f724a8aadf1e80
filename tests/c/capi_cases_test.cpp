// Runs every shared case (tests/cases/*.json: single calls and transcripts) through the C API's
// ssokit_call, one test per case: the same cases, the same rules (tests/unit/case_runner.hpp) as
// natively (tests/unit/cases_test.cpp) and in WebAssembly (tests/wasm/cases.test.mjs). Only the
// C ABI is called; the test itself reads JSON and performs single calls' verify effects with the
// core's mbedTLS verifier, as a C host would with its own.
#include "case_runner.hpp"

#include <memory>

#include "ssokit/ssokit.h"

namespace {

using ssokit::Json;
using ssokit::cases::Outcome;

Outcome call_c(const std::string& method, const Json& params) {
  std::unique_ptr<ssokit_error, void (*)(ssokit_error*)> err(ssokit_error_new(), ssokit_error_free);
  char* out = nullptr;
  const ssokit_code code = ssokit_call(method.c_str(), ssokit::dump_json(params).c_str(), &out, err.get());
  Outcome o;
  o.ok = code == SSOKIT_OK;
  if (o.ok) {
    auto value = ssokit::parse_json(out != nullptr ? out : "");
    ssokit_free(out);
    if (!value.ok()) {
      o.ok = false;
      o.code = "unreadable_result";
      o.message = "ssokit_call's result is not JSON: " + value.error().message;
      return o;
    }
    o.value = std::move(value).value();
    return o;
  }
  EXPECT_EQ(out, nullptr) << "no result with an error";
  EXPECT_EQ(ssokit_error_code(err.get()), code) << "the returned code is the error's";
  o.code = ssokit_error_name(err.get());
  o.message = ssokit_error_message(err.get());
  auto details = ssokit::parse_json_object(ssokit_error_details(err.get()));
  EXPECT_TRUE(details.ok()) << "ssokit_error_details is a JSON object";
  if (details.ok()) o.details = std::move(details).value();
  return o;
}

SSOKIT_SHARED_CASES(CapiCases, call_c, ssokit::cases::verify_natively);

}  // namespace
