/* ssokit C API 1.0: single sign-on (OAuth 2.0 / OpenID Connect) for players and embedded devices.
 *
 * Link: `pkg-config --cflags --libs ssokit`, or CMake `find_package(ssokit)` and `ssokit::c`.
 *
 * Contracts (the same for every function):
 *  - Every function that can fail returns an ssokit_code: SSOKIT_OK (0) on success, else the
 *    error's code. Codes are never renumbered; new ones are added at the end. ssokit_code_name()
 *    gives the stable snake_case name (the same the CLI prints and JavaScript's SsoError.code
 *    holds), ssokit_strerror() a short English description.
 *  - `err` (may be NULL) is an ssokit_error from ssokit_error_new(). On failure it receives the
 *    code, a one-line message saying what was wrong and what to do, and a JSON object of details
 *    (e.g. the provider's "error"); on success it is cleared. Messages and details never contain
 *    tokens, keys or secrets. Strings read from an ssokit_error stay valid until `err` is used
 *    again or freed.
 *  - Strings are UTF-8 and NUL-terminated. Every `char **out` result is allocated by the library
 *    and owned by the caller, who releases it with ssokit_free(); on failure `*out` is NULL.
 *  - Structs passed in (ssokit_callbacks, ssokit_qr_options) begin with `size`: set it to
 *    sizeof the struct (the SSOKIT_..._INIT macros do). A newer library reads only the fields an
 *    older program knew about, so programs built against 1.0 keep working.
 *  - Threads: an ssokit_client may be used from several threads at once; calls on one client are
 *    serialized inside the library (one at a time), except that ssokit_access_token() callers
 *    share one refresh. Callbacks run on the thread that made the call. An ssokit_error and an
 *    ssokit_device belong to one thread at a time. Different clients are independent.
 *  - Nothing is logged. Secrets (a client secret, a store key) come in through the config or a
 *    callback: read them from the platform's keystore or a file, never from the command line.
 */
#ifndef SSOKIT_SSOKIT_H
#define SSOKIT_SSOKIT_H

#include <stddef.h>

#include "ssokit/version.h"

#if defined(SSOKIT_BUILDING_LIBRARY)
#define SSOKIT_EXTERN __attribute__((visibility("default")))
#else
#define SSOKIT_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The C ABI's major version (the SONAME is libssokit.so.<this>): it changes only when the ABI breaks. */
#define SSOKIT_ABI_VERSION 1

/* The library's version as SSOKIT_VERSION_NUM is for the headers (0xXXYYZZ), and as a string. */
SSOKIT_EXTERN unsigned int ssokit_version_num(void);
SSOKIT_EXTERN const char *ssokit_version(void); /* "0.1.0"; static storage */

/* ---- Codes ---- */

typedef enum ssokit_code {
  SSOKIT_OK = 0,
  SSOKIT_E_INVALID_ARGUMENT = 1, /* a bad parameter, config key or value */
  SSOKIT_E_INVALID_URL = 2,
  SSOKIT_E_INVALID_RETURN_URL = 3,
  SSOKIT_E_STATE_MISSING = 4,
  SSOKIT_E_STATE_MISMATCH = 5,
  SSOKIT_E_TRANSACTION_NOT_FOUND = 6,
  SSOKIT_E_ISS_MISMATCH = 7,
  SSOKIT_E_AUTHORIZATION_ERROR = 8,
  SSOKIT_E_DISCOVERY_FAILED = 9,
  SSOKIT_E_DISCOVERY_ISSUER_MISMATCH = 10,
  SSOKIT_E_NETWORK_ERROR = 11,
  SSOKIT_E_TIMEOUT = 12,
  SSOKIT_E_HTTP_ERROR = 13,
  SSOKIT_E_INVALID_RESPONSE = 14,
  SSOKIT_E_TOKEN_ERROR = 15,
  SSOKIT_E_ID_TOKEN_MISSING = 16,
  SSOKIT_E_ID_TOKEN_MALFORMED = 17,
  SSOKIT_E_ID_TOKEN_ALG_NOT_ALLOWED = 18,
  SSOKIT_E_ID_TOKEN_KEY_NOT_FOUND = 19,
  SSOKIT_E_ID_TOKEN_SIGNATURE_INVALID = 20,
  SSOKIT_E_ID_TOKEN_ISS_MISMATCH = 21,
  SSOKIT_E_ID_TOKEN_AUD_MISMATCH = 22,
  SSOKIT_E_ID_TOKEN_AZP_MISMATCH = 23,
  SSOKIT_E_ID_TOKEN_EXPIRED = 24,
  SSOKIT_E_ID_TOKEN_IAT_INVALID = 25,
  SSOKIT_E_ID_TOKEN_NOT_YET_VALID = 26,
  SSOKIT_E_ID_TOKEN_NONCE_MISMATCH = 27,
  SSOKIT_E_ID_TOKEN_SUB_MISSING = 28,
  SSOKIT_E_USERINFO_SUB_MISMATCH = 29,
  SSOKIT_E_LOGIN_REQUIRED = 30, /* sign in again (interactive) */
  SSOKIT_E_REFRESH_FAILED = 31,
  SSOKIT_E_DEVICE_CODE_EXPIRED = 32,
  SSOKIT_E_ACCESS_DENIED = 33,
  SSOKIT_E_STORAGE_ERROR = 34,
  SSOKIT_E_STORAGE_TAMPERED = 35,
  SSOKIT_E_PLATFORM_ERROR = 36,
  SSOKIT_E_SSO_TOKEN_UNKNOWN = 37,
  SSOKIT_E_CANCELLED = 38,
  SSOKIT_E_INTERNAL_ERROR = 39,
  SSOKIT_E_SERVER_ONLY = 40,
  SSOKIT_E_SSO_TEST_FAILED = 41,
  SSOKIT_E_RATE_LIMITED = 42,
  SSOKIT_E_UNSUPPORTED = 43 /* not in this build (no libcurl, no libqrencode, no platforms) */
} ssokit_code;

/* "invalid_argument", ...; "unknown" for a number that is no code. Static storage. */
SSOKIT_EXTERN const char *ssokit_code_name(ssokit_code code);
/* A short English description of the code. Static storage. */
SSOKIT_EXTERN const char *ssokit_strerror(ssokit_code code);

/* ---- Errors ---- */

typedef struct ssokit_error ssokit_error;

SSOKIT_EXTERN ssokit_error *ssokit_error_new(void); /* NULL when out of memory */
SSOKIT_EXTERN void ssokit_error_free(ssokit_error *err);
SSOKIT_EXTERN ssokit_code ssokit_error_code(const ssokit_error *err);    /* SSOKIT_OK when cleared */
SSOKIT_EXTERN const char *ssokit_error_name(const ssokit_error *err);    /* "" when cleared */
SSOKIT_EXTERN const char *ssokit_error_message(const ssokit_error *err); /* "" when cleared */
SSOKIT_EXTERN const char *ssokit_error_details(const ssokit_error *err); /* JSON object, "{}" when none */
/* For callbacks that fail: sets `err` (the one the library handed to the callback). */
SSOKIT_EXTERN void ssokit_error_set(ssokit_error *err, ssokit_code code, const char *message);

/* ---- Callbacks: transport, storage, store key, cancellation, session changes ---- */

typedef struct ssokit_http_header {
  const char *name;
  const char *value;
} ssokit_http_header;

typedef struct ssokit_http_request {
  size_t size;        /* sizeof(ssokit_http_request) of the library: fields may be added at the end */
  const char *method; /* "GET" or "POST" */
  const char *url;
  const ssokit_http_header *headers;
  size_t header_count;
  const char *body; /* may contain NUL bytes: use body_length */
  size_t body_length;
  int idempotent; /* 1: safe to retry (GETs that only read); 0: never retry (code exchange) */
} ssokit_http_request;

/* The response a transport callback fills in, through these functions (each copies its input).
 * Give every header the server sent (Retry-After, Date, WWW-Authenticate and Content-Type matter). */
typedef struct ssokit_http_response ssokit_http_response;
SSOKIT_EXTERN void ssokit_response_set_status(ssokit_http_response *response, int status);
SSOKIT_EXTERN ssokit_code ssokit_response_set_body(ssokit_http_response *response, const char *body, size_t length);
SSOKIT_EXTERN ssokit_code ssokit_response_add_header(ssokit_http_response *response, const char *name, const char *value);

/* Sends `request` and fills `response`. Returns SSOKIT_OK, or SSOKIT_E_NETWORK_ERROR /
 * SSOKIT_E_TIMEOUT (a message through ssokit_error_set(err, ...) if you like): any HTTP status is
 * a response, not an error. Must honour TLS verification; must not follow redirects. */
typedef ssokit_code (*ssokit_send_fn)(void *user, const ssokit_http_request *request, ssokit_http_response *response,
                                      ssokit_error *err);

/* Storage for the session and pending sign-ins, e.g. a platform keystore. Values are secrets (they
 * hold tokens): keep them where only this application can read them. read: *value_out = a
 * malloc()'ed copy (the library free()s it), or NULL when the key is absent; write replaces;
 * remove of an absent key is SSOKIT_OK. Failures: SSOKIT_E_STORAGE_ERROR. */
typedef ssokit_code (*ssokit_store_read_fn)(void *user, const char *key, char **value_out, ssokit_error *err);
typedef ssokit_code (*ssokit_store_write_fn)(void *user, const char *key, const char *value, ssokit_error *err);
typedef ssokit_code (*ssokit_store_remove_fn)(void *user, const char *key, ssokit_error *err);

/* The 32-byte key of the encrypted session file (config "store_path"), e.g. unwrapped by a
 * platform keystore or a TEE. Called when the file is first read or written. */
typedef ssokit_code (*ssokit_store_key_fn)(void *user, unsigned char key_out[32], ssokit_error *err);

/* Polled while a blocking call waits (at least every 250 ms): nonzero stops it with SSOKIT_E_CANCELLED. */
typedef int (*ssokit_cancel_fn)(void *user);

/* The session changed: `session_json` is the new session, or NULL after a sign-out or when the
 * provider refused a refresh. Persist or update the UI here; do not call the client back. */
typedef void (*ssokit_session_fn)(void *user, const char *session_json);

typedef struct ssokit_callbacks {
  size_t size; /* sizeof(ssokit_callbacks) */
  void *user;  /* handed to every callback */
  ssokit_send_fn send; /* NULL: the built-in libcurl transport (config "transport" options) */
  /* All three or none; with them the config must not have "store_path". */
  ssokit_store_read_fn store_read;
  ssokit_store_write_fn store_write;
  ssokit_store_remove_fn store_remove;
  ssokit_store_key_fn store_key; /* with "store_path": the file's key (instead of "store_key_hex") */
  ssokit_cancel_fn cancel;
  ssokit_session_fn session_changed;
} ssokit_callbacks;

#define SSOKIT_CALLBACKS_INIT {sizeof(ssokit_callbacks), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}

/* ---- Client ---- */

typedef struct ssokit_client ssokit_client;

/* config_json, an object; every key is checked here, and an unknown key, a missing or mistyped
 * field is SSOKIT_E_INVALID_ARGUMENT naming it:
 *   "issuer" (required, https; http only on a loopback host), "client_id" (required),
 *   "client_secret"?, "redirect_uri"? (browser sign-in; default http://127.0.0.1/callback),
 *   "auth_method"? (none, client_secret_basic, client_secret_post, client_secret_jwt,
 *     private_key_jwt; default: the first of the provider's token_endpoint_auth_methods_supported
 *     that the credentials allow), "private_key"? (private_key_jwt: the PEM PKCS#8 or private JWK
 *     text itself, read here, never echoed), "private_key_alg"? (RS256 | PS256 for RSA; ES256 for
 *     EC P-256; default RS256 / ES256), "private_key_id"? (the assertion's kid; default the JWK's),
 *   "scope"? (default "openid profile email"), "profile_mapping"? (preset name or mapping object),
 *   "clock_skew"? (seconds, default 60), "refresh_leeway"? (seconds, default 60),
 *   "allowed_algs"? (the ID-token algorithms accepted, e.g. ["EdDSA"]; default RS256..RS512,
 *     PS256..PS512, ES256, ES384, ES512, EdDSA, Ed25519, and HS256 with a client secret; a name
 *     ssokit cannot verify is SSOKIT_E_INVALID_ARGUMENT here),
 *   "fetch_userinfo"? (default true; false: no user-info request, e.g. when the access token is
 *     for another API, RFC 8707), "trusted_audiences"? (array of strings: audiences besides
 *     client_id an ID token may name; any other is SSOKIT_E_ID_TOKEN_AUD_MISMATCH),
 *   "par"? (true: push the authorization request, RFC 9126; it is pushed anyway when the provider
 *     has a pushed_authorization_request_endpoint: ssokit_login_url then sends it),
  "dpop"? (true: DPoP, RFC 9449: every new sign-in, browser or device, makes a new ES256 key and
 *     the tokens are bound to it; on anyway when the provider's discovery says
 *     dpop_bound_access_tokens; the private key is kept in the store beside the session, encrypted
 *     with "store_path", and forgotten with it; a stored DPoP session refreshes with its key
 *     whatever this says; use the token through ssokit_authorized_request),
 *   where the session lives (one of these, else in memory only, lost with the client):
 *   "store_path"? a file, AES-256-GCM encrypted with the key from "store_key_hex" (64 hex digits)
 *     or the store_key callback; its folder must exist and be writable, and an existing file must
 *     open with that key (else SSOKIT_E_STORAGE_ERROR / SSOKIT_E_STORAGE_TAMPERED, at once);
 *     a plaintext file only with "store_plaintext": true (development only: tokens in clear);
 *   the store_read/store_write/store_remove callbacks;
 *   "transport"? options of the built-in libcurl transport: {"ca_bundle" (PEM file),
 *     "connect_timeout_ms", "timeout_ms" (per request), "proxy" ("" for none; default from the
 *     environment), "user_agent"} (SSOKIT_E_INVALID_ARGUMENT with a send callback).
 * callbacks: NULL for none (built-in transport, no callbacks). */
SSOKIT_EXTERN ssokit_code ssokit_client_new(const char *config_json, const ssokit_callbacks *callbacks,
                                            ssokit_client **out, ssokit_error *err);
SSOKIT_EXTERN void ssokit_client_free(ssokit_client *client); /* NULL is fine */

/* Browser sign-in: the authorization URL to open (its pending state is kept in the store). With a
 * pushed authorization request this POSTs the parameters first (a provider's refusal is
 * SSOKIT_E_AUTHORIZATION_ERROR) and the URL carries only client_id and request_uri. */
SSOKIT_EXTERN ssokit_code ssokit_login_url(ssokit_client *client, char **url_out, ssokit_error *err);
/* Completes it from the URL the browser came back to; *session_json_out: tokens, claims, profile. */
SSOKIT_EXTERN ssokit_code ssokit_handle_callback(ssokit_client *client, const char *callback_url,
                                                 char **session_json_out, ssokit_error *err);

/* ---- Device sign-in (RFC 8628), for TVs and set-top boxes ---- */

/* What to show: the user code and where to enter it (verification_uri_complete carries the code:
 * put it in a QR code; NULL when the provider gave none). */
typedef void (*ssokit_device_code_fn)(void *user, const char *user_code, const char *verification_uri,
                                      const char *verification_uri_complete, long expires_in);

/* Blocking: asks for a code, calls `show` once, waits and polls until the viewer confirms on
 * another device, then stores the session. Stops with SSOKIT_E_CANCELLED when the cancel callback
 * says so, SSOKIT_E_ACCESS_DENIED when the viewer declines, SSOKIT_E_DEVICE_CODE_EXPIRED when
 * nobody confirms in time. */
SSOKIT_EXTERN ssokit_code ssokit_device_sign_in(ssokit_client *client, ssokit_device_code_fn show, void *user,
                                                char **session_json_out, ssokit_error *err);

/* Step by step (no waiting inside the library: for a player's main loop). */
typedef enum ssokit_device_event {
  SSOKIT_DEVICE_CODE = 1,      /* show the code (ssokit_device_user_code, ..._verification_uri) */
  SSOKIT_DEVICE_PENDING = 2,   /* not confirmed yet */
  SSOKIT_DEVICE_SLOW_DOWN = 3, /* the provider asked for slower polling: seconds = the new interval */
  SSOKIT_DEVICE_EXPIRED = 4,   /* the code expired: start again for a new one */
  SSOKIT_DEVICE_DONE = 5       /* signed in */
} ssokit_device_event;
/* `seconds`: for CODE the code's lifetime, for PENDING and SLOW_DOWN the wait before the next step. */
typedef void (*ssokit_device_progress_fn)(void *user, ssokit_device_event event, long seconds);

typedef struct ssokit_device ssokit_device;

/* Asks the provider for a code (one request) and reports SSOKIT_DEVICE_CODE to `progress` (may be NULL). */
SSOKIT_EXTERN ssokit_code ssokit_device_start(ssokit_client *client, ssokit_device_progress_fn progress, void *user,
                                              ssokit_device **out, ssokit_error *err);
SSOKIT_EXTERN const char *ssokit_device_user_code(const ssokit_device *device);
SSOKIT_EXTERN const char *ssokit_device_verification_uri(const ssokit_device *device);
/* verification_uri_complete when the provider gave one, else verification_uri: the QR code's text. */
SSOKIT_EXTERN const char *ssokit_device_display_uri(const ssokit_device *device);
/* Milliseconds to wait before the next ssokit_device_step (0: step at once; -1: the sign-in ended). */
SSOKIT_EXTERN long ssokit_device_wait_ms(const ssokit_device *device);
/* One step: at most the requests that are due now, no waiting. *done_out = 1 with the session in
 * *session_json_out (stored, session_changed called) when signed in; 0 while pending (wait
 * ssokit_device_wait_ms, then step again). Errors end the sign-in (SSOKIT_E_ACCESS_DENIED,
 * SSOKIT_E_DEVICE_CODE_EXPIRED after SSOKIT_DEVICE_EXPIRED, ...), except SSOKIT_E_NETWORK_ERROR
 * and SSOKIT_E_TIMEOUT: step again after ssokit_device_wait_ms to retry the same request. A step
 * before the wait is over sends nothing (SSOKIT_OK, *done_out = 0). To cancel, stop stepping and
 * free it. After an error that ended the sign-in, further steps do nothing. */
SSOKIT_EXTERN ssokit_code ssokit_device_step(ssokit_device *device, int *done_out, char **session_json_out,
                                             ssokit_error *err);
SSOKIT_EXTERN void ssokit_device_free(ssokit_device *device); /* NULL is fine; the client must outlive it */

/* ---- The session ---- */

/* The stored session as JSON, or *session_json_out = NULL when nobody is signed in (SSOKIT_OK). */
SSOKIT_EXTERN ssokit_code ssokit_session(ssokit_client *client, char **session_json_out, ssokit_error *err);
/* A usable access token, refreshed when close to expiry (SSOKIT_E_LOGIN_REQUIRED when it cannot be). */
SSOKIT_EXTERN ssokit_code ssokit_access_token(ssokit_client *client, char **token_out, ssokit_error *err);
/* Refreshes now; the rotated refresh token is stored before this returns. */
SSOKIT_EXTERN ssokit_code ssokit_refresh(ssokit_client *client, char **session_json_out, ssokit_error *err);
/* Ends the session: forgets it (and its DPoP key) first, always, then revokes its refresh token (or access
 * token) at the provider (RFC 7009); the same meaning as ssokit revoke, SsoClient::revoke and sso.revoke(). */
SSOKIT_EXTERN ssokit_code ssokit_revoke(ssokit_client *client, ssokit_error *err);
/* Forgets the session locally; *logout_url_out (may be NULL) receives the provider's logout URL. */
SSOKIT_EXTERN ssokit_code ssokit_sign_out(ssokit_client *client, const char *post_logout_redirect_uri,
                                          char **logout_url_out, ssokit_error *err);

/* ---- Requests to the app's own API with the session ----
 * ssokit_authorized_request sends `request` (method, url, headers, body; request->size =
 * sizeof(ssokit_http_request)) with the session's access token, refreshed first when close to
 * expiry as ssokit_access_token does: for a DPoP-bound session (config "dpop") as
 * "Authorization: DPoP <token>" plus a fresh "DPoP" proof for this method and URL, else as
 * "Authorization: Bearer <token>" (an Authorization header in `request` is replaced). When the
 * server answers 401 with WWW-Authenticate: DPoP error="use_dpop_nonce" and a DPoP-Nonce, the
 * request is sent once more with that nonce (never twice; servers' nonces are remembered for the
 * next requests). It goes through the client's transport (the send callback or libcurl) and is not
 * redirected. Any HTTP status is a response: *response_out (free with ssokit_response_free).
 * Errors: SSOKIT_E_LOGIN_REQUIRED (nobody signed in, refresh refused, the session's DPoP key is
 * missing), SSOKIT_E_REFRESH_FAILED, SSOKIT_E_INVALID_URL, SSOKIT_E_NETWORK_ERROR, ... */
SSOKIT_EXTERN ssokit_code ssokit_authorized_request(ssokit_client *client, const ssokit_http_request *request,
                                                    ssokit_http_response **response_out, ssokit_error *err);
/* The response's HTTP status (0 for NULL). */
SSOKIT_EXTERN int ssokit_response_status(const ssokit_http_response *response);
/* The body (NUL-terminated; it may hold NUL bytes: *length_out, may be NULL, is its length). */
SSOKIT_EXTERN const char *ssokit_response_body(const ssokit_http_response *response, size_t *length_out);
/* The first header of that name (case-insensitive), or NULL. */
SSOKIT_EXTERN const char *ssokit_response_header(const ssokit_http_response *response, const char *name);
SSOKIT_EXTERN size_t ssokit_response_header_count(const ssokit_http_response *response);
/* Header `index` (0 .. count-1); SSOKIT_E_INVALID_ARGUMENT past the end. */
SSOKIT_EXTERN ssokit_code ssokit_response_header_at(const ssokit_http_response *response, size_t index,
                                                    const char **name_out, const char **value_out);
/* Releases a response of ssokit_authorized_request (NULL is fine). The strings read from it stay
 * valid until then. Not for the response a transport callback fills in. */
SSOKIT_EXTERN void ssokit_response_free(ssokit_http_response *response);

/* ---- The JSON call interface: the video platforms and every low-level step ----
 * The methods are those of the web package's core, documented per platform (docs/platforms/ in
 * the source tree): params and results are JSON texts. Secrets go in params_json. A build with
 * SSOKIT_WITH_PLATFORMS=OFF answers SSOKIT_E_UNSUPPORTED. */

/* One call, no network: e.g. "muvi.autologin_url", "twentythree.sign". */
SSOKIT_EXTERN ssokit_code ssokit_call(const char *method, const char *params_json, char **result_json_out,
                                      ssokit_error *err);

/* A multi-request operation (e.g. "streamone.login"): start_method(params) returns a step
 * {"state", "request"?, "result"?}; while a request is pending it is sent with `callbacks->send`
 * (callbacks NULL or send NULL: the built-in libcurl transport) and step_method({"state",
 * "response", "now"}) gives the next step (a verify effect: step_method({"state", "verified", "now"}));
 * a step's wait_seconds is waited, and `callbacks->cancel` stops it (SSOKIT_E_CANCELLED).
 * *result_json_out is the final result. The operation's own request budget (in its state) bounds it. */
SSOKIT_EXTERN ssokit_code ssokit_run(const char *start_method, const char *step_method, const char *params_json,
                                     const ssokit_callbacks *callbacks, char **result_json_out, ssokit_error *err);

/* ---- QR codes (for the device sign-in's display URI) ---- */

typedef struct ssokit_qr_options {
  size_t size;       /* sizeof(ssokit_qr_options) */
  int module_px;     /* pixels per module for "png" and "svg" (1 to 64; 0: 8) */
  int quiet_zone;    /* light modules around the code (0 to 16; -1: 4 for png/svg, 2 for terminal) */
} ssokit_qr_options;
#define SSOKIT_QR_OPTIONS_INIT {sizeof(ssokit_qr_options), 0, -1}

/* The QR code of `text` (byte mode, error correction M) as a module matrix: *modules_out gets
 * side*side bytes, row by row, 1 = dark (free with ssokit_free), without a quiet zone.
 * SSOKIT_E_UNSUPPORTED in a build without libqrencode. */
SSOKIT_EXTERN ssokit_code ssokit_qr_matrix(const char *text, unsigned char **modules_out, int *side_out,
                                           ssokit_error *err);
/* The QR code drawn: format "png" (8-bit grayscale PNG: *length_out bytes), "svg" (a standalone SVG
 * document) or "terminal" (half-block characters, a text). options may be NULL. */
SSOKIT_EXTERN ssokit_code ssokit_qr(const char *text, const char *format, const ssokit_qr_options *options,
                                    char **out, size_t *length_out, ssokit_error *err);

/* ---- Utilities ---- */

/* Reads one value out of a JSON text (e.g. a session) by JSON Pointer (RFC 6901), such as
 * "/profile/email"; strings as they are, numbers and booleans as text. SSOKIT_E_INVALID_ARGUMENT
 * when the JSON is malformed or the pointer names nothing. */
SSOKIT_EXTERN ssokit_code ssokit_json_get(const char *json, const char *pointer, char **out, ssokit_error *err);

/* `text` (a user code, a URL, an error message: anything a provider or platform wrote) made safe
 * to print on a terminal: control characters, bytes that are not UTF-8 and bidi controls become
 * visible escapes ("\x1b", "\u{202e}"), a backslash "\\". Print provider text only through it. */
SSOKIT_EXTERN ssokit_code ssokit_printable(const char *text, char **out, ssokit_error *err);

/* Call first thing in main(): turns core dumps off for this process (prctl PR_SET_DUMPABLE 0 and
 * RLIMIT_CORE 0), so a crash cannot leave the client secret, a PKCE verifier or tokens in a core
 * file. Does nothing when the environment has SSOKIT_ALLOW_CORE_DUMPS=1 (for debugging).
 * "internal_error" when the system refuses. */
SSOKIT_EXTERN ssokit_code ssokit_harden_process(ssokit_error *err);

/* Releases what this library returned (NULL is fine). */
SSOKIT_EXTERN void ssokit_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* SSOKIT_SSOKIT_H */
