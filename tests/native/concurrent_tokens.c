/* Several threads of one C client at once, the session in memory: after a device sign-in, four
 * threads ask for access tokens while one refreshes, repeatedly. Run under helgrind by
 * tests/idp/helgrind-c.test.mjs (the C API documents ssokit_access_token as safe to call
 * concurrently). Prints "Visit: <url>" for the test to approve, then "tokens ok".
 *
 *   ssokit_concurrent_tokens --issuer URL --client-id ID */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "ssokit.h"

enum { kReaders = 4, kRounds = 3 };

static ssokit_client *client;
static int failures;
static pthread_mutex_t failures_mutex = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char *what, const ssokit_error *err) {
  pthread_mutex_lock(&failures_mutex);
  ++failures;
  fprintf(stderr, "%s: %s: %s\n", what, err->code, err->message);
  pthread_mutex_unlock(&failures_mutex);
}

static void show(void *user, const char *code, const char *uri, const char *complete, long expires_in) {
  (void)user;
  (void)code;
  (void)expires_in;
  printf("Visit: %s\n", complete ? complete : uri);
  fflush(stdout);
}

static void *reader(void *arg) {
  (void)arg;
  for (int i = 0; i < kRounds; i++) {
    char *token = NULL;
    ssokit_error err;
    if (ssokit_access_token(client, &token, &err) != SSOKIT_OK) fail("access token", &err);
    ssokit_free(token);
  }
  return NULL;
}

static void *refresher(void *arg) {
  (void)arg;
  for (int i = 0; i < kRounds; i++) {
    char *session = NULL;
    ssokit_error err;
    if (ssokit_refresh(client, &session, &err) != SSOKIT_OK) fail("refresh", &err);
    ssokit_free(session);
  }
  return NULL;
}

static const char *arg(int argc, char **argv, const char *name) {
  for (int i = 1; i + 1 < argc; i++) {
    if (strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return NULL;
}

int main(int argc, char **argv) {
  const char *issuer = arg(argc, argv, "--issuer");
  const char *client_id = arg(argc, argv, "--client-id");
  char config[1024];
  ssokit_error err;
  char *session = NULL;
  if (!issuer || !client_id) {
    fprintf(stderr, "usage: ssokit_concurrent_tokens --issuer URL --client-id ID\n");
    return 2;
  }
  if (snprintf(config, sizeof config, "{\"issuer\":\"%s\",\"client_id\":\"%s\",\"scope\":\"openid offline_access\"}", issuer,
               client_id) >= (int)sizeof config) {
    return 2;
  }
  if (ssokit_client_new(config, NULL, &client, &err) != SSOKIT_OK) {
    fprintf(stderr, "start: %s: %s\n", err.code, err.message);
    return 1;
  }
  if (ssokit_device_sign_in(client, show, NULL, NULL, &session, &err) != SSOKIT_OK) {
    fprintf(stderr, "device sign-in: %s: %s\n", err.code, err.message);
    ssokit_client_free(client);
    return 1;
  }
  ssokit_free(session);
  pthread_t threads[kReaders + 1];
  for (int i = 0; i < kReaders; i++) pthread_create(&threads[i], NULL, reader, NULL);
  pthread_create(&threads[kReaders], NULL, refresher, NULL);
  for (int i = 0; i <= kReaders; i++) pthread_join(threads[i], NULL);
  ssokit_client_free(client);
  if (failures) return 1;
  printf("tokens ok\n");
  return 0;
}
