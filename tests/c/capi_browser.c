/* Browser sign-in through the C API (tests/idp/par.test.mjs plays the browser):
 *   ssokit_capi_browser CONFIG_JSON
 * prints "Open: URL" (ssokit_login_url), reads the callback URL from stdin, completes the sign-in
 * (ssokit_handle_callback) and prints "subject: SUB"; on failure "error: NAME" and exit 1. */
#include <stdio.h>
#include <string.h>

#include "ssokit/ssokit.h"

static int fail(ssokit_error *err) {
  printf("error: %s\n", ssokit_error_name(err));
  fflush(stdout);
  fprintf(stderr, "%s\n", ssokit_error_message(err));
  ssokit_error_free(err);
  return 1;
}

int main(int argc, char **argv) {
  ssokit_client *client = NULL;
  ssokit_error *err = ssokit_error_new();
  char *url = NULL;
  char *session = NULL;
  char *subject = NULL;
  char line[8192];
  int status;
  if (argc != 2 || err == NULL) {
    fprintf(stderr, "usage: ssokit_capi_browser CONFIG_JSON\n");
    return 2;
  }
  if (ssokit_client_new(argv[1], NULL, &client, err) != SSOKIT_OK) return fail(err);
  if (ssokit_login_url(client, &url, err) != SSOKIT_OK) {
    ssokit_client_free(client);
    return fail(err);
  }
  printf("Open: %s\n", url);
  fflush(stdout);
  ssokit_free(url);
  if (fgets(line, sizeof line, stdin) == NULL) {
    ssokit_client_free(client);
    ssokit_error_free(err);
    return 1;
  }
  line[strcspn(line, "\r\n")] = '\0';
  status = ssokit_handle_callback(client, line, &session, err) == SSOKIT_OK &&
                   ssokit_json_get(session, "/claims/sub", &subject, err) == SSOKIT_OK
               ? 0
               : 1;
  ssokit_client_free(client);
  if (status != 0) return fail(err);
  printf("subject: %s\n", subject);
  ssokit_free(subject);
  ssokit_free(session);
  ssokit_error_free(err);
  return 0;
}
