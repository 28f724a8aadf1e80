// The C ABI (ssokit/ssokit.h) over the native SsoClient: a thin driver. No C++ exception or type
// crosses the boundary; every result string is malloc'ed so C callers release it with ssokit_free().
#include <chrono>
#include <cstdio>
#include <new>
#include <vector>

#include "c_internal.hpp"
#include "process/core_dumps.hpp"
#include "ssokit/display.hpp"
#include "ssokit/jose.hpp"
#include "ssokit/device.hpp"
#include "ssokit/url.hpp"
#ifdef SSOKIT_WITH_CURL
#include "ssokit/native/curl_transport.hpp"
#endif

namespace ssokit::c {

ssokit_code fail(ssokit_error* err, const Error& e) {
  if (err != nullptr) {
    err->code = code_of(e.code);
    err->name = e.code_name();
    err->message = e.message;
    err->details = e.details.is_object() ? dump_json(e.details) : "{}";
  }
  return code_of(e.code);
}

ssokit_code ok(ssokit_error* err) {
  if (err != nullptr) {
    err->code = SSOKIT_OK;
    err->name.clear();
    err->message.clear();
    err->details = "{}";
  }
  return SSOKIT_OK;
}

ssokit_code give_out(char** out, const std::string& s, ssokit_error* err) {
  *out = static_cast<char*>(std::malloc(s.size() + 1));
  if (*out == nullptr) return fail(err, ErrorCode::internal_error, "out of memory");
  std::memcpy(*out, s.data(), s.size());
  (*out)[s.size()] = '\0';
  return ok(err);
}

Error callback_error(ssokit_code rc, const ssokit_error& reported, ErrorCode fallback, const char* what) {
  ErrorCode code = fallback;
  const int n = static_cast<int>(rc) - 1;
  if (n >= 0 && n <= static_cast<int>(ErrorCode::unsupported)) code = static_cast<ErrorCode>(n);
  std::string message = reported.message.empty() ? std::string(what) + " failed" : reported.message.substr(0, 500);
  return make_error(code, std::move(message));
}

Result<HttpResponse> CallbackTransport::send(const HttpRequest& request) {
  std::vector<ssokit_http_header> headers;
  headers.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) headers.push_back({name.c_str(), value.c_str()});
  ssokit_http_request req{sizeof(ssokit_http_request), request.method.c_str(), request.url.c_str(), headers.data(),
                          headers.size(), request.body.data(), request.body.size(), request.idempotent ? 1 : 0};
  ssokit_http_response response;
  ssokit_error reported;
  const ssokit_code rc = send_(user_, &req, &response, &reported);
  if (rc != SSOKIT_OK) {
    const bool timeout = rc == SSOKIT_E_TIMEOUT;
    return make_error(timeout ? ErrorCode::timeout : ErrorCode::network_error,
                      reported.message.empty() ? "the transport callback failed" : reported.message.substr(0, 500));
  }
  if (response.response.status < 100 || response.response.status > 599) {
    return make_error(ErrorCode::network_error, "the transport callback gave no HTTP status (ssokit_response_set_status)");
  }
  return std::move(response.response);
}

Result<std::unique_ptr<HttpTransport>> builtin_transport(const Json* options) {
#ifdef SSOKIT_WITH_CURL
  native::CurlTransportOptions o;
  if (options != nullptr) {
    if (!options->is_object()) return make_error(ErrorCode::invalid_argument, "config: transport must be an object");
    for (const auto& member : options->items()) {
      const std::string& key = member.key();
      const Json& value = member.value();
      auto bad = [&](const char* what) {
        return make_error(ErrorCode::invalid_argument, "config: transport." + key + " " + what);
      };
      if (key == "ca_bundle" || key == "proxy" || key == "user_agent") {
        if (!value.is_string()) return bad("must be a string");
        const std::string text = value.get<std::string>();
        if (key == "ca_bundle") {
          if (std::FILE* f = std::fopen(text.c_str(), "rb")) {
            std::fclose(f);
          } else {
            return bad("names a file that cannot be read");
          }
          o.ca_bundle = text;
        } else if (key == "proxy") {
          o.proxy = text;
        } else {
          o.user_agent = text;
        }
      } else if (key == "connect_timeout_ms" || key == "timeout_ms") {
        auto ms = json_int(*options, key);
        if (!ms || *ms < 1 || *ms > 600000) return bad("must be an integer from 1 to 600000 milliseconds");
        (key == "timeout_ms" ? o.total_timeout_ms : o.connect_timeout_ms) = static_cast<long>(*ms);
      } else {
        return make_error(ErrorCode::invalid_argument, "config: unknown transport option \"" + key.substr(0, 40) +
                                                           "\" (ca_bundle, connect_timeout_ms, timeout_ms, proxy, user_agent)");
      }
    }
  }
  return std::unique_ptr<HttpTransport>(std::make_unique<native::CurlTransport>(std::move(o)));
#else
  (void)options;
  return make_error(ErrorCode::unsupported, "this build of ssokit has no libcurl: give a send callback");
#endif
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace ssokit::c

using ssokit::ErrorCode;
using ssokit::Json;
using ssokit::c::fail;
using ssokit::c::give_out;
using ssokit::c::ok;

struct ssokit_device {
  ssokit_client* client = nullptr;
  ssokit_device_progress_fn progress = nullptr;
  void* user = nullptr;
  ssokit::DeviceAuthorization authorization;
  ssokit::FlowStep step;
  std::int64_t due = 0;  // unix seconds when the pending request may go
  bool ended = false;    // an error ended the sign-in, or it is done
};

namespace {

// Every key the config may have (ssokit.h documents them).
constexpr const char* kConfigKeys[] = {"issuer",          "client_id",      "client_secret", "auth",
                                       "auth_method",     "private_key",    "private_key_id", "private_key_alg",
                                       "redirect_uri",    "scope",          "profile_mapping", "clock_skew",
                                       "refresh_leeway",  "store_path",     "store_key_hex", "store_plaintext",
                                       "transport",       "fetch_userinfo", "trusted_audiences",
                                       "allowed_algs",    "par",            "dpop"};

ssokit::Status check_config(const Json& c) {
  for (const auto& member : c.items()) {
    const std::string& key = member.key();
    bool known = false;
    for (const char* k : kConfigKeys) known = known || key == k;
    if (!known) {
      return ssokit::make_error(ErrorCode::invalid_argument,
                                "config: unknown key \"" + key.substr(0, 40) + "\" (see ssokit_client_new in ssokit.h)");
    }
  }
  for (const char* required : {"issuer", "client_id"}) {
    auto v = ssokit::json_string(c, required);
    if (!v || v->empty()) {
      return ssokit::make_error(ErrorCode::invalid_argument, std::string("config: \"") + required + "\" is required (a string)");
    }
  }
  auto issuer = ssokit::parse_url(*ssokit::json_string(c, "issuer"));
  if (!issuer.ok() || !ssokit::is_https_or_loopback(issuer.value())) {
    return ssokit::make_error(ErrorCode::invalid_argument, "config: \"issuer\" must be an https URL (http only on a loopback host)");
  }
  if (const Json* leeway = ssokit::json_member(c, "refresh_leeway"); leeway != nullptr) {
    auto v = ssokit::json_int(c, "refresh_leeway");
    if (!v || *v < 0 || *v > 3600) {
      return ssokit::make_error(ErrorCode::invalid_argument, "config: \"refresh_leeway\" must be an integer from 0 to 3600 seconds");
    }
  }
  return {};
}

// The caller's callbacks, as far as its struct reaches (older programs have a shorter one).
ssokit::Result<ssokit_callbacks> copy_callbacks(const ssokit_callbacks* given) {
  ssokit_callbacks cb{};
  if (given == nullptr) return cb;
  if (given->size < offsetof(ssokit_callbacks, send) || given->size > 4096) {
    return ssokit::make_error(ErrorCode::invalid_argument, "callbacks->size must be sizeof(ssokit_callbacks)");
  }
  std::memcpy(&cb, given, given->size < sizeof cb ? given->size : sizeof cb);
  cb.size = sizeof cb;
  return cb;
}

// session_json for the callbacks and results.
std::string session_text(const ssokit::Session& s) { return ssokit::dump_json(s.to_json()); }

}  // namespace

extern "C" {

unsigned int ssokit_version_num(void) { return SSOKIT_VERSION_NUM; }
const char* ssokit_version(void) { return SSOKIT_VERSION; }

const char* ssokit_code_name(ssokit_code code) {
  if (code == SSOKIT_OK) return "ok";
  const int n = static_cast<int>(code) - 1;
  if (n < 0 || n > static_cast<int>(ErrorCode::unsupported)) return "unknown";
  return ssokit::error_code_name(static_cast<ErrorCode>(n));
}

const char* ssokit_strerror(ssokit_code code) {
  static const char* const kText[] = {
      "no error",
      "invalid argument",
      "invalid URL",
      "return URL not allowed",
      "the callback has no state",
      "the callback's state does not match the sign-in",
      "no pending sign-in for this callback",
      "the callback's issuer does not match",
      "the provider refused the authorization",
      "provider discovery failed",
      "the provider's metadata names another issuer",
      "network error",
      "timed out",
      "unexpected HTTP status",
      "malformed response",
      "the token endpoint refused the request",
      "no ID token in the response",
      "malformed ID token",
      "ID token algorithm not allowed",
      "no key for the ID token's signature",
      "ID token signature invalid",
      "ID token issuer mismatch",
      "ID token audience mismatch",
      "ID token authorized party mismatch",
      "ID token expired",
      "ID token issued-at time invalid",
      "ID token not yet valid",
      "ID token nonce mismatch",
      "ID token has no subject",
      "user-info subject mismatch",
      "sign-in required",
      "refresh failed",
      "device code expired",
      "access denied",
      "storage error",
      "stored data was altered or the key is wrong",
      "the video platform reported an error",
      "unknown single sign-on token",
      "cancelled",
      "internal error",
      "needs a platform secret: call it from a server",
      "the SSO configuration test failed",
      "rate limited",
      "not supported by this build",
  };
  static_assert(sizeof kText / sizeof kText[0] == static_cast<std::size_t>(ErrorCode::unsupported) + 2,
                "one description per code");
  const int n = static_cast<int>(code);
  if (n < 0 || n >= static_cast<int>(sizeof kText / sizeof kText[0])) return "unknown code";
  return kText[n];
}

ssokit_error* ssokit_error_new(void) { return new (std::nothrow) ssokit_error; }
void ssokit_error_free(ssokit_error* err) { delete err; }
ssokit_code ssokit_error_code(const ssokit_error* err) { return err != nullptr ? err->code : SSOKIT_OK; }
const char* ssokit_error_name(const ssokit_error* err) { return err != nullptr ? err->name.c_str() : ""; }
const char* ssokit_error_message(const ssokit_error* err) { return err != nullptr ? err->message.c_str() : ""; }
const char* ssokit_error_details(const ssokit_error* err) { return err != nullptr ? err->details.c_str() : "{}"; }
void ssokit_error_set(ssokit_error* err, ssokit_code code, const char* message) {
  if (err == nullptr) return;
  err->code = code;
  err->name = ssokit_code_name(code);
  err->message = message != nullptr ? message : "";
  err->details = "{}";
}

void ssokit_response_set_status(ssokit_http_response* response, int status) {
  if (response != nullptr) response->response.status = status;
}
ssokit_code ssokit_response_set_body(ssokit_http_response* response, const char* body, size_t length) {
  if (response == nullptr || (body == nullptr && length > 0)) return SSOKIT_E_INVALID_ARGUMENT;
  response->response.body.assign(body != nullptr ? body : "", length);
  return SSOKIT_OK;
}
ssokit_code ssokit_response_add_header(ssokit_http_response* response, const char* name, const char* value) {
  if (response == nullptr || name == nullptr || value == nullptr || *name == '\0') return SSOKIT_E_INVALID_ARGUMENT;
  response->response.headers.emplace_back(name, value);
  return SSOKIT_OK;
}

ssokit_code ssokit_client_new(const char* config_json, const ssokit_callbacks* callbacks, ssokit_client** out,
                              ssokit_error* err) {
  if (out == nullptr) return fail(err, ErrorCode::invalid_argument, "out must not be NULL");
  *out = nullptr;
  if (config_json == nullptr) return fail(err, ErrorCode::invalid_argument, "config_json must not be NULL");
  auto cb = copy_callbacks(callbacks);
  if (!cb.ok()) return fail(err, cb.error());
  auto doc = ssokit::parse_json_object(config_json, ErrorCode::invalid_argument);
  if (!doc.ok()) return fail(err, doc.error());
  const Json& c = doc.value();
  if (auto checked = check_config(c); !checked.ok()) return fail(err, checked.error());

  ssokit::SsoClientOptions options;
  Json config = c;
  if (!config.contains("redirect_uri")) config["redirect_uri"] = "http://127.0.0.1/callback";
  for (const char* local : {"store_path", "store_key_hex", "store_plaintext", "profile_mapping", "refresh_leeway", "transport",
                            "fetch_userinfo"}) {
    config.erase(local);
  }
  // "auth_method" is the C name of the core's "auth" (either may be given, not both).
  if (const Json* method = ssokit::json_member(c, "auth_method"); method != nullptr) {
    if (c.contains("auth")) return fail(err, ErrorCode::invalid_argument, "config: give \"auth_method\" or \"auth\", not both");
    config["auth"] = *method;
    config.erase("auth_method");
  }
  auto client_config = ssokit::ClientConfig::from_json(config);
  if (!client_config.ok()) return fail(err, client_config.error());
  options.config = std::move(client_config).value();
  // private_key_jwt: the key is read now (an unusable one fails here, its text never in the message).
  if (auto key = ssokit::load_client_key(options); !key.ok()) return fail(err, key.error());
  if (const Json* m = ssokit::json_member(c, "profile_mapping"); m != nullptr) {
    if (!m->is_string() && !m->is_object()) {
      return fail(err, ErrorCode::invalid_argument, "config: \"profile_mapping\" must be a preset name or a mapping object");
    }
    options.signin.profile_mapping = *m;
  }
  if (auto leeway = ssokit::json_int(c, "refresh_leeway")) options.refresh_leeway = *leeway;
  if (const Json* fetch = ssokit::json_member(c, "fetch_userinfo"); fetch != nullptr) {
    if (!fetch->is_boolean()) return fail(err, ErrorCode::invalid_argument, "config: \"fetch_userinfo\" must be true or false");
    options.signin.fetch_userinfo = fetch->get<bool>();
  }

  auto handle = std::unique_ptr<ssokit_client>(new (std::nothrow) ssokit_client);
  if (!handle) return fail(err, ErrorCode::internal_error, "out of memory");
  handle->callbacks = cb.value();
  const Json* transport_options = ssokit::json_member(c, "transport");
  if (handle->callbacks.send != nullptr) {
    if (transport_options != nullptr) {
      return fail(err, ErrorCode::invalid_argument, "config: \"transport\" options are for the built-in transport, not a send callback");
    }
    handle->transport = std::make_unique<ssokit::c::CallbackTransport>(handle->callbacks.send, handle->callbacks.user);
  } else {
    auto builtin = ssokit::c::builtin_transport(transport_options);
    if (!builtin.ok()) return fail(err, builtin.error());
    handle->transport = std::move(builtin).value();
  }
  auto store = ssokit::c::open_store(c, handle->callbacks);
  if (!store.ok()) return fail(err, store.error());
  handle->store = std::move(store).value();
  handle->client = std::make_unique<ssokit::SsoClient>(std::move(options), *handle->transport, *handle->store,
                                                       ssokit::system_random(), ssokit::c::now_seconds);
  if (handle->callbacks.session_changed != nullptr) {
    const ssokit_callbacks callbacks_copy = handle->callbacks;
    handle->client->on_session_change([callbacks_copy](const ssokit::Session* s) {
      if (s == nullptr) {
        callbacks_copy.session_changed(callbacks_copy.user, nullptr);
      } else {
        const std::string text = session_text(*s);
        callbacks_copy.session_changed(callbacks_copy.user, text.c_str());
      }
    });
  }
  *out = handle.release();
  return ok(err);
}

void ssokit_client_free(ssokit_client* client) { delete client; }

ssokit_code ssokit_login_url(ssokit_client* client, char** url_out, ssokit_error* err) {
  if (client == nullptr || url_out == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  *url_out = nullptr;
  SSOKIT_LOCK(client);
  auto url = client->client->login_url();
  if (!url.ok()) return fail(err, url.error());
  return give_out(url_out, url.value(), err);
}

ssokit_code ssokit_handle_callback(ssokit_client* client, const char* callback_url, char** session_json_out,
                                   ssokit_error* err) {
  if (client == nullptr || callback_url == nullptr || session_json_out == nullptr) {
    return fail(err, ErrorCode::invalid_argument, "NULL argument");
  }
  *session_json_out = nullptr;
  SSOKIT_LOCK(client);
  auto session = client->client->handle_callback(callback_url);
  if (!session.ok()) return fail(err, session.error());
  return give_out(session_json_out, session_text(session.value()), err);
}

ssokit_code ssokit_device_sign_in(ssokit_client* client, ssokit_device_code_fn show, void* user,
                                  char** session_json_out, ssokit_error* err) {
  if (client == nullptr || show == nullptr || session_json_out == nullptr) {
    return fail(err, ErrorCode::invalid_argument, "NULL argument");
  }
  *session_json_out = nullptr;
  SSOKIT_LOCK(client);
  const ssokit_callbacks& cb = client->callbacks;
  auto session = client->client->device_sign_in(
      [&](const ssokit::DeviceAuthorization& d) {
        show(user, d.user_code.c_str(), d.verification_uri.c_str(),
             d.verification_uri_complete.empty() ? nullptr : d.verification_uri_complete.c_str(),
             static_cast<long>(d.expires_in));
      },
      [&cb] { return cb.cancel != nullptr && cb.cancel(cb.user) != 0; });
  if (!session.ok()) return fail(err, session.error());
  return give_out(session_json_out, session_text(session.value()), err);
}

ssokit_code ssokit_device_start(ssokit_client* client, ssokit_device_progress_fn progress, void* user,
                                ssokit_device** out, ssokit_error* err) {
  if (client == nullptr || out == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  *out = nullptr;
  auto device = std::unique_ptr<ssokit_device>(new (std::nothrow) ssokit_device);
  if (!device) return fail(err, ErrorCode::internal_error, "out of memory");
  {
    SSOKIT_LOCK(client);
    auto start = client->client->device_start();
    if (!start.ok()) return fail(err, start.error());
    device->authorization = std::move(start.value().device);
    device->step = std::move(start.value().step);
  }
  device->client = client;
  device->progress = progress;
  device->user = user;
  device->due = ssokit::c::now_seconds() + device->step.wait_seconds;
  if (progress != nullptr) progress(user, SSOKIT_DEVICE_CODE, static_cast<long>(device->authorization.expires_in));
  *out = device.release();
  return ok(err);
}

const char* ssokit_device_user_code(const ssokit_device* device) {
  return device != nullptr ? device->authorization.user_code.c_str() : "";
}
const char* ssokit_device_verification_uri(const ssokit_device* device) {
  return device != nullptr ? device->authorization.verification_uri.c_str() : "";
}
const char* ssokit_device_display_uri(const ssokit_device* device) {
  return device != nullptr ? device->authorization.display_uri().c_str() : "";
}
long ssokit_device_wait_ms(const ssokit_device* device) {
  if (device == nullptr || device->ended) return -1;
  const std::int64_t left = device->due - ssokit::c::now_seconds();
  return left > 0 ? static_cast<long>(left * 1000) : 0;
}

ssokit_code ssokit_device_step(ssokit_device* device, int* done_out, char** session_json_out, ssokit_error* err) {
  if (device == nullptr || done_out == nullptr || session_json_out == nullptr) {
    return fail(err, ErrorCode::invalid_argument, "NULL argument");
  }
  *done_out = 0;
  *session_json_out = nullptr;
  if (device->ended || ssokit::c::now_seconds() < device->due) return ok(err);  // nothing is due
  ssokit_client* client = device->client;
  SSOKIT_LOCK(client);
  // The requests due now: one poll, or after authorization the sign-in's (JWKS, user-info).
  for (int i = 0; i < 8 && !device->step.result; ++i) {
    if (device->step.verify) {  // the core's verify effect: mbedTLS answers natively
      const bool verified = ssokit::verify_signature(*device->step.verify);
      auto after = ssokit::flow_verified(std::move(device->step), verified, ssokit::c::now_seconds());
      if (!after.ok()) {
        device->step = ssokit::FlowStep{};
        device->ended = true;
        return fail(err, after.error());
      }
      device->step = std::move(after).value();
      continue;
    }
    if (!device->step.request) return fail(err, ErrorCode::internal_error, "the device flow has neither a request nor a result");
    const std::int64_t interval = device->step.wait_seconds;
    auto answer = client->client->send(*device->step.request);  // signatures completed there
    if (!answer.ok()) {  // the same request goes again on the next step, after the interval
      device->due = ssokit::c::now_seconds() + (interval > 0 ? interval : ssokit::kDefaultDevicePollInterval);
      return fail(err, answer.error());
    }
    auto next = ssokit::flow_step(std::move(device->step), answer.value(), ssokit::c::now_seconds());
    if (!next.ok()) {
      if (next.error().code == ErrorCode::device_code_expired && device->progress != nullptr) {
        device->progress(device->user, SSOKIT_DEVICE_EXPIRED, 0);
      }
      device->step = ssokit::FlowStep{};
      device->ended = true;
      return fail(err, next.error());
    }
    device->step = std::move(next).value();
    if (device->step.wait_seconds > 0) {  // still polling
      device->due = ssokit::c::now_seconds() + device->step.wait_seconds;
      if (device->progress != nullptr) {
        device->progress(device->user, device->step.wait_seconds > interval ? SSOKIT_DEVICE_SLOW_DOWN : SSOKIT_DEVICE_PENDING,
                         static_cast<long>(device->step.wait_seconds));
      }
      return ok(err);
    }
  }
  if (!device->step.result) return fail(err, ErrorCode::internal_error, "the device sign-in took more requests than expected");
  device->ended = true;
  auto session = client->client->device_finish(*device->step.result);
  if (!session.ok()) return fail(err, session.error());
  if (device->progress != nullptr) device->progress(device->user, SSOKIT_DEVICE_DONE, 0);
  *done_out = 1;
  return give_out(session_json_out, session_text(session.value()), err);
}

void ssokit_device_free(ssokit_device* device) { delete device; }

ssokit_code ssokit_session(ssokit_client* client, char** session_json_out, ssokit_error* err) {
  if (client == nullptr || session_json_out == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  *session_json_out = nullptr;
  SSOKIT_LOCK(client);
  auto session = client->client->session();
  if (!session.ok()) return fail(err, session.error());
  if (!session.value()) return ok(err);
  return give_out(session_json_out, session_text(*session.value()), err);
}

ssokit_code ssokit_access_token(ssokit_client* client, char** token_out, ssokit_error* err) {
  if (client == nullptr || token_out == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  *token_out = nullptr;
  SSOKIT_LOCK(client);
  auto token = client->client->access_token();
  if (!token.ok()) return fail(err, token.error());
  return give_out(token_out, token.value(), err);
}

ssokit_code ssokit_refresh(ssokit_client* client, char** session_json_out, ssokit_error* err) {
  if (client == nullptr || session_json_out == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  *session_json_out = nullptr;
  SSOKIT_LOCK(client);
  auto session = client->client->refresh();
  if (!session.ok()) return fail(err, session.error());
  return give_out(session_json_out, session_text(session.value()), err);
}

ssokit_code ssokit_revoke(ssokit_client* client, ssokit_error* err) {
  if (client == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  SSOKIT_LOCK(client);
  auto status = client->client->revoke();
  if (!status.ok()) return fail(err, status.error());
  return ok(err);
}

ssokit_code ssokit_sign_out(ssokit_client* client, const char* post_logout_redirect_uri, char** logout_url_out,
                            ssokit_error* err) {
  if (client == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  if (logout_url_out != nullptr) *logout_url_out = nullptr;
  SSOKIT_LOCK(client);
  if (logout_url_out == nullptr) {
    auto status = client->client->forget();
    if (!status.ok()) return fail(err, status.error());
    return ok(err);
  }
  auto url = client->client->logout_url(post_logout_redirect_uri != nullptr ? post_logout_redirect_uri : "");
  if (!url.ok()) return fail(err, url.error());
  return give_out(logout_url_out, url.value(), err);
}

ssokit_code ssokit_json_get(const char* json, const char* pointer, char** out, ssokit_error* err) {
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

ssokit_code ssokit_printable(const char* text, char** out, ssokit_error* err) {
  if (text == nullptr || out == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  *out = nullptr;
  return give_out(out, ssokit::printable_text(text), err);
}

ssokit_code ssokit_harden_process(ssokit_error* err) {
  auto done = ssokit::native::disable_core_dumps();
  if (!done.ok()) return fail(err, done.error());
  return ok(err);
}

void ssokit_free(void* p) { std::free(p); }

}  // extern "C"
