// The cost of a DPoP proof (RFC 9449) natively: the core's part (header, claims, jti, htu) and the
// whole proof with the host's ES256 signature (native::KeySigner, mbedTLS).
#include <benchmark/benchmark.h>

#include "ssokit/client.hpp"
#include "ssokit/dpop.hpp"
#include "ssokit/native/dpop_key.hpp"
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

// A new sign-in's key: native::generate_dpop_key (mbedTLS P-256 key generation).
void BM_DpopKeyGenerate(benchmark::State& state) {
  for (auto _ : state) {
    auto key = ssokit::native::generate_dpop_key();
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_DpopKeyGenerate);

// A resource server that answers 200 at once: what SsoClient::authorized_request costs on top of the network.
class Answer200 final : public ssokit::HttpTransport {
 public:
  ssokit::Result<ssokit::HttpResponse> send(const ssokit::HttpRequest&) override {
    return ssokit::HttpResponse{200, {{"Content-Type", "application/json"}}, "{}"};
  }
};

// SsoClient::authorized_request for a stored DPoP session (store read, key lookup, proof built and
// ES256-signed, sent to the fake): one call per iteration.
void BM_AuthorizedRequestDpop(benchmark::State& state) {
  constexpr std::int64_t kNow = 1'800'000'000;
  ssokit::MemoryTokenStore store;
  ssokit::Session session;
  session.tokens.token_type = "DPoP";
  session.tokens.access_token = "access-token-value";
  session.tokens.expires_in = 3600;
  session.tokens.expires_at = kNow + 3600;
  session.updated_at = kNow;
  session.dpop = public_key();
  (void)store.put("ssokit.session", ssokit::dump_json(session.to_json()));
  (void)store.put("ssokit.dpop_key", kPrivateJwk);
  ssokit::SsoClientOptions options;
  options.config.issuer = "https://id.example.com";
  options.config.client_id = "bench";
  Answer200 transport;
  ssokit::SsoClient client(options, transport, store, ssokit::system_random(), [] { return kNow; });
  for (auto _ : state) {
    ssokit::HttpRequest request;
    request.url = "https://api.example.com/v1/items";
    auto response = client.authorized_request(std::move(request));
    if (!response.ok()) {
      state.SkipWithError("authorized_request failed");
      return;
    }
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(BM_AuthorizedRequestDpop);

}  // namespace
