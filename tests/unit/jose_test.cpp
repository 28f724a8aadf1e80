// JWK/JWS and ID token validation through the C++ API. The bulk of the ID-token rules is in the
// generated shared cases (tests/cases/jose.json); these tests cover the C++-only surface.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ssokit/id_token.hpp"
#include "ssokit/jose.hpp"
#include "ssokit/json.hpp"

namespace ssokit {
namespace {

// RFC 7515 Appendix A.1 (HS256).
constexpr char kA1Jws[] =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr char kA1Key[] = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

// RFC 7515 Appendix A.3 (ES256).
constexpr char kA3Jws[] =
    "eyJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
const Json kA3Key = {{"kty", "EC"},
                     {"crv", "P-256"},
                     {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                     {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}};

TEST(JoseJws, ParsesCompactForm) {
  auto jws = parse_jws(kA1Jws);
  ASSERT_TRUE(jws.ok()) << jws.error().to_string();
  EXPECT_EQ(jws->alg, "HS256");
  EXPECT_EQ(jws->kid, "");
  EXPECT_EQ(jws->header["typ"], "JWT");
  EXPECT_EQ(jws->payload["iss"], "joe");
  EXPECT_EQ(jws->signature.size(), 32u);
  EXPECT_EQ(jws->signing_input, std::string(kA1Jws).substr(0, std::string(kA1Jws).rfind('.')));
}

TEST(JoseJws, RejectsMalformedWithGivenCode) {
  for (const char* bad : {"", "a.b", "a.b.c.d", "..", "eyJhbGciOiJFUzI1NiJ9..", "e30.e30.AA==", "e30.W10.AA"}) {
    auto r = parse_jws(bad, ErrorCode::invalid_argument);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument) << bad;
  }
  EXPECT_TRUE(parse_jws("e30.e30.AA").ok());  // {} . {} . one signature byte: well-formed
  EXPECT_EQ(parse_jws("e30.e30").error().code, ErrorCode::id_token_malformed);
}

TEST(JoseJws, BytesPayloadAllowedOnlyInParseJwsBytes) {
  const std::string compact = "eyJhbGciOiJIUzI1NiJ9.Zm9v.AA";
  EXPECT_FALSE(parse_jws(compact).ok());
  auto r = parse_jws_bytes(compact);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->payload_bytes, "foo");
  EXPECT_TRUE(r->payload.is_null());
}

TEST(JoseJws, VerifiesRfc7515Hs256) {
  auto jws = parse_jws(kA1Jws);
  ASSERT_TRUE(jws.ok());
  auto key = parse_jwk({{"kty", "oct"}, {"k", kA1Key}});
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  EXPECT_TRUE(verify_jws_signature(jws.value(), key.value(), verify_signature).ok());
  Jws tampered = jws.value();
  tampered.signing_input += "x";
  auto r = verify_jws_signature(tampered, key.value(), verify_signature);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::id_token_signature_invalid);
}

TEST(JoseJws, VerifiesRfc7515Es256AndRefusesWrongKeyType) {
  auto jws = parse_jws(kA3Jws);
  ASSERT_TRUE(jws.ok());
  auto key = parse_jwk(kA3Key);
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  EXPECT_TRUE(verify_jws_signature(jws.value(), key.value(), verify_signature).ok());
  // The same signature under another alg with this key is refused before any math.
  Jws as_hs = jws.value();
  as_hs.alg = "HS256";
  EXPECT_FALSE(verify_jws_signature(as_hs, key.value(), verify_signature).ok());
  Jws as_es384 = jws.value();
  as_es384.alg = "ES384";
  EXPECT_FALSE(verify_jws_signature(as_es384, key.value(), verify_signature).ok());
}

TEST(JoseJwk, ParsesAndRejectsKeys) {
  auto ec = parse_jwk(kA3Key);
  ASSERT_TRUE(ec.ok());
  EXPECT_EQ(ec->crv, "P-256");
  EXPECT_EQ(ec->x.size(), 32u);

  Json short_x = kA3Key;
  short_x["x"] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVA";  // 31 bytes
  EXPECT_FALSE(parse_jwk(short_x).ok());
  Json off_curve = kA3Key;
  off_curve["y"] = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a1";
  EXPECT_FALSE(parse_jwk(off_curve).ok());
  Json p521 = kA3Key;
  p521["crv"] = "P-521";
  EXPECT_FALSE(parse_jwk(p521).ok());
  Json bad_kid = kA3Key;
  bad_kid["kid"] = 5;
  EXPECT_FALSE(parse_jwk(bad_kid).ok());
  Json padded = kA3Key;
  padded["x"] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU=";
  EXPECT_FALSE(parse_jwk(padded).ok());
  EXPECT_FALSE(parse_jwk(Json::array()).ok());
  EXPECT_FALSE(parse_jwk({{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "AA"}}).ok());
  EXPECT_EQ(parse_jwk({{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}}, ErrorCode::invalid_response).error().code,
            ErrorCode::invalid_response);  // 17-bit modulus
}

// RFC 8037: OKP keys sign only with Ed25519; the RFC 8037 A.1 public key (x of 32 bytes).
TEST(JoseJwk, OkpEd25519OnlyOthersUnusable) {
  const Json ed = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}};
  auto key = parse_jwk(ed);
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  EXPECT_EQ(key->x.size(), 32u);
  EXPECT_TRUE(jwk_usable_for(key.value(), "EdDSA"));
  EXPECT_TRUE(jwk_usable_for(key.value(), "Ed25519"));
  EXPECT_FALSE(jwk_usable_for(key.value(), "ES256"));
  Json with_alg = ed;
  with_alg["alg"] = "EdDSA";
  EXPECT_FALSE(jwk_usable_for(parse_jwk(with_alg).value(), "Ed25519")) << "a key's alg must match the token's";
  for (const char* crv : {"Ed448", "X25519", "X448"}) {
    Json other = ed;
    other["crv"] = crv;
    EXPECT_FALSE(parse_jwk(other).ok()) << crv;
  }
  Json no_crv = {{"kty", "OKP"}, {"x", ed["x"]}};
  EXPECT_FALSE(parse_jwk(no_crv).ok());
  auto set = Jwks::parse({{"keys", {{{"kty", "OKP"}, {"crv", "X25519"}, {"x", ed["x"]}}, ed}}});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->keys().size(), 1u);
  EXPECT_EQ(set->skipped(), 1u) << "a key type we cannot use is skipped, not fatal";
}

// RFC 8032 7.1 TEST 1: the empty message, verified by the native verifier (libsodium).
TEST(JoseVerifyEffect, Ed25519Rfc8032Test1) {
  auto key = parse_jwk({{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", base64url_encode(hex_decode(
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a").value())}});
  ASSERT_TRUE(key.ok());
  const Bytes sig = hex_decode("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                               "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b").value();
  for (const char* alg : {"EdDSA", "Ed25519"}) {
    auto request = make_verify_request(alg, key.value(), "", sig);
    ASSERT_TRUE(request.ok()) << request.error().to_string();
    EXPECT_TRUE(verify_signature(request.value())) << alg;
    auto wrong = make_verify_request(alg, key.value(), "x", sig);
    EXPECT_FALSE(verify_signature(wrong.value()));
  }
  EXPECT_FALSE(make_verify_request("EdDSA", key.value(), "", Bytes(sig.begin(), sig.end() - 1)).ok());
  EXPECT_FALSE(make_verify_request("ES512", key.value(), "", sig).ok()) << "an OKP key cannot verify ECDSA";
}

TEST(JoseJwk, UsableFor) {
  auto key = parse_jwk(kA3Key).value();
  EXPECT_TRUE(jwk_usable_for(key, "ES256"));
  EXPECT_FALSE(jwk_usable_for(key, "ES384"));
  EXPECT_FALSE(jwk_usable_for(key, "RS256"));
  EXPECT_FALSE(jwk_usable_for(key, "none"));
  key.use = "enc";
  EXPECT_FALSE(jwk_usable_for(key, "ES256"));
  key.use = "sig";
  key.key_ops = std::vector<std::string>{"sign"};
  EXPECT_FALSE(jwk_usable_for(key, "ES256"));
  key.key_ops = std::vector<std::string>{"sign", "verify"};
  EXPECT_TRUE(jwk_usable_for(key, "ES256"));
  key.alg = "ES384";
  EXPECT_FALSE(jwk_usable_for(key, "ES256"));
  Jwk oct;
  oct.kty = "oct";
  oct.k = Bytes(31, 1);
  EXPECT_FALSE(jwk_usable_for(oct, "HS256"));
  oct.k = Bytes(32, 1);
  EXPECT_TRUE(jwk_usable_for(oct, "HS256"));
}

// Each RSA verification uses exactly the Jwk's n and e: repeated verifications, copies and a
// failed verification in between never change a result; another n or e never verifies.
TEST(JoseJwk, RsaVerificationUsesTheKeyGiven) {
  std::ifstream in(std::string(SSOKIT_CASES_DIR) + "/jose.json");
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse_json(text.str());
  ASSERT_TRUE(parsed.ok());
  const Json& cases = parsed.value();
  const Json* rs256 = nullptr;
  for (const Json& c : cases.at("cases")) {
    if (c.at("name") == "RS256 valid") rs256 = &c;
  }
  ASSERT_NE(rs256, nullptr);
  auto jws = parse_jws(rs256->at("params").at("id_token").get<std::string>());
  ASSERT_TRUE(jws.ok());
  auto key = parse_jwk(rs256->at("params").at("jwks").at("keys").at(0));
  ASSERT_TRUE(key.ok()) << key.error().to_string();

  Jws tampered = jws.value();
  tampered.signature.back() ^= 1;
  EXPECT_FALSE(verify_jws_signature(tampered, key.value(), verify_signature).ok()) << "a failed first verification";
  for (int i = 0; i < 3; i++) EXPECT_TRUE(verify_jws_signature(jws.value(), key.value(), verify_signature).ok()) << i;
  EXPECT_FALSE(verify_jws_signature(tampered, key.value(), verify_signature).ok()) << "after successful ones";
  const Jwk copy = key.value();
  EXPECT_TRUE(verify_jws_signature(jws.value(), copy, verify_signature).ok());

  Jwk other_modulus = key.value();
  other_modulus.n.back() ^= 2;  // still odd, a different key
  EXPECT_FALSE(verify_jws_signature(jws.value(), other_modulus, verify_signature).ok());
  Jwk other_exponent = key.value();
  other_exponent.e = {0x03};
  EXPECT_FALSE(verify_jws_signature(jws.value(), other_exponent, verify_signature).ok());
}

TEST(JoseJwks, ShapeAndSkipping) {
  EXPECT_EQ(Jwks::parse(Json::array()).error().code, ErrorCode::invalid_response);
  EXPECT_EQ(Jwks::parse({{"keys", Json::object()}}).error().code, ErrorCode::invalid_response);
  Json with_kid = kA3Key;
  with_kid["kid"] = "k1";
  auto set = Jwks::parse({{"keys", {with_kid, {{"kty", "oct"}, {"k", kA1Key}}, 42, {{"kty", "EC"}}}}});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->keys().size(), 1u);
  EXPECT_EQ(set->skipped(), 3u);  // oct (never from a JWKS), non-object, incomplete EC
  EXPECT_TRUE(set->select("ES256", std::string("k1")).ok());
  EXPECT_TRUE(set->select("ES256", std::nullopt).ok());
  EXPECT_EQ(set->select("ES256", std::string("k2")).error().code, ErrorCode::id_token_key_not_found);
  EXPECT_EQ(set->select("HS256", std::nullopt).error().code, ErrorCode::id_token_key_not_found);
}

TEST(JoseIdToken, Rfc7515TokensAreNotIdTokens) {
  auto set = Jwks::parse({{"keys", {kA3Key}}}).value();
  IdTokenExpectations e;
  e.issuer = "joe";
  e.client_id = "c";
  e.now = 1300819380;
  auto r = validate_id_token(kA3Jws, set, e, verify_signature);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::id_token_aud_mismatch);  // signature and iss pass, no aud
  // The message never echoes the token.
  EXPECT_EQ(r.error().to_string().find("eyJ"), std::string::npos);
  auto hs = validate_id_token(kA1Jws, set, e, verify_signature);
  EXPECT_EQ(hs.error().code, ErrorCode::id_token_alg_not_allowed);
  EXPECT_EQ(validate_id_token("", set, e, verify_signature).error().code, ErrorCode::id_token_malformed);
}

TEST(JoseIdToken, DecodeJwtIsUnverified) {
  auto r = decode_jwt(kA3Jws);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->header["alg"], "ES256");
  EXPECT_EQ(r->payload["exp"], 1300819380);
  EXPECT_EQ(decode_jwt("a.b").error().code, ErrorCode::id_token_malformed);
}

// The core's rules refuse before the host is asked: a wrong signature length, a key that does
// not fit the alg, an unsupported alg. The native verifier refuses bad material on its own too.
TEST(JoseVerifyEffect, RulesRefuseBeforeTheHostIsAsked) {
  Jwk rsa;
  rsa.kty = "RSA";
  rsa.n = Bytes(256, 0xff);
  rsa.e = {1, 0, 1};
  EXPECT_EQ(make_verify_request("RS256", rsa, "m", Bytes()).error().code, ErrorCode::id_token_signature_invalid);
  EXPECT_EQ(make_verify_request("ES256", rsa, "m", Bytes(64)).error().code, ErrorCode::id_token_signature_invalid);
  EXPECT_EQ(make_verify_request("ES512", rsa, "m", Bytes(132)).error().code, ErrorCode::id_token_signature_invalid);
  Jwk oct;
  oct.kty = "oct";
  oct.k = Bytes(32, 7);
  EXPECT_FALSE(make_verify_request("HS256", oct, "m", Bytes(16)).ok()) << "a truncated tag";
  auto request = make_verify_request("HS256", oct, "m", hmac(HashAlg::sha256, std::string(32, '\7'), "m"));
  ASSERT_TRUE(request.ok());
  EXPECT_TRUE(verify_signature(request.value()));
  request->input = "n";
  EXPECT_FALSE(verify_signature(request.value()));
  // Material that passes the length rule but is no key: the native verifier says no.
  auto junk = make_verify_request("RS256", rsa, "m", Bytes(256));
  ASSERT_TRUE(junk.ok());
  EXPECT_FALSE(verify_signature(junk.value()));
  EXPECT_FALSE(ec_point_valid("P-256", Bytes(32), Bytes(32)));
}

// The effect's JSON carries the public members only, in base64url, and reads back the same.
TEST(JoseVerifyEffect, JsonRoundTrip) {
  auto key = parse_jwk(Json{{"kty", "oct"}, {"kid", "k1"}, {"use", "sig"}, {"k", base64url_encode(std::string(32, 'k'))}});
  ASSERT_TRUE(key.ok());
  auto request = make_verify_request("HS256", key.value(), std::string("a\0b", 3), Bytes(32, 1));
  ASSERT_TRUE(request.ok());
  const Json j = request->to_json();
  EXPECT_EQ(j, (Json{{"alg", "HS256"}, {"jwk", {{"kty", "oct"}, {"k", base64url_encode(std::string(32, 'k'))}}},
                     {"input", base64url_encode(std::string("a\0b", 3))}, {"signature", base64url_encode(Bytes(32, 1))}}));
  auto back = VerifyRequest::from_json(j);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->input, std::string("a\0b", 3));
  EXPECT_EQ(back->signature, Bytes(32, 1));
  EXPECT_EQ(back->key.k, key->k);
  EXPECT_EQ(VerifyRequest::from_json(Json{{"alg", "HS256"}}).error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace ssokit
