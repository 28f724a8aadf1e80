// JWKS and JWK parsing (ssokit/jose.hpp). Invariants: every key kept is usable for some
// algorithm or at least has a supported kty; select never returns a key unusable for the alg.
#include "fuzz_common.hpp"
#include "ssokit/jose.hpp"

using namespace ssokit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto document = parse_json(fuzz_input(data, size));
  if (!document.ok()) return 0;
  auto jwks = Jwks::parse(*document);
  if (jwks.ok()) {
    for (const Jwk& key : jwks->keys()) {
      FUZZ_CHECK(key.kty == "RSA" || key.kty == "EC");
      auto again = parse_jwk(key.raw);
      FUZZ_CHECK(again.ok());
      if (key.kty == "EC") FUZZ_CHECK(ec_point_valid(key.crv, key.x, key.y));
    }
    static const char* kAlgs[] = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519", "HS256", "none"};
    for (const char* alg : kAlgs) {
      for (const std::optional<std::string>& kid : {std::optional<std::string>{}, std::optional<std::string>{"k1"}}) {
        auto key = jwks->select(alg, kid);
        if (key.ok()) FUZZ_CHECK(jwk_usable_for(**key, alg));
      }
    }
  }
  // A single key too (a JWKS member on its own, or the document itself).
  (void)parse_jwk(*document);
  if (document->is_object() && document->contains("keys") && (*document)["keys"].is_array()) {
    for (const Json& member : (*document)["keys"]) (void)parse_jwk(member);
  }
  return 0;
}
