/* Browser sign-in through the C API (tests/idp/par.test.mjs plays the browser):
 *   ssokit_capi_browser CONFIG_JSON
 * prints "Open: URL" (ssokit_login_url), reads the callback URL from stdin, completes the sign-in
 * (ssokit_handle_callback) and prints "subject: SUB"; on failure "error: NAME" and exit 1. */
#include <stdio.h>

#include "capi_browser_signin.h"
#include "ssokit/ssokit.h"

int main(int argc, char **argv) {
  ssokit_client *client = NULL;
  ssokit_error *err = ssokit_error_new();
  char *session = NULL;
  char *subject = NULL;
  int status;
  if (argc != 2 || err == NULL) {
    fprintf(stderr, "usage: ssokit_capi_browser CONFIG_JSON\n");
    return 2;
  }
  if (ssokit_client_new(argv[1], NULL, &client, err) != SSOKIT_OK) return capi_fail(NULL, err);
  status = capi_browser_signin(client, &session, err);
  if (status < 0) {
    ssokit_client_free(client);
    ssokit_error_free(err);
    return 1;
  }
  if (status == 0 && ssokit_json_get(session, "/claims/sub", &subject, err) != SSOKIT_OK) status = 1;
  if (status != 0) return capi_fail(client, err);
  ssokit_client_free(client);
  printf("subject: %s\n", subject);
  ssokit_free(subject);
  ssokit_free(session);
  ssokit_error_free(err);
  return 0;
}
