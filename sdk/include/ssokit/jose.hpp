// JOSE: JSON Web Keys (RFC 7517/7518) and compact JSON Web Signatures (RFC 7515), verification
// only. Supported algorithms: RS256/384/512, PS256/384/512, ES256, ES384, ES512, EdDSA (Ed25519)
// and its fully specified name Ed25519 (RFC 9864), HS256. The core decides
// what to verify; the raw signature check is the host's "verify" effect (VerifyRequest). mbedTLS
// stays behind sdk/src/crypto; this header exposes raw big-endian bytes only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssokit/base64.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/json.hpp"

namespace ssokit {

// One parsed key. Material is big-endian bytes: RSA n (no leading zero octets) and e; EC x and
// y (exactly the field size); OKP x (the 32-byte Ed25519 public key, RFC 8037); oct k.
struct Jwk {
  std::string kty, kid, use, alg, crv;
  Json raw;
  Bytes n, e;
  Bytes x, y;
  Bytes k;
  std::optional<std::vector<std::string>> key_ops;  // present only when the JWK has key_ops
};

// Parses one JWK of kty RSA (modulus 2048..8192 bits, odd exponent >= 3), EC (P-256, P-384,
// P-521, point on the curve), OKP (crv Ed25519, x of 32 bytes; Ed448, X25519 and X448 are
// refused as unusable) or oct (any length; verification demands >= 32 bytes). Private members
// are ignored. Optional string members (kid, use, alg) of another type make the key malformed.
Result<Jwk> parse_jwk(const Json& jwk, ErrorCode code = ErrorCode::invalid_argument);

// A provider's public key set. Symmetric ("oct") keys are skipped: a published JWKS is public,
// and an HS256 ID token is verified only with the client's own secret.
class Jwks {
 public:
  // {"keys":[...]}; invalid_response if not that shape. Keys of unsupported kty/crv or with
  // malformed members are skipped (counted in skipped()), never fatal.
  static Result<Jwks> parse(const Json& document);

  const std::vector<Jwk>& keys() const { return keys_; }
  std::size_t skipped() const { return skipped_; }

  // The key to verify an `alg` signature: keys usable for alg (jwk_usable_for); with a kid,
  // exactly one usable key of that kid; without, only when exactly one usable key exists.
  // id_token_key_not_found otherwise (details: alg, kid).
  Result<const Jwk*> select(std::string_view alg, const std::optional<std::string>& kid) const;

 private:
  std::vector<Jwk> keys_;
  std::size_t skipped_ = 0;
};

struct Jws {
  Json header;
  Json payload;               // the payload as a JSON object (null from parse_jws_bytes if not JSON)
  std::string signing_input;  // ASCII(BASE64URL(header) '.' BASE64URL(payload))
  Bytes signature;
  std::string alg;  // header "alg" ("" when missing or not a string)
  std::string kid;  // header "kid" ("" when missing or not a string)
  std::string payload_bytes;  // the decoded payload octets
};

// Compact JWS: exactly 3 parts, strict base64url, header and payload JSON objects without
// duplicate members. Fails with `code`.
Result<Jws> parse_jws(std::string_view compact, ErrorCode code = ErrorCode::id_token_malformed);
// As parse_jws, but the payload may be any octets (JWS in general, not a JWT).
Result<Jws> parse_jws_bytes(std::string_view compact, ErrorCode code = ErrorCode::id_token_malformed);

// Whether (curve, x, y) is a valid public point.
bool ec_point_valid(std::string_view curve, const Bytes& x, const Bytes& y);

// alg in {RS256,RS384,RS512,PS256,PS384,PS512,ES256,ES384,ES512,EdDSA,Ed25519,HS256}.
bool jws_alg_supported(std::string_view alg);
// Those names, comma-separated, for messages.
std::string supported_jws_algs();
// Key fits the alg: kty (and crv) match; `use` absent or "sig"; `alg` absent or equal;
// key_ops, when present, contains "verify"; an oct key has at least 32 bytes.
bool jwk_usable_for(const Jwk& key, std::string_view alg);

// The "verify" effect: the core has decided what to verify (the alg is allowed and supported,
// the key was selected and fits it, the signature has the alg's exact length) and asks its host
// whether the raw signature verifies. The host answers true or false, nothing else: natively
// verify_signature (mbedTLS), in browsers and Node web/src/verify.js (WebCrypto). Algorithms are
// JWS names, so a host adds one (ES512, EdDSA) without a new effect.
struct VerifyRequest {
  std::string alg;    // RS256..RS512, PS256..PS512 (MGF1 with the same hash, salt = hash length), ES256..ES512,
                      // EdDSA or Ed25519 (both Ed25519, RFC 8032), HS256
  Jwk key;            // parsed and checked; for HS256 the client secret as an oct key
  std::string input;  // the signed octets (a JWS signing input)
  Bytes signature;    // RSA: modulus length; ECDSA: r||s, twice the field size; Ed25519: 64 bytes; HMAC: the full tag

  // {"alg", "jwk": the key's public members only ({kty, n, e}, {kty, crv, x, y}, {kty, crv, x}, {kty, k}),
  //  "input": base64url, "signature": base64url}
  Json to_json() const;
  // The same shape back (invalid_argument when malformed; the key is parsed with parse_jwk).
  static Result<VerifyRequest> from_json(const Json& j);
};

// The host's answer to a verify effect.
using SignatureVerifier = std::function<bool(const VerifyRequest&)>;

// The request for `signature` over `input` by `key` for `alg`: the alg is supported, the key's
// kty (and crv) fit it, the signature has the alg's length. It does not apply jwk_usable_for
// (use, alg, key_ops, HMAC key length): jws_verify_request does. id_token_signature_invalid
// (details: alg, kid) when the rules refuse.
Result<VerifyRequest> make_verify_request(std::string alg, const Jwk& key, std::string input, Bytes signature);
// The request to verify a JWS with `key`: jwk_usable_for, then make_verify_request.
Result<VerifyRequest> jws_verify_request(const Jws& jws, const Jwk& key);

// The native host's verifier: mbedTLS (RSA PKCS#1 v1.5, RSA-PSS, ECDSA P-256/P-384/P-521, HMAC
// with a constant-time comparison) and libsodium (Ed25519). The WebAssembly build never calls it: its host verifies.
bool verify_signature(const VerifyRequest& request);

// jws_verify_request, then `verify`. Fails with id_token_signature_invalid (details: alg, kid),
// also when the alg is unsupported or the key does not fit it.
Status verify_jws_signature(const Jws& jws, const Jwk& key, const SignatureVerifier& verify);

}  // namespace ssokit
