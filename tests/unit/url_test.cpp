// URL module: what the shared JSON cases cannot express (struct fields, round-trips over every
// byte, messages, hand-built Url values) plus a property test of the return-URL validator.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <string>

#include "ssokit/http.hpp"
#include "ssokit/url.hpp"

namespace ssokit {
namespace {

Url must_parse(std::string_view text) {
  auto r = parse_url(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Url{};
}

TEST(Url, FieldsOfAFullUrl) {
  Url url = must_parse("https://user:pw@Example.COM:8443/a/b?x=1&y=2#frag");
  EXPECT_EQ(url.scheme, "https");
  ASSERT_TRUE(url.userinfo.has_value());
  EXPECT_EQ(*url.userinfo, "user:pw");
  EXPECT_EQ(url.host, "example.com");
  ASSERT_TRUE(url.port.has_value());
  EXPECT_EQ(*url.port, 8443);
  EXPECT_EQ(url.path, "/a/b");
  EXPECT_EQ(url.query, std::optional<std::string>("x=1&y=2"));
  EXPECT_EQ(url.fragment, std::optional<std::string>("frag"));
  EXPECT_EQ(url.effective_port(), 8443);
  EXPECT_EQ(url.origin(), "https://example.com:8443");
}

TEST(Url, AbsentVersusEmptyQueryAndFragment) {
  Url none = must_parse("http://example.com/p");
  EXPECT_FALSE(none.query.has_value());
  EXPECT_FALSE(none.fragment.has_value());
  EXPECT_FALSE(none.port.has_value());
  EXPECT_FALSE(none.userinfo.has_value());
  Url empty = must_parse("http://@example.com/p?#");
  ASSERT_TRUE(empty.query.has_value());
  EXPECT_EQ(*empty.query, "");
  ASSERT_TRUE(empty.fragment.has_value());
  EXPECT_EQ(*empty.fragment, "");
  ASSERT_TRUE(empty.userinfo.has_value());
  EXPECT_EQ(*empty.userinfo, "");
  EXPECT_EQ(empty.to_string(), "http://@example.com/p?#");
}

TEST(Url, EffectivePort) {
  EXPECT_EQ(must_parse("https://example.com/").effective_port(), 443);
  EXPECT_EQ(must_parse("http://example.com/").effective_port(), 80);
  EXPECT_EQ(must_parse("foo://example.com/").effective_port(), 0);
  EXPECT_EQ(must_parse("http://example.com:443/").effective_port(), 443);
}

TEST(Url, RoundTripsThroughToString) {
  const char* urls[] = {
      "https://example.com",
      "https://example.com/",
      "http://127.0.0.1:8080/callback?code=a&state=b",
      "http://[::1]:53124/cb",
      "https://user:pw@example.com:8443/a%20b?x=%2F#f",
      "foo://example.com:8042/over/there?name=ferret#nose",
      "mailto:John.Doe@example.com",
      "urn:oasis:names:specification:docbook:dtd:xml:4.1.2",
      "com.example.app:/oauth2redirect/example-provider",
      "file:///etc/hosts",
      "https://app.example/cb?a[]=1#{x}",
  };
  for (const char* text : urls) {
    Url url = must_parse(text);
    EXPECT_EQ(url.to_string(), text);
    auto built = build_url(url);
    ASSERT_TRUE(built.ok()) << text << ": " << built.error().message;
    EXPECT_EQ(built.value(), text);
  }
}

TEST(Url, ToStringOfHandBuiltValues) {
  Url url;
  url.scheme = "http";
  url.host = "::1";
  url.port = 8080;
  url.path = "/cb";
  EXPECT_EQ(url.to_string(), "http://[::1]:8080/cb");
  EXPECT_EQ(url.origin(), "http://[::1]:8080");

  // A path starting with "//" needs an (empty) authority in front, or it would become one.
  Url odd;
  odd.scheme = "foo";
  odd.path = "//not-a-host/x";
  EXPECT_EQ(odd.to_string(), "foo:////not-a-host/x");
  Url back = must_parse(odd.to_string());
  EXPECT_EQ(back.host, "");
  EXPECT_EQ(back.path, "//not-a-host/x");
}

TEST(Url, BuildUrlNormalisesAndRefusesDelimiters) {
  Url url;
  url.scheme = "HTTP";
  url.host = "0:0:0:0:0:0:0:1";
  url.path = "/";
  auto built = build_url(url);
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(built.value(), "http://[::1]/");

  url.host = "example.com";
  url.query = "a=1#b";
  auto bad = build_url(url);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_url);

  url.query.reset();
  url.userinfo = "a@b";
  EXPECT_FALSE(build_url(url).ok());
}

TEST(Url, OriginWithoutHostIsOpaque) {
  Url url = must_parse("mailto:someone@example.com");
  EXPECT_EQ(url.origin(), "null");
  EXPECT_FALSE(same_origin(url, url));
}

TEST(Url, SameOriginOfHandBuiltValuesIgnoresCase) {
  Url a;
  a.scheme = "HTTPS";
  a.host = "Example.Com";
  Url b = must_parse("https://example.com:443/x");
  EXPECT_TRUE(same_origin(a, b));
  a.port = 444;
  EXPECT_FALSE(same_origin(a, b));
}

TEST(Url, ErrorMessagesDoNotEchoTheUrl) {
  auto r = parse_url("https://example.com/cb?code=SECRETCODE value");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_url);
  EXPECT_EQ(r.error().message.find("SECRETCODE"), std::string::npos) << r.error().message;
  EXPECT_FALSE(r.error().message.empty());
}

TEST(Url, EveryControlByteAndDelIsRefusedAnywhere) {
  for (int byte = 0; byte <= 0x20; ++byte) {
    for (const char* where : {"host", "path", "query", "fragment"}) {
      std::string c(1, static_cast<char>(byte));
      std::string text = std::string(where) == "host"       ? "http://exa" + c + "mple.com/"
                         : std::string(where) == "path"     ? "http://example.com/a" + c
                         : std::string(where) == "query"    ? "http://example.com/?a=" + c
                                                            : "http://example.com/#" + c;
      EXPECT_FALSE(parse_url(text).ok()) << "byte " << byte << " in " << where;
    }
  }
  EXPECT_FALSE(parse_url("http://example.com/\x7f").ok());
  for (int byte = 0x80; byte <= 0xFF; ++byte) {
    EXPECT_FALSE(parse_url("http://example.com/" + std::string(1, static_cast<char>(byte))).ok()) << byte;
  }
}

TEST(Url, IPv6Forms) {
  struct Case {
    const char* in;
    const char* host;
  } cases[] = {
      {"http://[::]/", "::"},
      {"http://[1::]/", "1::"},
      {"http://[1:2:3:4:5:6:7::]/", "1:2:3:4:5:6:7:0"},
      {"http://[::2:3:4:5:6:7:8]/", "0:2:3:4:5:6:7:8"},
      {"http://[1:0:0:2:0:0:0:3]/", "1:0:0:2::3"},
      {"http://[0001:0db8::0001]/", "1:db8::1"},
      {"http://[::1.2.3.4]/", "::102:304"},
  };
  for (const auto& c : cases) EXPECT_EQ(must_parse(c.in).host, c.host) << c.in;
  const char* bad[] = {"http://[:1]/",        "http://[1:]/",          "http://[1:::2]/",
                       "http://[1:2:3:4:5:6:7:8::]/", "http://[::1.2.3]/", "http://[::1.2.3.256]/",
                       "http://[::01.2.3.4]/", "http://[1.2.3.4]/",    "http://[g::1]/",
                       "http://[::1]]/",      "http://[[::1]/",        "http://[1:2:3:4:5:6:7:1.2.3.4]/"};
  for (const char* text : bad) EXPECT_FALSE(parse_url(text).ok()) << text;
}

TEST(Encoding, PercentEncodeRoundTripsEveryByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  std::string encoded = percent_encode(all);
  for (char c : encoded) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '%' || c == '-' || c == '.' || c == '_' || c == '~');
  }
  auto decoded = percent_decode(encoded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded.value(), all);
}

TEST(Encoding, FormRoundTripsEveryByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  Params params = {{all, all}, {"", ""}, {"a+b", "c d"}, {"=", "&"}};
  std::string encoded = form_encode(params);
  EXPECT_EQ(encoded.find(' '), std::string::npos);
  auto decoded = form_decode(encoded);
  ASSERT_TRUE(decoded.ok());
  // "=" (empty name and value) survives because the piece is not empty.
  EXPECT_EQ(decoded.value(), params);
}

TEST(Encoding, QueryAndFragmentParamsOfAParsedUrl) {
  Url url = must_parse("http://127.0.0.1:1234/cb?code=abc&state=x%20y#access_token=t&state=z");
  auto query = query_params(url);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(find_param(query.value(), "code"), std::optional<std::string>("abc"));
  EXPECT_EQ(find_param(query.value(), "state"), std::optional<std::string>("x y"));
  EXPECT_EQ(find_param(query.value(), "missing"), std::nullopt);
  auto fragment = fragment_params(url);
  ASSERT_TRUE(fragment.ok());
  EXPECT_EQ(find_param(fragment.value(), "state"), std::optional<std::string>("z"));

  // A hand-built Url is not validated by parse_url: the decoder still catches bad escapes.
  Url hand;
  hand.query = "a=%zz";
  auto bad = query_params(hand);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_url);
}

TEST(Encoding, FindParamReturnsTheFirst) {
  Params params = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  EXPECT_EQ(find_param(params, "a"), std::optional<std::string>("1"));
  EXPECT_EQ(find_param(params, "A"), std::nullopt);  // names are case-sensitive
}

TEST(Encoding, AddQueryParamsResultParsesBack) {
  auto out = add_query_params("https://idp.example/authorize?x=1#keep", {{"redirect_uri", "http://[::1]:9/cb"}, {"s", "a b"}});
  ASSERT_TRUE(out.ok());
  Url url = must_parse(out.value());
  auto params = query_params(url);
  ASSERT_TRUE(params.ok());
  Params expected = {{"x", "1"}, {"redirect_uri", "http://[::1]:9/cb"}, {"s", "a b"}};
  EXPECT_EQ(params.value(), expected);
  EXPECT_EQ(url.fragment, std::optional<std::string>("keep"));
}

TEST(Http, HeaderLookupIsCaseInsensitiveAndReturnsTheFirst) {
  HttpResponse response;
  response.headers = {{"Content-Type", "application/json"}, {"WWW-Authenticate", "Bearer a"},
                      {"www-authenticate", "Bearer b"}};
  EXPECT_EQ(response.header("content-type"), std::optional<std::string>("application/json"));
  EXPECT_EQ(response.header("CONTENT-TYPE"), std::optional<std::string>("application/json"));
  EXPECT_EQ(response.header("Www-Authenticate"), std::optional<std::string>("Bearer a"));
  EXPECT_EQ(response.header("Content-Length"), std::nullopt);
  EXPECT_EQ(response.header("Content-Typ"), std::nullopt);
  EXPECT_EQ(response.header(""), std::nullopt);
}

TEST(ReturnUrl, ErrorCarriesAReasonAndOnlyAShortPrefix) {
  std::string candidate = "https://evil.example/steal?session=SECRETSECRETSECRET";
  auto r = validate_return_url(candidate);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_return_url);
  EXPECT_EQ(r.error().message.find("SECRET"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("evil.example/steal"), std::string::npos) << r.error().message;
  ASSERT_TRUE(r.error().details.contains("reason"));
  EXPECT_EQ(r.error().details["reason"], "scheme");

  auto encoded = validate_return_url("/%2F%2Fevil.example");
  ASSERT_FALSE(encoded.ok());
  EXPECT_EQ(encoded.error().details["reason"], "encoded_protocol_relative");
}

TEST(ReturnUrl, ControlCharactersInTheMessageAreNotEchoed) {
  auto r = validate_return_url("/\r\nSet-Cookie: a=1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find('\r'), std::string::npos);
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
}

TEST(ReturnUrl, LengthIsBounded) {
  EXPECT_TRUE(validate_return_url("/" + std::string(4095, 'a')).ok());
  auto r = validate_return_url("/" + std::string(4096, 'a'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().details["reason"], "too_long");
}

TEST(ReturnUrl, EveryEncodedControlByteIsRefused) {
  const char hex[] = "0123456789ABCDEF";
  for (int byte = 0; byte < 0x20; ++byte) {
    std::string escape = std::string("%") + hex[byte >> 4] + hex[byte & 15];
    EXPECT_FALSE(validate_return_url("/a" + escape + "b").ok()) << escape;
    EXPECT_FALSE(validate_return_url("/a%25" + escape.substr(1) + "b").ok()) << "double-encoded " << escape;
  }
}

// What a browser (or a lenient server) could make of a return URL: remove tab/CR/LF, read '\'
// as '/', and percent-decode a few times. No accepted value may end up as "//host" or with a
// scheme: our validator must be at least as strict as this model in every round.
bool browser_sees_another_site(std::string text) {
  for (int round = 0; round <= 5; ++round) {
    std::string cleaned;
    for (char c : text) {
      if (c == '\t' || c == '\r' || c == '\n') continue;
      cleaned += c == '\\' ? '/' : c;
    }
    std::size_t start = cleaned.find_first_not_of(" \x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f");
    cleaned = start == std::string::npos ? std::string() : cleaned.substr(start);
    if (cleaned.rfind("//", 0) == 0) return true;
    std::size_t colon = cleaned.find(':');
    std::size_t slash = cleaned.find('/');
    if (colon != std::string::npos && (slash == std::string::npos || colon < slash)) return true;
    if (cleaned.empty() || cleaned[0] != '/') return true;
    // Lenient decode: decode valid escapes, keep the rest.
    std::string decoded;
    for (std::size_t i = 0; i < text.size(); ++i) {
      auto is_hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
      if (text[i] == '%' && i + 2 < text.size() && is_hex(text[i + 1]) && is_hex(text[i + 2])) {
        decoded += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        decoded += text[i];
      }
    }
    text = decoded;
  }
  return false;
}

TEST(ReturnUrl, NoAcceptedValueLeadsToAnotherSite) {
  // Deterministic exploration of short strings over the characters the tricks are made of.
  const std::string alphabet[] = {"/", "\\", "%2F", "%2f", "%5C", "%25", "%09", "\t", ":", "a", ".", "%2e", "2F", "?", "#", " "};
  const std::size_t n = sizeof alphabet / sizeof alphabet[0];
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  int accepted = 0;
  for (int i = 0; i < 60000; ++i) {
    std::string candidate;
    std::size_t len = 1 + i % 6;
    for (std::size_t k = 0; k < len; ++k) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      candidate += alphabet[state % n];
    }
    auto r = validate_return_url(candidate);
    if (!r.ok()) continue;
    ++accepted;
    EXPECT_EQ(r.value(), candidate);
    EXPECT_FALSE(browser_sees_another_site(candidate)) << "accepted: " << candidate;
  }
  EXPECT_GT(accepted, 100);  // the exploration did reach accepted values
}

// The one rule for URLs that secrets travel to (discovery, device, profile endpoint, platforms).
TEST(UrlLoopback, OnlyLoopbackHostsMayUsePlainHttp) {
  for (const char* host : {"localhost", "::1", "127.0.0.1", "127.1.2.3"}) EXPECT_TRUE(is_loopback_host(host)) << host;
  for (const char* host : {"127.example.com", "127.0.0.1.example.com", "128.0.0.1", "localhost.example.com", "", "127.0.0"}) {
    EXPECT_FALSE(is_loopback_host(host)) << host;
  }
  auto check = [](const char* text) { auto u = parse_url(text); return u.ok() && is_https_or_loopback(u.value()); };
  EXPECT_TRUE(check("https://id.example.com/x"));
  EXPECT_TRUE(check("http://127.0.0.1:8080/x"));
  EXPECT_TRUE(check("http://[::1]:8080/x"));
  EXPECT_FALSE(check("http://id.example.com/x"));
  EXPECT_FALSE(check("http://127.evil.example/x"));
  EXPECT_FALSE(check("ftp://127.0.0.1/x"));
}

}  // namespace
}  // namespace ssokit
