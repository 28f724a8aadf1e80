// Runs every shared case (tests/cases/*.json: single calls and transcripts) natively through the
// JSON call interface, one test per case; verify effects of single calls are performed by the
// native verifier (mbedTLS). The same cases run in WebAssembly (tests/wasm/cases.test.mjs) and
// through the C API (tests/c/capi_cases_test.cpp): identical answers required. The rules of a
// case are in case_runner.hpp.
#include "case_runner.hpp"

#include "api.hpp"

namespace {

using ssokit::Json;
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

SSOKIT_SHARED_CASES(SharedCases, call_native, ssokit::cases::verify_natively);

}  // namespace
