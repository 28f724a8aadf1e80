// The cost of a DPoP proof (RFC 9449) natively: the core's part (header, claims, jti, htu) and the
// whole proof with the host's ES256 signature (native::KeySigner, mbedTLS).
#include <benchmark/benchmark.h>

#include "ssokit/dpop.hpp"
#include "ssokit/native/key_signer.hpp"
#include "ssokit/signing.hpp"

namespace {

// A P-256 key generated for the benchmark only.
constexpr const char* kPrivateJwk =
    R"({"kty":"EC","crv":"P-256","x":"0JfZdGyQJ8uXDn8sdzxsyMuNsdvmgmnNCetLTVP4sn8","y":"75xj5yTto0649IHOZgcXoCetv4-Y-7epNR9H9hoPlXE","d":"9N0Rwd0okrwaM2vVYyl1_CRoOZ81gydMjemFJuNhUak"})";

ssokit::DpopKey public_key() {
  return ssokit::DpopKey::from_json(
             {{"jwk", {{"kty", "EC"}, {"crv", "P-256"}, {"x", "0JfZdGyQJ8uXDn8sdzxsyMuNsdvmgmnNCetLTVP4sn8"},
                       {"y", "75xj5yTto0649IHOZgcXoCetv4-Y-7epNR9H9hoPlXE"}}}})
      .value();
}

void BM_DpopProofBuild(benchmark::State& state) {
  const ssokit::DpopKey key = public_key();
  auto& random = ssokit::system_random();
  for (auto _ : state) {
    auto proof = ssokit::dpop_proof(key, "GET", "https://api.example.com/v1/items?page=2", 1'800'000'000, random, "nonce",
                                    "access-token-value");
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_DpopProofBuild);

void BM_DpopProofSignedEs256(benchmark::State& state) {
  const ssokit::DpopKey key = public_key();
  ssokit::native::KeySigner signer;
  if (!signer.add_key("dpop", kPrivateJwk).ok()) {
    state.SkipWithError("the key did not load");
    return;
  }
  auto& random = ssokit::system_random();
  for (auto _ : state) {
    ssokit::HttpRequest request;
    request.url = "https://api.example.com/v1/items";
    auto added = ssokit::add_dpop_proof(request, key, 1'800'000'000, random, "", "access-token-value");
    auto signed_ = ssokit::complete_signatures(request, &signer);
    benchmark::DoNotOptimize(added);
    benchmark::DoNotOptimize(signed_);
  }
}
BENCHMARK(BM_DpopProofSignedEs256);

}  // namespace
