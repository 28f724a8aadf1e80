// Muvi connector (seed 002): HS256 signing against published vectors, the store URL, both REST
// request builders, both response parsers with every documented code (and the status words that
// must not matter), register-or-look-up as a step machine, the auto-login link (object and array
// payloads, expiry, referrer on the store's origin, short secrets), the JSON methods, and hostile
// input.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>

#include "api.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/jose.hpp"
#include "ssokit/platforms/muvi.hpp"
#include "ssokit/step_state.hpp"
#include "ssokit/native/drive.hpp"

namespace ssokit {
namespace {

// JSON the test wrote or received; aborts on malformed input (as nlohmann's Json::parse did here).
Json must_parse(std::string_view text) { return parse_json(text, ErrorCode::invalid_argument).value(); }

constexpr const char* kStore = "https://store.example.com";
constexpr const char* kToken = "store-auth-token-0123";
constexpr const char* kSecret = "a-shared-muvi-jwt-secret-of-32-bytes!";
constexpr std::int64_t kNow = 1'800'000'000;

MuviUserRequest user_request(std::string email = "viewer@example.com", std::string name = "Vera Viewer") {
  return {kStore, kToken, std::move(email), std::move(name)};
}

HttpResponse answer(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = body;
  return r;
}

HttpResponse muvi(int code, const std::string& status, const std::string& msg, Json extra = Json::object()) {
  Json body = {{"code", code}, {"status", status}, {"msg", msg}};
  for (auto it = extra.begin(); it != extra.end(); ++it) body[it.key()] = it.value();
  return answer(200, body.dump());
}

Params form_of(const HttpRequest& r) { return form_decode(r.body).value(); }

std::string decode_part(const std::string& jwt, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = jwt.find('.', start) + 1;
  const std::size_t end = jwt.find('.', start);
  return base64url_decode_string(jwt.substr(start, end == std::string::npos ? std::string::npos : end - start)).value();
}

std::string token_of(const std::string& url) {
  const std::string marker = "?access_token=";
  const auto at = url.find(marker);
  return at == std::string::npos ? std::string() : url.substr(at + marker.size());
}

MuviLoginOptions login_options() {
  MuviLoginOptions o;
  o.store = kStore;
  o.jwt_secret = kSecret;
  o.user_uuid = "5f56312028ec0";
  o.email = "viewer@example.com";
  o.name = "Vera Viewer";
  return o;
}

// --- HS256 signing ---

TEST(MuviSign, Rfc7515AppendixA1) {
  // RFC 7515 A.1: the exact header and payload octets (with CR LF) and the oct key.
  const std::string header = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}";
  const std::string payload = "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
  auto key = base64url_decode_string(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(muvi_sign_hs256(header, payload, key.value()),
            "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
            "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
}

TEST(MuviSign, JwtIoExample) {
  EXPECT_EQ(muvi_sign_hs256(R"({"alg":"HS256","typ":"JWT"})", R"({"sub":"1234567890","name":"John Doe","iat":1516239022})",
                            "your-256-bit-secret"),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIy"
            "fQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c");
}

// --- the store URL ---

TEST(MuviStore, Origins) {
  EXPECT_EQ(muvi_store_origin("https://store.example.com").value(), "https://store.example.com");
  EXPECT_EQ(muvi_store_origin("https://Store.Example.com/").value(), "https://store.example.com");
  EXPECT_EQ(muvi_store_origin("https://store.example.com:8443").value(), "https://store.example.com:8443");
  EXPECT_EQ(muvi_store_origin("http://127.0.0.1:4000").value(), "http://127.0.0.1:4000");
  EXPECT_EQ(muvi_store_origin("http://localhost:4000/").value(), "http://localhost:4000");
  for (const char* bad : {"http://store.example.com", "https://store.example.com/en", "https://store.example.com/?x=1",
                          "https://store.example.com/#top", "https://user@store.example.com", "ftp://store.example.com",
                          "store.example.com", "", "https://", "https://store example.com", "javascript:alert(1)"}) {
    auto r = muvi_store_origin(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_url) << bad;
  }
}

// --- request builders ---

TEST(MuviRequests, RegisterUser) {
  auto r = muvi_register_user_request(user_request());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->url, "https://store.example.com/en/rest/RegisterUser");
  EXPECT_EQ(find_param(r->headers, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_FALSE(r->idempotent);
  const Params form = form_of(r.value());
  EXPECT_EQ(find_param(form, "authToken"), kToken);
  EXPECT_EQ(find_param(form, "email"), "viewer@example.com");
  EXPECT_EQ(find_param(form, "name"), "Vera Viewer");
  // The auth token never goes into a URL (logs, proxies).
  EXPECT_EQ(r->url.find(kToken), std::string::npos);
}

TEST(MuviRequests, RegisterUserWithoutNameOmitsIt) {
  auto r = muvi_register_user_request(user_request("viewer@example.com", ""));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(find_param(form_of(r.value()), "name").has_value());
}

TEST(MuviRequests, GetUserUuid) {
  auto r = muvi_get_user_uuid_request(user_request());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->url, "https://store.example.com/en/rest/GetUserUuid");
  const Params form = form_of(r.value());
  EXPECT_EQ(find_param(form, "authToken"), kToken);
  EXPECT_EQ(find_param(form, "email"), "viewer@example.com");
  EXPECT_FALSE(find_param(form, "name").has_value());
}

TEST(MuviRequests, FormEncodesSpecialCharacters) {
  auto r = muvi_register_user_request(user_request("a+b@example.com", "Zoë & Co=1"));
  ASSERT_TRUE(r.ok());
  const Params form = form_of(r.value());
  EXPECT_EQ(find_param(form, "email"), "a+b@example.com");
  EXPECT_EQ(find_param(form, "name"), "Zoë & Co=1");
}

TEST(MuviRequests, RefusesBadInput) {
  MuviUserRequest no_token = user_request();
  no_token.auth_token.clear();
  MuviUserRequest spaced_token = user_request();
  spaced_token.auth_token = "tok en";
  MuviUserRequest bad_store = user_request();
  bad_store.store = "http://store.example.com";
  for (const auto& [request, code] : std::vector<std::pair<MuviUserRequest, ErrorCode>>{
           {no_token, ErrorCode::invalid_argument},
           {spaced_token, ErrorCode::invalid_argument},
           {user_request(""), ErrorCode::invalid_argument},
           {user_request("no-at-sign"), ErrorCode::invalid_argument},
           {user_request("@example.com"), ErrorCode::invalid_argument},
           {user_request("a@b@example.com"), ErrorCode::invalid_argument},
           {user_request("a b@example.com"), ErrorCode::invalid_argument},
           {user_request(std::string(250, 'a') + "@example.com"), ErrorCode::invalid_argument},
           {user_request("viewer@example.com", "line\nbreak"), ErrorCode::invalid_argument},
           {user_request("viewer@example.com", std::string(257, 'n')), ErrorCode::invalid_argument},
           {bad_store, ErrorCode::invalid_url},
       }) {
    auto r = muvi_register_user_request(request);
    ASSERT_FALSE(r.ok()) << request.email;
    EXPECT_EQ(r.error().code, code) << request.email;
    EXPECT_EQ(r.error().message.find(kToken), std::string::npos);
  }
}

// --- RegisterUser answers ---

TEST(MuviRegister, Success) {
  auto r = muvi_process_register_user(muvi(200, "OK", "Register Success",
                                           {{"email", "viewer@example.com"}, {"name", "Vera"}, {"user_uuid", "5f56312028ec0"}}));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->user_uuid, "5f56312028ec0");
  EXPECT_EQ(r->email, "viewer@example.com");
  EXPECT_EQ(r->name, "Vera");
}

TEST(MuviRegister, EveryDocumentedCode) {
  const std::vector<std::pair<int, const char*>> codes = {{407, "Oauth Token required!"},
                                                          {408, "Invalid Oauth Token!"},
                                                          {417, "A valid email or name required!"},
                                                          {421, "Error in registration."},
                                                          {422, "This email id already exists!"}};
  for (const auto& [code, msg] : codes) {
    auto r = muvi_process_register_user(muvi(code, "Failed", msg));
    ASSERT_FALSE(r.ok()) << code;
    EXPECT_EQ(r.error().code, ErrorCode::platform_error) << code;
    EXPECT_EQ(r.error().details["platform_code"], code);
    EXPECT_EQ(r.error().details["msg"], msg);
    EXPECT_NE(r.error().message.find(std::to_string(code)), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("RegisterUser"), std::string::npos);
  }
  // What to do, per code.
  EXPECT_NE(muvi_process_register_user(muvi(408, "Failed", "")).error().message.find("Settings > Advanced"), std::string::npos);
  EXPECT_NE(muvi_process_register_user(muvi(422, "Failed", "")).error().message.find("GetUserUuid"), std::string::npos);
  EXPECT_NE(muvi_process_register_user(muvi(421, "Failed", "")).error().message.find("try again"), std::string::npos);
}

TEST(MuviRegister, BranchesOnCodeNotStatusWord) {
  // A success code with a failure word is a success; a failure code with "OK" is a failure.
  auto ok = muvi_process_register_user(muvi(200, "Failure", "", {{"user_uuid", "u1"}}));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->user_uuid, "u1");
  auto failed = muvi_process_register_user(muvi(422, "OK", "Register Success"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().details["platform_code"], 422);
  // No status word at all: still decided by the code.
  auto bare = muvi_process_register_user(answer(200, R"({"code":417})"));
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.error().details["platform_code"], 417);
  EXPECT_EQ(bare.error().details["msg"], "");
}

TEST(MuviRegister, UndocumentedCodeIsPlatformError) {
  auto r = muvi_process_register_user(muvi(500, "Failed", "Something"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::platform_error);
  EXPECT_EQ(r.error().details["platform_code"], 500);
  EXPECT_NE(r.error().message.find("does not list"), std::string::npos);
}

TEST(MuviRegister, CodeAnswersEvenWithHttpErrorStatus) {
  auto r = muvi_process_register_user(answer(400, R"({"code":417,"status":"Failed","msg":"A valid email or name required!"})"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::platform_error);
  EXPECT_EQ(r.error().details["platform_code"], 417);
}

TEST(MuviRegister, Malformed) {
  const std::vector<std::pair<HttpResponse, ErrorCode>> cases = {
      {answer(200, ""), ErrorCode::invalid_response},
      {answer(200, "<html>maintenance</html>"), ErrorCode::invalid_response},
      {answer(200, R"({"code":200,"status":"OK","user_uuid":"u)"), ErrorCode::invalid_response},  // truncated
      {answer(200, R"([{"code":200}])"), ErrorCode::invalid_response},
      {answer(200, R"({"code":"200","user_uuid":"u1"})"), ErrorCode::invalid_response},
      {answer(200, R"({"code":200.5,"user_uuid":"u1"})"), ErrorCode::invalid_response},
      {answer(200, R"({"code":null})"), ErrorCode::invalid_response},
      {answer(200, R"({"status":"OK","user_uuid":"u1"})"), ErrorCode::invalid_response},
      {answer(200, R"({"code":200,"status":"OK"})"), ErrorCode::invalid_response},
      {answer(200, R"({"code":200,"user_uuid":""})"), ErrorCode::invalid_response},
      {answer(200, R"({"code":200,"user_uuid":42})"), ErrorCode::invalid_response},
      {answer(200, R"({"code":200,"user_uuid":"has space"})"), ErrorCode::invalid_response},
      {answer(200, R"({"code":200,"user_uuid":")" + std::string(129, 'a') + "\"}"), ErrorCode::invalid_response},
      {answer(200, R"({"code":200,"code":422,"user_uuid":"u1"})"), ErrorCode::invalid_response},  // duplicate
      {answer(502, "Bad Gateway"), ErrorCode::http_error},
      {answer(500, ""), ErrorCode::http_error},
  };
  for (const auto& [response, code] : cases) {
    auto r = muvi_process_register_user(response);
    ASSERT_FALSE(r.ok()) << response.body;
    EXPECT_EQ(r.error().code, code) << response.body << " -> " << r.error().to_string();
  }
}

TEST(MuviRegister, HostileSizes) {
  // Over the JSON size limit, deeply nested, and a huge platform message (kept short in details).
  auto huge = muvi_process_register_user(answer(200, R"({"code":200,"user_uuid":")" + std::string(2 << 20, 'a') + "\"}"));
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, ErrorCode::invalid_response);
  auto deep = muvi_process_register_user(answer(200, std::string(100000, '[') + std::string(100000, ']')));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().code, ErrorCode::invalid_response);
  auto long_msg = muvi_process_register_user(muvi(421, "Failed", std::string(100000, 'm')));
  ASSERT_FALSE(long_msg.ok());
  EXPECT_LE(long_msg.error().details["msg"].get<std::string>().size(), 200u);
  EXPECT_LT(long_msg.error().message.size(), 400u);
  auto wrong_msg_type = muvi_process_register_user(answer(200, R"({"code":421,"msg":{"x":1}})"));
  ASSERT_FALSE(wrong_msg_type.ok());
  EXPECT_EQ(wrong_msg_type.error().details["msg"], "");
}

// --- GetUserUuid answers ---

TEST(MuviLookup, Success) {
  auto r = muvi_process_get_user_uuid(muvi(200, "OK", "Success", {{"user_uuid", "5f56312028ec0"}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->user_uuid, "5f56312028ec0");
}

TEST(MuviLookup, EveryDocumentedCode) {
  const std::vector<std::pair<int, const char*>> codes = {{682, "No data found."}, {757, "Email required."}, {408, "Invalid authToken"}};
  for (const auto& [code, msg] : codes) {
    auto r = muvi_process_get_user_uuid(muvi(code, "Failure", msg));
    ASSERT_FALSE(r.ok()) << code;
    EXPECT_EQ(r.error().code, ErrorCode::platform_error);
    EXPECT_EQ(r.error().details["platform_code"], code);
    EXPECT_EQ(r.error().details["msg"], msg);
    EXPECT_NE(r.error().message.find("GetUserUuid"), std::string::npos);
    EXPECT_NE(r.error().message.find(std::to_string(code)), std::string::npos);
  }
  EXPECT_NE(muvi_process_get_user_uuid(muvi(682, "Failure", "")).error().message.find("register the user"), std::string::npos);
  // Codes of the other endpoint mean nothing here.
  auto other = muvi_process_get_user_uuid(muvi(422, "Failure", ""));
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("does not list"), std::string::npos);
}

TEST(MuviLookup, Malformed) {
  for (const char* body : {"", "null", R"({"code":200})", R"({"code":200,"user_uuid":null})", R"({"code":true})"}) {
    auto r = muvi_process_get_user_uuid(answer(200, body));
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_response) << body;
  }
}

// --- step machines ---

TEST(MuviSteps, RegisterUser) {
  auto first = muvi_register_user(user_request());
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->request.has_value());
  EXPECT_EQ(first->request->url, "https://store.example.com/en/rest/RegisterUser");
  auto next = muvi_step(first->state, muvi(200, "OK", "Register Success", {{"user_uuid", "u-1"}}), kNow);
  ASSERT_TRUE(next.ok()) << next.error().to_string();
  ASSERT_TRUE(next->result.has_value());
  EXPECT_EQ((*next->result)["user_uuid"], "u-1");
  // The store did not echo them: ours.
  EXPECT_EQ((*next->result)["email"], "viewer@example.com");
  EXPECT_EQ((*next->result)["name"], "Vera Viewer");
  EXPECT_EQ(dump_json(next->state).find(kToken), std::string::npos) << "a finished state drops the auth token";
}

TEST(MuviSteps, RegisterUserDoesNotFallBackOn422) {
  auto first = muvi_register_user(user_request());
  auto next = muvi_step(first->state, muvi(422, "Failed", "This email id already exists!"), kNow);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().details["platform_code"], 422);
}

TEST(MuviSteps, GetUserUuid) {
  auto first = muvi_get_user_uuid(user_request());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->request->url, "https://store.example.com/en/rest/GetUserUuid");
  auto next = muvi_step(first->state, muvi(200, "OK", "Success", {{"user_uuid", "u-2"}}), kNow);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next->result, (Json{{"user_uuid", "u-2"}}));
  auto missing = muvi_step(first->state, muvi(682, "Failure", "No data found."), kNow);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().details["platform_code"], 682);
}

TEST(MuviSteps, EnsureUserCreates) {
  auto first = muvi_ensure_user(user_request());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->request->url, "https://store.example.com/en/rest/RegisterUser");
  auto next = muvi_step(first->state, muvi(200, "OK", "Register Success", {{"user_uuid", "new-1"}}), kNow);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next->result, (Json{{"user_uuid", "new-1"}, {"created", true}}));
}

TEST(MuviSteps, EnsureUserLooksUpAnExistingEmail) {
  auto first = muvi_ensure_user(user_request());
  auto lookup = muvi_step(first->state, muvi(422, "Failed", "This email id already exists!"), kNow);
  ASSERT_TRUE(lookup.ok()) << lookup.error().to_string();
  ASSERT_TRUE(lookup->request.has_value());
  EXPECT_FALSE(lookup->result.has_value());
  EXPECT_EQ(lookup->request->url, "https://store.example.com/en/rest/GetUserUuid");
  EXPECT_EQ(find_param(form_of(*lookup->request), "email"), "viewer@example.com");
  EXPECT_EQ(find_param(form_of(*lookup->request), "authToken"), kToken);
  auto found = muvi_step(lookup->state, muvi(200, "OK", "Success", {{"user_uuid", "old-7"}}), kNow);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found->result, (Json{{"user_uuid", "old-7"}, {"created", false}}));
}

TEST(MuviSteps, EnsureUserErrors) {
  auto first = muvi_ensure_user(user_request());
  for (int code : {407, 408, 417, 421}) {
    auto r = muvi_step(first->state, muvi(code, "Failed", ""), kNow);
    ASSERT_FALSE(r.ok()) << code;
    EXPECT_EQ(r.error().details["platform_code"], code);
  }
  auto lookup = muvi_step(first->state, muvi(422, "Failed", ""), kNow);
  for (int code : {682, 757, 408}) {
    auto r = muvi_step(lookup->state, muvi(code, "Failure", ""), kNow);
    ASSERT_FALSE(r.ok()) << code;
    EXPECT_EQ(r.error().details["platform_code"], code);
    EXPECT_NE(r.error().message.find("GetUserUuid"), std::string::npos);
  }
  auto garbage = muvi_step(lookup->state, answer(200, "not json"), kNow);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, ErrorCode::invalid_response);
}

TEST(MuviSteps, HostileState) {
  auto first = muvi_ensure_user(user_request());
  Json unknown_op = first->state;
  unknown_op["machine"] = "muvi.delete_user";
  Json wrong_phase = first->state;
  wrong_phase["phase"] = "lookup";
  wrong_phase["machine"] = "muvi.register_user";
  Json no_token = first->state;
  no_token["data"].erase("auth_token");
  Json typed = first->state;
  typed["data"]["email"] = 42;
  Json other_machine = first->state;
  other_machine["machine"] = "streamone.login";
  Json other_version = first->state;
  other_version["v"] = 2;
  Json bad_store = first->state;
  bad_store["data"]["store"] = "http://evil.example.com";
  bad_store["phase"] = "register";
  for (const Json& state : {Json(), Json::array(), Json("x"), Json::object(), unknown_op, wrong_phase, no_token, typed,
                            other_machine, other_version, done_step_state("muvi.ensure_user")}) {
    auto r = muvi_step(state, muvi(200, "OK", "", {{"user_uuid", "u"}}), kNow);
    ASSERT_FALSE(r.ok()) << state.dump();
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument) << state.dump();
  }
  // A 422 would build the next request to this store: the store is checked again.
  auto r = muvi_step(bad_store, muvi(422, "Failed", ""), kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_url);
}

// A scripted store for the driver.
class FakeStore final : public HttpTransport {
 public:
  std::deque<HttpResponse> answers;
  std::vector<HttpRequest> sent;
  Result<HttpResponse> send(const HttpRequest& request) override {
    sent.push_back(request);
    if (answers.empty()) return make_error(ErrorCode::network_error, "no scripted answer");
    HttpResponse r = answers.front();
    answers.pop_front();
    return r;
  }
};

TEST(MuviSteps, TheDriverDrivesEnsureUser) {
  FakeStore store;
  store.answers = {muvi(422, "Failed", "This email id already exists!"), muvi(200, "OK", "Success", {{"user_uuid", "u-9"}})};
  DriveOptions drive;
  drive.clock = [] { return kNow; };
  auto r = drive_steps(store, muvi_ensure_user(user_request()), platform_machine(muvi_step), drive);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r.value(), (Json{{"user_uuid", "u-9"}, {"created", false}}));
  ASSERT_EQ(store.sent.size(), 2u);
  EXPECT_NE(store.sent[0].url.find("RegisterUser"), std::string::npos);
  EXPECT_NE(store.sent[1].url.find("GetUserUuid"), std::string::npos);
}

// --- the auto-login link ---

TEST(MuviLogin, ObjectPayload) {
  auto link = muvi_login_url(login_options(), kNow);
  ASSERT_TRUE(link.ok()) << link.error().to_string();
  EXPECT_EQ(link->url.rfind("https://store.example.com/en/user/Thirdpartylogin?access_token=", 0), 0u);
  EXPECT_EQ(link->expires_at, kNow + 60);
  const std::string jwt = token_of(link->url);
  EXPECT_EQ(decode_part(jwt, 0), R"({"alg":"HS256","typ":"JWT"})");
  const Json payload = must_parse(decode_part(jwt, 1));
  EXPECT_EQ(payload, (Json{{"user_uuid", "5f56312028ec0"},
                           {"email", "viewer@example.com"},
                           {"name", "Vera Viewer"},
                           {"referrer_url", ""},
                           {"iat", kNow},
                           {"exp", kNow + 60}}));
  // The signature verifies with the shared secret, through the SDK's own JWS verifier.
  auto jws = parse_jws(jwt);
  ASSERT_TRUE(jws.ok());
  Jwk key;
  key.kty = "oct";
  key.k = Bytes(kSecret, kSecret + std::strlen(kSecret));
  EXPECT_TRUE(verify_jws_signature(jws.value(), key, verify_signature).ok());
  key.k.back() ^= 1;
  EXPECT_FALSE(verify_jws_signature(jws.value(), key, verify_signature).ok());
  EXPECT_EQ(link->url.find(kSecret), std::string::npos);
}

TEST(MuviLogin, Ttl) {
  MuviLoginOptions o = login_options();
  o.ttl = 300;
  EXPECT_EQ(muvi_login_url(o, kNow)->expires_at, kNow + 300);
  o.ttl = 1;
  EXPECT_EQ(must_parse(decode_part(token_of(muvi_login_url(o, kNow)->url), 1))["exp"], kNow + 1);
  for (std::int64_t ttl : {std::int64_t{0}, std::int64_t{-5}, std::int64_t{301}, std::int64_t{86400}, INT64_MAX}) {
    o.ttl = ttl;
    auto r = muvi_login_url(o, kNow);
    ASSERT_FALSE(r.ok()) << ttl;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  }
  for (std::int64_t now : {std::int64_t{-1}, INT64_MAX, INT64_MAX - 10}) {
    auto r = muvi_login_url(login_options(), now);
    ASSERT_FALSE(r.ok()) << now;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  }
}

TEST(MuviLogin, SecretLength) {
  MuviLoginOptions o = login_options();
  o.jwt_secret = std::string(31, 's');
  auto short_secret = muvi_login_url(o, kNow);
  ASSERT_FALSE(short_secret.ok());
  EXPECT_EQ(short_secret.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(short_secret.error().message.find("32 bytes"), std::string::npos);
  EXPECT_EQ(short_secret.error().message.find(o.jwt_secret), std::string::npos);
  o.jwt_secret = "Muvi@123";  // the seed's example secret: too short for HS256
  EXPECT_FALSE(muvi_login_url(o, kNow).ok());
  o.jwt_secret = std::string(32, 's');
  EXPECT_TRUE(muvi_login_url(o, kNow).ok());
}

TEST(MuviLogin, ReferrerOnTheStoresOrigin) {
  MuviLoginOptions o = login_options();
  o.referrer_url = "https://store.example.com/en/watch/deep-ocean?t=10";
  auto absolute = muvi_login_url(o, kNow);
  ASSERT_TRUE(absolute.ok());
  EXPECT_EQ(must_parse(decode_part(token_of(absolute->url), 1))["referrer_url"], o.referrer_url);
  o.referrer_url = "https://STORE.example.com:443/en/";  // same origin, spelled differently
  EXPECT_TRUE(muvi_login_url(o, kNow).ok());
  o.referrer_url = "/en/watch/deep-ocean";
  auto path = muvi_login_url(o, kNow);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(must_parse(decode_part(token_of(path->url), 1))["referrer_url"], "https://store.example.com/en/watch/deep-ocean");

  for (const char* bad : {"https://evil.example.com/en/", "http://store.example.com/en/", "https://store.example.com:8443/",
                          "https://store.example.com.evil.example/", "https://user@store.example.com/", "//evil.example.com/",
                          "/\\evil.example.com", "javascript:alert(1)", "data:text/html,x", "/en/../../x", "not a url",
                          "/%2F%2Fevil.example.com",
                          // Issue 16: an absolute URL on the store's origin meets the same path rule.
                          "https://store.example.com//evil.com", "https://store.example.com/%2F%2Fevil.com",
                          "https://store.example.com/en/../../x"}) {
    o.referrer_url = bad;
    auto r = muvi_login_url(o, kNow);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_return_url) << bad << ": " << r.error().to_string();
  }
  o.referrer_url = "https://store.example.com/" + std::string(3000, 'a');
  EXPECT_EQ(muvi_login_url(o, kNow).error().code, ErrorCode::invalid_return_url);
}

TEST(MuviLogin, ArrayPayloadHasTheSeedExamplesShape) {
  // The seed's example token (its signing secret is not given, so only its shape is compared).
  const std::string seed_token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.W3siaXNzdWVyX2NsYWltIjoibG9jYWxob3N0IiwiYXVkaWVuY2VfY2xhaW0iOiJlbmR1c2VyIiwia"
      "XNzdWVkYXRfY2xhaW0iOjE1MTYyMzkwMjIsImV4cGlyZV9jbGFpbSI6MTUxNjIzOTAyMiwiZGF0YSI6W3sidXNlcl91dWlkIjoiNWY1NjMxMjAyOG"
      "VjMCIsImVtYWlsIjoiY3JhbmtlbmR1c2VyMUBnbWFpbC5jb20iLCJuYW1lIjoiamdoamdnIiwicmVmZXJyZXJfdXJsIjoiaHR0cDovL211dmkuY2"
      "9tL2VuL3RoaXJkcGFydHlsb2dpbiJ9XX1d.bC5bN_O34cZDYNPZ7iiDRyrGSiszMX6NQsyNfLUNey0";
  const Json seed = must_parse(decode_part(seed_token, 1));
  MuviLoginOptions o = login_options();
  o.array_payload = true;
  o.referrer_url = "/en/thirdpartylogin";
  auto link = muvi_login_url(o, kNow);
  ASSERT_TRUE(link.ok());
  const std::string jwt = token_of(link->url);
  EXPECT_EQ(decode_part(jwt, 0), decode_part(seed_token, 0));
  const Json ours = must_parse(decode_part(jwt, 1));

  auto shape = [](const Json& j) {
    Json keys = Json::array();
    for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
    return keys;
  };
  ASSERT_TRUE(ours.is_array());
  ASSERT_EQ(ours.size(), seed.size());
  EXPECT_EQ(shape(ours[0]), shape(seed[0]));
  ASSERT_EQ(ours[0]["data"].size(), 1u);
  EXPECT_EQ(shape(ours[0]["data"][0]), shape(seed[0]["data"][0]));
  EXPECT_EQ(ours[0]["issuer_claim"], "ssokit");
  EXPECT_EQ(ours[0]["audience_claim"], "enduser");
  EXPECT_EQ(ours[0]["issuedat_claim"], kNow);
  EXPECT_EQ(ours[0]["expire_claim"], kNow + 60);
  EXPECT_EQ(ours[0]["data"][0]["user_uuid"], "5f56312028ec0");
  EXPECT_EQ(ours[0]["data"][0]["referrer_url"], "https://store.example.com/en/thirdpartylogin");

  auto jws = parse_jws_bytes(jwt);  // the payload is not an object: a JWS, not a JWT
  ASSERT_TRUE(jws.ok());
  Jwk secret;
  secret.kty = "oct";
  secret.k.assign(kSecret, kSecret + std::strlen(kSecret));
  auto request = make_verify_request("HS256", secret, jws->signing_input, jws->signature);
  ASSERT_TRUE(request.ok());
  EXPECT_TRUE(verify_signature(request.value()));
}

TEST(MuviLogin, ExtraClaims) {
  MuviLoginOptions o = login_options();
  o.extra_claims = {{"jti", "abc"}, {"aud", "muvi"}};
  const Json payload = must_parse(decode_part(token_of(muvi_login_url(o, kNow)->url), 1));
  EXPECT_EQ(payload["jti"], "abc");
  EXPECT_EQ(payload["exp"], kNow + 60);
  o.array_payload = true;
  o.issuer_claim = "portal.example.com";
  const Json array = must_parse(decode_part(token_of(muvi_login_url(o, kNow)->url), 1));
  EXPECT_EQ(array[0]["jti"], "abc");
  EXPECT_EQ(array[0]["issuer_claim"], "portal.example.com");

  for (const auto& [array_form, reserved] : std::vector<std::pair<bool, const char*>>{
           {false, "exp"}, {false, "iat"}, {false, "user_uuid"}, {false, "referrer_url"},
           {true, "expire_claim"}, {true, "data"}, {true, "issuer_claim"}}) {
    o.array_payload = array_form;
    o.extra_claims = {{reserved, 1}};
    auto r = muvi_login_url(o, kNow);
    ASSERT_FALSE(r.ok()) << reserved;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  }
  o.extra_claims = Json::array();
  EXPECT_EQ(muvi_login_url(o, kNow).error().code, ErrorCode::invalid_argument);
  o.extra_claims = {{"big", std::string(5000, 'x')}};
  EXPECT_EQ(muvi_login_url(o, kNow).error().code, ErrorCode::invalid_argument);
}

TEST(MuviLogin, RefusesBadFields) {
  std::vector<MuviLoginOptions> bad(6, login_options());
  bad[0].user_uuid = "";
  bad[1].user_uuid = std::string(129, 'u');
  bad[2].email = "not-an-email";
  bad[3].name = "tab\there";
  bad[4].store = "http://store.example.com";
  bad[5].issuer_claim = std::string(300, 'i');
  for (const auto& o : bad) {
    auto r = muvi_login_url(o, kNow);
    EXPECT_FALSE(r.ok());
  }
  EXPECT_EQ(muvi_login_url(bad[4], kNow).error().code, ErrorCode::invalid_url);
  // A name is optional: an empty one is sent as "".
  MuviLoginOptions no_name = login_options();
  no_name.name = "";
  EXPECT_EQ(must_parse(decode_part(token_of(muvi_login_url(no_name, kNow)->url), 1))["name"], "");
}

// --- the JSON methods ---

TEST(MuviApi, EnsureUserThroughSteps) {
  auto first = api::call("muvi.ensure_user",
                         {{"store", kStore}, {"auth_token", kToken}, {"email", "viewer@example.com"}, {"name", "Vera"}});
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first.value()["request"]["url"], "https://store.example.com/en/rest/RegisterUser");
  EXPECT_EQ(first.value()["request"]["method"], "POST");
  auto lookup = api::call("muvi.step", {{"state", first.value()["state"]},
                                        {"response", api::response_to_json(muvi(422, "Failed", ""))},
                                        {"now", kNow}});
  ASSERT_TRUE(lookup.ok());
  EXPECT_EQ(lookup.value()["request"]["url"], "https://store.example.com/en/rest/GetUserUuid");
  auto done = api::call("muvi.step", {{"state", lookup.value()["state"]},
                                      {"response", api::response_to_json(muvi(200, "OK", "", {{"user_uuid", "u"}}))},
                                      {"now", kNow}});
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done.value()["result"], (Json{{"user_uuid", "u"}, {"created", false}}));
}

TEST(MuviApi, ErrorsKeepThePlatformCode) {
  auto first = api::call("muvi.get_user_uuid", {{"store", kStore}, {"auth_token", kToken}, {"email", "x@example.com"}});
  ASSERT_TRUE(first.ok());
  auto r = api::call("muvi.step", {{"state", first.value()["state"]},
                                   {"response", api::response_to_json(muvi(757, "Failure", "Email required."))},
                                   {"now", kNow}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::platform_error);
  EXPECT_EQ(r.error().details, (Json{{"platform_code", 757}, {"msg", "Email required."}}));
}

TEST(MuviApi, LoginUrl) {
  Json p = {{"store", kStore},       {"jwt_secret", kSecret}, {"user_uuid", "u"},     {"email", "viewer@example.com"},
            {"name", "Vera"},        {"referrer_url", "/en/"}, {"ttl", 30},           {"now", kNow}};
  auto r = api::call("muvi.autologin_url", p);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r.value()["expires_at"], kNow + 30);
  p["array_payload"] = true;
  p["audience_claim"] = "viewers";
  auto array = api::call("muvi.autologin_url", p);
  ASSERT_TRUE(array.ok());
  EXPECT_EQ(must_parse(decode_part(token_of(array.value()["url"].get<std::string>()), 1))[0]["audience_claim"], "viewers");

  for (const char* missing : {"store", "jwt_secret", "user_uuid", "email", "now"}) {
    Json q = p;
    q.erase(missing);
    auto e = api::call("muvi.autologin_url", q);
    ASSERT_FALSE(e.ok()) << missing;
    EXPECT_EQ(e.error().code, ErrorCode::invalid_argument) << missing;
  }
  for (const auto& [name, value] : std::vector<std::pair<const char*, Json>>{
           {"ttl", "60"}, {"ttl", 1.5}, {"array_payload", "yes"}, {"name", 5}, {"referrer_url", Json::array()}}) {
    Json q = p;
    q[name] = value;
    auto e = api::call("muvi.autologin_url", q);
    ASSERT_FALSE(e.ok()) << name;
    EXPECT_EQ(e.error().code, ErrorCode::invalid_argument) << name;
  }
}

TEST(MuviApi, ParameterErrors) {
  EXPECT_EQ(api::call("muvi.register_user", {{"store", kStore}, {"email", "a@b.c"}}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(api::call("muvi.register_user", {{"store", kStore}, {"auth_token", kToken}, {"email", "a@b.c"}, {"name", 1}})
                .error()
                .code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(api::call("muvi.step", {{"response", {{"status", 200}}}, {"now", kNow}}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(api::call("muvi.step", {{"state", Json::object()}, {"now", kNow}}).error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace ssokit
