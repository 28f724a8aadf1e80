// HTTP messages as plain values. The core builds HttpRequests and consumes HttpResponses; the
// transport that carries them is injected (libcurl natively, fetch in JavaScript, a fake in tests).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ssokit/url.hpp"

namespace ssokit {

// A JWS the host completes before sending the request: it signs `input` with the key named `key`
// and puts input + "." + base64url(signature) into the header `header` or appends the form field
// `form_field` (form-encoded) to the body. ECDSA signatures are r||s (JWS), not DER.
// The host's side is ssokit/signing.hpp (natively) and web/src/sign.js (Node, WebCrypto).
struct SignRequest {
  std::string alg;         // RS256, PS256, ES256 (asymmetric keys held by the host)
  std::string key;         // which host key: "client" (client assertion), "dpop" (DPoP proof key)
  std::string input;       // base64url(header) "." base64url(payload), built by the core
  std::string header;      // e.g. "DPoP" (empty when form_field is used)
  std::string form_field;  // e.g. "client_assertion" (empty when header is used)
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Params headers;  // names as sent; lookups are case-insensitive
  std::string body;
  // GETs that only read (discovery, JWKS, user-info) may be retried; the code exchange never.
  bool idempotent = true;
  // Signatures the host adds before sending; a request whose entries it cannot fulfil is never
  // sent (complete_signatures).
  std::vector<SignRequest> sign;
};

struct HttpResponse {
  int status = 0;
  Params headers;
  std::string body;

  // Case-insensitive header lookup (first occurrence).
  std::optional<std::string> header(std::string_view name) const;
};

// Header names are ASCII tokens (RFC 9110 5.1), compared case-insensitively.
bool header_name_equals(std::string_view a, std::string_view b);

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends the request; network_error / timeout on transport failure. Any HTTP status is a
  // response, not an error: the flow code decides what a status means.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
  // True when send() completes a request's `sign` entries (SigningTransport). The core's drivers
  // (drive_steps, ssokit/native/drive.hpp) refuse to hand a request with sign entries to any other
  // transport.
  virtual bool completes_signatures() const { return false; }
};

}  // namespace ssokit
