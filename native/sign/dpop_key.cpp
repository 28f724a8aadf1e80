// DPoP key generation and the client's DPoP signer (see dpop_key.hpp).
#include "ssokit/native/dpop_key.hpp"

#include <algorithm>

#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>

#include "ssokit/aead.hpp"
#include "ssokit/base64.hpp"
#include "ssokit/random.hpp"

namespace ssokit::native {

#if defined(MBEDTLS_ECP_C)

namespace {

int random_bytes(void*, unsigned char* out, std::size_t size) {
  return system_random().fill(out, size).ok() ? 0 : MBEDTLS_ERR_MPI_BAD_INPUT_DATA;
}

std::string coordinate(const mbedtls_mpi& value, int& rc) {
  Bytes out(32);
  if (rc == 0) rc = mbedtls_mpi_write_binary(&value, out.data(), out.size());
  std::string text = base64url_encode(out);
  secure_wipe(out);
  return text;
}

}  // namespace

Result<std::string> generate_dpop_key() {
  mbedtls_ecp_keypair pair;
  mbedtls_ecp_keypair_init(&pair);
  int rc = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, &pair, random_bytes, nullptr);
  const std::string x = coordinate(pair.Q.X, rc);
  const std::string y = coordinate(pair.Q.Y, rc);
  std::string d = coordinate(pair.d, rc);
  mbedtls_ecp_keypair_free(&pair);
  if (rc != 0) return make_error(ErrorCode::internal_error, "making the DPoP key failed (mbedTLS " + std::to_string(rc) + ")");
  std::string jwk = dump_json(Json{{"kty", "EC"}, {"crv", "P-256"}, {"x", x}, {"y", y}, {"d", d}});
  secure_wipe(d.data(), d.size());
  return jwk;
}

#else

Result<std::string> generate_dpop_key() {
  return make_error(ErrorCode::unsupported, "this build's mbedTLS has no EC module: DPoP needs a full mbedTLS");
}

#endif

namespace {

// The thumbprint of the jwk in a proof's header (the signing input's first part).
Result<std::string> header_key_thumbprint(std::string_view input) {
  const auto dot = input.find('.');
  auto header = base64url_decode(input.substr(0, dot == std::string_view::npos ? input.size() : dot));
  if (!header.ok()) return make_error(ErrorCode::invalid_argument, "the DPoP proof's header is not base64url");
  auto parsed = parse_json(std::string_view(reinterpret_cast<const char*>(header->data()), header->size()));
  const Json* jwk = parsed.ok() ? json_member(parsed.value(), "jwk") : nullptr;
  if (jwk == nullptr) return make_error(ErrorCode::invalid_argument, "the DPoP proof's header names no key");
  return jwk_thumbprint(*jwk);
}

}  // namespace

Result<DpopKey> DpopSigner::add(std::string_view private_jwk) {
  auto signer = std::make_shared<KeySigner>();
  SSOKIT_CHECK(signer->add_key("dpop", private_jwk));
  if (signer->key_type("dpop") != "EC") return make_error(ErrorCode::invalid_argument, "the DPoP key must be an EC P-256 key");
  SSOKIT_TRY(Json jwk, signer->public_jwk("dpop"));
  SSOKIT_TRY(DpopKey key, DpopKey::from_json(Json{{"alg", "ES256"}, {"jwk", jwk}}));
  SSOKIT_TRY(std::string thumbprint, jwk_thumbprint(key.jwk));
  std::lock_guard<std::mutex> lock(mutex_);
  keys_.erase(std::remove_if(keys_.begin(), keys_.end(), [&](const Held& h) { return h.thumbprint == thumbprint; }), keys_.end());
  if (keys_.size() >= kMaxKeys) keys_.erase(keys_.begin());  // the oldest: an abandoned sign-in's
  keys_.push_back({std::move(thumbprint), std::move(signer)});
  return key;
}

bool DpopSigner::holds(const DpopKey& key) const {
  auto thumbprint = jwk_thumbprint(key.jwk);
  if (!thumbprint.ok()) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  return std::any_of(keys_.begin(), keys_.end(), [&](const Held& h) { return h.thumbprint == thumbprint.value(); });
}

void DpopSigner::remove(const DpopKey& key) {
  auto thumbprint = jwk_thumbprint(key.jwk);
  if (!thumbprint.ok()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  keys_.erase(std::remove_if(keys_.begin(), keys_.end(), [&](const Held& h) { return h.thumbprint == thumbprint.value(); }),
              keys_.end());
}

void DpopSigner::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  keys_.clear();
}

Result<Bytes> DpopSigner::sign(const SignRequest& request) {
  if (request.key != "dpop") {
    if (!fallback_) {
      return make_error(ErrorCode::invalid_argument, "the request must be signed with the \"" + request.key.substr(0, 20) +
                                                         "\" key but no such key is configured");
    }
    return fallback_->sign(request);
  }
  SSOKIT_TRY(std::string thumbprint, header_key_thumbprint(request.input));
  std::shared_ptr<KeySigner> signer;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Held& h : keys_) {
      if (h.thumbprint == thumbprint) signer = h.signer;
    }
  }
  if (!signer) return make_error(ErrorCode::invalid_argument, "the DPoP proof names a key this client does not hold");
  return signer->sign(request);
}

}  // namespace ssokit::native
