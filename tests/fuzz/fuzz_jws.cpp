// Compact JWS / JWT parsing and ID-token validation against a fixed JWKS (ssokit/jose.hpp,
// ssokit/id_token.hpp): the public keys of tests/cases/jose.json (RSA, P-256, P-384) plus an
// HS256 client secret. Invariants: a parsed JWS has 2 dots and a signing input that is a prefix
// of the input; a validated token has a JSON object as claims.
#include "fuzz_common.hpp"
#include "ssokit/id_token.hpp"
#include "ssokit/jose.hpp"

using namespace ssokit;

namespace {

const char kJwks[] = R"json({"keys":[{"kty":"RSA","n":"4hSLYy7coGc3rVrr4le2y_rxEAJdXNgvmB5bdTiVHcBILtTWYW-RUEmE-pUr0lPA5Ozvwxr1Qq7kkVoRHGmhKwp5WnTnxQx2_5BMX3OM2cZulDFgtf1XwCXhmavaxEGpcxrDSmZTed4xJd4bmXdiDdloe0n3QHi0ZuJCsmTutHG5yBnEUZyqtU4eriv5ZImi_XffkkeVh8MEpgo3tDAIjg_QFeAskRHF7goWvdGrj7fwmvzcuUeQerPnn_0sA0M9AZjBh7AKHQ3XXqmNTZ7_zDM7tk6BMd6gevzfC4y9XBC-xBQT2GRweTSF2apldqdEgnBcgvZGLrMkvIbATnmfhQ","e":"AQAB","kid":"rsa-1","use":"sig"},{"kty":"EC","x":"j1a6XYG5rllPlqb-m89sZsIzz9d4liJUeneR3id4Uys","y":"WcAmiPgbSDhYBVcP9JYzw32A7VTN_p4_I6b5lpPwAa0","crv":"P-256","kid":"ec-256","use":"sig","alg":"ES256"},{"kty":"EC","x":"TjsEUJvleHyp1iySyIviccvZbTeAJzL6tyJdRA3ZkvF2XOo5r0oHHlUkJ5MhxKWd","y":"-H_A_eNLYNBgq4yQC-kmu77Hfih6s1L_QOkr1WtSpG1mgR5_kihssD5apLDF3UCY","crv":"P-384","kid":"ec-384"}]})json";

const Jwks& fixed_jwks() {
  static const Jwks jwks = [] {
    auto document = parse_json_object(kJwks);
    if (!document.ok()) std::abort();
    auto parsed = Jwks::parse(*document);
    if (!parsed.ok() || parsed->keys().size() != 3) std::abort();
    return std::move(parsed).value();
  }();
  return jwks;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz_input(data, size);
  const Jwks& jwks = fixed_jwks();

  if (auto jws = parse_jws(text)) {
    FUZZ_CHECK(jws->header.is_object() && jws->payload.is_object());
    FUZZ_CHECK(text.substr(0, jws->signing_input.size()) == jws->signing_input);
    // Every key in the set is tried: a wrong key must fail cleanly, never crash.
    for (const Jwk& key : jwks.keys()) (void)verify_jws_signature(*jws, key, verify_signature);
    std::optional<std::string> kid;
    if (!jws->kid.empty()) kid = jws->kid;
    (void)jwks.select(jws->alg, kid);
  }
  if (auto jws = parse_jws_bytes(text)) FUZZ_CHECK(text.substr(0, jws->signing_input.size()) == jws->signing_input);
  (void)decode_jwt(text);

  IdTokenExpectations expect;
  expect.issuer = "https://idp.example.com";
  expect.client_id = "portal-client";
  expect.nonce = "n-0S6_WzA2Mj";
  expect.now = 1700000000;
  expect.max_age = 3600;
  if (auto token = validate_id_token(text, jwks, expect, verify_signature)) FUZZ_CHECK(token->claims.is_object());
  expect.nonce.reset();
  expect.max_age.reset();
  expect.client_secret = "a-client-secret-of-at-least-32-bytes!!";
  if (auto token = validate_id_token(text, jwks, expect, verify_signature)) FUZZ_CHECK(token->claims.is_object());
  return 0;
}
