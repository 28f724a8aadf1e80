// CurlTransport against a real socket server on 127.0.0.1 (the real libcurl, no mocks).
#include "transport/curl_transport.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "test_http_server.hpp"

namespace ssokit::native {
namespace {

using namespace std::chrono_literals;
using ssokit::testing::http_response;
using ssokit::testing::RawRequest;
using ssokit::testing::TestHttpServer;

// Tests never go through a proxy from the environment, and never really wait between retries.
struct Fixture {
  std::vector<std::chrono::milliseconds> sleeps;
  CurlTransport::Options options() {
    CurlTransport::Options o;
    o.proxy = "";
    o.sleep = [this](std::chrono::milliseconds d) { sleeps.push_back(d); };
    return o;
  }
};

HttpRequest get(std::string url) {
  HttpRequest r;
  r.method = "GET";
  r.url = std::move(url);
  return r;
}

TEST(CurlTransport, GetRoundTripsHeadersAndBody) {
  TestHttpServer server([](const RawRequest& r) {
    return http_response(200, "{\"target\":\"" + r.target + "\"}", "Content-Type: application/json\r\nX-Reply: yes\r\n");
  });
  Fixture f;
  CurlTransport transport(f.options());
  HttpRequest request = get(server.url("/things?a=1&b=two"));
  request.headers = {{"Accept", "application/json"}, {"X-Test", "1"}};
  auto response = transport.send(request);
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "{\"target\":\"/things?a=1&b=two\"}");
  EXPECT_EQ(response->header("content-type").value_or(""), "application/json");
  EXPECT_EQ(response->header("x-reply").value_or(""), "yes");

  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/things?a=1&b=two");
  EXPECT_EQ(seen[0].header("accept"), "application/json");
  EXPECT_EQ(seen[0].header("x-test"), "1");
  EXPECT_EQ(seen[0].header("user-agent"), default_user_agent());
  EXPECT_EQ(default_user_agent().rfind("ssokit/", 0), 0u);
  EXPECT_TRUE(seen[0].body.empty());
}

TEST(CurlTransport, PostSendsBodyAndHeaders) {
  TestHttpServer server([](const RawRequest& r) { return http_response(200, "echo:" + r.body); });
  Fixture f;
  CurlTransport transport(f.options());
  HttpRequest request;
  request.method = "POST";
  request.url = server.url("/token");
  request.idempotent = false;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", "Basic Y2xpZW50OnNlY3JldA=="}};
  request.body = "grant_type=authorization_code&code=abc&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb";
  auto response = transport.send(request);
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->body, "echo:" + request.body);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].body, request.body);
  EXPECT_EQ(seen[0].header("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(seen[0].header("authorization"), "Basic Y2xpZW50OnNlY3JldA==");
  EXPECT_EQ(seen[0].header("content-length"), std::to_string(request.body.size()));
  EXPECT_TRUE(seen[0].header("expect").empty());
}

TEST(CurlTransport, OtherMethodsAndEmptyHeaderValues) {
  TestHttpServer server([](const RawRequest&) { return http_response(204, ""); });
  Fixture f;
  CurlTransport transport(f.options());
  HttpRequest request;
  request.method = "DELETE";
  request.url = server.url("/sessions/1");
  request.headers = {{"X-Empty", ""}};
  auto response = transport.send(request);
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->status, 204);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "DELETE");
  bool has_empty = false;
  for (const auto& h : seen[0].headers) has_empty |= h.first == "x-empty" && h.second.empty();
  EXPECT_TRUE(has_empty);
}

// Issue 16 items 1 and 2: whatever built the request (a platform base URL, `ssokit verify --jwks`,
// a C API caller), plain http leaves the machine only for https: refused before any name is
// resolved, so nothing is sent.
TEST(CurlTransport, PlainHttpOnlyToALoopbackHost) {
  Fixture f;
  CurlTransport transport(f.options());
  for (const char* url : {"http://api.streamone.example/api/session/createwithsso", "http://127.evil.example/jwks",
                          "http://[2001:db8::1]/x"}) {
    auto response = transport.send(get(url));
    ASSERT_FALSE(response.ok()) << url;
    EXPECT_EQ(response.error().code, ErrorCode::invalid_url) << url;
  }
  TestHttpServer server([](const RawRequest&) { return http_response(200, "{}"); });
  EXPECT_TRUE(transport.send(get(server.url("/x"))).ok());
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(CurlTransport, StatusCodesAreResponsesAndRedirectsAreNotFollowed) {
  for (int status : {400, 401, 404, 302}) {
    TestHttpServer server([status](const RawRequest&) {
      return http_response(status, "body " + std::to_string(status), "Location: http://127.0.0.1:1/elsewhere\r\n");
    });
    Fixture f;
    CurlTransport transport(f.options());
    auto response = transport.send(get(server.url("/x")));
    ASSERT_TRUE(response.ok()) << response.error().to_string();
    EXPECT_EQ(response->status, status);
    EXPECT_EQ(response->body, "body " + std::to_string(status));
    EXPECT_EQ(response->header("location").value_or(""), "http://127.0.0.1:1/elsewhere");
    EXPECT_EQ(server.request_count(), 1u);
    EXPECT_TRUE(f.sleeps.empty());
  }
}

TEST(CurlTransport, OversizeBodyWithContentLengthIsInvalidResponse) {
  TestHttpServer server([](const RawRequest&) { return http_response(200, std::string(4096, 'x')); });
  Fixture f;
  auto options = f.options();
  options.max_response_bytes = 1024;
  CurlTransport transport(options);
  auto response = transport.send(get(server.url("/big")));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::invalid_response);
  EXPECT_NE(response.error().message.find("response larger than 1024 bytes"), std::string::npos)
      << response.error().message;
  EXPECT_EQ(server.request_count(), 1u);  // not retried
}

TEST(CurlTransport, OversizeStreamedBodyIsInvalidResponse) {
  // No Content-Length: the body ends when the connection closes, so only the write callback sees it.
  TestHttpServer server([](const RawRequest&) {
    return std::string("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n") + std::string(2 * 1024 * 1024 + 10, 'y');
  });
  Fixture f;
  CurlTransport transport(f.options());  // the default limit, 1 MiB
  auto response = transport.send(get(server.url("/stream")));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::invalid_response);
  EXPECT_NE(response.error().message.find("response larger than 1048576 bytes"), std::string::npos)
      << response.error().message;
}

TEST(CurlTransport, ExactlyTheLimitIsAccepted) {
  TestHttpServer server([](const RawRequest&) { return http_response(200, std::string(1000, 'z')); });
  Fixture f;
  auto options = f.options();
  options.max_response_bytes = 1000;
  CurlTransport transport(options);
  auto response = transport.send(get(server.url("/exact")));
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->body.size(), 1000u);
}

TEST(CurlTransport, SlowServerIsTimeoutWithoutTheQuery) {
  TestHttpServer* self = nullptr;
  TestHttpServer server([&self](const RawRequest&) {
    const auto until = std::chrono::steady_clock::now() + 3s;
    while (!self->stopping() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
    return std::string();
  });
  self = &server;
  Fixture f;
  auto options = f.options();
  options.total_timeout_ms = 300;
  options.retries = 0;
  CurlTransport transport(options);
  const auto started = std::chrono::steady_clock::now();
  auto response = transport.send(get(server.url("/slow?code=SECRETCODE&state=s1")));
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::timeout);
  EXPECT_LT(took, 2s);
  const std::string& message = response.error().message;
  EXPECT_NE(message.find("GET " + server.url("/slow")), std::string::npos) << message;
  EXPECT_EQ(message.find("SECRETCODE"), std::string::npos) << message;
  EXPECT_EQ(message.find("state=s1"), std::string::npos) << message;
  EXPECT_EQ(response.error().to_string().find("SECRETCODE"), std::string::npos);
}

// A port that is bound but not listening: connecting is refused at once.
struct RefusingPort {
  int fd = -1;
  std::uint16_t port = 0;
  RefusingPort() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t size = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size);
    port = ntohs(a.sin_port);
  }
  ~RefusingPort() { ::close(fd); }
};

TEST(CurlTransport, ConnectionRefusedIsNetworkErrorWithoutTheQuery) {
  RefusingPort refusing;
  Fixture f;
  auto options = f.options();
  options.retries = 0;
  CurlTransport transport(options);
  HttpRequest request;
  request.method = "POST";
  request.idempotent = false;
  request.url = "http://127.0.0.1:" + std::to_string(refusing.port) + "/token?access_token=TOPSECRET";
  request.body = "client_secret=BODYSECRET";
  request.headers = {{"Authorization", "Bearer HEADERSECRET"}};
  auto response = transport.send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::network_error);
  const std::string text = response.error().to_string();
  EXPECT_NE(text.find("POST http://127.0.0.1:" + std::to_string(refusing.port) + "/token"), std::string::npos) << text;
  for (const char* secret : {"TOPSECRET", "access_token", "BODYSECRET", "HEADERSECRET"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << text;
  }
  EXPECT_TRUE(f.sleeps.empty());
}

TEST(CurlTransport, IdempotentGetIsRetriedOn503ExactlyRetriesTimes) {
  TestHttpServer server([](const RawRequest&) { return http_response(503, "busy"); });
  Fixture f;
  auto options = f.options();
  options.retries = 2;
  CurlTransport transport(options);
  auto response = transport.send(get(server.url("/.well-known/openid-configuration")));
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->status, 503);  // the last answer is handed to the caller
  EXPECT_EQ(server.request_count(), 3u);
  EXPECT_EQ(f.sleeps, (std::vector<std::chrono::milliseconds>{200ms, 400ms}));
}

TEST(CurlTransport, RetryStopsAtTheFirstGoodAnswer) {
  int calls = 0;
  TestHttpServer server([&calls](const RawRequest&) {
    return ++calls == 1 ? http_response(429, "slow down") : http_response(200, "ok");
  });
  Fixture f;
  CurlTransport transport(f.options());
  auto response = transport.send(get(server.url("/jwks")));
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(f.sleeps.size(), 1u);
}

TEST(CurlTransport, PostIsNeverRetried) {
  TestHttpServer server([](const RawRequest&) { return http_response(503, "busy"); });
  Fixture f;
  auto options = f.options();
  options.retries = 5;
  CurlTransport transport(options);
  HttpRequest request;
  request.method = "POST";
  request.url = server.url("/token");
  request.body = "grant_type=authorization_code&code=once";
  request.idempotent = true;  // even if mislabelled: only GETs are retried
  auto response = transport.send(request);
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_TRUE(f.sleeps.empty());
}

TEST(CurlTransport, NonIdempotentGetIsNotRetried) {
  TestHttpServer server([](const RawRequest&) { return http_response(500, "oops"); });
  Fixture f;
  CurlTransport transport(f.options());
  HttpRequest request = get(server.url("/once"));
  request.idempotent = false;
  auto response = transport.send(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_TRUE(f.sleeps.empty());
}

TEST(CurlTransport, NetworkErrorsOfIdempotentGetsAreRetried) {
  RefusingPort refusing;
  Fixture f;
  CurlTransport transport(f.options());
  auto response = transport.send(get("http://127.0.0.1:" + std::to_string(refusing.port) + "/jwks"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::network_error);
  EXPECT_EQ(f.sleeps, (std::vector<std::chrono::milliseconds>{200ms, 400ms}));
}

TEST(CurlTransport, OnlyHttpAndHttpsUrls) {
  Fixture f;
  CurlTransport transport(f.options());
  for (const char* url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", "not a url",
                          "/relative/path?code=SECRET"}) {
    auto response = transport.send(get(url));
    ASSERT_FALSE(response.ok()) << url;
    EXPECT_EQ(response.error().code, ErrorCode::invalid_url) << url;
    EXPECT_EQ(response.error().message.find("SECRET"), std::string::npos);
  }
}

TEST(CurlTransport, HeaderInjectionIsRefusedWithoutQuotingTheValue) {
  TestHttpServer server([](const RawRequest&) { return http_response(200, "ok"); });
  Fixture f;
  CurlTransport transport(f.options());
  HttpRequest request = get(server.url("/x"));
  request.headers = {{"Authorization", "Bearer SECRET\r\nX-Evil: 1"}};
  auto response = transport.send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(response.error().message.find("SECRET"), std::string::npos);
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(CurlTransport, HttpsToAPlainServerFailsAsNetworkError) {
  // TLS verification is always on; a server that does not speak TLS is a transport failure.
  TestHttpServer server([](const RawRequest&) { return http_response(200, "plain"); });
  Fixture f;
  auto options = f.options();
  options.retries = 0;
  options.total_timeout_ms = 500;
  CurlTransport transport(options);
  auto response = transport.send(get("https://127.0.0.1:" + std::to_string(server.port()) + "/"));
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.error().code == ErrorCode::network_error || response.error().code == ErrorCode::timeout)
      << response.error().to_string();
}

TEST(CurlTransport, ReusesConnectionsAcrossRequestsAndIsMovable) {
  TestHttpServer server([](const RawRequest& r) { return http_response(200, r.target); });
  Fixture f;
  CurlTransport first(f.options());
  CurlTransport transport(std::move(first));
  for (int i = 0; i < 5; ++i) {
    auto response = transport.send(get(server.url("/n" + std::to_string(i))));
    ASSERT_TRUE(response.ok()) << response.error().to_string();
    EXPECT_EQ(response->body, "/n" + std::to_string(i));
  }
  EXPECT_EQ(server.request_count(), 5u);
}

TEST(CurlTransport, ConcurrentSends) {
  TestHttpServer server([](const RawRequest& r) { return http_response(200, r.target); });
  Fixture f;
  CurlTransport transport(f.options());
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        const std::string path = "/t" + std::to_string(t) + "-" + std::to_string(i);
        auto response = transport.send(get(server.url(path)));
        if (response.ok() && response->body == path) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 12);
}

}  // namespace
}  // namespace ssokit::native
