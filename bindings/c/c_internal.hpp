// What the C API's files share (ssokit_c.cpp, ssokit_c_store.cpp, ssokit_c_qr.cpp,
// ssokit_c_call.cpp, ssokit_c_request.cpp): the error object, the client, result hand-over, the
// callback transport and store.
#pragma once

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "ssokit/client.hpp"
#include "ssokit/ssokit.h"

struct ssokit_error {
  ssokit_code code = SSOKIT_OK;
  std::string name;
  std::string message;
  std::string details = "{}";
};

struct ssokit_http_response {
  ssokit::HttpResponse response;
};

struct ssokit_client {
  ssokit_callbacks callbacks{};
  std::unique_ptr<ssokit::HttpTransport> transport;
  std::unique_ptr<ssokit::TokenStore> store;
  std::unique_ptr<ssokit::SsoClient> client;
  std::mutex mutex;  // one call at a time on this client
};

#define SSOKIT_LOCK(client) std::lock_guard<std::mutex> ssokit_lock_((client)->mutex)

namespace ssokit::c {

inline ssokit_code code_of(ErrorCode code) { return static_cast<ssokit_code>(static_cast<int>(code) + 1); }

// Fills `err` (may be nullptr) and returns the error's code.
ssokit_code fail(ssokit_error* err, const Error& e);
inline ssokit_code fail(ssokit_error* err, ErrorCode code, std::string message) {
  return fail(err, make_error(code, std::move(message)));
}
ssokit_code ok(ssokit_error* err);
// A malloc'ed copy in *out for the caller (ssokit_free).
ssokit_code give_out(char** out, const std::string& s, ssokit_error* err);
// The error a callback reported (its code when it is one, else `fallback`).
Error callback_error(ssokit_code rc, const ssokit_error& reported, ErrorCode fallback, const char* what);

// The caller's send callback as an HttpTransport.
class CallbackTransport final : public HttpTransport {
 public:
  CallbackTransport(ssokit_send_fn send, void* user) : send_(send), user_(user) {}
  Result<HttpResponse> send(const HttpRequest& request) override;

 private:
  ssokit_send_fn send_;
  void* user_;
};

// The built-in transport (libcurl), with the config's "transport" options; unsupported without libcurl.
Result<std::unique_ptr<HttpTransport>> builtin_transport(const Json* options);

// The store the config and callbacks ask for (ssokit_c_store.cpp): callbacks, an encrypted or
// (when asked for) plaintext file, or memory; the file is checked here.
Result<std::unique_ptr<TokenStore>> open_store(const Json& config, const ssokit_callbacks& callbacks);

std::int64_t now_seconds();

}  // namespace ssokit::c
