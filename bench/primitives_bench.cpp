// Primitives on the sign-in path: PKCE generation, base64url, authorization-URL building.
#include <benchmark/benchmark.h>

#include "ssokit/base64.hpp"
#include "ssokit/pkce.hpp"
#include "ssokit/random.hpp"
#include "ssokit/url.hpp"

namespace {

void BM_PkceGenerate(benchmark::State& state) {
  auto& random = ssokit::system_random();
  for (auto _ : state) {
    auto pkce = ssokit::generate_pkce(random);
    benchmark::DoNotOptimize(pkce);
  }
}
BENCHMARK(BM_PkceGenerate);

void BM_Base64urlEncode32(benchmark::State& state) {
  std::string data(32, '\x5a');
  for (auto _ : state) benchmark::DoNotOptimize(ssokit::base64url_encode(data));
}
BENCHMARK(BM_Base64urlEncode32);

void BM_Base64urlDecode1K(benchmark::State& state) {
  std::string text = ssokit::base64url_encode(std::string(1024, '\x33'));
  for (auto _ : state) benchmark::DoNotOptimize(ssokit::base64url_decode(text));
}
BENCHMARK(BM_Base64urlDecode1K);

void BM_AuthorizationUrl(benchmark::State& state) {
  ssokit::Params params = {{"response_type", "code"},
                           {"client_id", "ssokit-portal"},
                           {"redirect_uri", "http://127.0.0.1:5173/callback"},
                           {"scope", "openid profile email"},
                           {"state", "Ym9vdHN0cmFwLXN0YXRlLXZhbHVlLTAxMjM0NTY3ODk"},
                           {"nonce", "bm9uY2UtdmFsdWUtMDEyMzQ1Njc4OWFiY2RlZmdoaWo"},
                           {"code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"},
                           {"code_challenge_method", "S256"}};
  for (auto _ : state) {
    benchmark::DoNotOptimize(ssokit::add_query_params("https://id.example.com/oauth2/authorize", params));
  }
}
BENCHMARK(BM_AuthorizationUrl);

}  // namespace
