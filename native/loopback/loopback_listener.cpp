#include "ssokit/native/loopback_listener.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "ssokit/display.hpp"
#include "ssokit/text.hpp"

namespace ssokit::native {
namespace {

using Clock = std::chrono::steady_clock;

// Browsers open a few speculative connections; more than this at once is not a browser.
constexpr std::size_t kMaxConnections = 16;

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_page(std::string_view title, std::string_view body) {
  std::string page =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>";
  page += html_escape(title);
  page +=
      "</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;"
      "color:#222}h1{font-size:1.4rem}code{background:#eee;padding:.1rem .3rem}</style></head><body>";
  page += body;
  page += "</body></html>\n";
  return page;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    default: return "Status";
  }
}

int ms_until(Clock::time_point t) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(t - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60 * 60 * 1000));
}

// Writes all of `data`, waiting for the socket at most until `deadline`. Failures are ignored
// by callers: a browser that went away needs no answer.
bool send_all(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      const int wait = ms_until(deadline);
      if (wait == 0 || ::poll(&p, 1, wait) <= 0) return false;
      continue;
    }
    return false;
  }
  return true;
}

void send_response(int fd, const Page& page, std::string_view extra_headers = {}) {
  std::string head = "HTTP/1.1 " + std::to_string(page.status) + " " + reason_phrase(page.status) + "\r\n";
  head += "Content-Type: text/html; charset=utf-8\r\n";
  head += "Content-Length: " + std::to_string(page.html.size()) + "\r\n";
  head += "Cache-Control: no-store\r\n";
  // The URL holds the authorization code: keep it out of Referer headers and other origins.
  head += "Referrer-Policy: no-referrer\r\n";
  head += "X-Content-Type-Options: nosniff\r\n";
  head += "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n";
  head += "Connection: close\r\n";
  head += extra_headers;
  head += "\r\n";
  const auto deadline = Clock::now() + LoopbackListener::kConnectionTimeout;
  if (send_all(fd, head, deadline)) send_all(fd, page.html, deadline);
  ::shutdown(fd, SHUT_WR);
}

Page status_page(int status, std::string_view text) {
  return Page{status, html_page(reason_phrase(status), "<p>" + html_escape(text) + "</p>")};
}

// RFC 3986 pchar plus '/': what a callback path may hold.
bool valid_path(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  for (char c : path) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::strchr("-._~!$&'()*+,;=:@%/", c) != nullptr;
    if (!ok || c == '\0') return false;
  }
  return true;
}

// Visible ASCII only: browsers percent-encode everything else in a request target.
bool valid_target(std::string_view target) {
  if (target.empty() || target[0] != '/') return false;
  return std::all_of(target.begin(), target.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::string seconds_text(std::chrono::milliseconds timeout) {
  const long long ms = timeout.count();
  std::string text = std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    std::string frac = std::to_string(1000 + ms % 1000).substr(1);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    text += "." + frac;
  }
  return text + " s";
}

struct Connection {
  int fd = -1;
  std::string buffer;
  Clock::time_point deadline;
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

Page success_page() {
  return Page{200, html_page("Signed in", "<h1>Signed in</h1><p>Signed in. You can close this tab and return to the "
                                          "application.</p>")};
}

Page error_page(const Error& error) {
  std::string body = "<h1>Sign-in failed</h1><p><code>";
  body += html_escape(error.code_name());
  body += "</code></p><p>";
  body += html_escape(printable_text(error.message));
  body += "</p><p>You can close this tab and return to the application.</p>";
  return Page{400, html_page("Sign-in failed", body)};
}

namespace {

// The value of the one header `name` (lower case) in a request head, trimmed; nullopt when it is
// missing or repeated.
std::optional<std::string> header_value(std::string_view head, std::string_view name) {
  std::optional<std::string> found;
  std::size_t at = head.find('\n');
  while (at != std::string_view::npos && at + 1 < head.size()) {
    const std::size_t start = at + 1;
    const std::size_t end = head.find('\n', start);
    std::string_view line = head.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && ascii_iequals(line.substr(0, colon), name)) {
      if (found) return std::nullopt;
      found = std::string(trim_ows(line.substr(colon + 1)));
    }
    at = end;
  }
  return found;
}

}  // namespace

Result<LoopbackListener> LoopbackListener::bind(std::string host, std::uint16_t port, std::string path) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  sockaddr_storage address{};
  socklen_t address_size = 0;
  int family = AF_INET;
  in_addr v4{};
  in6_addr v6{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    if ((ntohl(v4.s_addr) >> 24) != 127) {
      return make_error(ErrorCode::invalid_argument, "the redirect listener binds only loopback addresses (127.0.0.1 or ::1), not " + host);
    }
    auto* a = reinterpret_cast<sockaddr_in*>(&address);
    a->sin_family = AF_INET;
    a->sin_addr = v4;
    a->sin_port = htons(port);
    address_size = sizeof(sockaddr_in);
    char text[INET_ADDRSTRLEN] = {0};
    ::inet_ntop(AF_INET, &v4, text, sizeof text);
    host = text;
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&v6)) {
      return make_error(ErrorCode::invalid_argument, "the redirect listener binds only loopback addresses (127.0.0.1 or ::1), not " + host);
    }
    family = AF_INET6;
    auto* a = reinterpret_cast<sockaddr_in6*>(&address);
    a->sin6_family = AF_INET6;
    a->sin6_addr = v6;
    a->sin6_port = htons(port);
    address_size = sizeof(sockaddr_in6);
    host = "::1";
  } else {
    return make_error(ErrorCode::invalid_argument,
                      "the redirect listener needs a loopback IP literal, 127.0.0.1 or ::1 (RFC 8252 section 8.3 "
                      "advises against \"localhost\"), not \"" + host + "\"");
  }
  if (!valid_path(path)) {
    return make_error(ErrorCode::invalid_argument,
                      "the callback path must start with '/' and hold no query, fragment or spaces, e.g. /callback");
  }

  int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return make_error(ErrorCode::network_error, std::string("cannot create a socket: ") + std::strerror(errno));
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), address_size) != 0 || ::listen(fd, 16) != 0) {
    const int err = errno;
    ::close(fd);
    std::string where = (family == AF_INET6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
    if (err == EADDRINUSE) {
      return make_error(ErrorCode::network_error,
                        "cannot listen on " + where + ": the port is in use; choose another port, or 0 for any free one");
    }
    return make_error(ErrorCode::network_error, "cannot listen on " + where + ": " + std::strerror(err));
  }
  sockaddr_storage bound{};
  socklen_t bound_size = sizeof bound;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_size) != 0) {
    const int err = errno;
    ::close(fd);
    return make_error(ErrorCode::network_error, std::string("cannot read the listening port: ") + std::strerror(err));
  }
  const std::uint16_t actual = family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                                  : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return LoopbackListener(fd, std::move(host), actual, std::move(path));
}

LoopbackListener::LoopbackListener(int fd, std::string host, std::uint16_t port, std::string path)
    : fd_(fd), host_(std::move(host)), port_(port), path_(std::move(path)) {}

LoopbackListener::LoopbackListener(LoopbackListener&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      host_(std::move(other.host_)),
      port_(other.port_),
      path_(std::move(other.path_)) {}

LoopbackListener& LoopbackListener::operator=(LoopbackListener&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    host_ = std::move(other.host_);
    port_ = other.port_;
    path_ = std::move(other.path_);
  }
  return *this;
}

LoopbackListener::~LoopbackListener() { close(); }

void LoopbackListener::close() { close_fd(fd_); }

std::string LoopbackListener::redirect_uri() const {
  const std::string h = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
  return "http://" + h + ":" + std::to_string(port_) + path_;
}

Result<std::string> LoopbackListener::wait_for_callback(std::chrono::milliseconds timeout,
                                                        const std::function<Page(std::string_view)>& respond) {
  if (fd_ < 0) return make_error(ErrorCode::invalid_argument, "the redirect listener is closed");
  const auto deadline = Clock::now() + timeout;
  std::vector<Connection> connections;
  // Whatever way we leave, no browser connection stays open.
  struct Closer {
    std::vector<Connection>& list;
    ~Closer() {
      for (auto& c : list) close_fd(c.fd);
    }
  } closer{connections};

  std::vector<pollfd> fds;
  char chunk[4096];
  for (;;) {
    // Drop connections that had their time.
    const auto now = Clock::now();
    for (auto& c : connections) {
      if (c.deadline <= now) {
        send_response(c.fd, status_page(408, "The request took too long."));
        close_fd(c.fd);
      }
    }
    connections.erase(std::remove_if(connections.begin(), connections.end(), [](const Connection& c) { return c.fd < 0; }),
                      connections.end());
    if (now >= deadline) {
      return make_error(ErrorCode::timeout,
                        "no browser came back to " + redirect_uri() + " within " + seconds_text(timeout) +
                            "; open the printed URL in a browser on this machine, or allow more time");
    }

    auto wake = deadline;
    fds.clear();
    fds.push_back(pollfd{fd_, POLLIN, 0});
    for (const auto& c : connections) {
      fds.push_back(pollfd{c.fd, POLLIN, 0});
      wake = std::min(wake, c.deadline);
    }
    const int ready = ::poll(fds.data(), fds.size(), std::max(1, ms_until(wake)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorCode::network_error, std::string("waiting for the browser failed: ") + std::strerror(errno));
    }
    if (ready == 0) continue;

    // Requests first, then new connections: a browser's request that has arrived is read before
    // any connection is dropped to make room.
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      auto it = std::find_if(connections.begin(), connections.end(), [&](const Connection& c) { return c.fd == fds[i].fd; });
      if (it == connections.end()) continue;
      Connection& c = *it;
      const ssize_t n = ::recv(c.fd, chunk, sizeof chunk, 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
      if (n <= 0) {  // closed by the browser, or reset
        close_fd(c.fd);
        continue;
      }
      c.buffer.append(chunk, static_cast<std::size_t>(n));
      std::size_t head_end = c.buffer.find("\r\n\r\n");
      if (head_end == std::string::npos) head_end = c.buffer.find("\n\n");
      if (head_end == std::string::npos || head_end > kMaxRequestBytes) {
        if (c.buffer.size() > kMaxRequestBytes) {
          send_response(c.fd, status_page(431, "The request is too large."));
          close_fd(c.fd);
        }
        continue;
      }

      // Request line: METHOD SP request-target SP HTTP-version
      const std::string_view line = std::string_view(c.buffer).substr(0, c.buffer.find_first_of("\r\n"));
      const std::size_t sp1 = line.find(' ');
      const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
      if (sp2 == std::string_view::npos || line.substr(sp2 + 1).rfind("HTTP/1.", 0) != 0) {
        send_response(c.fd, status_page(400, "Malformed request."));
        close_fd(c.fd);
        continue;
      }
      const std::string_view method = line.substr(0, sp1);
      const std::string target(line.substr(sp1 + 1, sp2 - sp1 - 1));
      if (!valid_target(target)) {
        send_response(c.fd, status_page(400, "Malformed request target."));
        close_fd(c.fd);
        continue;
      }
      const std::string_view target_path = std::string_view(target).substr(0, target.find('?'));
      if (target_path != path_) {
        send_response(c.fd, status_page(404, "Not found."));
        close_fd(c.fd);
        continue;
      }
      if (method != "GET") {
        send_response(c.fd, status_page(405, "Only GET is supported here."), "Allow: GET\r\n");
        close_fd(c.fd);
        continue;
      }

      // DNS rebinding: a page on evil.example whose name now points at 127.0.0.1 reaches this port
      // with "Host: evil.example:<port>". Only the loopback name we listen on is ours.
      const std::string h = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
      const auto host_header = header_value(std::string_view(c.buffer).substr(0, head_end), "host");
      if (!host_header || (!ascii_iequals(*host_header, h + ":" + std::to_string(port_)) && !ascii_iequals(*host_header, h))) {
        send_response(c.fd, status_page(400, "This listener answers only requests for " + h + ":" +
                                                 std::to_string(port_) + "."));
        close_fd(c.fd);
        continue;
      }
      std::string callback_url = "http://" + h + ":" + std::to_string(port_) + target;
      const Page page = respond ? respond(callback_url) : success_page();
      send_response(c.fd, page);
      close_fd(c.fd);
      return callback_url;
    }
    connections.erase(std::remove_if(connections.begin(), connections.end(), [](const Connection& c) { return c.fd < 0; }),
                      connections.end());

    if (fds[0].revents & POLLIN) {
      // Take what fits; when full, one more per round in place of the oldest connection, so idle
      // connections held open (browser preconnects, or a local process) cannot keep the browser's
      // callback waiting for their timeouts, and a flood of new ones cannot push out a request
      // before it is read (the next round reads it first).
      bool evicted = false;
      for (std::size_t taken = 0; taken <= kMaxConnections; ++taken) {
        if (connections.size() >= kMaxConnections) {
          if (evicted) break;
          auto oldest = std::min_element(connections.begin(), connections.end(),
                                         [](const Connection& a, const Connection& b) { return a.deadline < b.deadline; });
          const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
          if (client < 0) break;
          close_fd(oldest->fd);
          connections.erase(oldest);
          evicted = true;
          connections.push_back(Connection{client, {}, Clock::now() + kConnectionTimeout});
          continue;
        }
        const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (client < 0) break;  // EAGAIN, or a connection reset before we took it
        connections.push_back(Connection{client, {}, Clock::now() + kConnectionTimeout});
      }
    }
  }
}

}  // namespace ssokit::native
