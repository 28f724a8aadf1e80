// A tiny HTTP/1.1 server for the native tests: 127.0.0.1 only, one connection at a time,
// every response closes the connection, everything bounded in time; stopped by its destructor.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ssokit::testing {

struct RawRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  std::string header(const std::string& lower_name) const {
    for (const auto& h : headers) {
      if (h.first == lower_name) return h.second;
    }
    return {};
  }
};

inline std::string http_response(int status, const std::string& body, const std::string& extra_headers = {}) {
  return "HTTP/1.1 " + std::to_string(status) + " Test\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
}

inline bool send_all_raw(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

inline void set_receive_timeout(int fd, int ms) {
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

class TestHttpServer {
 public:
  // The handler returns the raw bytes to send back ("" closes without answering). It runs on
  // the server thread; a slow handler should poll stopping().
  using Handler = std::function<std::string(const RawRequest&)>;

  explicit TestHttpServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 8) != 0) return;
    socklen_t size = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &size);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }

  ~TestHttpServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }

  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path_and_query) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path_and_query;
  }
  bool stopping() const { return stop_; }
  std::vector<RawRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }
  std::size_t request_count() const { return requests().size(); }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      set_receive_timeout(client, 2000);
      RawRequest request;
      if (read_request(client, &request)) {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          seen_.push_back(request);
        }
        const std::string response = handler_(request);
        if (!response.empty()) send_all_raw(client, response);
      }
      ::shutdown(client, SHUT_WR);
      ::close(client);
    }
  }

  static bool read_request(int fd, RawRequest* out) {
    std::string data;
    char chunk[4096];
    std::size_t head_end;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
      if (data.size() > 64 * 1024) return false;
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      data.append(chunk, static_cast<std::size_t>(n));
    }
    const std::string head = data.substr(0, head_end);
    std::size_t line_end = head.find("\r\n");
    const std::string line = head.substr(0, line_end);
    const std::size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
    if (sp1 == std::string::npos || sp2 == sp1) return false;
    out->method = line.substr(0, sp1);
    out->target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t length = 0;
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string h = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const std::size_t colon = h.find(':');
      if (colon == std::string::npos) continue;
      std::string name = h.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = h.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (name == "content-length") length = std::stoul(value);
      out->headers.emplace_back(std::move(name), std::move(value));
    }
    if (length > 1024 * 1024) return false;
    out->body = data.substr(head_end + 4);
    while (out->body.size() < length) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      out->body.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
  }

  Handler handler_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<RawRequest> seen_;
};

}  // namespace ssokit::testing
