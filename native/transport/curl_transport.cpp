#include "ssokit/native/curl_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "ssokit/text.hpp"
#include "ssokit/url.hpp"
#include "ssokit/version.h"

namespace ssokit::native {
namespace {

// Idle handles kept for connection reuse; more concurrent requests simply create more.
constexpr std::size_t kMaxIdleHandles = 4;

CURLcode global_init() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

// What a failed request may say about its URL: scheme://host[:port]/path, never the query
// (it may carry an authorization code or a token) nor userinfo.
std::string safe_url(const Url& url) { return url.origin() + (url.path.empty() ? "/" : url.path); }

// A header line's value: without the line's CRLF and the surrounding OWS.
std::string trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return std::string(trim_ows(s));
}

// Defence in depth: libcurl's messages name hosts and ports, not queries, but make sure.
std::string scrub(std::string message, const Url& url) {
  if (url.query && !url.query->empty()) {
    for (std::size_t at = message.find(*url.query); at != std::string::npos; at = message.find(*url.query)) {
      message.replace(at, url.query->size(), "...");
    }
  }
  return message;
}

struct Transfer {
  std::size_t limit = 0;
  bool too_large = false;
  HttpResponse response;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (n > t->limit - t->response.body.size()) {
    t->too_large = true;
    return 0;  // fewer bytes than given: libcurl aborts with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  auto& headers = t->response.headers;
  if (line.rfind("HTTP/", 0) == 0) {
    headers.clear();  // a new status line (after 1xx): only the final response's headers count
  } else if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
    if (!headers.empty()) headers.back().second += " " + trim(line);  // obsolete line folding
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    headers.emplace_back(std::string(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  return n;
}

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool has_header(const Params& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (ascii_iequals(h.first, name)) return true;
  }
  return false;
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// Transient failures worth another attempt (for idempotent GETs only).
bool retryable(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string default_user_agent() { return std::string("ssokit/") + SSOKIT_VERSION; }

struct CurlTransport::Impl {
  Options options;
  std::mutex mutex;
  std::vector<CURL*> idle;

  ~Impl() {
    for (CURL* h : idle) curl_easy_cleanup(h);
  }

  CURL* acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        curl_easy_reset(h);  // drops options, keeps the connection and DNS caches
        return h;
      }
    }
    return curl_easy_init();
  }

  void release(CURL* h) {
    std::lock_guard<std::mutex> lock(mutex);
    if (idle.size() < kMaxIdleHandles) {
      idle.push_back(h);
    } else {
      curl_easy_cleanup(h);
    }
  }

  // One attempt. `transient` tells the retry loop whether a failure may go away.
  Result<HttpResponse> perform(const HttpRequest& request, const Url& url, bool* transient);
};

Result<HttpResponse> CurlTransport::Impl::perform(const HttpRequest& request, const Url& url, bool* transient) {
  *transient = false;
  const std::string where = request.method + " " + safe_url(url);

  Slist headers;
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || has_line_break(name) || has_line_break(value) || name.find(':') != std::string::npos) {
      // The value may be a credential: name the header only.
      return make_error(ErrorCode::invalid_argument, "request header \"" + (has_line_break(name) ? std::string("?") : name) +
                                                         "\" is malformed (empty name, ':' or a line break)");
    }
    // "Name;" is libcurl's way to send a header with an empty value.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (!next) return make_error(ErrorCode::internal_error, "out of memory building request headers");
    if (!headers) headers.reset(next);
  }
  // No "Expect: 100-continue" round trip for bodies: they are small forms.
  if (!has_header(request.headers, "Expect")) {
    curl_slist* next = curl_slist_append(headers.get(), "Expect:");
    if (!next) return make_error(ErrorCode::internal_error, "out of memory building request headers");
    if (!headers) headers.reset(next);
  }

  CURL* h = acquire();
  if (!h) return make_error(ErrorCode::internal_error, "libcurl could not create a transfer handle");

  Transfer transfer;
  transfer.limit = options.max_response_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: we may run in threads
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(h, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (options.ca_bundle) curl_easy_setopt(h, CURLOPT_CAINFO, options.ca_bundle->c_str());
  if (options.proxy) curl_easy_setopt(h, CURLOPT_PROXY, options.proxy->c_str());
  curl_easy_setopt(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);  // a proxy's CONNECT reply is not ours
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, options.total_timeout_ms);
  // Refuse early when Content-Length already says too much; the write callback covers the rest.
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_response_bytes));
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // what this libcurl can decode
  const std::string agent = options.user_agent.empty() ? default_user_agent() : options.user_agent;
  curl_easy_setopt(h, CURLOPT_USERAGENT, agent.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);

  if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    if (!request.body.empty() || request.method == "POST") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    }
    if (request.method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  const CURLcode code = curl_easy_perform(h);
  long status = 0;
  if (code == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  // Never keep pointers into this frame in a handle that outlives it.
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  release(h);

  if (code == CURLE_OK) {
    transfer.response.status = static_cast<int>(status);
    return std::move(transfer.response);
  }
  if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return make_error(ErrorCode::invalid_response,
                      where + ": response larger than " + std::to_string(options.max_response_bytes) + " bytes",
                      {{"limit", options.max_response_bytes}});
  }
  *transient = retryable(code);
  const std::string detail = scrub(error_buffer[0] ? error_buffer : curl_easy_strerror(code), url);
  Json details{{"curl_code", static_cast<int>(code)}};
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return make_error(ErrorCode::timeout,
                      where + " timed out (connect limit " + std::to_string(options.connect_timeout_ms) +
                          " ms, total " + std::to_string(options.total_timeout_ms) + " ms): " + detail,
                      std::move(details));
  }
  return make_error(ErrorCode::network_error, where + " failed: " + detail, std::move(details));
}

CurlTransport::CurlTransport() : CurlTransport(Options{}) {}

CurlTransport::CurlTransport(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

CurlTransport::~CurlTransport() = default;
CurlTransport::CurlTransport(CurlTransport&&) noexcept = default;
CurlTransport& CurlTransport::operator=(CurlTransport&&) noexcept = default;

const CurlTransport::Options& CurlTransport::options() const {
  static const Options defaults;
  return impl_ ? impl_->options : defaults;
}

Result<HttpResponse> CurlTransport::send(const HttpRequest& request) {
  if (!impl_) return make_error(ErrorCode::internal_error, "this CurlTransport was moved from");
  if (global_init() != CURLE_OK) {
    return make_error(ErrorCode::network_error, "libcurl could not be initialized (curl_global_init failed)");
  }
  auto parsed = parse_url(request.url);
  if (!parsed.ok() || (parsed->scheme != "http" && parsed->scheme != "https")) {
    // The URL itself is not quoted: it may carry a code or token in its query.
    return make_error(ErrorCode::invalid_url, "request URL is not an absolute http(s) URL");
  }
  const Url& url = *parsed;
  if (!is_https_or_loopback(url)) {
    // The last line of the one rule (url.hpp): whatever built the request, nothing crosses the
    // network in clear. Refused before any name is resolved or byte sent.
    return make_error(ErrorCode::invalid_url, "plain http is allowed only to a loopback host (127.0.0.1, ::1, "
                                              "localhost); use https");
  }
  if (request.method.empty() || has_line_break(request.method) || request.method.find(' ') != std::string::npos) {
    return make_error(ErrorCode::invalid_argument, "request method is malformed");
  }

  const Options& o = impl_->options;
  const bool may_retry = request.idempotent && request.method == "GET";
  const int attempts = may_retry && o.retries > 0 ? 1 + o.retries : 1;
  for (int attempt = 1;; ++attempt) {
    bool transient = false;
    Result<HttpResponse> result = impl_->perform(request, url, &transient);
    if (attempt >= attempts) return result;
    if (result.ok()) {
      const int status = result->status;
      if (status != 429 && (status < 500 || status > 599)) return result;
    } else if (!transient) {
      return result;
    }
    const auto wait = o.backoff * (1LL << std::min(attempt - 1, 16));
    if (o.sleep) {
      o.sleep(wait);
    } else {
      std::this_thread::sleep_for(wait);
    }
  }
}

}  // namespace ssokit::native
