// The loopback redirect listener of RFC 8252 section 7.3: a native app receives the
// authorization response on http://127.0.0.1:PORT/callback (or http://[::1]:PORT/...).
//
// It binds only loopback addresses (IP literals, never "localhost": RFC 8252 section 8.3),
// serves several browser connections at once (browsers open speculative connections that may
// never send anything), answers other paths (/favicon.ico, ...) with 404, and returns the first
// GET on the callback path. Every read is bounded: 16 KiB per request, 5 s per connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "ssokit/error.hpp"
#include "ssokit/result.hpp"

namespace ssokit::native {

// The page the browser shows once it came back.
struct Page {
  int status = 200;
  std::string html;
};

// "Signed in. You can close this tab and return to the application."
Page success_page();
// The error's code and message, HTML-escaped (messages never hold tokens; details are not shown).
Page error_page(const Error& error);

class LoopbackListener {
 public:
  static constexpr std::size_t kMaxRequestBytes = 16 * 1024;
  static constexpr std::chrono::milliseconds kConnectionTimeout{5000};

  // host: "127.0.0.1" (any 127.x.y.z) or "::1" ("[::1]" accepted); anything else is
  // invalid_argument. port 0 picks a free port. path must start with '/' and hold no query.
  // A port in use is network_error.
  static Result<LoopbackListener> bind(std::string host = "127.0.0.1", std::uint16_t port = 0,
                                       std::string path = "/callback");

  LoopbackListener(LoopbackListener&& other) noexcept;
  LoopbackListener& operator=(LoopbackListener&& other) noexcept;
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;
  ~LoopbackListener();

  std::uint16_t port() const { return port_; }
  const std::string& host() const { return host_; }
  const std::string& path() const { return path_; }
  // http://127.0.0.1:PORT/callback, or http://[::1]:PORT/callback.
  std::string redirect_uri() const;

  // Waits up to `timeout` for a GET on the callback path, calls `respond` with the full URL
  // the browser came back to (redirect_uri() plus its query), sends the page it returns and
  // returns that URL. Error: timeout when no browser came back in time; network_error when
  // the socket fails.
  Result<std::string> wait_for_callback(std::chrono::milliseconds timeout,
                                        const std::function<Page(std::string_view callback_url)>& respond);

  // Stops listening (also done by the destructor).
  void close();

 private:
  LoopbackListener(int fd, std::string host, std::uint16_t port, std::string path);

  int fd_ = -1;
  std::string host_;
  std::uint16_t port_ = 0;
  std::string path_;
};

}  // namespace ssokit::native
