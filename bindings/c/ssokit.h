/* ssokit C API: single sign-on for players and embedded devices, as a plain C ABI.
 *
 * Conventions (the same for every function):
 *  - Functions return 0 on success and 1 on failure. On failure, `err` (caller-owned, may be
 *    NULL) is filled with a stable error code (e.g. "login_required", "id_token_expired"; the
 *    list is in DESIGN.md) and a one-line message. Messages never contain tokens or secrets.
 *  - Strings are UTF-8 and NUL-terminated. Every `char **out` result is allocated by the library
 *    and owned by the caller, who releases it with ssokit_free(). On failure `*out` is NULL.
 *  - Handles are opaque. A client may be used from one thread at a time, except
 *    ssokit_access_token(), which is safe to call concurrently (one refresh serves all callers).
 *  - Nothing is logged. Secrets come in through the config JSON (read them from the platform's
 *    keystore or a file, never from the command line).
 */
#ifndef SSOKIT_H
#define SSOKIT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SSOKIT_OK 0
#define SSOKIT_FAILED 1

typedef struct ssokit_error {
  char code[48];     /* stable snake_case code, "" on success */
  char message[512]; /* human-readable, truncated to fit */
} ssokit_error;

/* ---- Transport: the built-in libcurl one, or the caller's (set-top HTTP stacks, proxies) ---- */

typedef struct ssokit_http_header {
  const char *name;
  const char *value;
} ssokit_http_header;

typedef struct ssokit_http_request {
  const char *method; /* "GET" or "POST" */
  const char *url;
  const ssokit_http_header *headers;
  size_t header_count;
  const char *body; /* may contain NUL bytes: use body_length */
  size_t body_length;
  int idempotent; /* 1: safe to retry (GETs that only read); 0: never retry (code exchange) */
} ssokit_http_request;

typedef struct ssokit_http_response {
  int status;
  /* Set by the callback with memory from malloc(); the library frees both with free(). */
  char *body;
  size_t body_length;
  char *content_type; /* may stay NULL */
} ssokit_http_response;

/* Sends `request`, fills `response`. Returns 0, or 1 with `err` filled ("network_error" or
 * "timeout"): any HTTP status is a response, not an error. */
typedef int (*ssokit_send_fn)(void *user, const ssokit_http_request *request, ssokit_http_response *response,
                              ssokit_error *err);

typedef struct ssokit_transport {
  ssokit_send_fn send;
  void *user;
} ssokit_transport;

/* ---- Client ---- */

typedef struct ssokit_client ssokit_client;

/* config_json: {"issuer", "client_id", "client_secret"?, "redirect_uri"?, "scope"?,
 *   "store_path"?  (session file; without it the session lives in memory only),
 *   "store_key_hex"? (64 hex digits: the file is then AES-256-GCM encrypted when supported),
 *   "profile_mapping"? (preset name or mapping object), "clock_skew"?, "refresh_leeway"?}
 * transport: NULL for the built-in libcurl transport (TLS verified, timeouts, size cap). */
int ssokit_client_new(const char *config_json, const ssokit_transport *transport, ssokit_client **out,
                      ssokit_error *err);
void ssokit_client_free(ssokit_client *client);

/* Browser sign-in: the authorization URL to open (its pending state is kept by the client). */
int ssokit_login_url(ssokit_client *client, char **url_out, ssokit_error *err);
/* Completes it from the URL the browser came back to; session JSON (tokens, claims, profile). */
int ssokit_handle_callback(ssokit_client *client, const char *callback_url, char **session_json_out,
                           ssokit_error *err);

/* Device sign-in (RFC 8628), for TVs and set-top boxes: `display` is called once with the code to
 * show; the call blocks while polling. `cancel` (may be NULL) is polled: set *cancel to 1 from
 * another thread to stop with "cancelled". */
typedef void (*ssokit_device_display_fn)(void *user, const char *user_code, const char *verification_uri,
                                         const char *verification_uri_complete, long expires_in);
int ssokit_device_sign_in(ssokit_client *client, ssokit_device_display_fn display, void *user,
                          volatile int *cancel, char **session_json_out, ssokit_error *err);

/* The stored session as JSON, or *session_json_out = NULL when nobody is signed in (returns 0). */
int ssokit_session(ssokit_client *client, char **session_json_out, ssokit_error *err);
/* A usable access token, refreshed when close to expiry ("login_required" when it cannot be). */
int ssokit_access_token(ssokit_client *client, char **token_out, ssokit_error *err);
/* Refreshes now; the rotated refresh token is stored before this returns. */
int ssokit_refresh(ssokit_client *client, char **session_json_out, ssokit_error *err);
/* Ends the session: forgets it locally first, then revokes its refresh token (or access token) at
   the provider (RFC 7009), as on every host. */
int ssokit_revoke(ssokit_client *client, ssokit_error *err);
/* Forgets the session locally; *logout_url_out (may be NULL) receives the provider's logout URL. */
int ssokit_sign_out(ssokit_client *client, const char *post_logout_redirect_uri, char **logout_url_out,
                    ssokit_error *err);

/* ---- The JSON call interface: the video platforms and every low-level step ----
 * The methods are those of the web package's core (bindings/api, documented per platform in
 * docs/platforms/): params and results are JSON texts. Secrets go in params_json (read them from
 * the platform's keystore or a file, never from the command line). */

/* One call, no network: e.g. "muvi.autologin_url", "twentythree.sign". *result_json_out is the
 * method's JSON result. */
int ssokit_call(const char *method, const char *params_json, char **result_json_out, ssokit_error *err);

/* A multi-request operation (e.g. "streamone.login"): start_method(params) returns a step
 * {"state", "request"?, "result"?}; while a request is pending it is sent with `transport` (NULL:
 * the built-in libcurl one) and step_method({"state", "response", "now"}) gives the next step.
 * *result_json_out is the final result. At most 16 requests. */
int ssokit_run(const char *start_method, const char *step_method, const char *params_json,
               const ssokit_transport *transport, char **result_json_out, ssokit_error *err);

/* ---- Utilities ---- */

/* QR code of `text` for a screen: format "terminal" (half-block characters) or "svg". */
int ssokit_qr(const char *text, const char *format, char **out, ssokit_error *err);

/* Reads one value out of a JSON text (e.g. a session) by JSON Pointer (RFC 6901), such as
 * "/profile/email"; strings as they are, numbers and booleans as text. "invalid_argument" when
 * the JSON is malformed or the pointer names nothing. */
int ssokit_json_get(const char *json, const char *pointer, char **out, ssokit_error *err);

/* `text` (a user code, a URL, an error message: anything a provider or platform wrote) made safe
 * to print on a terminal: control characters, bytes that are not UTF-8 and bidi controls become
 * visible escapes ("\x1b", "\u{202e}"), a backslash "\\". Print provider text only through it. */
int ssokit_printable(const char *text, char **out, ssokit_error *err);

/* Call first thing in main(): turns core dumps off for this process (prctl PR_SET_DUMPABLE 0 and
 * RLIMIT_CORE 0), so a crash cannot leave the client secret, a PKCE verifier or tokens in a core
 * file. Does nothing when the environment has SSOKIT_ALLOW_CORE_DUMPS=1 (for debugging).
 * "internal_error" when the system refuses. */
int ssokit_harden_process(ssokit_error *err);

/* Releases a string returned by this library (NULL is fine). */
void ssokit_free(void *p);

/* The library version, e.g. "0.1.0" (static storage; do not free). */
const char *ssokit_version(void);

#ifdef __cplusplus
}
#endif

#endif /* SSOKIT_H */
