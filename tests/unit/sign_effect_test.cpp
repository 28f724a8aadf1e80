// The sign effect: SignRequest entries on an HttpRequest, completed by the native KeySigner
// (mbedTLS) through SigningTransport before sending, checked with the native verifier; the JSON
// codec carries the entries across the boundary.
#include <gtest/gtest.h>

#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include "api.hpp"
#include "ssokit/base64.hpp"
#include "ssokit/jose.hpp"
#include "ssokit/native/key_signer.hpp"
#include "ssokit/random.hpp"
#include "ssokit/signing.hpp"
#include "ssokit/session.hpp"
#include "ssokit/url.hpp"
#include "ssokit/native/drive.hpp"

namespace ssokit {
namespace {

int rng(void*, unsigned char* out, std::size_t size) { return system_random().fill(out, size).ok() ? 0 : -1; }

std::string b64(const mbedtls_mpi& v, std::size_t size = 0) {
  Bytes out(size ? size : mbedtls_mpi_size(&v));
  mbedtls_mpi_write_binary(&v, out.data(), out.size());
  return base64url_encode(out);
}

// A fresh key as PEM (PKCS#1 / SEC1, what mbedTLS writes) and as a private JWK.
struct TestKey {
  std::string pem;
  Json jwk;
};

TestKey make_key(bool rsa) {
  mbedtls_pk_context pk;
  mbedtls_pk_init(&pk);
  TestKey key;
  if (rsa) {
    mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA));
    EXPECT_EQ(mbedtls_rsa_gen_key(mbedtls_pk_rsa(pk), rng, nullptr, 2048, 65537), 0);
    mbedtls_mpi n, p, q, d, e;
    for (mbedtls_mpi* m : {&n, &p, &q, &d, &e}) mbedtls_mpi_init(m);
    mbedtls_rsa_export(mbedtls_pk_rsa(pk), &n, &p, &q, &d, &e);
    key.jwk = {{"kty", "RSA"}, {"n", b64(n)}, {"e", b64(e)}, {"d", b64(d)}, {"p", b64(p)}, {"q", b64(q)}, {"kid", "rsa-1"}};
    for (mbedtls_mpi* m : {&n, &p, &q, &d, &e}) mbedtls_mpi_free(m);
  } else {
    mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    mbedtls_ecp_keypair* ec = mbedtls_pk_ec(pk);
    EXPECT_EQ(mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, ec, rng, nullptr), 0);
    key.jwk = {{"kty", "EC"}, {"crv", "P-256"}, {"x", b64(ec->Q.X, 32)}, {"y", b64(ec->Q.Y, 32)}, {"d", b64(ec->d, 32)}, {"kid", "ec-1"}};
  }
  unsigned char buf[8192];
  EXPECT_EQ(mbedtls_pk_write_key_pem(&pk, buf, sizeof buf), 0);
  key.pem = reinterpret_cast<const char*>(buf);
  mbedtls_pk_free(&pk);
  return key;
}

const TestKey& rsa_key() {
  static const TestKey key = make_key(true);
  return key;
}
const TestKey& ec_key() {
  static const TestKey key = make_key(false);
  return key;
}

const std::string kInput = base64url_encode(std::string(R"({"alg":"RS256","typ":"JWT"})")) + "." +
                           base64url_encode(std::string(R"({"iss":"client","jti":"x"})"));

// The JWS the signer produced verifies with the key's public half (the native verifier).
bool verifies(const native::KeySigner& signer, const std::string& name, const std::string& alg, const std::string& jws) {
  const std::size_t dot = jws.rfind('.');
  if (dot == std::string::npos || jws.substr(0, dot) != kInput) return false;
  auto signature = base64url_decode(jws.substr(dot + 1));
  auto jwk = signer.public_jwk(name);
  if (!signature.ok() || !jwk.ok()) return false;
  auto key = parse_jwk(jwk.value());
  if (!key.ok()) return false;
  auto request = make_verify_request(alg, key.value(), jws.substr(0, dot), signature.value());
  return request.ok() && verify_signature(request.value());
}

class RecordingTransport final : public HttpTransport {
 public:
  std::vector<HttpRequest> sent;
  Result<HttpResponse> send(const HttpRequest& request) override {
    sent.push_back(request);
    HttpResponse response;
    response.status = 200;
    return response;
  }
};

HttpRequest form_request(const std::string& alg, const std::string& key = "client") {
  HttpRequest request;
  request.method = "POST";
  request.url = "https://idp.example/token";
  request.body = "grant_type=refresh_token&refresh_token=abc";
  request.sign.push_back(SignRequest{alg, key, kInput, "", "client_assertion"});
  return request;
}

struct Case {
  bool rsa;
  bool jwk;
  const char* alg;
};

TEST(SignEffect, EachAlgorithmFromPemAndJwkSignsTheFormFieldAndVerifies) {
  for (const Case c : {Case{true, false, "RS256"}, Case{true, true, "RS256"}, Case{true, false, "PS256"},
                       Case{true, true, "PS256"}, Case{false, false, "ES256"}, Case{false, true, "ES256"}}) {
    SCOPED_TRACE(std::string(c.alg) + (c.jwk ? " jwk" : " pem"));
    const TestKey& key = c.rsa ? rsa_key() : ec_key();
    auto signer = std::make_shared<native::KeySigner>();
    ASSERT_TRUE(signer->add_key("client", c.jwk ? dump_json(key.jwk) : key.pem).ok());
    EXPECT_EQ(signer->key_type("client"), c.rsa ? "RSA" : "EC");
    EXPECT_EQ(signer->default_alg("client"), c.rsa ? "RS256" : "ES256");
    EXPECT_EQ(signer->key_id("client"), c.jwk ? (c.rsa ? "rsa-1" : "ec-1") : "");
    RecordingTransport inner;
    SigningTransport transport(inner, signer);
    ASSERT_TRUE(transport.send(form_request(c.alg)).ok());
    ASSERT_EQ(inner.sent.size(), 1u);
    const HttpRequest& sent = inner.sent[0];
    EXPECT_TRUE(sent.sign.empty());
    auto form = form_decode(sent.body);
    ASSERT_TRUE(form.ok());
    EXPECT_EQ(find_param(form.value(), "grant_type").value_or(""), "refresh_token");
    const std::string jws = find_param(form.value(), "client_assertion").value_or("");
    EXPECT_TRUE(verifies(*signer, "client", c.alg, jws));
    // A changed input does not verify: the signature covers the input.
    std::string tampered = jws;
    tampered[2] = tampered[2] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verifies(*signer, "client", c.alg, tampered));
  }
}

TEST(SignEffect, HeaderEntryGoesIntoTheHeader) {
  auto signer = std::make_shared<native::KeySigner>();
  ASSERT_TRUE(signer->add_key("dpop", ec_key().pem).ok());
  HttpRequest request;
  request.url = "https://idp.example/userinfo";
  request.sign.push_back(SignRequest{"ES256", "dpop", kInput, "DPoP", ""});
  ASSERT_TRUE(complete_signatures(request, signer.get()).ok());
  EXPECT_TRUE(request.sign.empty());
  EXPECT_TRUE(request.body.empty());
  EXPECT_TRUE(verifies(*signer, "dpop", "ES256", find_param(request.headers, "DPoP").value_or("")));
}

TEST(SignEffect, ARequestTheHostCannotSignIsNeverSent) {
  RecordingTransport inner;
  {
    SigningTransport transport(inner, nullptr);  // no signer at all
    auto answer = transport.send(form_request("RS256"));
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().code, ErrorCode::invalid_argument);
  }
  auto signer = std::make_shared<native::KeySigner>();
  ASSERT_TRUE(signer->add_key("client", rsa_key().pem).ok());
  SigningTransport transport(inner, signer);
  auto missing = transport.send(form_request("RS256", "dpop"));  // no key of that name
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::invalid_argument);
  auto wrong_kind = transport.send(form_request("ES256"));  // an RSA key cannot make ES256
  ASSERT_FALSE(wrong_kind.ok());
  EXPECT_EQ(wrong_kind.error().code, ErrorCode::invalid_argument);
  auto unknown_alg = transport.send(form_request("HS512"));
  ASSERT_FALSE(unknown_alg.ok());
  EXPECT_EQ(unknown_alg.error().code, ErrorCode::unsupported);
  HttpRequest bad_input = form_request("RS256");
  bad_input.sign[0].input = "not a jws input";
  EXPECT_FALSE(transport.send(bad_input).ok());
  HttpRequest both = form_request("RS256");
  both.sign[0].header = "DPoP";
  EXPECT_FALSE(transport.send(both).ok());
  EXPECT_TRUE(inner.sent.empty());
  // Without entries the request passes untouched.
  HttpRequest plain;
  plain.url = "https://idp.example/jwks";
  ASSERT_TRUE(transport.send(plain).ok());
  ASSERT_EQ(inner.sent.size(), 1u);
}

TEST(SignEffect, UnusableKeysAreRefusedWithoutEchoingThem) {
  native::KeySigner signer;
  Json public_only = rsa_key().jwk;
  public_only.erase("d");
  const std::string garbage = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n";
  for (const std::string& text : {garbage, dump_json(public_only), std::string("secret-key-material"),
                                  std::string(R"({"kty":"oct","k":"c2VjcmV0LWtleS1tYXRlcmlhbA"})")}) {
    auto status = signer.add_key("client", text);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(status.error().message.find("c2VjcmV0"), std::string::npos);
    EXPECT_EQ(status.error().message.find("secret-key-material"), std::string::npos);
  }
  EXPECT_FALSE(signer.has_key("client"));
}

TEST(SignEffect, JsonCodecCarriesTheEntries) {
  const HttpRequest request = form_request("PS256");
  // The step format of the C API and the wasm boundary.
  Json sign = Json::array();
  sign.push_back({{"alg", "PS256"}, {"key", "client"}, {"input", kInput}, {"form_field", "client_assertion"}});
  sign.push_back({{"alg", "ES256"}, {"key", "dpop"}, {"input", kInput}, {"header", "DPoP"}});
  Json wire = {{"method", "POST"}, {"url", request.url}, {"body", request.body}};
  wire["sign"] = sign;
  Json j = {{"state", Json::object()}};
  j["request"] = wire;
  auto back = api::step_from_json(j);
  ASSERT_TRUE(back.ok());
  ASSERT_TRUE(back->request.has_value());
  ASSERT_EQ(back->request->sign.size(), 2u);
  EXPECT_EQ(back->request->sign[0].alg, "PS256");
  EXPECT_EQ(back->request->sign[0].form_field, "client_assertion");
  EXPECT_EQ(back->request->sign[1].header, "DPoP");
  EXPECT_EQ(back->request->sign[1].key, "dpop");
  Json malformed = j;
  Json incomplete = Json::array();
  incomplete.push_back({{"alg", "RS256"}, {"key", "client"}, {"input", kInput}});  // neither header nor form_field
  malformed["request"]["sign"] = incomplete;
  EXPECT_FALSE(api::step_from_json(malformed).ok());
}

}  // namespace
}  // namespace ssokit

namespace ssokit {
namespace {

// The driver never hands a request with sign entries to a transport that would drop them.
TEST(SignEffect, TheDriverRefusesAPlainTransportForASignedRequest) {
  FlowStep first;
  first.state = Json::object();
  first.request = form_request("RS256");
  RecordingTransport plain;
  const StepMachine finishes = platform_machine([](const Json&, const HttpResponse&, std::int64_t) -> Result<FlowStep> {
    FlowStep done;
    done.result = Json::object();
    return done;
  });
  DriveOptions drive;
  drive.clock = [] { return std::int64_t{1700000000}; };
  auto refused = drive_steps(plain, first, finishes, drive);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(plain.sent.empty());
  auto signer = std::make_shared<native::KeySigner>();
  ASSERT_TRUE(signer->add_key("client", rsa_key().pem).ok());
  SigningTransport signing(plain, signer);
  auto sent = drive_steps(signing, first, finishes, drive);
  ASSERT_TRUE(sent.ok());
  ASSERT_EQ(plain.sent.size(), 1u);
  EXPECT_TRUE(plain.sent[0].body.find("client_assertion=") != std::string::npos);
}

}  // namespace
}  // namespace ssokit
