// Runs every shared case (tests/cases/*.json: single calls and transcripts) natively through the
// JSON call interface, one test per case; verify effects of single calls are performed by the
// native verifier (mbedTLS). The same cases run in WebAssembly (tests/wasm/cases.test.mjs) and
// through the C API (tests/c/capi_cases_test.cpp): identical answers required. The rules of a
// case are in case_runner.hpp.
#include "case_runner.hpp"

#include "api.hpp"
#include "ssokit/jose.hpp"

namespace {

using ssokit::Json;
using ssokit::cases::Case;
using ssokit::cases::Outcome;

Outcome call_native(const std::string& method, const Json& params) {
  auto r = ssokit::api::call(method, params);
  Outcome o;
  o.ok = r.ok();
  if (r.ok()) {
    o.value = std::move(r).value();
  } else {
    o.code = r.error().code_name();
    o.message = r.error().message;
    if (r.error().details.is_object()) o.details = r.error().details;
  }
  return o;
}

bool verify_native(const Json& effect) {
  auto request = ssokit::VerifyRequest::from_json(effect);
  return request.ok() && ssokit::verify_signature(request.value());
}

class SharedCases : public ::testing::TestWithParam<Case> {};

TEST_P(SharedCases, MatchExpected) { ssokit::cases::run_case(GetParam(), call_native, verify_native); }

INSTANTIATE_TEST_SUITE_P(Cases, SharedCases, ::testing::ValuesIn(ssokit::cases::load_cases(SSOKIT_CASES_DIR)),
                         [](const auto& info) { return ssokit::cases::test_name(info.param); });

}  // namespace
