// ssokit_authorized_request: a request to the app's own API with the session's token (DPoP-bound:
// the token as DPoP plus a proof, one retry on the server's use_dpop_nonce; else Bearer), through
// SsoClient::authorized_request, and the accessors of the response it gives.
#include <new>

#include "c_internal.hpp"

using ssokit::ErrorCode;
using ssokit::c::fail;
using ssokit::c::ok;

namespace {

// The caller's request, as far as its struct reaches (a program built against an older header
// has a shorter one); invalid_argument for what cannot be sent.
ssokit::Result<ssokit::HttpRequest> request_of(const ssokit_http_request* given) {
  if (given->size < offsetof(ssokit_http_request, idempotent) || given->size > 4096) {
    return ssokit::make_error(ErrorCode::invalid_argument, "request->size must be sizeof(ssokit_http_request)");
  }
  if (given->method == nullptr || *given->method == '\0' || given->url == nullptr) {
    return ssokit::make_error(ErrorCode::invalid_argument, "request->method and request->url are required");
  }
  if (given->header_count > 0 && given->headers == nullptr) {
    return ssokit::make_error(ErrorCode::invalid_argument, "request->headers is NULL but header_count is not 0");
  }
  if (given->body == nullptr && given->body_length > 0) {
    return ssokit::make_error(ErrorCode::invalid_argument, "request->body is NULL but body_length is not 0");
  }
  ssokit::HttpRequest request;
  request.method = given->method;
  request.url = given->url;
  for (std::size_t i = 0; i < given->header_count; ++i) {
    const ssokit_http_header& h = given->headers[i];
    if (h.name == nullptr || *h.name == '\0' || h.value == nullptr) {
      return ssokit::make_error(ErrorCode::invalid_argument, "request->headers[" + std::to_string(i) + "] needs a name and a value");
    }
    request.headers.emplace_back(h.name, h.value);
  }
  if (given->body != nullptr) request.body.assign(given->body, given->body_length);
  const bool has_idempotent = given->size >= offsetof(ssokit_http_request, idempotent) + sizeof(int);
  request.idempotent = has_idempotent ? given->idempotent != 0 : request.method == "GET";
  return request;
}

bool same_name(const std::string& a, const char* b) {
  std::size_t i = 0;
  for (; i < a.size() && b[i] != '\0'; ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    const char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return i == a.size() && b[i] == '\0';
}

}  // namespace

extern "C" {

ssokit_code ssokit_authorized_request(ssokit_client* client, const ssokit_http_request* request,
                                      ssokit_http_response** response_out, ssokit_error* err) {
  if (client == nullptr || request == nullptr || response_out == nullptr) {
    return fail(err, ErrorCode::invalid_argument, "NULL argument");
  }
  *response_out = nullptr;
  auto built = request_of(request);
  if (!built.ok()) return fail(err, built.error());
  auto out = std::unique_ptr<ssokit_http_response>(new (std::nothrow) ssokit_http_response);
  if (!out) return fail(err, ErrorCode::internal_error, "out of memory");
  SSOKIT_LOCK(client);
  auto response = client->client->authorized_request(std::move(built).value());
  if (!response.ok()) return fail(err, response.error());
  out->response = std::move(response).value();
  *response_out = out.release();
  return ok(err);
}

int ssokit_response_status(const ssokit_http_response* response) { return response != nullptr ? response->response.status : 0; }

const char* ssokit_response_body(const ssokit_http_response* response, size_t* length_out) {
  if (length_out != nullptr) *length_out = response != nullptr ? response->response.body.size() : 0;
  return response != nullptr ? response->response.body.c_str() : "";
}

const char* ssokit_response_header(const ssokit_http_response* response, const char* name) {
  if (response == nullptr || name == nullptr) return nullptr;
  for (const auto& [n, v] : response->response.headers) {
    if (same_name(n, name)) return v.c_str();
  }
  return nullptr;
}

size_t ssokit_response_header_count(const ssokit_http_response* response) {
  return response != nullptr ? response->response.headers.size() : 0;
}

ssokit_code ssokit_response_header_at(const ssokit_http_response* response, size_t index, const char** name_out,
                                      const char** value_out) {
  if (response == nullptr || name_out == nullptr || value_out == nullptr || index >= response->response.headers.size()) {
    return SSOKIT_E_INVALID_ARGUMENT;
  }
  *name_out = response->response.headers[index].first.c_str();
  *value_out = response->response.headers[index].second.c_str();
  return SSOKIT_OK;
}

void ssokit_response_free(ssokit_http_response* response) { delete response; }

}  // extern "C"
