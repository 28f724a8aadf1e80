// ID-token validation rate as the product runs it (the JWKS document parsed, then validate_id_token:
// parse, key selection, signature, claims; the flow parses the JWKS it holds on every validation)
// for RS256, PS256 and ES256 on the tokens in bench/fixtures/id-tokens.json; bench/verify_bench.mjs
// runs the same tokens through WebAssembly and through Node's crypto.verify.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "ssokit/id_token.hpp"

namespace {

struct Fixtures {
  ssokit::Json doc;
  ssokit::IdTokenExpectations expect;
};

const Fixtures& fixtures() {
  static const Fixtures f = [] {
    Fixtures out;
    std::ifstream in(SSOKIT_BENCH_FIXTURES "/id-tokens.json");
    std::stringstream text;
    text << in.rdbuf();
    auto doc = ssokit::parse_json_object(text.str());
    if (!doc.ok()) std::abort();
    out.doc = doc.value();
    out.expect.issuer = out.doc["issuer"].get<std::string>();
    out.expect.client_id = out.doc["client_id"].get<std::string>();
    out.expect.nonce = out.doc["nonce"].get<std::string>();
    out.expect.now = out.doc["now"].get<std::int64_t>();
    return out;
  }();
  return f;
}

void BM_ValidateIdToken(benchmark::State& state, const char* alg) {
  const auto& f = fixtures();
  const std::string token = f.doc["tokens"][alg].get<std::string>();
  const ssokit::Json& jwks_document = f.doc["jwks"];
  for (auto _ : state) {
    auto jwks = ssokit::Jwks::parse(jwks_document);
    if (!jwks.ok()) {
      state.SkipWithError(jwks.error().message.c_str());
      break;
    }
    auto r = ssokit::validate_id_token(token, jwks.value(), f.expect, ssokit::verify_signature);
    if (!r.ok()) state.SkipWithError(r.error().message.c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK_CAPTURE(BM_ValidateIdToken, RS256, "RS256");
BENCHMARK_CAPTURE(BM_ValidateIdToken, PS256, "PS256");
BENCHMARK_CAPTURE(BM_ValidateIdToken, ES256, "ES256");

}  // namespace
