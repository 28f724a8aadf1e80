// The fallback page build's verifier (ssokit/fallback, for browsers without WebCrypto): a verify
// effect answered inside the WebAssembly with mbedTLS, the native host's verifier. Only in
// ssokit_api_fallback: the page build verifies with WebCrypto and carries no mbedTLS.
#include "api_internal.hpp"
#include "ssokit/jose.hpp"

namespace ssokit::api {
namespace {

// {alg, jwk, input, signature} (a verify effect's `verify` member) -> true / false.
Result<Json> m_verify_native(const Json& p) {
  SSOKIT_TRY(VerifyRequest request, VerifyRequest::from_json(p));
  return Json(verify_signature(request));
}

const Method kVerifyNativeMethods[] = {
    {"verify.native", m_verify_native},
};

}  // namespace

MethodTable verify_native_methods() {
  return {kVerifyNativeMethods, sizeof kVerifyNativeMethods / sizeof kVerifyNativeMethods[0]};
}

}  // namespace ssokit::api
