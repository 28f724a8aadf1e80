// JSON Web Keys (RFC 7517, RFC 7518 section 6) and key selection for JWS verification.
#include <algorithm>

#include "ssokit/jose.hpp"

namespace ssokit {
namespace {

Bytes strip_leading_zeros(Bytes b) {
  auto first = std::find_if(b.begin(), b.end(), [](std::uint8_t v) { return v != 0; });
  b.erase(b.begin(), first);
  return b;
}

std::size_t bit_length(const Bytes& stripped) {
  if (stripped.empty()) return 0;
  std::size_t bits = (stripped.size() - 1) * 8;
  for (std::uint8_t top = stripped[0]; top != 0; top >>= 1) ++bits;
  return bits;
}

// The ROCA fingerprint (CVE-2017-15361): moduli from the flawed Infineon generator are, modulo
// every small prime r, a power of 65537. An honest modulus fails this for some r with
// overwhelming probability; such keys are factorable, so they are refused.
bool roca_fingerprint(const Bytes& n) {
  constexpr unsigned kPrimes[] = {3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71,
                                  73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167};
  for (unsigned r : kPrimes) {
    unsigned residue = 0;
    for (std::uint8_t byte : n) residue = (residue * 256 + byte) % r;
    const unsigned g = 65537 % r;
    bool in_subgroup = false;
    unsigned power = 1;
    for (unsigned i = 0; i < r; ++i) {
      if (power == residue) {
        in_subgroup = true;
        break;
      }
      power = power * g % r;
      if (power == 1) break;
    }
    if (!in_subgroup) return false;
  }
  return true;
}

std::size_t curve_size(std::string_view crv) {
  if (crv == "P-256") return 32;
  if (crv == "P-384") return 48;
  if (crv == "P-521") return 66;
  return 0;
}

// An optional string member: absent is fine, present must be a string.
Status optional_string(const Json& jwk, std::string_view name, std::string* out, ErrorCode code) {
  const Json* v = json_member(jwk, name);
  if (v == nullptr) return {};
  if (!v->is_string()) return make_error(code, "the JWK member \"" + std::string(name) + "\" is not a string");
  *out = v->get<std::string>();
  return {};
}

Result<Bytes> b64_member(const Json& jwk, std::string_view name, ErrorCode code) {
  auto text = json_string_at(jwk, name);
  if (!text) return make_error(code, "the JWK has no string member \"" + std::string(name) + "\"");
  auto bytes = base64url_decode(*text, code);
  if (!bytes.ok()) return make_error(code, "the JWK member \"" + std::string(name) + "\" is not strict base64url");
  return std::move(bytes).value();
}

struct AlgInfo {
  const char* name;
  const char* kty;
  const char* crv;  // EC and OKP only
};
// EdDSA is RFC 8037's name (the curve comes from the key: only Ed25519 is supported); Ed25519 is
// the fully specified name of RFC 9864 for the same signature.
constexpr AlgInfo kAlgs[] = {
    {"RS256", "RSA", nullptr}, {"RS384", "RSA", nullptr}, {"RS512", "RSA", nullptr},
    {"PS256", "RSA", nullptr}, {"PS384", "RSA", nullptr}, {"PS512", "RSA", nullptr},
    {"ES256", "EC", "P-256"},  {"ES384", "EC", "P-384"},  {"ES512", "EC", "P-521"},
    {"EdDSA", "OKP", "Ed25519"}, {"Ed25519", "OKP", "Ed25519"}, {"HS256", "oct", nullptr},
};

const AlgInfo* alg_info(std::string_view alg) {
  for (const auto& a : kAlgs) {
    if (alg == a.name) return &a;
  }
  return nullptr;
}

}  // namespace

Result<Jwk> parse_jwk(const Json& json, ErrorCode code) {
  if (!json.is_object()) return make_error(code, "a JWK must be a JSON object");
  Jwk jwk;
  jwk.raw = json;
  auto kty = json_string_at(json, "kty");
  if (!kty) return make_error(code, "the JWK has no string \"kty\"");
  jwk.kty = *kty;
  SSOKIT_CHECK(optional_string(json, "kid", &jwk.kid, code));
  SSOKIT_CHECK(optional_string(json, "use", &jwk.use, code));
  SSOKIT_CHECK(optional_string(json, "alg", &jwk.alg, code));
  if (const Json* ops = json_member(json, "key_ops"); ops != nullptr) {
    if (!ops->is_array()) return make_error(code, "the JWK member \"key_ops\" is not an array");
    std::vector<std::string> list;
    for (const auto& op : *ops) {
      if (!op.is_string()) return make_error(code, "the JWK member \"key_ops\" holds a non-string");
      list.push_back(op.get<std::string>());
    }
    jwk.key_ops = std::move(list);
  }

  if (jwk.kty == "RSA") {
    SSOKIT_TRY(Bytes n, b64_member(json, "n", code));
    SSOKIT_TRY(Bytes e, b64_member(json, "e", code));
    jwk.n = strip_leading_zeros(std::move(n));
    jwk.e = strip_leading_zeros(std::move(e));
    const std::size_t bits = bit_length(jwk.n);
    // RFC 7518 3.3: 2048 bits or larger; 8192 is mbedTLS's default limit and bounds the work.
    if (bits < 2048 || bits > 8192) {
      return make_error(code, "the RSA JWK modulus has " + std::to_string(bits) + " bits; 2048 to 8192 are accepted",
                        json_object("kid", jwk.kid));
    }
    if (roca_fingerprint(jwk.n)) {
      return make_error(code, "the RSA JWK modulus has the ROCA weakness (CVE-2017-15361); the key must be replaced",
                        json_object("kid", jwk.kid));
    }
    if (jwk.e.empty() || jwk.e.size() > 8 || (jwk.e.back() & 1) == 0 || (jwk.e.size() == 1 && jwk.e[0] < 3)) {
      return make_error(code, "the RSA JWK exponent must be odd and at least 3", json_object("kid", jwk.kid));
    }
  } else if (jwk.kty == "EC") {
    auto crv = json_string_at(json, "crv");
    if (!crv) return make_error(code, "the EC JWK has no string \"crv\"");
    jwk.crv = *crv;
    const std::size_t size = curve_size(jwk.crv);
    if (size == 0) {
      return make_error(code, "the EC JWK curve is not supported (P-256, P-384 and P-521 are)", json_object("crv", jwk.crv.substr(0, 32)));
    }
    SSOKIT_TRY(jwk.x, b64_member(json, "x", code));
    SSOKIT_TRY(jwk.y, b64_member(json, "y", code));
    // RFC 7518 6.2.1.2: coordinates are the full field size, no more, no less.
    if (jwk.x.size() != size || jwk.y.size() != size) {
      return make_error(code, "the EC JWK coordinates must be " + std::to_string(size) + " bytes for " + jwk.crv);
    }
    if (!ec_point_valid(jwk.crv, jwk.x, jwk.y)) return make_error(code, "the EC JWK point is not on the curve", json_object("kid", jwk.kid));
  } else if (jwk.kty == "OKP") {
    // RFC 8037: only Ed25519 signs; Ed448 keys and the X25519/X448 key-agreement keys are unusable.
    auto crv = json_string_at(json, "crv");
    if (!crv) return make_error(code, "the OKP JWK has no string \"crv\"");
    jwk.crv = *crv;
    if (jwk.crv != "Ed25519") {
      return make_error(code, "the OKP JWK curve is not supported (Ed25519 is)", json_object("crv", jwk.crv.substr(0, 32)));
    }
    SSOKIT_TRY(jwk.x, b64_member(json, "x", code));
    if (jwk.x.size() != 32) return make_error(code, "the Ed25519 JWK member \"x\" must be 32 bytes");
  } else if (jwk.kty == "oct") {
    SSOKIT_TRY(jwk.k, b64_member(json, "k", code));
  } else {
    return make_error(code, "the JWK key type is not supported (RSA, EC, OKP and oct are)", json_object("kty", jwk.kty.substr(0, 32)));
  }
  return jwk;
}

Result<Jwks> Jwks::parse(const Json& document) {
  const Json* keys = json_member(document, "keys");
  if (keys == nullptr || !keys->is_array()) {
    return make_error(ErrorCode::invalid_response, "a JWK set must be a JSON object with a \"keys\" array");
  }
  Jwks set;
  for (const auto& entry : *keys) {
    auto key = parse_jwk(entry, ErrorCode::invalid_response);
    if (!key.ok() || key->kty == "oct") {
      ++set.skipped_;
      continue;
    }
    set.keys_.push_back(std::move(key).value());
  }
  return set;
}

Result<const Jwk*> Jwks::select(std::string_view alg, const std::optional<std::string>& kid) const {
  Json details = Json::object();
  details.set("alg", std::string(alg.substr(0, 32)));
  if (kid) details["kid"] = kid->substr(0, 128);
  const Jwk* found = nullptr;
  int count = 0;
  for (const auto& key : keys_) {
    if (kid && key.kid != *kid) continue;
    if (!jwk_usable_for(key, alg)) continue;
    found = &key;
    ++count;
  }
  if (count == 1) return found;
  if (count > 1) {
    return make_error(ErrorCode::id_token_key_not_found,
                      kid ? "the JWK set has several keys with this kid for this alg; the key is ambiguous"
                          : "the token has no kid and the JWK set has several keys for its alg; the key is ambiguous",
                      std::move(details));
  }
  return make_error(ErrorCode::id_token_key_not_found,
                    kid ? "no key in the provider's JWK set has this kid and fits the token's alg (keys may have rotated)"
                        : "no key in the provider's JWK set fits the token's alg",
                    std::move(details));
}

bool jws_alg_supported(std::string_view alg) { return alg_info(alg) != nullptr; }

std::string supported_jws_algs() {
  std::string names;
  for (const auto& a : kAlgs) {
    if (!names.empty()) names += ", ";
    names += a.name;
  }
  return names;
}

bool jwk_usable_for(const Jwk& key, std::string_view alg) {
  const AlgInfo* info = alg_info(alg);
  if (info == nullptr || key.kty != info->kty) return false;
  if (info->crv != nullptr && key.crv != info->crv) return false;
  if (!key.use.empty() && key.use != "sig") return false;
  if (!key.alg.empty() && key.alg != alg) return false;
  if (key.key_ops && std::find(key.key_ops->begin(), key.key_ops->end(), "verify") == key.key_ops->end()) return false;
  // RFC 7518 3.2: an HMAC key at least as long as the hash output.
  if (key.kty == "oct" && key.k.size() < 32) return false;
  return true;
}

}  // namespace ssokit
