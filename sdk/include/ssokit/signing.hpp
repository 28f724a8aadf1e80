// The sign effect, the host's half: the core puts SignRequest entries on an HttpRequest (a client
// assertion, a DPoP proof) and the host completes them with keys the core never sees, just before
// the request is sent. Natively `SigningTransport` is that one place (SsoClient, drive_steps, the CLI
// and the C API send through it); in JavaScript the fetch path of web/src/ does the same with
// WebCrypto.
#pragma once

#include <memory>
#include <string>

#include "ssokit/base64.hpp"
#include "ssokit/http.hpp"
#include "ssokit/json.hpp"

namespace ssokit {

class Signer {
 public:
  virtual ~Signer() = default;
  // The raw JWS signature of `request.input` with the key `request.key` and `request.alg`
  // (RSA: the modulus length; ECDSA: r||s). invalid_argument when the key is not held or does not
  // fit the algorithm; unsupported when this build cannot sign with it.
  virtual Result<Bytes> sign(const SignRequest& request) = 0;
};

// Completes every entry of `request.sign` (header or form field) and clears the list. Fails, and
// leaves the request unusable for sending, when an entry is malformed or `signer` is null or refuses:
// a request is never sent without the signature the core asked for.
Status complete_signatures(HttpRequest& request, Signer* signer);

// An HttpTransport that completes the signatures, then hands the request to `inner`. Without a
// signer, a request with sign entries fails (invalid_argument) instead of going out unsigned.
class SigningTransport final : public HttpTransport {
 public:
  SigningTransport(HttpTransport& inner, std::shared_ptr<Signer> signer) : inner_(inner), signer_(std::move(signer)) {}
  Result<HttpResponse> send(const HttpRequest& request) override;
  bool completes_signatures() const override { return true; }

 private:
  HttpTransport& inner_;
  std::shared_ptr<Signer> signer_;
};

}  // namespace ssokit
