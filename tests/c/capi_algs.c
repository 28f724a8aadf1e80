/* A browser sign-in and a refresh through the C API, for tests/idp/algorithms.test.mjs: the ID
 * token's signing algorithm is the provider's choice, the accepted ones the config's
 * "allowed_algs". Prints "Open: URL", reads the URL the browser came back to from stdin, then
 * prints "session: JSON" and "refreshed: JSON". Any error: "error: STEP CODE_NAME: MESSAGE", exit 1.
 *
 *   capi_algs CONFIG_JSON
 */
#include <stdio.h>
#include <string.h>

#include "ssokit/ssokit.h"

static int fail(const char *step, const ssokit_error *err) {
  printf("error: %s %s: %s\n", step, ssokit_error_name(err), ssokit_error_message(err));
  return 1;
}

int main(int argc, char **argv) {
  ssokit_client *client = NULL;
  ssokit_error *err = ssokit_error_new();
  char *url = NULL, *session = NULL, *refreshed = NULL;
  char callback[8192];
  int rc = 0;
  if (argc != 2 || err == NULL) {
    fprintf(stderr, "usage: capi_algs CONFIG_JSON\n");
    ssokit_error_free(err);
    return 2;
  }
  if (ssokit_client_new(argv[1], NULL, &client, err) != SSOKIT_OK) {
    rc = fail("client", err);
    goto done;
  }
  if (ssokit_login_url(client, &url, err) != SSOKIT_OK) {
    rc = fail("login_url", err);
    goto done;
  }
  printf("Open: %s\n", url);
  fflush(stdout);
  if (fgets(callback, sizeof callback, stdin) == NULL) {
    printf("error: stdin no callback URL\n");
    rc = 1;
    goto done;
  }
  callback[strcspn(callback, "\r\n")] = '\0';
  if (ssokit_handle_callback(client, callback, &session, err) != SSOKIT_OK) {
    rc = fail("callback", err);
    goto done;
  }
  printf("session: %s\n", session);
  if (ssokit_refresh(client, &refreshed, err) != SSOKIT_OK) {
    rc = fail("refresh", err);
    goto done;
  }
  printf("refreshed: %s\n", refreshed);
done:
  ssokit_free(url);
  ssokit_free(session);
  ssokit_free(refreshed);
  ssokit_client_free(client);
  ssokit_error_free(err);
  return rc;
}
