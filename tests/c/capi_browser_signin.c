/* The browser sign-in and the failure report the C API programs share (capi_browser_signin.h). */
#include "capi_browser_signin.h"

#include <stdio.h>
#include <string.h>

int capi_browser_signin(ssokit_client *client, char **session, ssokit_error *err) {
  char *url = NULL;
  char line[8192];
  if (ssokit_login_url(client, &url, err) != SSOKIT_OK) return 1;
  printf("Open: %s\n", url);
  fflush(stdout);
  ssokit_free(url);
  if (fgets(line, sizeof line, stdin) == NULL) return -1;
  line[strcspn(line, "\r\n")] = '\0';
  return ssokit_handle_callback(client, line, session, err) == SSOKIT_OK ? 0 : 1;
}

int capi_fail(ssokit_client *client, ssokit_error *err) {
  printf("error: %s\n", ssokit_error_name(err));
  fflush(stdout);
  fprintf(stderr, "%s\n", ssokit_error_message(err));
  ssokit_error_free(err);
  ssokit_client_free(client);
  return 1;
}
