/* The C API 1.0 against a real provider, in C: the step-by-step device sign-in with progress and
 * session-change callbacks, storage callbacks (a list in memory), and a transport callback of our
 * own over libcurl that hands the response headers in. Run by tests/idp/capi.test.mjs, under
 * valgrind memcheck (steps, cancel) and helgrind (threads).
 *
 *   capi_device ISSUER CLIENT_ID steps    step sign-in, then token and session, then sign-out
 *   capi_device ISSUER CLIENT_ID cancel   blocking sign-in, cancelled by the cancel callback
 *   capi_device ISSUER CLIENT_ID threads  step sign-in, then 4 threads share the client
 *   capi_device ISSUER CLIENT_ID threads-memory
 *                                  the same with no storage callbacks (the session in the
 *                                  client's memory) while one of the threads refreshes
 *
 * Prints "Visit: URL" (the test confirms it as the viewer), one "event: ..." line per progress
 * callback, "session: signed-in|signed-out" per session change, and last "status: ok" or
 * "status: error NAME". */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ssokit/ssokit.h"

/* ---- storage callbacks: a small list ---- */
typedef struct entry {
  char *key;
  char *value;
  struct entry *next;
} entry;
typedef struct box {
  entry *head;
  int writes;
  pthread_mutex_t lock;
} box;

static entry **find(box *b, const char *key) {
  entry **e = &b->head;
  while (*e && strcmp((*e)->key, key) != 0) e = &(*e)->next;
  return e;
}
static ssokit_code box_read(void *user, const char *key, char **value_out, ssokit_error *err) {
  box *b = user;
  (void)err;
  pthread_mutex_lock(&b->lock);
  entry **e = find(b, key);
  *value_out = *e ? strdup((*e)->value) : NULL;
  pthread_mutex_unlock(&b->lock);
  return SSOKIT_OK;
}
static ssokit_code box_write(void *user, const char *key, const char *value, ssokit_error *err) {
  box *b = user;
  (void)err;
  pthread_mutex_lock(&b->lock);
  entry **e = find(b, key);
  if (!*e) {
    *e = calloc(1, sizeof **e);
    (*e)->key = strdup(key);
  } else {
    free((*e)->value);
  }
  (*e)->value = strdup(value);
  b->writes++;
  pthread_mutex_unlock(&b->lock);
  return SSOKIT_OK;
}
static ssokit_code box_remove(void *user, const char *key, ssokit_error *err) {
  box *b = user;
  (void)err;
  pthread_mutex_lock(&b->lock);
  entry **e = find(b, key);
  if (*e) {
    entry *gone = *e;
    *e = gone->next;
    free(gone->key);
    free(gone->value);
    free(gone);
  }
  pthread_mutex_unlock(&b->lock);
  return SSOKIT_OK;
}

/* ---- transport callback over libcurl ---- */
typedef struct buffer {
  char *data;
  size_t length;
} buffer;
typedef struct exchange {
  buffer body;
  ssokit_http_response *response;
} exchange;

static size_t on_body(char *data, size_t size, size_t n, void *user) {
  buffer *b = user;
  char *grown = realloc(b->data, b->length + size * n + 1);
  if (!grown) return 0;
  memcpy(grown + b->length, data, size * n);
  b->data = grown;
  b->length += size * n;
  return size * n;
}
static size_t on_header(char *line, size_t size, size_t n, void *user) {
  exchange *x = user;
  size_t len = size * n;
  char *colon = memchr(line, ':', len);
  if (colon) {
    char name[128], value[1024];
    size_t nl = (size_t)(colon - line), vl;
    const char *v = colon + 1;
    while (v < line + len && (*v == ' ' || *v == '\t')) v++;
    vl = (size_t)(line + len - v);
    while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n')) vl--;
    if (nl < sizeof name && vl < sizeof value) {
      memcpy(name, line, nl);
      name[nl] = '\0';
      memcpy(value, v, vl);
      value[vl] = '\0';
      ssokit_response_add_header(x->response, name, value);
    }
  }
  return len;
}

static int headers_seen = 0; /* responses that carried a Date header through the callback */

static ssokit_code send_with_curl(void *user, const ssokit_http_request *request, ssokit_http_response *response,
                                  ssokit_error *err) {
  CURL *curl = curl_easy_init();
  struct curl_slist *headers = NULL;
  exchange x = {{NULL, 0}, response};
  long status = 0;
  CURLcode rc;
  (void)user;
  if (!curl) return SSOKIT_E_NETWORK_ERROR;
  for (size_t i = 0; i < request->header_count; i++) {
    char line[2048];
    snprintf(line, sizeof line, "%s: %s", request->headers[i].name, request->headers[i].value);
    headers = curl_slist_append(headers, line);
  }
  curl_easy_setopt(curl, CURLOPT_URL, request->url);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (strcmp(request->method, "POST") == 0) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)request->body_length);
    curl_easy_setopt(curl, CURLOPT_COPYPOSTFIELDS, request->body);
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &x.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &x);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 15L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    ssokit_response_set_status(response, (int)status);
    ssokit_response_set_body(response, x.body.data ? x.body.data : "", x.body.length);
    headers_seen++;
  } else {
    ssokit_error_set(err, SSOKIT_E_NETWORK_ERROR, curl_easy_strerror(rc));
  }
  free(x.body.data);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return rc == CURLE_OK ? SSOKIT_OK : SSOKIT_E_NETWORK_ERROR;
}

/* ---- callbacks ---- */
static int changes = 0;
static void on_session(void *user, const char *session_json) {
  (void)user;
  changes++;
  printf("session: %s\n", session_json ? "signed-in" : "signed-out");
  fflush(stdout);
}

static const char *event_name(ssokit_device_event e) {
  switch (e) {
    case SSOKIT_DEVICE_CODE: return "code";
    case SSOKIT_DEVICE_PENDING: return "pending";
    case SSOKIT_DEVICE_SLOW_DOWN: return "slow_down";
    case SSOKIT_DEVICE_EXPIRED: return "expired";
    case SSOKIT_DEVICE_DONE: return "done";
  }
  return "?";
}
static void on_progress(void *user, ssokit_device_event event, long seconds) {
  (void)user;
  printf("event: %s %ld\n", event_name(event), seconds);
  fflush(stdout);
}

static int shown = 0;
static int cancel_after_code(void *user) {
  (void)user;
  return shown;
}
static void show(void *user, const char *user_code, const char *uri, const char *uri_complete, long expires_in) {
  (void)user;
  (void)expires_in;
  printf("Code: %s\nVisit: %s\n", user_code, uri_complete ? uri_complete : uri);
  fflush(stdout);
  shown = 1;
}

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

static int fail(const char *what, const ssokit_error *err) {
  printf("%s: %s: %s\nstatus: error %s\n", what, ssokit_error_name(err), ssokit_error_message(err), ssokit_error_name(err));
  return 1;
}

/* Step sign-in: the player's main loop. */
static int sign_in_by_steps(ssokit_client *client, ssokit_error *err) {
  ssokit_device *device = NULL;
  char *session = NULL;
  int done = 0, steps = 0;
  if (ssokit_device_start(client, on_progress, NULL, &device, err) != SSOKIT_OK) return fail("start", err);
  printf("Code: %s\nVisit: %s\n", ssokit_device_user_code(device), ssokit_device_display_uri(device));
  fflush(stdout);
  while (!done && steps++ < 200) {
    sleep_ms(ssokit_device_wait_ms(device));
    if (ssokit_device_step(device, &done, &session, err) != SSOKIT_OK) {
      ssokit_device_free(device);
      return fail("step", err);
    }
  }
  ssokit_device_free(device);
  if (!done) {
    printf("status: error not-done\n");
    return 1;
  }
  ssokit_free(session);
  return 0;
}

typedef struct worker {
  ssokit_client *client;
  int refresher; /* this thread also refreshes, so readers meet the session while it is replaced */
  int refreshes;
  int failures;
} worker;

static void *use_client(void *arg) {
  worker *w = arg;
  ssokit_error *err = ssokit_error_new();
  for (int i = 0; i < 20; i++) {
    char *out = NULL;
    if (w->refresher && i % 5 == 0) {
      if (ssokit_refresh(w->client, &out, err) == SSOKIT_OK && out) w->refreshes++;
      else w->failures++;
      ssokit_free(out);
      out = NULL;
    }
    if (ssokit_access_token(w->client, &out, err) != SSOKIT_OK || !out) w->failures++;
    ssokit_free(out);
    out = NULL;
    if (ssokit_session(w->client, &out, err) != SSOKIT_OK || !out) w->failures++;
    ssokit_free(out);
  }
  ssokit_error_free(err);
  return NULL;
}

int main(int argc, char **argv) {
  char *config = NULL;
  size_t config_size;
  box store = {NULL, 0, PTHREAD_MUTEX_INITIALIZER};
  ssokit_callbacks cb = SSOKIT_CALLBACKS_INIT;
  ssokit_client *client = NULL;
  ssokit_error *err;
  int rc = 0;
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: capi_device ISSUER CLIENT_ID steps|cancel|threads|threads-memory [EXTRA_CONFIG_MEMBERS]\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  err = ssokit_error_new();
  /* EXTRA_CONFIG_MEMBERS: more config members as JSON text without the braces (client authentication:
   * "auth_method", "private_key", ...). */
  config_size = strlen(argv[1]) + strlen(argv[2]) + (argc == 5 ? strlen(argv[4]) : 0) + 128;
  config = malloc(config_size);
  if (!config) return 2;
  snprintf(config, config_size, "{\"issuer\":\"%s\",\"client_id\":\"%s\",\"scope\":\"openid profile email offline_access\"%s%s}",
           argv[1], argv[2], argc == 5 ? "," : "", argc == 5 ? argv[4] : "");
  cb.user = &store;
  cb.send = send_with_curl;
  if (strcmp(argv[3], "threads-memory") != 0) {
    cb.store_read = box_read;
    cb.store_write = box_write;
    cb.store_remove = box_remove;
  }
  cb.session_changed = on_session;
  if (strcmp(argv[3], "cancel") == 0) cb.cancel = cancel_after_code;
  if (ssokit_client_new(config, &cb, &client, err) != SSOKIT_OK) {
    rc = fail("client", err);
    goto done;
  }
  if (strcmp(argv[3], "cancel") == 0) {
    char *session = NULL;
    ssokit_code c = ssokit_device_sign_in(client, show, NULL, &session, err);
    ssokit_free(session);
    if (c != SSOKIT_E_CANCELLED) {
      rc = fail("cancel", err);
      goto done;
    }
    printf("cancelled: %s\n", ssokit_strerror(c));
  } else {
    char *token = NULL, *session = NULL, *sub = NULL;
    if ((rc = sign_in_by_steps(client, err)) != 0) goto done;
    if (ssokit_access_token(client, &token, err) != SSOKIT_OK) {
      rc = fail("token", err);
      goto done;
    }
    printf("token: %zu characters\n", strlen(token));
    ssokit_free(token);
    if (ssokit_session(client, &session, err) != SSOKIT_OK || !session ||
        ssokit_json_get(session, "/claims/sub", &sub, err) != SSOKIT_OK) {
      ssokit_free(session);
      rc = fail("session", err);
      goto done;
    }
    printf("subject: %s\nstored writes: %d\nresponses with headers: %d\n", sub, store.writes, headers_seen);
    ssokit_free(sub);
    ssokit_free(session);
    if (strcmp(argv[3], "threads") == 0 || strcmp(argv[3], "threads-memory") == 0) {
      pthread_t threads[4];
      worker workers[4];
      int failures = 0, refreshes = 0;
      for (int i = 0; i < 4; i++) {
        workers[i].client = client;
        workers[i].refresher = strcmp(argv[3], "threads-memory") == 0 && i == 0;
        workers[i].refreshes = 0;
        workers[i].failures = 0;
        pthread_create(&threads[i], NULL, use_client, &workers[i]);
      }
      for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        failures += workers[i].failures;
        refreshes += workers[i].refreshes;
      }
      printf("thread failures: %d\nrefreshes: %d\n", failures, refreshes);
      if (failures) {
        printf("status: error threads\n");
        rc = 1;
        goto done;
      }
    }
    if (ssokit_sign_out(client, NULL, NULL, err) != SSOKIT_OK) {
      rc = fail("sign-out", err);
      goto done;
    }
  }
  printf("session changes: %d\nstatus: ok\n", changes);
done:
  ssokit_client_free(client);
  ssokit_error_free(err);
  while (store.head) box_remove(&store, store.head->key, NULL);
  curl_global_cleanup();
  free(config);
  return rc;
}
