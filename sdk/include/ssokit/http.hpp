// HTTP messages as plain values. The core builds HttpRequests and consumes HttpResponses; the
// transport that carries them is injected (libcurl natively, fetch in JavaScript, a fake in tests).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ssokit/url.hpp"

namespace ssokit {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Params headers;  // names as sent; lookups are case-insensitive
  std::string body;
  // GETs that only read (discovery, JWKS, user-info) may be retried; the code exchange never.
  bool idempotent = true;
};

struct HttpResponse {
  int status = 0;
  Params headers;
  std::string body;

  // Case-insensitive header lookup (first occurrence).
  std::optional<std::string> header(std::string_view name) const;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends the request; network_error / timeout on transport failure. Any HTTP status is a
  // response, not an error: the flow code decides what a status means.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

}  // namespace ssokit
