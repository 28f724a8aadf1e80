// Compact JWS parsing and the rules of the verify effect (what the core decides). No
// cryptography here: the host verifies (jws_mbedtls.cpp natively, web/src/verify.js in pages).
#include <algorithm>

#include "ssokit/jose.hpp"

namespace ssokit {
namespace {

Bytes strip_leading_zeros(const Bytes& b) {
  auto first = std::find_if(b.begin(), b.end(), [](std::uint8_t v) { return v != 0; });
  return Bytes(first, b.end());
}

std::size_t ec_coordinate_size(std::string_view crv) {
  return crv == "P-256" ? 32 : crv == "P-384" ? 48 : crv == "P-521" ? 66 : 0;
}

bool is_eddsa(std::string_view alg) { return alg == "EdDSA" || alg == "Ed25519"; }

// The curve an ECDSA alg names (RFC 7518 3.4): ES512 is P-521, not a 512-bit curve.
const char* ecdsa_curve(std::string_view alg) {
  if (alg == "ES256") return "P-256";
  if (alg == "ES384") return "P-384";
  if (alg == "ES512") return "P-521";
  return "";
}

Error bad_signature(const Jws& jws, std::string message) {
  return make_error(ErrorCode::id_token_signature_invalid, std::move(message),
                    json_object("alg", jws.alg.substr(0, 32), "kid", jws.kid.substr(0, 128)));
}

Result<Jws> parse_compact(std::string_view compact, ErrorCode code, bool json_payload) {
  const std::size_t dot1 = compact.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : compact.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || compact.find('.', dot2 + 1) != std::string_view::npos) {
    return make_error(code, "a compact JWS has exactly three base64url parts separated by dots");
  }
  const std::string_view header_part = compact.substr(0, dot1);
  const std::string_view payload_part = compact.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_part = compact.substr(dot2 + 1);

  Jws jws;
  auto header_text = base64url_decode_string(header_part, code);
  if (!header_text.ok()) return make_error(code, "the JWS header is not strict base64url: " + header_text.error().message);
  auto header = parse_json_object(header_text.value(), code);
  if (!header.ok()) return make_error(code, "the JWS header is not a JSON object: " + header.error().message);
  jws.header = std::move(header).value();

  auto payload_text = base64url_decode_string(payload_part, code);
  if (!payload_text.ok()) return make_error(code, "the JWS payload is not strict base64url: " + payload_text.error().message);
  jws.payload_bytes = std::move(payload_text).value();
  if (json_payload) {
    auto payload = parse_json_object(jws.payload_bytes, code);
    if (!payload.ok()) return make_error(code, "the JWT payload is not a JSON object: " + payload.error().message);
    jws.payload = std::move(payload).value();
  }

  auto signature = base64url_decode(signature_part, code);
  if (!signature.ok()) return make_error(code, "the JWS signature is not strict base64url: " + signature.error().message);
  jws.signature = std::move(signature).value();
  jws.signing_input = std::string(compact.substr(0, dot2));
  jws.alg = json_text(jws.header, "alg");
  jws.kid = json_text(jws.header, "kid");
  return jws;
}

std::size_t digest_size(HashAlg alg) { return alg == HashAlg::sha512 ? 64 : alg == HashAlg::sha384 ? 48 : 32; }

HashAlg hash_alg_of(std::string_view alg) {
  if (alg.size() == 5 && alg.substr(2) == "384") return HashAlg::sha384;
  if (alg.size() == 5 && alg.substr(2) == "512") return HashAlg::sha512;
  return HashAlg::sha256;
}

}  // namespace

Result<Jws> parse_jws(std::string_view compact, ErrorCode code) { return parse_compact(compact, code, true); }

Result<Jws> parse_jws_bytes(std::string_view compact, ErrorCode code) { return parse_compact(compact, code, false); }

// ---- the verify effect: what the core decides --------------------------------------------------

Result<VerifyRequest> make_verify_request(std::string alg, const Jwk& key, std::string input, Bytes signature) {
  auto refuse = [&](std::string message) {
    return make_error(ErrorCode::id_token_signature_invalid, std::move(message),
                      json_object("alg", alg.substr(0, 32), "kid", key.kid.substr(0, 128)));
  };
  if (!jws_alg_supported(alg)) return refuse("the JWS alg is not supported");
  std::size_t length = 0;  // the signature length the alg and key fix
  switch (alg[0]) {
    case 'R':
    case 'P':
      if (key.kty == "RSA") length = strip_leading_zeros(key.n).size();
      break;
    case 'E':
      if (is_eddsa(alg)) {
        if (key.kty == "OKP" && key.crv == "Ed25519" && key.x.size() == 32) length = 64;
      } else if (key.kty == "EC" && key.crv == ecdsa_curve(alg)) {
        length = 2 * ec_coordinate_size(key.crv);
      }
      break;
    case 'H':
      if (key.kty == "oct" && !key.k.empty()) length = digest_size(hash_alg_of(alg));
      break;
    default: break;
  }
  if (length == 0) return refuse("the key cannot verify this alg (its kty or crv do not fit)");
  // RSA: the modulus length; ECDSA: r||s (RFC 7518 3.4, DER is refused); Ed25519: R||S (RFC 8032);
  // HMAC: the full tag.
  if (signature.size() != length) return refuse("the JWS signature does not verify with the selected key");
  VerifyRequest request;
  request.alg = std::move(alg);
  request.key = key;
  request.input = std::move(input);
  request.signature = std::move(signature);
  return request;
}

Result<VerifyRequest> jws_verify_request(const Jws& jws, const Jwk& key) {
  if (!jws_alg_supported(jws.alg)) return bad_signature(jws, "the JWS alg is not supported");
  if (!jwk_usable_for(key, jws.alg)) {
    return bad_signature(jws, "the key cannot verify this alg (its kty, crv, use, alg or key_ops do not fit)");
  }
  Result<VerifyRequest> request = make_verify_request(jws.alg, key, jws.signing_input, jws.signature);
  // The error names the token's kid, which may differ from the key's (a key without one).
  if (!request.ok()) return bad_signature(jws, request.error().message);
  return request;
}

Json VerifyRequest::to_json() const {
  Json jwk = Json::object();
  jwk.set("kty", key.kty);
  if (key.kty == "RSA") {
    jwk["n"] = base64url_encode(key.n);
    jwk["e"] = base64url_encode(key.e);
  } else if (key.kty == "EC") {
    jwk["crv"] = key.crv;
    jwk["x"] = base64url_encode(key.x);
    jwk["y"] = base64url_encode(key.y);
  } else if (key.kty == "OKP") {
    jwk["crv"] = key.crv;
    jwk["x"] = base64url_encode(key.x);
  } else {
    jwk["k"] = base64url_encode(key.k);
  }
  Json out = Json::object();
  out.set("alg", alg);
  out.set("jwk", std::move(jwk));
  out.set("input", base64url_encode(input));
  out.set("signature", base64url_encode(signature));
  return out;
}

Result<VerifyRequest> VerifyRequest::from_json(const Json& j) {
  auto bad = [](const char* what) {
    return make_error(ErrorCode::invalid_argument, std::string("a verify effect needs ") + what);
  };
  auto alg = json_string_at(j, "alg");
  if (!alg) return bad("an alg");
  const Json* jwk = json_member(j, "jwk");
  if (jwk == nullptr) return bad("a jwk");
  auto key = parse_jwk(*jwk, ErrorCode::invalid_argument);
  if (!key.ok()) return key.take_error();
  auto input = base64url_decode_string(json_text(j, "input"), ErrorCode::invalid_argument);
  if (!input.ok() || !json_string(j, "input")) return bad("a base64url input");
  auto signature = base64url_decode(json_text(j, "signature"), ErrorCode::invalid_argument);
  if (!signature.ok() || !json_string(j, "signature")) return bad("a base64url signature");
  return make_verify_request(*alg, key.value(), std::move(input).value(), std::move(signature).value());
}

Status verify_jws_signature(const Jws& jws, const Jwk& key, const SignatureVerifier& verify) {
  SSOKIT_TRY(VerifyRequest request, jws_verify_request(jws, key));
  if (!verify(request)) return bad_signature(jws, "the JWS signature does not verify with the selected key");
  return {};
}

}  // namespace ssokit
