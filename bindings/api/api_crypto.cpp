// JSON methods for the primitives: PKCE, random tokens, base64url, hashes, HMAC, JSON.
#include <memory>

#include "api_internal.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/pkce.hpp"
#include "ssokit/random.hpp"

namespace ssokit::api {
namespace {

std::string as_text(const Bytes& b) { return std::string(b.begin(), b.end()); }

Result<HashAlg> hash_alg(const Json& p) {
  std::string name = opt_string(p, "alg", "sha256");
  if (name == "sha1") return HashAlg::sha1;
  if (name == "sha256") return HashAlg::sha256;
  if (name == "sha384") return HashAlg::sha384;
  if (name == "sha512") return HashAlg::sha512;
  return bad_param("alg", "must be one of sha1, sha256, sha384, sha512");
}


Json pkce_json(const Pkce& pkce) {
  Json out = Json::object();
  out.set("code_verifier", pkce.code_verifier);
  out.set("code_challenge", pkce.code_challenge);
  out.set("code_challenge_method", Pkce::method);
  return out;
}

Result<Json> m_pkce(const Json& p) {
  if (json_member(p, "verifier") != nullptr) {
    SSOKIT_TRY(std::string verifier, need_string(p, "verifier"));
    SSOKIT_TRY(Pkce pkce, pkce_from_verifier(verifier));
    return pkce_json(pkce);
  }
  SSOKIT_TRY(auto rng, call_random(p));
  SSOKIT_TRY(Pkce pkce, generate_pkce(*rng));
  return pkce_json(pkce);
}

Result<Json> m_random_token(const Json& p) {
  auto size = json_int(p, "bytes").value_or(32);
  if (size < 0 || size > 1024) return bad_param("bytes", "must be between 16 and 1024");
  SSOKIT_TRY(auto rng, call_random(p));
  SSOKIT_TRY(std::string token, random_token(*rng, static_cast<std::size_t>(size)));
  return Json(token);
}

Result<Json> m_random_bytes(const Json& p) {
  auto size = json_int(p, "bytes").value_or(32);
  if (size < 0 || size > 4096) return bad_param("bytes", "must be between 0 and 4096");
  SSOKIT_TRY(auto rng, call_random(p));
  SSOKIT_TRY(Bytes bytes, rng->bytes(static_cast<std::size_t>(size)));
  return Json(hex_encode(bytes));
}

Result<Json> m_base64url_encode(const Json& p) {
  SSOKIT_TRY(Bytes data, need_hex(p, "hex"));
  return Json(base64url_encode(data));
}

Result<Json> m_base64url_decode(const Json& p) {
  SSOKIT_TRY(std::string text, need_string(p, "text"));
  SSOKIT_TRY(Bytes data, base64url_decode(text));
  return Json(hex_encode(data));
}

Result<Json> m_base64_encode(const Json& p) {
  SSOKIT_TRY(Bytes data, need_hex(p, "hex"));
  return Json(base64_encode(as_text(data)));
}

Result<Json> m_hash(const Json& p) {
  SSOKIT_TRY(HashAlg alg, hash_alg(p));
  SSOKIT_TRY(Bytes data, need_hex(p, "hex"));
  return Json(hex_encode(hash(alg, as_text(data))));
}

Result<Json> m_hmac(const Json& p) {
  SSOKIT_TRY(HashAlg alg, hash_alg(p));
  SSOKIT_TRY(Bytes key, need_hex(p, "key"));
  SSOKIT_TRY(Bytes data, need_hex(p, "hex"));
  return Json(hex_encode(hmac(alg, as_text(key), as_text(data))));
}

Result<Json> m_constant_time_equal(const Json& p) {
  SSOKIT_TRY(std::string a, need_string(p, "a"));
  SSOKIT_TRY(std::string b, need_string(p, "b"));
  return Json(constant_time_equal(a, b));
}

Result<Json> m_json_parse(const Json& p) {
  SSOKIT_TRY(std::string text, need_string(p, "text"));
  return parse_json(text);
}

Result<Json> m_error_codes(const Json&) {
  Json names = Json::array();
  for (int i = 0; i <= static_cast<int>(ErrorCode::internal_error); ++i) {
    names.push_back(error_code_name(static_cast<ErrorCode>(i)));
  }
  return names;
}

constexpr Method kCryptoMethods[] = {
    {"pkce", m_pkce},
};

// Low-level helpers no page module calls (api_internal.hpp: tool tables).
constexpr Method kCryptoToolMethods[] = {
    {"random.token", m_random_token},
    {"random.bytes", m_random_bytes},
    {"base64url.encode", m_base64url_encode},
    {"base64url.decode", m_base64url_decode},
    {"base64.encode", m_base64_encode},
    {"hash", m_hash},
    {"hmac", m_hmac},
    {"constant_time_equal", m_constant_time_equal},
    {"json.parse", m_json_parse},
    {"error.codes", m_error_codes},
};

}  // namespace

MethodTable crypto_methods() { return {kCryptoMethods, sizeof kCryptoMethods / sizeof kCryptoMethods[0]}; }
MethodTable crypto_tool_methods() {
  return {kCryptoToolMethods, sizeof kCryptoToolMethods / sizeof kCryptoToolMethods[0]};
}

}  // namespace ssokit::api
