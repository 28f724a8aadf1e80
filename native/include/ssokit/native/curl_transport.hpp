// The native HttpTransport: libcurl, secure defaults, bounded in time and size.
//
// - TLS peer and host verification are always on (no option turns them off); `ca_bundle`
//   only chooses which CAs to trust.
// - Redirects are never followed: a 3xx is returned as a response and the core decides.
// - Only http and https are allowed, so a URL from a provider cannot make libcurl speak
//   file:, ftp:, gopher:, ...
// - Proxy: by default libcurl's own environment handling applies (http_proxy, https_proxy,
//   all_proxy, no_proxy; the upper-case forms except HTTP_PROXY). Options::proxy overrides it.
// - Only GETs marked idempotent are retried (network errors, timeouts, 5xx, 429), with
//   exponential backoff; a POST (the code exchange) is never sent twice.
// - Error messages name scheme://host[:port]/path only: a query string may carry a code or
//   token, and request headers and bodies never appear in errors.
//
// Thread-safe: send() may be called from several threads; idle libcurl handles are kept so
// later requests reuse connections (TLS sessions, DNS cache).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ssokit/http.hpp"
#include "ssokit/result.hpp"

namespace ssokit::native {

struct CurlTransportOptions {
  long connect_timeout_ms = 5000;
  // Whole transfer, per attempt (connect, TLS, request, response).
  long total_timeout_ms = 15000;
  // PEM file of trusted CAs (CURLOPT_CAINFO); nullopt: libcurl's system default.
  std::optional<std::string> ca_bundle;
  // Larger responses fail with invalid_response (checked on the decoded body).
  std::size_t max_response_bytes = 1024 * 1024;
  // Extra attempts for idempotent GETs; the n-th retry waits backoff * 2^(n-1).
  int retries = 2;
  std::chrono::milliseconds backoff{200};
  // nullopt: from the environment (see above); "": no proxy at all; else the proxy URL.
  std::optional<std::string> proxy;
  // Empty: "ssokit/<version>".
  std::string user_agent;
  // Waits between retries; empty: std::this_thread::sleep_for. Tests inject a recorder.
  std::function<void(std::chrono::milliseconds)> sleep;
};

class CurlTransport final : public HttpTransport {
 public:
  using Options = CurlTransportOptions;

  CurlTransport();
  explicit CurlTransport(Options options);
  ~CurlTransport() override;
  // A moved-from transport answers internal_error.
  CurlTransport(CurlTransport&&) noexcept;
  CurlTransport& operator=(CurlTransport&&) noexcept;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // Any HTTP status is a response. Errors: timeout; network_error (connection, DNS, TLS, ...);
  // invalid_response (body over max_response_bytes); invalid_url / invalid_argument for a
  // request that cannot be sent (bad URL or scheme, a line break in a header).
  Result<HttpResponse> send(const HttpRequest& request) override;

  const Options& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "ssokit/<version>", the default User-Agent.
std::string default_user_agent();

}  // namespace ssokit::native
