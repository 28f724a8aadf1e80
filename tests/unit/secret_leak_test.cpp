// Secrets never leave through a printer or an error (issue 7, DESIGN.md principle 3): every struct
// that holds a credential has a redacted to_string or no printer at all; the redaction helpers
// (ssokit/redact.hpp); and, for each leak the end-to-end test (tests/idp/secret-leak.test.mjs)
// found, a regression case: a server that echoes what it was sent into its error text.
#include <gtest/gtest.h>

#include <ostream>
#include <type_traits>

#include "ssokit/base64.hpp"
#include "ssokit/client.hpp"
#include "ssokit/device.hpp"
#include "ssokit/id_token.hpp"
#include "ssokit/oauth.hpp"
#include "ssokit/pkce.hpp"
#include "ssokit/platforms/muvi.hpp"
#include "ssokit/platforms/org.hpp"
#include "ssokit/platforms/streamone.hpp"
#include "ssokit/platforms/twentythree.hpp"
#include "ssokit/redact.hpp"
#include "ssokit/session.hpp"
#include "ssokit/url.hpp"

namespace ssokit {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;

// ---- Printers ----

template <class T, class = void>
struct HasToString : std::false_type {};
template <class T>
struct HasToString<T, std::void_t<decltype(std::declval<const T&>().to_string())>> : std::true_type {};
template <class T, class = void>
struct Streamable : std::false_type {};
template <class T>
struct Streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>> : std::true_type {};

// No printer at all for a struct holding a credential...
template <class T>
constexpr bool kNoPrinter = !HasToString<T>::value && !Streamable<T>::value;
static_assert(kNoPrinter<ClientConfig>, "client secret");
static_assert(kNoPrinter<Transaction>, "PKCE verifier, state, nonce");
static_assert(kNoPrinter<AuthorizationRequest>, "transaction");
static_assert(kNoPrinter<CallbackResult>, "authorization code");
static_assert(kNoPrinter<Pkce>, "PKCE verifier");
static_assert(kNoPrinter<IdTokenExpectations>, "client secret");
static_assert(kNoPrinter<LogoutOptions>, "ID token hint");
static_assert(kNoPrinter<HttpRequest>, "Authorization headers, form bodies");
static_assert(kNoPrinter<FlowStep>, "the state holds secrets");
static_assert(kNoPrinter<SsoClientOptions>, "client secret");
static_assert(kNoPrinter<streamone::Credentials> && kNoPrinter<streamone::SessionAuth> && kNoPrinter<streamone::Call> &&
                  kNoPrinter<streamone::SignedRequest> && kNoPrinter<streamone::SessionInfo> &&
                  kNoPrinter<streamone::LoginOptions>,
              "StreamOne keys and SSO responses");
static_assert(kNoPrinter<MuviUserRequest> && kNoPrinter<MuviLoginOptions> && kNoPrinter<MuviLoginUrl>,
              "Muvi auth token, JWT secret, signed link");
static_assert(kNoPrinter<org::Admin> && kNoPrinter<org::SsoSettings>, "API key, IdP client secret");
static_assert(kNoPrinter<twentythree::OAuth1Credentials> && kNoPrinter<twentythree::SiteOptions>,
              "OAuth 1.0a secrets");
// ...or a redacted to_string (tested below), and never a stream operator.
static_assert(HasToString<TokenSet>::value && !Streamable<TokenSet>::value, "TokenSet");
static_assert(HasToString<DeviceAuthorization>::value && !Streamable<DeviceAuthorization>::value, "DeviceAuthorization");
static_assert(HasToString<Session>::value && !Streamable<Session>::value, "Session");

TokenSet tokens() {
  TokenSet t;
  t.token_type = "Bearer";
  t.access_token = "access-token-value-1";
  t.refresh_token = "refresh-token-value-2";
  t.id_token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhY2N0LTEifQ.c2lnbmF0dXJl";
  t.scope = "openid profile";
  t.expires_in = 3600;
  t.expires_at = kNow + 3600;
  t.raw = t.to_json();
  return t;
}

void expect_absent(const std::string& text, std::initializer_list<std::string> secrets) {
  for (const auto& s : secrets) EXPECT_EQ(text.find(s), std::string::npos) << s << " in " << text;
}

TEST(SecretPrinting, TokenSetToStringRedactsEveryToken) {
  const TokenSet t = tokens();
  const std::string shown = t.to_string();
  expect_absent(shown, {t.access_token, t.refresh_token, t.id_token});
  EXPECT_NE(shown.find("[redacted]"), std::string::npos);
  EXPECT_NE(shown.find("openid profile"), std::string::npos);  // what is not secret stays useful
}

TEST(SecretPrinting, DeviceAuthorizationToStringRedactsTheDeviceCode) {
  DeviceAuthorization d;
  d.device_code = "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS";
  d.user_code = "WDJB-MJHT";
  d.verification_uri = "https://idp.example.com/device";
  d.expires_at = kNow + 600;
  const std::string shown = d.to_string();
  expect_absent(shown, {d.device_code});
  EXPECT_NE(shown.find("WDJB-MJHT"), std::string::npos);  // the user code is meant to be shown
}

TEST(SecretPrinting, SessionToStringRedactsTokensAndKeepsNoClaimValuesButSub) {
  Session s;
  s.tokens = tokens();
  s.claims = {{"sub", "acct-1"}, {"nonce", "n-0S6_WzA2Mj"}, {"at_hash", "77QmUPtjPfzWtF2AnpK9RQ"}};
  s.userinfo = {{"sub", "acct-1"}, {"email", "viewer@example.com"}};
  const std::string shown = s.to_string();
  expect_absent(shown, {s.tokens.access_token, s.tokens.refresh_token, s.tokens.id_token, "n-0S6_WzA2Mj", "77QmUPtjPfzWtF2AnpK9RQ"});
  EXPECT_NE(shown.find("acct-1"), std::string::npos);
}

TEST(SecretPrinting, ErrorToStringShowsCodeAndMessageOnly) {
  const Error e = make_error(ErrorCode::token_error, "the token endpoint answered invalid_grant",
                             {{"error_description", "raw provider text"}});
  EXPECT_EQ(e.to_string(), "token_error: the token endpoint answered invalid_grant");
}

// ---- The redaction helpers ----

TEST(RedactCredentials, MasksTokenLikeRunsAndKeepsWords) {
  const std::string text =
      "grant request is invalid: code=SplxlOBeZQQYbYS6WxSbIA verifier dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk "
      "Basic c3Nva2l0LWNvbmZpZGVudGlhbDpzZWNyZXQ= jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln hex "
      "9f86d081884c7d659a2feaa0c55ad015 pct a%2Bb%2Fc%3D0123456789";
  const std::string out = redact_credentials(text);
  expect_absent(out, {"SplxlOBeZQQYbYS6WxSbIA", "dBjftJeZ4CVP", "c3Nva2l0LWNvbmZpZGVudGlhbDpzZWNyZXQ", "eyJhbGciOiJSUzI1NiJ9",
                      "9f86d081884c7d659a2feaa0c55ad015", "a%2Bb%2Fc%3D0123456789"});
  EXPECT_EQ(out.rfind("grant request is invalid: ", 0), 0u);
  for (const char* kept : {"authorization_pending", "USER_ALREADY_HAS_SSO_TOKEN", "client authentication failed",
                           "redirect_uri http://127.0.0.1:8080/callback is not registered", "user 12345 (viewer@example.com)",
                           "Timestamp out of range", ""}) {
    EXPECT_EQ(redact_credentials(kept), kept);
  }
  // Long enough, any letters: masked even without digits (a lower-case passphrase-like key).
  EXPECT_EQ(redact_credentials("key muvi-store-auth-token-for-tests-and-more-words!"), "key [redacted]!");
  EXPECT_EQ(redact_credentials(redact_credentials(text)), out);  // idempotent
}

TEST(RedactSecrets, RemovesEveryEncodingFromMessageAndNestedDetails) {
  const std::string secret = "a b+c/d=e-secret";
  const std::string message = "raw " + secret + " pct " + percent_encode(secret) + " form " +
                              form_encode({{"x", secret}}).substr(2) + " b64 " + base64_encode(secret) + " b64url " +
                              base64url_encode(secret);
  Error e = make_error(ErrorCode::token_error, message,
                       {{"error_description", message}, {"errors", {{{"error", secret}}, "x" + secret + "y"}}});
  e = redact_secrets(std::move(e), {secret, "", "short"});
  expect_absent(e.message + dump_json(e.details),
                {secret, percent_encode(secret), base64_encode(secret), base64url_encode(secret)});
  EXPECT_EQ(e.message.rfind("raw [redacted] pct [redacted]", 0), 0u);
  EXPECT_EQ(e.details["errors"][1], "x[redacted]y");
  // Values shorter than kMinRedactedSecret would match ordinary words: left alone.
  Error plain = redact_secrets(make_error(ErrorCode::token_error, "a short word"), {"short", "a"});
  EXPECT_EQ(plain.message, "a short word");
}

// ---- Regressions: servers that echo what they were sent (each failed before its fix) ----

HttpResponse json_answer(int status, const Json& body, Params headers = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

std::string everything(const Error& e) { return e.message + " " + dump_json(e.details); }

// A token endpoint whose error_description repeats the code exchange (the message quoted it).
TEST(SecretLeakRegression, TokenErrorDescriptionEchoingTheRequest) {
  const std::string code = "SplxlOBeZQQYbYS6WxSbIA";
  const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  auto r = process_token_response(
      json_answer(400, {{"error", "invalid_request"},
                        {"error_description", "could not process grant_type=authorization_code&code=" + code +
                                                  "&code_verifier=" + verifier}}),
      kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::token_error);
  EXPECT_EQ(json_string(r.error().details, "error"), "invalid_request");
  expect_absent(everything(r.error()), {code, verifier});
  EXPECT_NE(r.error().message.find("could not process"), std::string::npos);
}

Transaction transaction() {
  Transaction t;
  t.state = "af0ifjsldkjQmWq8yPv3Zb";
  t.nonce = "n-0S6_WzA2Mj7Rk4pLx";
  t.code_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  t.redirect_uri = "http://127.0.0.1:8765/callback";
  t.issuer = "https://idp.example.com";
  t.client_id = "portal";
  t.created_at = kNow;
  t.expires_at = kNow + 600;
  return t;
}

// From a document, as discovery makes it (the flow state keeps the document).
ProviderMetadata provider() {
  auto p = ProviderMetadata::from_json({{"issuer", "https://idp.example.com"},
                                        {"authorization_endpoint", "https://idp.example.com/auth"},
                                        {"token_endpoint", "https://idp.example.com/token"},
                                        {"userinfo_endpoint", "https://idp.example.com/me"},
                                        {"jwks_uri", "https://idp.example.com/jwks"},
                                        {"device_authorization_endpoint", "https://idp.example.com/device/auth"},
                                        {"revocation_endpoint", "https://idp.example.com/token/revocation"}});
  EXPECT_TRUE(p.ok());
  return p.ok() ? std::move(p).value() : ProviderMetadata{};
}

// The callback's error_description repeating the request and the code it would have issued.
TEST(SecretLeakRegression, CallbackErrorDescriptionEchoingTheRequest) {
  const Transaction t = transaction();
  const std::string code = "SplxlOBeZQQYbYS6WxSbIA";
  const std::string description = "refused code " + code + " for state=" + t.state + "&nonce=" + t.nonce;
  const std::string url = t.redirect_uri + "?error=access_denied&error_description=" + percent_encode(description) +
                          "&state=" + t.state;
  auto r = process_callback(url, t, provider(), kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::access_denied);
  EXPECT_EQ(json_string(r.error().details, "error"), "access_denied");
  expect_absent(everything(r.error()), {code, t.state, t.nonce});
}

// User-info's WWW-Authenticate naming the access token (details.www_authenticate quoted it).
TEST(SecretLeakRegression, UserinfoWwwAuthenticateNamingTheToken) {
  const std::string token = "SlAV32hkKG2AbCdEfGhIj";
  auto r = process_userinfo_response(
      json_answer(401, {{"error", "invalid_token"}},
                  {{"WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"token " + token + " expired\""}}),
      "acct-1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::token_error);
  expect_absent(everything(r.error()), {token});
  EXPECT_NE(json_string(r.error().details, "www_authenticate").value_or("").find("invalid_token"), std::string::npos);
}

ClientConfig confidential() {
  ClientConfig c;
  c.issuer = "https://idp.example.com";
  c.client_id = "portal";
  c.client_secret = "leak-test-confidential-client-secret";  // no heuristic would take it for a key
  c.auth = ClientAuth::client_secret_post;
  c.redirect_uri = "http://127.0.0.1:8765/callback";
  return c;
}

// A refresh whose error repeats the form body: client secret (post) and a plain refresh token.
TEST(SecretLeakRegression, RefreshErrorEchoingSecretAndRefreshToken) {
  Session session;
  session.tokens = tokens();
  session.tokens.refresh_token = "plain-lowercase-refresh-token";
  session.claims = {{"sub", "acct-1"}};
  const ClientConfig client = confidential();
  auto first = refresh_flow(client, provider(), session, SignInOptions{}, kNow);
  ASSERT_TRUE(first.ok());
  ASSERT_NE(first->request->body.find(client.client_secret), std::string::npos);  // what the server saw
  for (const char* error : {"invalid_request", "invalid_grant"}) {
    auto r = flow_step(first->state,
                       json_answer(400, {{"error", error},
                                         {"error_description", "rejected " + first->request->body + " (secret " +
                                                                   client.client_secret + ", token " +
                                                                   session.tokens.refresh_token + ")"}}),
                       kNow);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, std::string(error) == "invalid_grant" ? ErrorCode::login_required : ErrorCode::refresh_failed);
    expect_absent(everything(r.error()), {client.client_secret, session.tokens.refresh_token,
                                          percent_encode(client.client_secret)});
  }
}

// A device poll answered with an error that names the device code and the client secret.
TEST(SecretLeakRegression, DevicePollErrorEchoingTheDeviceCode) {
  DeviceAuthorization d;
  d.device_code = "plain-device-code-for-a-tv";
  d.user_code = "WDJB-MJHT";
  d.verification_uri = "https://idp.example.com/device";
  d.expires_in = 600;
  d.expires_at = kNow + 600;
  d.interval = 5;
  const ClientConfig client = confidential();
  auto first = device_flow(client, provider(), d, SignInOptions{}, kNow);
  ASSERT_TRUE(first.ok());
  auto r = flow_step(first->state,
                     json_answer(400, {{"error", "invalid_grant"},
                                       {"error_description", "rejected " + first->request->body + " (code " + d.device_code +
                                                                 ", secret " + client.client_secret + ")"}}),
                     kNow + 5);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::token_error);
  expect_absent(everything(r.error()), {d.device_code, client.client_secret});
}

// A TwentyThree site whose error message repeats the signed Authorization header.
TEST(SecretLeakRegression, TwentyThreeErrorEchoingTheSignature) {
  const std::string signature = "tR3+Ty81lMeYAr/Fid0kMTYa/WM=";
  HttpResponse r = json_answer(200, {{"status", "error"},
                                     {"code", "invalid_signature"},
                                     {"message", "Authorization: OAuth oauth_signature=\"" + percent_encode(signature) +
                                                     "\", oauth_token=\"super-access-token-0123\""}});
  auto e = twentythree::parse_response(r, "sessiontoken");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::platform_error);
  EXPECT_EQ(json_string(e.error().details, "platform_code"), "invalid_signature");
  expect_absent(everything(e.error()), {signature, percent_encode(signature), "super-access-token-0123"});
}

// StreamOne's statusmessage repeating the request: the SSO response (and a plain key).
TEST(SecretLeakRegression, StreamOneStatusMessageEchoingTheSsoResponse) {
  streamone::Credentials c;
  c.server = "https://api.example.com";
  c.actor_id = "portal";
  c.key = "plain-application-psk";
  streamone::LoginOptions o;
  o.service = "idp";
  o.response = "sso1.eyJzZXJ2aWNlIjoiaWRwIiwidG9rZW4iOiJ0b2sifQ";
  auto first = streamone::login(c, o, kNow);
  ASSERT_TRUE(first.ok());
  const Json envelope = {{"header", {{"status", 433}, {"statusmessage", "invalid: " + first->request->body + " key " + c.key}}},
                         {"body", nullptr}};
  auto r = streamone_step(first->state, json_answer(200, envelope), kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::platform_error);
  EXPECT_EQ(json_int(r.error().details, "platform_code"), 433);
  expect_absent(everything(r.error()), {o.response, percent_encode(o.response), c.key});
}

// A Muvi store whose msg repeats the form body with the auth token.
TEST(SecretLeakRegression, MuviMessageEchoingTheAuthToken) {
  MuviUserRequest request;
  request.store = "https://store.example.com";
  request.auth_token = "muvi-store-auth-token-for-tests";
  request.email = "viewer@example.com";
  auto first = muvi_ensure_user(request);
  ASSERT_TRUE(first.ok());
  auto r = muvi_step(first->state,
                     json_answer(200, {{"code", 417},
                                       {"status", "Failure"},
                                       {"msg", "bad input " + first->request->body + " token " + request.auth_token}}),
                     kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::platform_error);
  EXPECT_EQ(json_int(r.error().details, "platform_code"), 417);
  expect_absent(everything(r.error()), {request.auth_token});
}

// The organization API repeating the API key and the IdP client secret in message and field errors.
TEST(SecretLeakRegression, OrgErrorEchoingApiKeyAndClientSecret) {
  for (bool bearer : {false, true}) {
    org::Admin admin;
    admin.connection.base = "https://api.example.com";
    admin.organization_id = "01HZ3K5R4X9Y2V6QF8TJ7W0CDN";
    admin.api_key = "ba_owner_AbCdEf0123456789";
    admin.bearer = bearer;
    org::SsoSettings settings;
    settings.provider = "okta";
    settings.issuer_url = "https://your-org.okta.com";
    settings.client_id = "client-1";
    settings.client_secret = "correct-horse-battery-staple";
    auto first = org::sso_set(admin, settings);
    ASSERT_TRUE(first.ok());
    std::string echo = first->request->body;
    for (const auto& [name, value] : first->request->headers) echo += " " + name + ": " + value;
    const Json envelope = {{"success", false},
                           {"status", 400},
                           {"code", "VALIDATION_ERROR"},
                           {"message", echo},
                           {"meta", {{"errors", {{{"field", "clientSecret"}, {"error", echo}, {"location", "body"}}}}}}};
    auto r = org_step(first->state, json_answer(400, envelope), kNow);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::platform_error);
    EXPECT_EQ(json_string(r.error().details, "platform_code"), "VALIDATION_ERROR");
    expect_absent(everything(r.error()), {admin.api_key, settings.client_secret});
  }
}


// Issue 16 item 7: a token endpoint echoing a client secret with spaces. The token-shaped masking
// ran first and cut "s3cr3t-W1th-m4ny-p4rts" out of it, so the exact secret no longer matched and its other
// words survived: "bad credentials Sup3r [redacted] spaces & symbols!".
TEST(SecretLeakRegression, SecretWithSpacesIsRemovedWholeBeforeTheMasking) {
  Session session;
  session.tokens = tokens();
  session.claims = {{"sub", "acct-1"}};
  ClientConfig client = confidential();
  client.client_secret = "Sup3r s3cr3t-W1th-m4ny-p4rts spaces & symbols!";
  auto first = refresh_flow(client, provider(), session, SignInOptions{}, kNow);
  ASSERT_TRUE(first.ok());
  auto r = flow_step(first->state,
                     json_answer(401, {{"error", "invalid_client"},
                                       {"error_description", "bad credentials " + client.client_secret}}),
                     kNow);
  ASSERT_FALSE(r.ok());
  expect_absent(everything(r.error()), {"Sup3r", "s3cr3t", "spaces & symbols"});
  EXPECT_NE(r.error().message.find("bad credentials [redacted]"), std::string::npos) << r.error().message;
}

// Outside a step machine's scope the masking alone applies; inside it the known secret goes first.
TEST(RedactCredentials, KnownSecretsOfTheScopeGoFirstAndScopesNest) {
  const std::string text = "bad credentials Sup3r s3cr3t-W1th-m4ny-p4rts spaces & symbols! and plain-words-here";
  EXPECT_NE(redact_credentials(text).find("spaces & symbols"), std::string::npos);
  {
    const KnownSecrets outer({"plain-words-here"});
    {
      const KnownSecrets inner({"Sup3r s3cr3t-W1th-m4ny-p4rts spaces & symbols!"});
      EXPECT_EQ(redact_credentials(text), "bad credentials [redacted] and [redacted]");
    }
    EXPECT_EQ(redact_credentials(text), "bad credentials Sup3r [redacted] spaces & symbols! and [redacted]");
  }
  EXPECT_NE(redact_credentials(text).find("plain-words-here"), std::string::npos);
}

// Server text loses its control characters: they belong in no error, and a JSON dump would turn
// one into letters that complete a secret (fuzz_muvi-secret-in-error: "\f" + "uzz-muvi-...").
TEST(RedactCredentials, ControlCharactersBecomeSpaces) {
  EXPECT_EQ(redact_credentials("a\nb\rc\x1b[8md\x7f e\xc2\x9b" "f"), "a b c [8md  e f");
  EXPECT_EQ(redact_credentials("caf\xc3\xa9"), "caf\xc3\xa9");  // other UTF-8 stays
}

}  // namespace
}  // namespace ssokit
