// The C ABI (ssokit.h) over the native SsoClient. No C++ exception or type crosses the boundary;
// every result string is malloc'ed so C callers release it with ssokit_free().
#include "ssokit.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include "api.hpp"
#include "process/core_dumps.hpp"
#include "qr/qr.hpp"
#include "ssokit/client.hpp"
#include "ssokit/device.hpp"
#include "ssokit/display.hpp"
#include "store/file_store.hpp"
#ifdef SSOKIT_WITH_CURL
#include "transport/curl_transport.hpp"
#endif

namespace {

using ssokit::Error;
using ssokit::ErrorCode;
using ssokit::Json;

void copy_bounded(char* to, std::size_t size, const std::string& from) {
  const std::size_t n = from.size() < size - 1 ? from.size() : size - 1;
  std::memcpy(to, from.data(), n);
  to[n] = '\0';
}

int fail(ssokit_error* err, const Error& e) {
  if (err != nullptr) {
    copy_bounded(err->code, sizeof err->code, e.code_name());
    copy_bounded(err->message, sizeof err->message, e.message);
  }
  return SSOKIT_FAILED;
}

int fail(ssokit_error* err, ErrorCode code, const std::string& message) {
  return fail(err, ssokit::make_error(code, message));
}

int ok(ssokit_error* err) {
  if (err != nullptr) {
    err->code[0] = '\0';
    err->message[0] = '\0';
  }
  return SSOKIT_OK;
}

// malloc'ed copy for the caller (ssokit_free); nullptr when out of memory.
char* give(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p != nullptr) {
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
  }
  return p;
}

int give_out(char** out, const std::string& s, ssokit_error* err) {
  *out = give(s);
  if (*out == nullptr) return fail(err, ErrorCode::internal_error, "out of memory");
  return ok(err);
}

// The caller's transport callback as an HttpTransport.
class CallbackTransport final : public ssokit::HttpTransport {
 public:
  explicit CallbackTransport(ssokit_transport t) : t_(t) {}

  ssokit::Result<ssokit::HttpResponse> send(const ssokit::HttpRequest& request) override {
    std::vector<ssokit_http_header> headers;
    headers.reserve(request.headers.size());
    for (const auto& [name, value] : request.headers) headers.push_back({name.c_str(), value.c_str()});
    ssokit_http_request req{request.method.c_str(), request.url.c_str(), headers.data(), headers.size(),
                            request.body.data(), request.body.size(), request.idempotent ? 1 : 0};
    ssokit_http_response resp{};
    ssokit_error err{};
    const int rc = t_.send(t_.user, &req, &resp, &err);
    // Take ownership of what the callback allocated, whatever it returned.
    std::unique_ptr<char, decltype(&std::free)> body(resp.body, &std::free);
    std::unique_ptr<char, decltype(&std::free)> type(resp.content_type, &std::free);
    if (rc != 0) {
      const bool timeout = std::strncmp(err.code, "timeout", sizeof err.code) == 0;
      err.message[sizeof err.message - 1] = '\0';
      return ssokit::make_error(timeout ? ErrorCode::timeout : ErrorCode::network_error,
                                err.message[0] != '\0' ? err.message : "the transport callback failed");
    }
    ssokit::HttpResponse out;
    out.status = resp.status;
    if (body) out.body.assign(body.get(), resp.body_length);
    if (type) out.headers.emplace_back("Content-Type", type.get());
    return out;
  }

 private:
  ssokit_transport t_;
};

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

struct ssokit_client {
  std::unique_ptr<ssokit::HttpTransport> transport;
  std::unique_ptr<ssokit::TokenStore> store;
  std::unique_ptr<ssokit::SsoClient> client;
};

extern "C" {

int ssokit_client_new(const char* config_json, const ssokit_transport* transport, ssokit_client** out,
                      ssokit_error* err) {
  if (out == nullptr) return fail(err, ErrorCode::invalid_argument, "out must not be NULL");
  *out = nullptr;
  if (config_json == nullptr) return fail(err, ErrorCode::invalid_argument, "config_json must not be NULL");
  if (transport != nullptr && transport->send == nullptr) {
    return fail(err, ErrorCode::invalid_argument, "transport->send must not be NULL");
  }
  auto doc = ssokit::parse_json_object(config_json, ErrorCode::invalid_argument);
  if (!doc.ok()) return fail(err, doc.error());
  const Json& c = doc.value();
  ssokit::SsoClientOptions options;
  Json config = c;
  if (!config.contains("redirect_uri")) config["redirect_uri"] = "http://127.0.0.1/callback";
  for (const char* local : {"store_path", "store_key_hex", "profile_mapping", "refresh_leeway"}) config.erase(local);
  auto client_config = ssokit::ClientConfig::from_json(config);
  if (!client_config.ok()) return fail(err, client_config.error());
  options.config = std::move(client_config).value();
  if (const Json* m = ssokit::json_member(c, "profile_mapping"); m != nullptr) options.signin.profile_mapping = *m;
  if (auto leeway = ssokit::json_int(c, "refresh_leeway")) options.refresh_leeway = *leeway;

  auto handle = std::unique_ptr<ssokit_client>(new (std::nothrow) ssokit_client);
  if (!handle) return fail(err, ErrorCode::internal_error, "out of memory");
  if (transport != nullptr) {
    handle->transport = std::make_unique<CallbackTransport>(*transport);
  } else {
#ifdef SSOKIT_WITH_CURL
    handle->transport = std::make_unique<ssokit::native::CurlTransport>();
#else
    return fail(err, ErrorCode::invalid_argument, "this build has no libcurl: pass a transport to ssokit_client_new");
#endif
  }
  auto store = ssokit::native::open_store(ssokit::json_string(c, "store_path").value_or(""),
                                          ssokit::json_string(c, "store_key_hex").value_or(""));
  if (!store.ok()) return fail(err, store.error());
  handle->store = std::move(store).value();
  handle->client = std::make_unique<ssokit::SsoClient>(std::move(options), *handle->transport, *handle->store,
                                                       ssokit::system_random(), now_seconds);
  *out = handle.release();
  return ok(err);
}

void ssokit_client_free(ssokit_client* client) { delete client; }

int ssokit_login_url(ssokit_client* client, char** url_out, ssokit_error* err) {
  if (client == nullptr || url_out == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  *url_out = nullptr;
  auto url = client->client->login_url();
  if (!url.ok()) return fail(err, url.error());
  return give_out(url_out, url.value(), err);
}

int ssokit_handle_callback(ssokit_client* client, const char* callback_url, char** session_json_out,
                           ssokit_error* err) {
  if (client == nullptr || callback_url == nullptr || session_json_out == nullptr) {
    return fail(err, ErrorCode::invalid_argument, "NULL argument");
  }
  *session_json_out = nullptr;
  auto session = client->client->handle_callback(callback_url);
  if (!session.ok()) return fail(err, session.error());
  return give_out(session_json_out, ssokit::dump_json(session->to_json()), err);
}

int ssokit_device_sign_in(ssokit_client* client, ssokit_device_display_fn display, void* user, volatile int* cancel,
                          char** session_json_out, ssokit_error* err) {
  if (client == nullptr || display == nullptr || session_json_out == nullptr) {
    return fail(err, ErrorCode::invalid_argument, "NULL argument");
  }
  *session_json_out = nullptr;
  auto session = client->client->device_sign_in(
      [&](const ssokit::DeviceAuthorization& d) {
        display(user, d.user_code.c_str(), d.verification_uri.c_str(),
                d.verification_uri_complete.empty() ? nullptr : d.verification_uri_complete.c_str(),
                static_cast<long>(d.expires_in));
      },
      [cancel] { return cancel != nullptr && *cancel != 0; });
  if (!session.ok()) return fail(err, session.error());
  return give_out(session_json_out, ssokit::dump_json(session->to_json()), err);
}

int ssokit_session(ssokit_client* client, char** session_json_out, ssokit_error* err) {
  if (client == nullptr || session_json_out == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  *session_json_out = nullptr;
  auto session = client->client->session();
  if (!session.ok()) return fail(err, session.error());
  if (!session.value()) return ok(err);
  return give_out(session_json_out, ssokit::dump_json(session.value()->to_json()), err);
}

int ssokit_access_token(ssokit_client* client, char** token_out, ssokit_error* err) {
  if (client == nullptr || token_out == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  *token_out = nullptr;
  auto token = client->client->access_token();
  if (!token.ok()) return fail(err, token.error());
  return give_out(token_out, token.value(), err);
}

int ssokit_refresh(ssokit_client* client, char** session_json_out, ssokit_error* err) {
  if (client == nullptr || session_json_out == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  *session_json_out = nullptr;
  auto session = client->client->refresh();
  if (!session.ok()) return fail(err, session.error());
  return give_out(session_json_out, ssokit::dump_json(session->to_json()), err);
}

int ssokit_revoke(ssokit_client* client, ssokit_error* err) {
  if (client == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  auto status = client->client->revoke();
  if (!status.ok()) return fail(err, status.error());
  return ok(err);
}

int ssokit_sign_out(ssokit_client* client, const char* post_logout_redirect_uri, char** logout_url_out,
                    ssokit_error* err) {
  if (client == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  if (logout_url_out != nullptr) *logout_url_out = nullptr;
  if (logout_url_out == nullptr) {
    auto status = client->client->forget();
    if (!status.ok()) return fail(err, status.error());
    return ok(err);
  }
  auto url = client->client->logout_url(post_logout_redirect_uri != nullptr ? post_logout_redirect_uri : "");
  if (!url.ok()) return fail(err, url.error());
  return give_out(logout_url_out, url.value(), err);
}

int ssokit_call(const char* method, const char* params_json, char** result_json_out, ssokit_error* err) {
  if (result_json_out == nullptr) return fail(err, ErrorCode::invalid_argument, "result_json_out must not be NULL");
  *result_json_out = nullptr;
  if (method == nullptr || params_json == nullptr) return fail(err, ErrorCode::invalid_argument, "method and params_json must not be NULL");
  auto params = ssokit::parse_json_object(params_json, ErrorCode::invalid_argument);
  if (!params.ok()) return fail(err, params.error());
  auto result = ssokit::api::call(method, params.value());
  if (!result.ok()) return fail(err, result.error());
  return give_out(result_json_out, ssokit::dump_json(result.value()), err);
}

int ssokit_run(const char* start_method, const char* step_method, const char* params_json,
               const ssokit_transport* transport, char** result_json_out, ssokit_error* err) {
  if (result_json_out == nullptr) return fail(err, ErrorCode::invalid_argument, "result_json_out must not be NULL");
  *result_json_out = nullptr;
  if (start_method == nullptr || step_method == nullptr || params_json == nullptr) {
    return fail(err, ErrorCode::invalid_argument, "start_method, step_method and params_json must not be NULL");
  }
  if (transport != nullptr && transport->send == nullptr) {
    return fail(err, ErrorCode::invalid_argument, "transport->send must not be NULL");
  }
  auto params = ssokit::parse_json_object(params_json, ErrorCode::invalid_argument);
  if (!params.ok()) return fail(err, params.error());
  std::unique_ptr<ssokit::HttpTransport> owned;
  if (transport != nullptr) {
    owned = std::make_unique<CallbackTransport>(*transport);
  } else {
#ifdef SSOKIT_WITH_CURL
    owned = std::make_unique<ssokit::native::CurlTransport>();
#else
    return fail(err, ErrorCode::invalid_argument, "this build has no libcurl: pass a transport to ssokit_run");
#endif
  }
  const std::string next(step_method);
  auto step_of = [](ssokit::Result<Json> r) -> ssokit::Result<ssokit::FlowStep> {
    if (!r.ok()) return r.take_error();
    return ssokit::api::step_from_json(r.value());
  };
  auto result = ssokit::run_steps(
      *owned, step_of(ssokit::api::call(start_method, params.value())),
      [&](const Json& state, const ssokit::HttpResponse& response, std::int64_t now) {
        return step_of(ssokit::api::call(next, Json{{"state", state}, {"response", ssokit::api::response_to_json(response)}, {"now", now}}));
      },
      now_seconds, 16);
  if (!result.ok()) return fail(err, result.error());
  return give_out(result_json_out, ssokit::dump_json(result.value()), err);
}

int ssokit_qr(const char* text, const char* format, char** out, ssokit_error* err) {
  if (text == nullptr || format == nullptr || out == nullptr) {
    return fail(err, ErrorCode::invalid_argument, "NULL argument");
  }
  *out = nullptr;
  const std::string f = format;
  if (f != "terminal" && f != "svg") return fail(err, ErrorCode::invalid_argument, "format must be \"terminal\" or \"svg\"");
  auto code = ssokit::native::qr_encode(text);
  if (!code.ok()) return fail(err, code.error());
  return give_out(out, f == "svg" ? ssokit::native::qr_svg(code.value()) : ssokit::native::qr_terminal(code.value()), err);
}

int ssokit_printable(const char* text, char** out, ssokit_error* err) {
  if (text == nullptr || out == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  *out = nullptr;
  return give_out(out, ssokit::printable_text(text), err);
}

int ssokit_harden_process(ssokit_error* err) {
  auto done = ssokit::native::disable_core_dumps();
  if (!done.ok()) return fail(err, done.error());
  return SSOKIT_OK;
}

int ssokit_json_get(const char* json, const char* pointer, char** out, ssokit_error* err) {
  if (json == nullptr || pointer == nullptr || out == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  *out = nullptr;
  auto doc = ssokit::parse_json(json, ErrorCode::invalid_argument);
  if (!doc.ok()) return fail(err, doc.error());
  // Walk the pointer by hand (RFC 6901), refusing malformed pointers with an error.
  const Json* at = &doc.value();
  std::string p = pointer;
  if (!p.empty() && p[0] != '/') return fail(err, ErrorCode::invalid_argument, "a JSON Pointer starts with \"/\"");
  std::size_t i = 0;
  while (i < p.size()) {
    std::size_t next = p.find('/', i + 1);
    std::string token = p.substr(i + 1, next == std::string::npos ? std::string::npos : next - i - 1);
    std::string unescaped;
    for (std::size_t k = 0; k < token.size(); ++k) {
      if (token[k] == '~' && k + 1 < token.size() && (token[k + 1] == '0' || token[k + 1] == '1')) {
        unescaped += token[k + 1] == '0' ? '~' : '/';
        ++k;
      } else {
        unescaped += token[k];
      }
    }
    const Json* child = nullptr;
    if (at->is_object()) {
      child = ssokit::json_member(*at, unescaped);
    } else if (at->is_array() && !unescaped.empty() && unescaped.size() < 10 &&
               unescaped.find_first_not_of("0123456789") == std::string::npos) {
      const std::size_t index = std::strtoul(unescaped.c_str(), nullptr, 10);
      if (index < at->size()) child = &(*at)[index];
    }
    if (child == nullptr) return fail(err, ErrorCode::invalid_argument, "the JSON has nothing at " + p.substr(0, 200));
    at = child;
    i = next == std::string::npos ? p.size() : next;
  }
  return give_out(out, at->is_string() ? at->get<std::string>() : ssokit::dump_json(*at), err);
}

void ssokit_free(void* p) { std::free(p); }

const char* ssokit_version(void) { return SSOKIT_VERSION; }

}  // extern "C"
