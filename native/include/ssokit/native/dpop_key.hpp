// DPoP keys natively (RFC 9449): a new ES256 key pair per sign-in, made with mbedTLS, and the
// Signer that holds a client's DPoP keys (its session's, and a sign-in's in progress). The private
// key leaves this code only as the JWK text the token store keeps (encrypted when the store is).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ssokit/dpop.hpp"
#include "ssokit/native/key_signer.hpp"
#include "ssokit/signing.hpp"

namespace ssokit::native {

// A new P-256 key pair from the system generator, as a private JWK text {kty, crv, x, y, d}.
// unsupported in a build whose mbedTLS has no EC module.
Result<std::string> generate_dpop_key();

// The Signer of an SsoClient: "dpop" entries are signed with the held key whose public JWK the
// proof's header carries (each held key is a KeySigner with its key named "dpop"), so a sign-in in
// progress and the current session never sign with each other's key; every other entry (the
// "client" key of private_key_jwt) goes to `fallback`. Thread-safe.
class DpopSigner final : public Signer {
 public:
  explicit DpopSigner(std::shared_ptr<Signer> fallback) : fallback_(std::move(fallback)) {}

  // Loads a private JWK (generate_dpop_key's text) and gives its public half (alg ES256).
  // invalid_argument for text that is not a P-256 private JWK (never quoted in the message).
  Result<DpopKey> add(std::string_view private_jwk);
  bool holds(const DpopKey& key) const;
  void remove(const DpopKey& key);
  void clear();

  Result<Bytes> sign(const SignRequest& request) override;

 private:
  struct Held {
    std::string thumbprint;
    std::shared_ptr<KeySigner> signer;
  };
  static constexpr std::size_t kMaxKeys = 8;  // the session's and a few sign-ins in progress
  std::shared_ptr<Signer> fallback_;
  mutable std::mutex mutex_;
  std::vector<Held> keys_;
};

}  // namespace ssokit::native
