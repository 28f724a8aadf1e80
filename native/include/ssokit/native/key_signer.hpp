// The native Signer (ssokit/signing.hpp) with mbedTLS: RS256 (RSA PKCS#1 v1.5), PS256 (RSA-PSS,
// salt = hash length, MGF1 SHA-256) and ES256 (ECDSA P-256, r||s). Keys by name ("client" for the
// client assertion of private_key_jwt, "dpop" for DPoP proofs), each from a PEM PKCS#8 (or PKCS#1 /
// SEC1) private key or a private JWK (JSON). The key text is never put into an error message.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "ssokit/signing.hpp"

namespace ssokit::native {

class KeySigner final : public Signer {
 public:
  KeySigner();
  ~KeySigner() override;
  KeySigner(const KeySigner&) = delete;
  KeySigner& operator=(const KeySigner&) = delete;

  // Loads `text` (PEM or JWK JSON) under `name`, replacing a key of that name. invalid_argument
  // for a key that cannot be read, is not private, or is neither RSA (2048 bits or more) nor EC P-256.
  Status add_key(const std::string& name, std::string_view text);
  bool has_key(const std::string& name) const;
  // "RSA" or "EC" (the JWK kty); empty when `name` is not held.
  std::string key_type(const std::string& name) const;
  // The JWK's "kid" when the key came as a JWK that has one; else empty.
  std::string key_id(const std::string& name) const;
  // The public half as a JWK ({kty, n, e} or {kty, crv, x, y}, plus kid when known).
  Result<Json> public_jwk(const std::string& name) const;
  // The algorithm a key signs with unless told otherwise: RS256 for RSA, ES256 for EC.
  std::string default_alg(const std::string& name) const;

  Result<Bytes> sign(const SignRequest& request) override;

  struct Key;

 private:
  std::map<std::string, std::unique_ptr<Key>> keys_;
};

}  // namespace ssokit::native
