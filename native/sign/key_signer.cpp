// KeySigner: JWS signatures with mbedTLS for the sign effect (see key_signer.hpp).
#include "ssokit/native/key_signer.hpp"

#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include "ssokit/base64.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/random.hpp"

namespace ssokit::native {

#if defined(MBEDTLS_PK_C) && defined(MBEDTLS_PK_PARSE_C) && defined(MBEDTLS_PEM_PARSE_C)

struct KeySigner::Key {
  mbedtls_pk_context pk;
  std::string kid;
  Key() { mbedtls_pk_init(&pk); }
  ~Key() { mbedtls_pk_free(&pk); }
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
  bool rsa() const { return mbedtls_pk_get_type(&pk) == MBEDTLS_PK_RSA; }
  bool ec() const { return mbedtls_pk_get_type(&pk) == MBEDTLS_PK_ECKEY; }
};

namespace {

int random_bytes(void*, unsigned char* out, std::size_t size) {
  return system_random().fill(out, size).ok() ? 0 : MBEDTLS_ERR_MPI_BAD_INPUT_DATA;
}

Error bad_key(const std::string& why) {
  return make_error(ErrorCode::invalid_argument, "the private key cannot be used: " + why +
                                                     " (a PEM PKCS#8 private key or a private JWK: RSA of 2048 bits or more, or EC P-256)");
}

Result<Bytes> jwk_member(const Json& jwk, const char* name) {
  auto text = json_string_at(jwk, name);
  if (!text || text->empty()) return bad_key(std::string("the JWK has no \"") + name + "\"");
  auto bytes = base64url_decode(*text);
  if (!bytes.ok()) return bad_key(std::string("the JWK's \"") + name + "\" is not base64url");
  return bytes;
}

Status load_rsa_jwk(const Json& jwk, mbedtls_pk_context& pk) {
  SSOKIT_TRY(Bytes n, jwk_member(jwk, "n"));
  SSOKIT_TRY(Bytes e, jwk_member(jwk, "e"));
  SSOKIT_TRY(Bytes d, jwk_member(jwk, "d"));
  SSOKIT_TRY(Bytes p, jwk_member(jwk, "p"));
  SSOKIT_TRY(Bytes q, jwk_member(jwk, "q"));
  if (mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) != 0) return bad_key("out of memory");
  mbedtls_rsa_context* rsa = mbedtls_pk_rsa(pk);
  if (mbedtls_rsa_import_raw(rsa, n.data(), n.size(), p.data(), p.size(), q.data(), q.size(), d.data(), d.size(),
                             e.data(), e.size()) != 0 ||
      mbedtls_rsa_complete(rsa) != 0 || mbedtls_rsa_check_privkey(rsa) != 0) {
    return bad_key("the RSA JWK's members do not form a private key");
  }
  return {};
}

Status load_ec_jwk(const Json& jwk, mbedtls_pk_context& pk) {
  if (json_text(jwk, "crv") != "P-256") return bad_key("only the EC curve P-256 is supported");
  SSOKIT_TRY(Bytes x, jwk_member(jwk, "x"));
  SSOKIT_TRY(Bytes y, jwk_member(jwk, "y"));
  SSOKIT_TRY(Bytes d, jwk_member(jwk, "d"));
  if (x.size() != 32 || y.size() != 32 || d.size() != 32) return bad_key("the P-256 JWK's x, y and d must be 32 bytes each");
  if (mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0) return bad_key("out of memory");
  mbedtls_ecp_keypair* ec = mbedtls_pk_ec(pk);
  Bytes point = {0x04};
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());
  if (mbedtls_ecp_group_load(&ec->grp, MBEDTLS_ECP_DP_SECP256R1) != 0 ||
      mbedtls_ecp_point_read_binary(&ec->grp, &ec->Q, point.data(), point.size()) != 0 ||
      mbedtls_mpi_read_binary(&ec->d, d.data(), d.size()) != 0 || mbedtls_ecp_check_pub_priv(ec, ec) != 0 ||
      mbedtls_ecp_check_privkey(&ec->grp, &ec->d) != 0) {
    return bad_key("the EC JWK's members do not form a P-256 private key");
  }
  return {};
}

std::string mpi_base64url(const mbedtls_mpi& value, std::size_t size = 0) {
  if (size == 0) size = mbedtls_mpi_size(&value);
  Bytes out(size);
  if (mbedtls_mpi_write_binary(&value, out.data(), out.size()) != 0) return "";
  return base64url_encode(out);
}

}  // namespace

KeySigner::KeySigner() = default;
KeySigner::~KeySigner() = default;

Status KeySigner::add_key(const std::string& name, std::string_view text) {
  auto key = std::make_unique<Key>();
  std::size_t start = 0;
  while (start < text.size() && (text[start] == ' ' || text[start] == '\n' || text[start] == '\r' || text[start] == '\t')) ++start;
  if (start < text.size() && text[start] == '{') {
    auto parsed = parse_json(text);
    if (!parsed.ok() || !parsed->is_object()) return bad_key("the JWK is not a JSON object");
    const Json& jwk = parsed.value();
    const std::string kty = json_text(jwk, "kty");
    if (kty == "RSA") {
      SSOKIT_CHECK(load_rsa_jwk(jwk, key->pk));
    } else if (kty == "EC") {
      SSOKIT_CHECK(load_ec_jwk(jwk, key->pk));
    } else {
      return bad_key("the JWK's kty must be RSA or EC");
    }
    key->kid = json_text(jwk, "kid");
  } else {
    const std::string pem(text);  // mbedTLS wants the terminating NUL counted for PEM
    if (pem.find("-----BEGIN") == std::string::npos) return bad_key("it is neither PEM nor a JWK");
    if (pem.find("ENCRYPTED") != std::string::npos) return bad_key("encrypted PEM keys are not supported; decrypt it first");
    if (mbedtls_pk_parse_key(&key->pk, reinterpret_cast<const unsigned char*>(pem.c_str()), pem.size() + 1, nullptr, 0) != 0) {
      return bad_key("the PEM does not hold a private key mbedTLS can read");
    }
  }
  if (key->rsa()) {
    if (mbedtls_pk_get_bitlen(&key->pk) < 2048) return bad_key("the RSA key is shorter than 2048 bits");
  } else if (key->ec()) {
    if (mbedtls_pk_ec(key->pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1) return bad_key("only the EC curve P-256 is supported");
  } else {
    return bad_key("it is neither an RSA nor an EC key");
  }
  keys_[name] = std::move(key);
  return {};
}

bool KeySigner::has_key(const std::string& name) const { return keys_.count(name) != 0; }

std::string KeySigner::key_type(const std::string& name) const {
  auto it = keys_.find(name);
  if (it == keys_.end()) return "";
  return it->second->rsa() ? "RSA" : "EC";
}

std::string KeySigner::key_id(const std::string& name) const {
  auto it = keys_.find(name);
  return it == keys_.end() ? "" : it->second->kid;
}

std::string KeySigner::default_alg(const std::string& name) const {
  const std::string kty = key_type(name);
  return kty == "RSA" ? "RS256" : kty == "EC" ? "ES256" : "";
}

Result<Json> KeySigner::public_jwk(const std::string& name) const {
  auto it = keys_.find(name);
  if (it == keys_.end()) return make_error(ErrorCode::invalid_argument, "no key named \"" + name.substr(0, 20) + "\" is configured");
  const Key& key = *it->second;
  Json jwk = Json::object();
  if (key.rsa()) {
    mbedtls_rsa_context* rsa = mbedtls_pk_rsa(key.pk);
    mbedtls_mpi n, e;
    mbedtls_mpi_init(&n);
    mbedtls_mpi_init(&e);
    mbedtls_rsa_export(rsa, &n, nullptr, nullptr, nullptr, &e);
    jwk = {{"kty", "RSA"}, {"n", mpi_base64url(n)}, {"e", mpi_base64url(e)}};
    mbedtls_mpi_free(&n);
    mbedtls_mpi_free(&e);
  } else {
    const mbedtls_ecp_keypair* ec = mbedtls_pk_ec(key.pk);
    jwk = {{"kty", "EC"}, {"crv", "P-256"}, {"x", mpi_base64url(ec->Q.X, 32)}, {"y", mpi_base64url(ec->Q.Y, 32)}};
  }
  if (!key.kid.empty()) jwk["kid"] = key.kid;
  return jwk;
}

Result<Bytes> KeySigner::sign(const SignRequest& request) {
  auto it = keys_.find(request.key);
  if (it == keys_.end()) {
    return make_error(ErrorCode::invalid_argument, "the request must be signed with the \"" + request.key.substr(0, 20) +
                                                       "\" key but no such key is configured");
  }
  Key& key = *it->second;
  const Bytes digest = sha256(request.input);
  if (request.alg == "RS256" || request.alg == "PS256") {
    if (!key.rsa()) return make_error(ErrorCode::invalid_argument, request.alg + " needs an RSA key; the configured key is EC (use ES256)");
    mbedtls_rsa_context* rsa = mbedtls_pk_rsa(key.pk);
    Bytes signature(mbedtls_rsa_get_len(rsa));
    int rc = 0;
    if (request.alg == "RS256") {
      mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V15, MBEDTLS_MD_NONE);
      rc = mbedtls_rsa_pkcs1_sign(rsa, random_bytes, nullptr, MBEDTLS_RSA_PRIVATE, MBEDTLS_MD_SHA256, 32, digest.data(),
                                  signature.data());
    } else {
      mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
      rc = mbedtls_rsa_rsassa_pss_sign_ext(rsa, random_bytes, nullptr, MBEDTLS_MD_SHA256, 32, digest.data(), 32,
                                           signature.data());
    }
    if (rc != 0) return make_error(ErrorCode::internal_error, "RSA signing failed (mbedTLS " + std::to_string(rc) + ")");
    return signature;
  }
  if (request.alg == "ES256") {
    if (!key.ec()) return make_error(ErrorCode::invalid_argument, "ES256 needs an EC P-256 key; the configured key is RSA");
    mbedtls_ecp_keypair* ec = mbedtls_pk_ec(key.pk);
    mbedtls_mpi r, s;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    int rc = mbedtls_ecdsa_sign(&ec->grp, &r, &s, &ec->d, digest.data(), digest.size(), random_bytes, nullptr);
    Bytes signature(64);
    if (rc == 0) rc = mbedtls_mpi_write_binary(&r, signature.data(), 32);
    if (rc == 0) rc = mbedtls_mpi_write_binary(&s, signature.data() + 32, 32);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    if (rc != 0) return make_error(ErrorCode::internal_error, "ECDSA signing failed (mbedTLS " + std::to_string(rc) + ")");
    return signature;
  }
  return make_error(ErrorCode::unsupported, "this host does not sign with " + request.alg.substr(0, 20));
}

#else  // the minimal mbedTLS of a cross build without a target prefix: no PK module, no signing

struct KeySigner::Key {};

namespace {
Error no_signing() {
  return make_error(ErrorCode::unsupported, "this build's mbedTLS has no PK module: private_key_jwt and other signed requests need a full mbedTLS");
}
}  // namespace

KeySigner::KeySigner() = default;
KeySigner::~KeySigner() = default;
Status KeySigner::add_key(const std::string&, std::string_view) { return no_signing(); }
bool KeySigner::has_key(const std::string&) const { return false; }
std::string KeySigner::key_type(const std::string&) const { return ""; }
std::string KeySigner::key_id(const std::string&) const { return ""; }
std::string KeySigner::default_alg(const std::string&) const { return ""; }
Result<Json> KeySigner::public_jwk(const std::string&) const { return no_signing(); }
Result<Bytes> KeySigner::sign(const SignRequest&) { return no_signing(); }

#endif

}  // namespace ssokit::native
