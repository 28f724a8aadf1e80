/* DPoP through the C API (tests/idp/dpop-native.test.mjs plays the browser):
 *   ssokit_capi_dpop CONFIG_JSON API_URL COUNT
 * prints "Open: URL" (ssokit_login_url), reads the callback URL from stdin, completes the sign-in
 * (ssokit_handle_callback), prints "token_type: T", then calls API_URL COUNT times with
 * ssokit_authorized_request (a POST with a body, then GETs), printing "status: N" for each and
 * "body: ..." for the first; then refreshes (ssokit_refresh) and calls once more ("after refresh:
 * N"). On failure "error: NAME" and exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi_browser_signin.h"
#include "ssokit/ssokit.h"

/* One request to the API; prints its status (and the body when asked). */
static int call(ssokit_client *client, const char *url, int post, const char *label, int show_body, ssokit_error *err) {
  static const char body[] = "{\"hello\":\"api\"}";
  ssokit_http_header headers[1];
  ssokit_http_request request;
  ssokit_http_response *response = NULL;
  size_t length = 0;
  const char *text;
  headers[0].name = "Content-Type";
  headers[0].value = "application/json";
  memset(&request, 0, sizeof request);
  request.size = sizeof request;
  request.method = post ? "POST" : "GET";
  request.url = url;
  request.headers = post ? headers : NULL;
  request.header_count = post ? 1 : 0;
  request.body = post ? body : NULL;
  request.body_length = post ? strlen(body) : 0;
  request.idempotent = !post;
  if (ssokit_authorized_request(client, &request, &response, err) != SSOKIT_OK) return 0;
  printf("%s: %d\n", label, ssokit_response_status(response));
  text = ssokit_response_body(response, &length);
  if (show_body) printf("body: %.*s\n", (int)length, text);
  printf("content-type: %s\n", ssokit_response_header(response, "content-type") ? "present" : "absent");
  ssokit_response_free(response);
  return 1;
}

int main(int argc, char **argv) {
  ssokit_client *client = NULL;
  ssokit_error *err = ssokit_error_new();
  char *session = NULL;
  char *token_type = NULL;
  int count;
  int i;
  if (argc != 4 || err == NULL) {
    fprintf(stderr, "usage: ssokit_capi_dpop CONFIG_JSON API_URL COUNT\n");
    return 2;
  }
  count = atoi(argv[3]);
  if (ssokit_client_new(argv[1], NULL, &client, err) != SSOKIT_OK) return capi_fail(client, err);
  if (capi_browser_signin(client, &session, err) != 0) return capi_fail(client, err);
  if (ssokit_json_get(session, "/tokens/token_type", &token_type, err) != SSOKIT_OK) {
    ssokit_free(session);
    return capi_fail(client, err);
  }
  printf("token_type: %s\n", token_type);
  ssokit_free(token_type);
  ssokit_free(session);
  session = NULL;
  for (i = 0; i < count; ++i) {
    if (!call(client, argv[2], i == 0, "status", i == 0, err)) return capi_fail(client, err);
  }
  if (ssokit_refresh(client, &session, err) != SSOKIT_OK) return capi_fail(client, err);
  ssokit_free(session);
  if (!call(client, argv[2], 0, "after refresh", 0, err)) return capi_fail(client, err);
  ssokit_client_free(client);
  ssokit_error_free(err);
  printf("status: done\n");
  return 0;
}
