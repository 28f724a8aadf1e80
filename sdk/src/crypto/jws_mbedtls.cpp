// The native host's verifier (RSA PKCS#1 v1.5, RSA-PSS, ECDSA P-256/P-384, HMAC) and the JWK point
// check (ec_point_valid), with mbedTLS through the API
// that 2.28 and 3.x share; the differences are guarded below.
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/md.h>
#include <mbedtls/rsa.h>
#include <mbedtls/version.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>

#include "ssokit/jose.hpp"

namespace ssokit {
namespace {

Bytes strip_leading_zeros(const Bytes& b) {
  auto first = std::find_if(b.begin(), b.end(), [](std::uint8_t v) { return v != 0; });
  return Bytes(first, b.end());
}

mbedtls_md_type_t md_type(HashAlg alg) {
  switch (alg) {
    case HashAlg::sha1: return MBEDTLS_MD_SHA1;
    case HashAlg::sha256: return MBEDTLS_MD_SHA256;
    case HashAlg::sha384: return MBEDTLS_MD_SHA384;
    case HashAlg::sha512: return MBEDTLS_MD_SHA512;
  }
  return MBEDTLS_MD_NONE;
}

// Left-pads (after removing leading zeros) to exactly `size` bytes; false when it does not fit.
bool fixed_width(const Bytes& in, std::size_t size, Bytes* out) {
  Bytes v = strip_leading_zeros(in);
  if (v.size() > size) return false;
  out->assign(size - v.size(), 0);
  out->insert(out->end(), v.begin(), v.end());
  return true;
}

// Owns an mbedTLS RSA public key context.
class RsaPublicKey {
 public:
  RsaPublicKey() {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    mbedtls_rsa_init(&ctx_);
#else
    mbedtls_rsa_init(&ctx_, MBEDTLS_RSA_PKCS_V15, 0);
#endif
  }
  ~RsaPublicKey() { mbedtls_rsa_free(&ctx_); }
  RsaPublicKey(const RsaPublicKey&) = delete;
  RsaPublicKey& operator=(const RsaPublicKey&) = delete;

  bool load(const Bytes& n_in, const Bytes& e_in) {
    const Bytes n = strip_leading_zeros(n_in);
    const Bytes e = strip_leading_zeros(e_in);
    // 2048 bits minimum (RFC 7518 3.3); 8192 maximum bounds the work and mbedTLS's MPI size.
    if (n.size() < 256 || n.size() > 1024 || (n.size() == 256 && n[0] < 0x80)) return false;
    if (e.empty() || e.size() > n.size()) return false;
    return mbedtls_rsa_import_raw(&ctx_, n.data(), n.size(), nullptr, 0, nullptr, 0, nullptr, 0, e.data(), e.size()) == 0 &&
           mbedtls_rsa_complete(&ctx_) == 0 && mbedtls_rsa_check_pubkey(&ctx_) == 0;
  }
  // A copy of a loaded key, with what mbedTLS computed on its first use (R^2 mod N).
  bool copy_from(const RsaPublicKey& other) { return mbedtls_rsa_copy(&ctx_, &other.ctx_) == 0; }
  std::size_t size() const { return mbedtls_rsa_get_len(&ctx_); }
  mbedtls_rsa_context* get() { return &ctx_; }

 private:
  mbedtls_rsa_context ctx_;
};

bool verify_rsa_with(RsaPublicKey& key, bool pss, HashAlg alg, std::string_view message, const Bytes& signature) {
  // mbedTLS reads exactly modulus-length bytes from the signature: check before calling.
  if (signature.size() != key.size()) return false;
  const mbedtls_md_type_t md = md_type(alg);
  const Bytes digest = hash(alg, message);
  const auto hash_len = static_cast<unsigned int>(digest.size());
  int ret;
  if (pss) {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    ret = mbedtls_rsa_rsassa_pss_verify_ext(key.get(), md, hash_len, digest.data(), md,
                                            static_cast<int>(digest.size()), signature.data());
#else
    ret = mbedtls_rsa_rsassa_pss_verify_ext(key.get(), nullptr, nullptr, MBEDTLS_RSA_PUBLIC, md, hash_len,
                                            digest.data(), md, static_cast<int>(digest.size()), signature.data());
#endif
  } else {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    ret = mbedtls_rsa_rsassa_pkcs1_v15_verify(key.get(), md, hash_len, digest.data(), signature.data());
#else
    ret = mbedtls_rsa_rsassa_pkcs1_v15_verify(key.get(), nullptr, nullptr, MBEDTLS_RSA_PUBLIC, md, hash_len,
                                              digest.data(), signature.data());
#endif
  }
  return ret == 0;
}

bool verify_rsa(bool pss, HashAlg alg, const Bytes& n, const Bytes& e, std::string_view message, const Bytes& signature) {
  RsaPublicKey key;
  return key.load(n, e) && verify_rsa_with(key, pss, alg, message, signature);
}

// WebAssembly keeps no parsed JWK set between calls (its JSON interface parses the set on each
// one), so a cache would never be hit there: it is left out of the payload.
#if defined(__EMSCRIPTEN__)
constexpr bool kRsaKeyCache = false;
#else
constexpr bool kRsaKeyCache = true;
#endif

}  // namespace

namespace detail {

// The key of the first successful verification with a JWK, kept for the next ones: they copy it
// (mbedtls_rsa_copy) and so skip loading n and e and computing R^2 mod N, about a quarter of an
// RSA verification. The kept context is only ever read, so threads may share one parsed Jwks.
struct KeyCache {
  std::mutex mutex;               // held while the first successful verification fills the cache
  std::atomic<bool> ready{false};
  Bytes n, e;                     // what `key` was loaded from
  RsaPublicKey key;
};

std::shared_ptr<KeyCache> new_key_cache() { return kRsaKeyCache ? std::make_shared<KeyCache>() : nullptr; }

}  // namespace detail

namespace {

bool verify_rsa_cached(detail::KeyCache& cache, bool pss, HashAlg alg, const Bytes& n, const Bytes& e,
                       std::string_view message, const Bytes& signature) {
  if (!cache.ready.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(cache.mutex);
    if (!cache.ready.load(std::memory_order_relaxed)) {
      // Only a successful verification is sure to have computed R^2 mod N in the context.
      RsaPublicKey key;
      if (!key.load(n, e) || !verify_rsa_with(key, pss, alg, message, signature)) return false;
      if (cache.key.copy_from(key)) {
        cache.n = n;
        cache.e = e;
        cache.ready.store(true, std::memory_order_release);
      }
      return true;
    }
  }
  // The Jwk's members may have been changed since: the cache holds only for the same key.
  if (cache.n != n || cache.e != e) return verify_rsa(pss, alg, n, e, message, signature);
  RsaPublicKey key;
  return key.copy_from(cache.key) && verify_rsa_with(key, pss, alg, message, signature);
}

struct EcCurve {
  mbedtls_ecp_group_id id;
  std::size_t size;
};

bool ec_curve(std::string_view name, EcCurve* out) {
  if (name == "P-256") {
    *out = {MBEDTLS_ECP_DP_SECP256R1, 32};
    return true;
  }
  if (name == "P-384") {
    *out = {MBEDTLS_ECP_DP_SECP384R1, 48};
    return true;
  }
  return false;
}

class Mpi {
 public:
  Mpi() { mbedtls_mpi_init(&v_); }
  ~Mpi() { mbedtls_mpi_free(&v_); }
  Mpi(const Mpi&) = delete;
  Mpi& operator=(const Mpi&) = delete;
  mbedtls_mpi* get() { return &v_; }

 private:
  mbedtls_mpi v_;
};

class EcPoint {
 public:
  EcPoint() { mbedtls_ecp_point_init(&p_); }
  ~EcPoint() { mbedtls_ecp_point_free(&p_); }
  EcPoint(const EcPoint&) = delete;
  EcPoint& operator=(const EcPoint&) = delete;
  mbedtls_ecp_point* get() { return &p_; }

 private:
  mbedtls_ecp_point p_;
};

// Owns a loaded group: enough to check a point, cheap to load (the curve's constants).
class Group {
 public:
  Group() { mbedtls_ecp_group_init(&grp_); }
  ~Group() { mbedtls_ecp_group_free(&grp_); }
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;
  bool load(mbedtls_ecp_group_id id) { return mbedtls_ecp_group_load(&grp_, id) == 0; }
  mbedtls_ecp_group* get() { return &grp_; }

 private:
  mbedtls_ecp_group grp_;
};

// A curve's group for verification, set up once per process by the first verification. The
// first multiplication of the base point G stores a table of multiples of G in the group and
// later ones reuse it (mbedTLS's fixed-point comb): a third of an ECDSA verification. The
// constructor makes that multiplication, so from then on the group is only ever read (mbedTLS
// writes the table only when it is missing) and threads may share it.
class CurveGroup {
 public:
  explicit CurveGroup(mbedtls_ecp_group_id id) { ok_ = group_.load(id) && warm_up(); }
  mbedtls_ecp_group* get() { return ok_ ? group_.get() : nullptr; }

 private:
  bool warm_up() {
    // 2*G + 1*G: the 2*G part goes through the comb method and leaves G's table in the group.
    mbedtls_ecp_group* grp = group_.get();
    Mpi two, one;
    EcPoint sum;
    return mbedtls_mpi_lset(two.get(), 2) == 0 && mbedtls_mpi_lset(one.get(), 1) == 0 &&
           mbedtls_ecp_muladd(grp, sum.get(), two.get(), &grp->G, one.get(), &grp->G) == 0;
  }
  Group group_;
  bool ok_ = false;
};

// nullptr if the group could not be set up (out of memory).
mbedtls_ecp_group* verification_group(const EcCurve& curve) {
  if (curve.id == MBEDTLS_ECP_DP_SECP256R1) {
    static CurveGroup p256(MBEDTLS_ECP_DP_SECP256R1);
    return p256.get();
  }
  static CurveGroup p384(MBEDTLS_ECP_DP_SECP384R1);
  return p384.get();
}

// Reads (x, y) as a public point of the curve; false if it is not one.
bool load_point(const EcCurve& curve, const mbedtls_ecp_group* grp, const Bytes& x, const Bytes& y, EcPoint* q) {
  Bytes point{0x04};  // uncompressed SEC 1 encoding
  Bytes fx, fy;
  if (!fixed_width(x, curve.size, &fx) || !fixed_width(y, curve.size, &fy)) return false;
  point.insert(point.end(), fx.begin(), fx.end());
  point.insert(point.end(), fy.begin(), fy.end());
  return mbedtls_ecp_point_read_binary(grp, q->get(), point.data(), point.size()) == 0 &&
         mbedtls_ecp_check_pubkey(grp, q->get()) == 0;
}

std::string_view as_view(const Bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

bool verify_ecdsa_p1363(std::string_view curve_name, const Bytes& x, const Bytes& y, HashAlg alg,
                        std::string_view message, const Bytes& signature) {
  EcCurve curve;
  if (!ec_curve(curve_name, &curve)) return false;
  // JWS (RFC 7518 3.4) fixes r||s at twice the field size: DER or any other length is refused.
  if (signature.size() != 2 * curve.size) return false;
  mbedtls_ecp_group* grp = verification_group(curve);
  EcPoint q;
  if (grp == nullptr || !load_point(curve, grp, x, y, &q)) return false;
  Mpi r, s;
  if (mbedtls_mpi_read_binary(r.get(), signature.data(), curve.size) != 0 ||
      mbedtls_mpi_read_binary(s.get(), signature.data() + curve.size, curve.size) != 0) {
    return false;
  }
  const Bytes digest = hash(alg, message);
  // mbedtls_ecdsa_verify rejects r or s outside [1, n-1].
  return mbedtls_ecdsa_verify(grp, digest.data(), digest.size(), q.get(), r.get(), s.get()) == 0;
}

bool verify_hmac(HashAlg alg, const Bytes& key, std::string_view message, const Bytes& tag) {
  const Bytes expected = hmac(alg, as_view(key), message);
  // Truncated tags are never accepted: the full output length is part of the algorithm.
  return tag.size() == expected.size() && constant_time_equal(expected, tag);
}

HashAlg hash_alg_of(std::string_view alg) {
  if (alg.size() == 5 && alg.substr(2) == "384") return HashAlg::sha384;
  if (alg.size() == 5 && alg.substr(2) == "512") return HashAlg::sha512;
  return HashAlg::sha256;
}

}  // namespace

bool ec_point_valid(std::string_view curve_name, const Bytes& x, const Bytes& y) {
  EcCurve curve;
  if (!ec_curve(curve_name, &curve)) return false;
  // A group of its own: parsing a JWK set must not pay for the verification table.
  Group group;
  EcPoint q;
  return group.load(curve.id) && load_point(curve, group.get(), x, y, &q);
}

// ---- the native host's verifier (mbedTLS) ------------------------------------------------------

bool verify_signature(const VerifyRequest& request) {
  const std::string_view alg = request.alg;
  const Jwk& key = request.key;
  const HashAlg hash_alg = hash_alg_of(alg);
  switch (alg.empty() ? '\0' : alg[0]) {
    case 'R':
    case 'P':
      return kRsaKeyCache && key.cache
                 ? verify_rsa_cached(*key.cache, alg[0] == 'P', hash_alg, key.n, key.e, request.input, request.signature)
                 : verify_rsa(alg[0] == 'P', hash_alg, key.n, key.e, request.input, request.signature);
    case 'E': return verify_ecdsa_p1363(key.crv, key.x, key.y, hash_alg, request.input, request.signature);
    case 'H': return verify_hmac(hash_alg, key.k, request.input, request.signature);
    default: return false;
  }
}

}  // namespace ssokit
