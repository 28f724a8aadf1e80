// OAuth 1.0a HMAC-SHA1 signing (RFC 5849) against published vectors:
// - RFC 5849 section 3.1 / 3.4.1.1: the example request's parameters, base string and (with the
//   secrets section 3.1 gives) its signature as corrected by RFC errata 2550;
// - RFC 5849 section 1.2: the photos.example.net requests (initiate, token, photo GET);
// - OAuth Core 1.0 appendix A.5: the photos.example.net GET with oauth_version=1.0 through the
//   whole signer, nonce and timestamp fixed;
// - X's (Twitter's) "Creating a signature" example: spaces, '+' and '!' in a body value.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "ssokit/platforms/twentythree.hpp"

namespace ssokit::twentythree {
namespace {

// Case-insensitive request header lookup (HttpRequest keeps headers as sent).
std::optional<std::string> header_of(const HttpRequest& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n.size() == name.size() &&
        std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return v;
    }
  }
  return std::nullopt;
}

// RFC 5849 section 3.4.1.1: the signature base string of the section 3.1 example.
constexpr const char* kRfcBaseString =
    "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26"
    "c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26"
    "oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7";

Params rfc_protocol_params() {
  return {{"realm", "Example"},  // excluded from the signature (section 3.4.1.3.1)
          {"oauth_consumer_key", "9djdj82h48djs9d2"},
          {"oauth_token", "kkk9d7dh3k39sjv7"},
          {"oauth_signature_method", "HMAC-SHA1"},
          {"oauth_timestamp", "137131201"},
          {"oauth_nonce", "7d8f3e4a"},
          {"oauth_signature", "ignored"}};
}

TEST(OAuth1, Rfc5849CollectsTheExampleParameters) {
  auto params = oauth1_collect_parameters("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
                                          "c2&a3=2+q", rfc_protocol_params());
  ASSERT_TRUE(params.ok()) << params.error().message;
  // Section 3.4.1.3.1's table: b5 is "=%3D" (decoded once), c@ and c2 are empty, '+' is a space.
  const Params expected = {{"b5", "=%3D"},
                           {"a3", "a"},
                           {"c@", ""},
                           {"a2", "r b"},
                           {"c2", ""},
                           {"a3", "2 q"},
                           {"oauth_consumer_key", "9djdj82h48djs9d2"},
                           {"oauth_token", "kkk9d7dh3k39sjv7"},
                           {"oauth_signature_method", "HMAC-SHA1"},
                           {"oauth_timestamp", "137131201"},
                           {"oauth_nonce", "7d8f3e4a"}};
  EXPECT_EQ(params.value(), expected);
}

TEST(OAuth1, Rfc5849NormalizesParameters) {
  auto params = oauth1_collect_parameters("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
                                          "c2&a3=2+q", rfc_protocol_params());
  ASSERT_TRUE(params.ok());
  // Section 3.4.1.3.2's normalized string.
  EXPECT_EQ(oauth1_normalize_parameters(params.value()),
            "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&"
            "oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7");
}

TEST(OAuth1, Rfc5849BaseStringAndSignature) {
  auto params = oauth1_collect_parameters("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
                                          "c2&a3=2+q", rfc_protocol_params());
  ASSERT_TRUE(params.ok());
  auto base = oauth1_signature_base_string("POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
                                           params.value());
  ASSERT_TRUE(base.ok()) << base.error().message;
  EXPECT_EQ(base.value(), kRfcBaseString);
  // Secrets from section 3.1; the published value is corrected by RFC errata 2550.
  EXPECT_EQ(oauth1_hmac_sha1(base.value(), "j49sk3j29djd", "dh893hdasih9"), "r6/TJjbCOr97/+UU0NsvSne7s5g=");
}

TEST(OAuth1, Rfc5849BaseStringUri) {
  // Section 3.4.1.2's examples: default ports dropped, others kept, scheme and host lower-cased.
  EXPECT_EQ(oauth1_base_string_uri("http://EXAMPLE.COM:80/r%20v/X?id=123").value(), "http://example.com/r%20v/X");
  EXPECT_EQ(oauth1_base_string_uri("https://www.example.net:8080/?q=1").value(), "https://www.example.net:8080/");
  EXPECT_EQ(oauth1_base_string_uri("https://example.net:443").value(), "https://example.net/");
  EXPECT_EQ(oauth1_base_string_uri("HTTP://[::1]:8080/a#frag").value(), "http://[::1]:8080/a");
  EXPECT_EQ(oauth1_base_string_uri("not a url").error().code, ErrorCode::invalid_url);
}

// RFC 5849 section 1.2: three requests with the printer.example.com client credentials.
TEST(OAuth1, Rfc5849PhotosExamples) {
  const std::string client_secret = "kd94hf93k423kf44";
  struct Case {
    const char* method;
    const char* url;
    Params protocol;
    const char* token_secret;
    const char* signature;
  };
  const Case cases[] = {
      {"POST",
       "https://photos.example.net/initiate",
       {{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
        {"oauth_signature_method", "HMAC-SHA1"},
        {"oauth_timestamp", "137131200"},
        {"oauth_nonce", "wIjqoS"},
        {"oauth_callback", "http://printer.example.com/ready"}},
       "",
       "74KNZJeDHnMBp0EMJ9ZHt/XKycU="},
      {"POST",
       "https://photos.example.net/token",
       {{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
        {"oauth_token", "hh5s93j4hdidpola"},
        {"oauth_signature_method", "HMAC-SHA1"},
        {"oauth_timestamp", "137131201"},
        {"oauth_nonce", "walatlh"},
        {"oauth_verifier", "hfdp7dh39dks9884"}},
       "hdhd0244k9j7ao03",
       "gKgrFCywp7rO0OXSjdot/IHF7IU="},
      {"GET",
       "http://photos.example.net/photos?file=vacation.jpg&size=original",
       {{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
        {"oauth_token", "nnch734d00sl2jdk"},
        {"oauth_signature_method", "HMAC-SHA1"},
        {"oauth_timestamp", "137131202"},
        {"oauth_nonce", "chapoH"}},
       "pfkkdhi9sl3r4s00",
       "MdpQcU8iPSUjWoN/UDMsK2sui9I="},
  };
  for (const auto& c : cases) {
    auto params = oauth1_collect_parameters(c.url, "", c.protocol);
    ASSERT_TRUE(params.ok());
    auto base = oauth1_signature_base_string(c.method, c.url, params.value());
    ASSERT_TRUE(base.ok());
    EXPECT_EQ(oauth1_hmac_sha1(base.value(), client_secret, c.token_secret), c.signature) << c.url;
  }
}

OAuth1Credentials photos_credentials() {
  return {"dpf43f3p2l4k3l03", "kd94hf93k423kf44", "nnch734d00sl2jdk", "pfkkdhi9sl3r4s00"};
}

// OAuth Core 1.0 appendix A.5.1-A.5.3, through the whole signer (it always sends oauth_version=1.0,
// as this example does).
TEST(OAuth1, CoreAppendixAThroughTheSigner) {
  OAuth1Request request;
  request.method = "GET";
  request.url = "http://photos.example.net/photos";
  request.params = {{"file", "vacation.jpg"}, {"size", "original"}};
  for (auto placement : {OAuth1Placement::header, OAuth1Placement::query}) {
    request.placement = placement;
    auto signed_request = oauth1_sign(request, photos_credentials(), "kllo9940pd9333jh", 1191242096);
    ASSERT_TRUE(signed_request.ok()) << signed_request.error().message;
    const HttpRequest& r = signed_request.value();
    EXPECT_EQ(r.method, "GET");
    EXPECT_TRUE(r.body.empty());
    if (placement == OAuth1Placement::header) {
      EXPECT_EQ(r.url, "http://photos.example.net/photos?file=vacation.jpg&size=original");
      const auto auth = header_of(r, "authorization");
      ASSERT_TRUE(auth.has_value());
      EXPECT_EQ(*auth,
                "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_nonce=\"kllo9940pd9333jh\", "
                "oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1191242096\", "
                "oauth_token=\"nnch734d00sl2jdk\", oauth_version=\"1.0\", "
                "oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\"");
    } else {
      EXPECT_FALSE(header_of(r, "authorization").has_value());
      EXPECT_NE(r.url.find("&oauth_signature=tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"), std::string::npos) << r.url;
      EXPECT_EQ(r.url.rfind("http://photos.example.net/photos?file=vacation.jpg&size=original&oauth_consumer_key=", 0),
                0u);
    }
  }
}

// X's documented example: a POST body value with spaces, '+', ',' and '!' (always %20, never '+').
TEST(OAuth1, XDocumentedExample) {
  const Params params = {
      {"status", "Hello Ladies + Gentlemen, a signed OAuth request!"},
      {"include_entities", "true"},
      {"oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"},
      {"oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"},
      {"oauth_signature_method", "HMAC-SHA1"},
      {"oauth_timestamp", "1318622958"},
      {"oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"},
      {"oauth_version", "1.0"},
  };
  auto base = oauth1_signature_base_string("post", "https://api.twitter.com/1.1/statuses/update.json", params);
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(base.value(),
            "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26"
            "oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26"
            "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-"
            "GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520"
            "Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521");
  EXPECT_EQ(oauth1_hmac_sha1(base.value(), "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                             "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"),
            "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
}

TEST(OAuth1, EncodingIsRfc3986) {
  EXPECT_EQ(oauth1_encode("a b+c*~-._!'()"), "a%20b%2Bc%2A~-._%21%27%28%29");
  EXPECT_EQ(oauth1_encode("\xC3\xA9"), "%C3%A9");  // UTF-8 bytes, upper-case hex
}

TEST(OAuth1, PostBodyCarriesParametersAndSignatureVerifies) {
  OAuth1Request request;
  request.url = "https://videos.example.com/api/session/get-token";
  request.params = {{"full_name", "Ann O'Neil + Co"}, {"return_url", "/a b"}};
  request.placement = OAuth1Placement::body;
  auto r = oauth1_sign(request, photos_credentials(), "nonce-1", 1700000000);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->url, request.url);  // nothing in the query string on POST
  EXPECT_EQ(header_of(*r, "content-type").value_or(""), "application/x-www-form-urlencoded");
  EXPECT_EQ(r->body.find('+'), std::string::npos) << "a space is %20 on the wire too";
  EXPECT_NE(r->body.find("full_name=Ann%20O%27Neil%20%2B%20Co"), std::string::npos);
  // Verify as a server would: everything but oauth_signature, from the body, recomputed.
  auto decoded = form_decode(r->body);
  ASSERT_TRUE(decoded.ok());
  auto signature = find_param(decoded.value(), "oauth_signature");
  ASSERT_TRUE(signature.has_value());
  auto params = oauth1_collect_parameters(r->url, r->body, {});
  ASSERT_TRUE(params.ok());
  Params without;
  for (auto& p : params.value()) {
    if (p.first != "oauth_signature") without.push_back(p);
  }
  auto base = oauth1_signature_base_string("POST", r->url, without);
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(oauth1_hmac_sha1(base.value(), "kd94hf93k423kf44", "pfkkdhi9sl3r4s00"), *signature);
  EXPECT_NE(oauth1_hmac_sha1(base.value(), "kd94hf93k423kf44", "wrong"), *signature);
}

TEST(OAuth1, NonceFromRandomSourceAndTimestampFromNow) {
  OAuth1Request request;
  request.url = "https://videos.example.com/api/echo";
  request.placement = OAuth1Placement::body;
  auto rng1 = CtrDrbgRandom::from_seed(Bytes(32, 7));
  auto rng2 = CtrDrbgRandom::from_seed(Bytes(32, 7));
  auto rng3 = CtrDrbgRandom::from_seed(Bytes(32, 8));
  ASSERT_TRUE(rng1.ok() && rng2.ok() && rng3.ok());
  auto a = oauth1_sign(request, photos_credentials(), **rng1, 1234567890);
  auto b = oauth1_sign(request, photos_credentials(), **rng2, 1234567890);
  auto c = oauth1_sign(request, photos_credentials(), **rng3, 1234567890);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->body, b->body);  // same seed, same nonce: deterministic
  EXPECT_NE(a->body, c->body);
  auto params = form_decode(a->body);
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(find_param(params.value(), "oauth_timestamp").value_or(""), "1234567890");
  EXPECT_GE(find_param(params.value(), "oauth_nonce").value_or("").size(), 22u);  // 128 bits, base64url
}

TEST(OAuth1, RefusesWhatTwentyThreeCannotRead) {
  OAuth1Request request;
  request.url = "https://videos.example.com/api/session/get-token?x=1";
  auto r = oauth1_sign(request, photos_credentials(), "n", 1);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);  // POST with a query string

  request.url = "https://videos.example.com/api/session/get-token";
  request.placement = OAuth1Placement::query;
  EXPECT_EQ(oauth1_sign(request, photos_credentials(), "n", 1).error().code, ErrorCode::invalid_argument);

  request.method = "GET";
  request.placement = OAuth1Placement::body;
  EXPECT_EQ(oauth1_sign(request, photos_credentials(), "n", 1).error().code, ErrorCode::invalid_argument);

  request.method = "PUT";
  request.placement = OAuth1Placement::header;
  EXPECT_EQ(oauth1_sign(request, photos_credentials(), "n", 1).error().code, ErrorCode::invalid_argument);

  request.method = "POST";
  request.params = {{"oauth_callback", "x"}};
  EXPECT_EQ(oauth1_sign(request, photos_credentials(), "n", 1).error().code, ErrorCode::invalid_argument);

  request.params = {};
  OAuth1Credentials missing = photos_credentials();
  missing.token_secret.clear();
  auto e = oauth1_sign(request, missing, "n", 1);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("access token secret"), std::string::npos);
  EXPECT_EQ(oauth1_sign(request, photos_credentials(), "", 1).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(oauth1_sign(request, photos_credentials(), "n", 0).error().code, ErrorCode::invalid_argument);
}

TEST(OAuth1, ErrorsNeverCarrySecrets) {
  OAuth1Request request;
  request.url = "https://videos.example.com/api/x?y=1";
  auto e = oauth1_sign(request, photos_credentials(), "n", 1);
  ASSERT_FALSE(e.ok());
  for (const char* secret : {"kd94hf93k423kf44", "pfkkdhi9sl3r4s00"}) {
    EXPECT_EQ(e.error().to_string().find(secret), std::string::npos);
  }
}

}  // namespace
}  // namespace ssokit::twentythree
