// LoopbackListener with raw client sockets standing in for the browser.
#include "loopback/loopback_listener.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "test_http_server.hpp"

namespace ssokit::native {
namespace {

using namespace std::chrono_literals;

int connect_to(std::uint16_t port, bool v6 = false) {
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int rc;
  if (v6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    a.sin6_port = htons(port);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  if (rc != 0) {
    ::close(fd);
    return -1;
  }
  ssokit::testing::set_receive_timeout(fd, 5000);
  return fd;
}

std::string read_all(int fd) {
  std::string out;
  char chunk[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;  // EOF, reset or the receive timeout
    out.append(chunk, static_cast<std::size_t>(n));
  }
  return out;
}

// One request/response exchange, as a browser would do it.
std::string round_trip(std::uint16_t port, const std::string& raw, bool v6 = false) {
  const int fd = connect_to(port, v6);
  if (fd < 0) return "connect failed";
  ssokit::testing::send_all_raw(fd, raw);
  std::string reply = read_all(fd);
  ::close(fd);
  return reply;
}

std::string get_request(const std::string& target, std::uint16_t port, const std::string& host = "127.0.0.1") {
  return "GET " + target + " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(port) +
         "\r\nUser-Agent: test\r\nAccept: text/html\r\n\r\n";
}

TEST(LoopbackListener, BindsAnEphemeralPort) {
  auto listener = LoopbackListener::bind();
  ASSERT_TRUE(listener.ok()) << listener.error().to_string();
  EXPECT_NE(listener->port(), 0);
  EXPECT_EQ(listener->redirect_uri(), "http://127.0.0.1:" + std::to_string(listener->port()) + "/callback");
}

TEST(LoopbackListener, ReturnsTheCallbackUrlAndServesThePage) {
  auto bound = LoopbackListener::bind("127.0.0.1", 0, "/callback");
  ASSERT_TRUE(bound.ok()) << bound.error().to_string();
  LoopbackListener listener = std::move(bound).value();
  const std::uint16_t port = listener.port();

  auto browser = std::async(std::launch::async, [port] {
    std::pair<std::string, std::string> replies;
    replies.first = round_trip(port, get_request("/favicon.ico", port));
    replies.second = round_trip(port, get_request("/callback?code=x&state=y", port));
    return replies;
  });

  int calls = 0;
  std::string seen;
  auto url = listener.wait_for_callback(5s, [&](std::string_view callback_url) {
    ++calls;
    seen = std::string(callback_url);
    return success_page();
  });
  const auto replies = browser.get();
  ASSERT_TRUE(url.ok()) << url.error().to_string();
  const std::string expected = "http://127.0.0.1:" + std::to_string(port) + "/callback?code=x&state=y";
  EXPECT_EQ(*url, expected);
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(calls, 1);

  EXPECT_EQ(replies.first.rfind("HTTP/1.1 404 ", 0), 0u) << replies.first;
  const std::string& page = replies.second;
  EXPECT_EQ(page.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << page;
  EXPECT_NE(page.find("Content-Type: text/html; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(page.find("Cache-Control: no-store\r\n"), std::string::npos);
  EXPECT_NE(page.find("Connection: close\r\n"), std::string::npos);
  const std::string body = success_page().html;
  EXPECT_NE(page.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  EXPECT_EQ(page.substr(page.find("\r\n\r\n") + 4), body);
  EXPECT_NE(body.find("Signed in. You can close this tab and return to the application."), std::string::npos);
}

TEST(LoopbackListener, ServesTheErrorPageFromRespond) {
  auto listener = LoopbackListener::bind();
  ASSERT_TRUE(listener.ok());
  const std::uint16_t port = listener->port();
  auto browser = std::async(std::launch::async,
                            [port] { return round_trip(port, get_request("/callback?error=access_denied&state=s", port)); });
  auto url = listener->wait_for_callback(5s, [](std::string_view) {
    return error_page(make_error(ErrorCode::access_denied, "the user declined <consent> & left"));
  });
  const std::string reply = browser.get();
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(reply.rfind("HTTP/1.1 400 ", 0), 0u) << reply;
  EXPECT_NE(reply.find("access_denied"), std::string::npos);
  EXPECT_NE(reply.find("the user declined &lt;consent&gt; &amp; left"), std::string::npos);
  EXPECT_EQ(reply.find("<consent>"), std::string::npos);
}

TEST(LoopbackListener, TimesOut) {
  auto listener = LoopbackListener::bind();
  ASSERT_TRUE(listener.ok());
  bool called = false;
  const auto started = std::chrono::steady_clock::now();
  auto url = listener->wait_for_callback(200ms, [&](std::string_view) {
    called = true;
    return success_page();
  });
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.error().code, ErrorCode::timeout);
  EXPECT_NE(url.error().message.find("no browser came back to " + listener->redirect_uri() + " within 0.2 s"),
            std::string::npos)
      << url.error().message;
  EXPECT_FALSE(called);
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 2s);
}

TEST(LoopbackListener, TimeoutMessageInWholeSeconds) {
  auto listener = LoopbackListener::bind();
  ASSERT_TRUE(listener.ok());
  // A zero timeout returns at once; the message still names the limit.
  auto url = listener->wait_for_callback(0ms, nullptr);
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.error().message.find("within 0 s"), std::string::npos) << url.error().message;
}

TEST(LoopbackListener, OversizedRequestIsRejectedAndWaitingGoesOn) {
  auto listener = LoopbackListener::bind();
  ASSERT_TRUE(listener.ok());
  const std::uint16_t port = listener->port();
  auto browser = std::async(std::launch::async, [port] {
    std::string huge = "GET /callback?code=" + std::string(20 * 1024, 'a') + " HTTP/1.1\r\nHost: x\r\n";
    std::string first = round_trip(port, huge);  // never finishes its head
    std::string second = round_trip(port, get_request("/callback?code=ok&state=s", port));
    return std::make_pair(first, second);
  });
  auto url = listener->wait_for_callback(5s, [](std::string_view) { return success_page(); });
  const auto replies = browser.get();
  ASSERT_TRUE(url.ok()) << url.error().to_string();
  EXPECT_EQ(*url, listener->redirect_uri() + "?code=ok&state=s");
  // The big request gets a 431, unless the reset of unread bytes beat it to the client.
  EXPECT_TRUE(replies.first.empty() || replies.first.rfind("HTTP/1.1 431 ", 0) == 0) << replies.first.substr(0, 80);
  EXPECT_EQ(replies.second.rfind("HTTP/1.1 200 ", 0), 0u);
}

TEST(LoopbackListener, IdleSpeculativeConnectionsDoNotBlockTheCallback) {
  auto listener = LoopbackListener::bind();
  ASSERT_TRUE(listener.ok());
  const std::uint16_t port = listener->port();
  const int idle = connect_to(port);  // a browser preconnect that never sends a byte
  ASSERT_GE(idle, 0);
  auto browser = std::async(std::launch::async, [port] {
    std::this_thread::sleep_for(50ms);
    return round_trip(port, get_request("/callback?code=c&state=s", port));
  });
  const auto started = std::chrono::steady_clock::now();
  auto url = listener->wait_for_callback(10s, [](std::string_view) { return success_page(); });
  const auto took = std::chrono::steady_clock::now() - started;
  browser.get();
  ::close(idle);
  ASSERT_TRUE(url.ok()) << url.error().to_string();
  EXPECT_LT(took, 2s);
}

TEST(LoopbackListener, MalformedAndOtherMethodsAreAnsweredAndWaitingGoesOn) {
  auto listener = LoopbackListener::bind();
  ASSERT_TRUE(listener.ok());
  const std::uint16_t port = listener->port();
  auto browser = std::async(std::launch::async, [port] {
    std::vector<std::string> replies;
    replies.push_back(round_trip(port, "POST /callback HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
    replies.push_back(round_trip(port, "garbage\r\n\r\n"));
    replies.push_back(round_trip(port, "GET http://evil.example/callback?code=1 HTTP/1.1\r\nHost: x\r\n\r\n"));
    replies.push_back(round_trip(port, "GET /callbackx?code=1 HTTP/1.1\r\nHost: x\r\n\r\n"));
    replies.push_back(round_trip(port, get_request("/callback?code=2&state=s", port)));
    return replies;
  });
  auto url = listener->wait_for_callback(5s, [](std::string_view) { return success_page(); });
  const auto replies = browser.get();
  ASSERT_TRUE(url.ok()) << url.error().to_string();
  EXPECT_EQ(*url, listener->redirect_uri() + "?code=2&state=s");
  ASSERT_EQ(replies.size(), 5u);
  EXPECT_EQ(replies[0].rfind("HTTP/1.1 405 ", 0), 0u) << replies[0];
  EXPECT_NE(replies[0].find("Allow: GET\r\n"), std::string::npos);
  EXPECT_EQ(replies[1].rfind("HTTP/1.1 400 ", 0), 0u) << replies[1];
  EXPECT_EQ(replies[2].rfind("HTTP/1.1 400 ", 0), 0u) << replies[2];
  EXPECT_EQ(replies[3].rfind("HTTP/1.1 404 ", 0), 0u) << replies[3];
  EXPECT_EQ(replies[4].rfind("HTTP/1.1 200 ", 0), 0u) << replies[4];
}

TEST(LoopbackListener, OnlyLoopbackHosts) {
  for (const char* host : {"0.0.0.0", "192.168.1.10", "8.8.8.8", "::", "fe80::1", "::ffff:127.0.0.1", "localhost",
                           "example.com", ""}) {
    auto listener = LoopbackListener::bind(host);
    ASSERT_FALSE(listener.ok()) << host;
    EXPECT_EQ(listener.error().code, ErrorCode::invalid_argument) << host;
  }
}

TEST(LoopbackListener, RejectsBadPaths) {
  for (const char* path : {"", "callback", "/cb?x=1", "/cb#f", "/c b", "/c\r\nb"}) {
    auto listener = LoopbackListener::bind("127.0.0.1", 0, path);
    ASSERT_FALSE(listener.ok()) << path;
    EXPECT_EQ(listener.error().code, ErrorCode::invalid_argument);
  }
  auto root = LoopbackListener::bind("127.0.0.1", 0, "/");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->redirect_uri(), "http://127.0.0.1:" + std::to_string(root->port()) + "/");
}

TEST(LoopbackListener, PortInUseIsNetworkError) {
  auto first = LoopbackListener::bind();
  ASSERT_TRUE(first.ok());
  auto second = LoopbackListener::bind("127.0.0.1", first->port());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::network_error);
  EXPECT_NE(second.error().message.find("in use"), std::string::npos) << second.error().message;
}

TEST(LoopbackListener, FixedPortAndOtherLoopbackAddress) {
  auto probe = LoopbackListener::bind();
  ASSERT_TRUE(probe.ok());
  const std::uint16_t port = probe->port();
  probe->close();
  auto listener = LoopbackListener::bind("127.0.0.1", port, "/oauth/done");
  ASSERT_TRUE(listener.ok()) << listener.error().to_string();
  EXPECT_EQ(listener->redirect_uri(), "http://127.0.0.1:" + std::to_string(port) + "/oauth/done");
}

TEST(LoopbackListener, Ipv6Loopback) {
  auto listener = LoopbackListener::bind("[::1]");
  if (!listener.ok() && listener.error().code == ErrorCode::network_error) {
    GTEST_SKIP() << "no IPv6 loopback here: " << listener.error().message;
  }
  ASSERT_TRUE(listener.ok()) << listener.error().to_string();
  const std::uint16_t port = listener->port();
  EXPECT_EQ(listener->redirect_uri(), "http://[::1]:" + std::to_string(port) + "/callback");
  auto browser = std::async(std::launch::async,
                            [port] { return round_trip(port, get_request("/callback?code=6&state=s", port, "[::1]"), true); });
  auto url = listener->wait_for_callback(5s, [](std::string_view) { return success_page(); });
  browser.get();
  ASSERT_TRUE(url.ok()) << url.error().to_string();
  EXPECT_EQ(*url, "http://[::1]:" + std::to_string(port) + "/callback?code=6&state=s");
}

TEST(LoopbackListener, MovedListenerKeepsWorkingAndDestructorCloses) {
  std::uint16_t port = 0;
  {
    auto bound = LoopbackListener::bind();
    ASSERT_TRUE(bound.ok());
    LoopbackListener a = std::move(bound).value();
    LoopbackListener b = std::move(a);
    port = b.port();
    auto moved_from = a.wait_for_callback(10ms, nullptr);  // NOLINT: using a moved-from object on purpose
    ASSERT_FALSE(moved_from.ok());
    auto browser = std::async(std::launch::async, [port] { return round_trip(port, get_request("/callback?x=1", port)); });
    auto url = b.wait_for_callback(5s, nullptr);
    browser.get();
    ASSERT_TRUE(url.ok()) << url.error().to_string();
  }
  // Closed: connecting is refused now.
  EXPECT_EQ(connect_to(port), -1);
}

TEST(LoopbackListener, PagesEscapeAndStayShort) {
  const Page ok = success_page();
  EXPECT_EQ(ok.status, 200);
  EXPECT_LT(ok.html.size(), 1024u);
  const Page bad = error_page(make_error(ErrorCode::state_mismatch, "<script>alert('x')</script>",
                                         {{"token", "NEVER-SHOWN"}}));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.html.find("state_mismatch"), std::string::npos);
  EXPECT_NE(bad.html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(bad.html.find("<script>"), std::string::npos);
  EXPECT_EQ(bad.html.find("NEVER-SHOWN"), std::string::npos);
}

}  // namespace

// Issue 16: DNS rebinding. A page on another site whose name resolves to 127.0.0.1 reaches the
// port with its own Host; only the loopback name the listener serves is answered.
TEST(LoopbackListener, OnlyItsOwnHostNameIsAnswered) {
  auto listener = LoopbackListener::bind();
  ASSERT_TRUE(listener.ok());
  const std::uint16_t port = listener->port();
  auto browser = std::async(std::launch::async, [port] {
    std::vector<std::string> replies;
    replies.push_back(round_trip(port, get_request("/callback?code=1&state=s", port, "evil.example")));
    replies.push_back(round_trip(port, get_request("/callback?code=2&state=s", port, "localhost")));
    replies.push_back(round_trip(port, "GET /callback?code=3&state=s HTTP/1.1\r\nUser-Agent: test\r\n\r\n"));
    replies.push_back(round_trip(port, "GET /callback?code=4 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                                           "\r\nHost: evil.example\r\n\r\n"));
    replies.push_back(round_trip(port, get_request("/callback?code=5&state=s", port)));
    return replies;
  });
  auto url = listener->wait_for_callback(5s, [](std::string_view) { return success_page(); });
  const auto replies = browser.get();
  ASSERT_TRUE(url.ok()) << url.error().to_string();
  EXPECT_EQ(*url, listener->redirect_uri() + "?code=5&state=s");
  ASSERT_EQ(replies.size(), 5u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(replies[i].rfind("HTTP/1.1 400 ", 0), 0u) << i << ": " << replies[i];
  EXPECT_EQ(replies[4].rfind("HTTP/1.1 200 ", 0), 0u) << replies[4];
}

// Issue 16: 16 idle connections (the most it keeps) held the browser's callback back until one
// of them timed out (5 s). With a 3 s limit the sign-in timed out; now the oldest idle connection
// makes room at once.
TEST(LoopbackListener, IdleConnectionsHeldOpenDoNotHoldTheCallbackBack) {
  auto listener = LoopbackListener::bind();
  ASSERT_TRUE(listener.ok());
  const std::uint16_t port = listener->port();
  std::vector<int> idle;
  for (int i = 0; i < 16; ++i) {  // the listen backlog holds them until the listener takes them
    const int fd = connect_to(port);
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
  }
  auto browser = std::async(std::launch::async, [port] {
    std::this_thread::sleep_for(100ms);
    return round_trip(port, get_request("/callback?code=c&state=s", port));
  });
  auto url = listener->wait_for_callback(3s, [](std::string_view) { return success_page(); });
  const std::string reply = browser.get();
  for (int fd : idle) ::close(fd);
  ASSERT_TRUE(url.ok()) << url.error().to_string();
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 ", 0), 0u) << reply;
}

// Issue 16 item 5: the error page shows the provider's text with its control characters escaped.
TEST(LoopbackListener, ErrorPageEscapesControlCharacters) {
  const Page page = error_page(make_error(ErrorCode::authorization_error, "denied\r\x1b]0;pwned\x07 <b>x</b>"));
  EXPECT_EQ(page.html.find('\x1b'), std::string::npos);
  EXPECT_EQ(page.html.find('\r'), std::string::npos);
  EXPECT_NE(page.html.find("denied\\x0d\\x1b]0;pwned\\x07 &lt;b&gt;x&lt;/b&gt;"), std::string::npos) << page.html;
}

}  // namespace ssokit::native
