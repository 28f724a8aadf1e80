/* A device sign-in through the C API with the config members given on the command line
 * ("fetch_userinfo", "trusted_audiences", ...), for tests/idp/userinfo.test.mjs: prints the
 * session's user-info and profile, or the error's name, message and details. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ssokit/ssokit.h>

static void show(void *user, const char *user_code, const char *uri, const char *uri_complete, long expires_in) {
  (void)user;
  (void)expires_in;
  printf("Code: %s\nVisit: %s\n", user_code, uri_complete ? uri_complete : uri);
  fflush(stdout);
}

int main(int argc, char **argv) {
  char config[2048];
  ssokit_client *client = NULL;
  ssokit_error *err = ssokit_error_new();
  char *session = NULL, *userinfo = NULL, *profile = NULL;
  int rc = 1;
  if (argc != 4) {
    fprintf(stderr, "usage: capi_signin ISSUER CLIENT_ID EXTRA_CONFIG_MEMBERS (e.g. '\"fetch_userinfo\":false')\n");
    return 2;
  }
  snprintf(config, sizeof config, "{\"issuer\":\"%s\",\"client_id\":\"%s\",\"scope\":\"openid profile email\"%s%s}",
           argv[1], argv[2], argv[3][0] ? "," : "", argv[3]);
  if (ssokit_client_new(config, NULL, &client, err) != SSOKIT_OK ||
      ssokit_device_sign_in(client, show, NULL, &session, err) != SSOKIT_OK) {
    printf("error: %s\nmessage: %s\ndetails: %s\nstatus: error\n", ssokit_error_name(err), ssokit_error_message(err),
           ssokit_error_details(err));
    goto done;
  }
  /* user-info's sub is there only when user-info was fetched; the profile's userId always */
  if (ssokit_json_get(session, "/userinfo/sub", &userinfo, err) != SSOKIT_OK) userinfo = NULL;
  if (ssokit_json_get(session, "/profile/userId", &profile, err) != SSOKIT_OK) profile = NULL;
  printf("userinfo sub: %s\nprofile userId: %s\nstatus: ok\n", userinfo ? userinfo : "(none)", profile ? profile : "(none)");
  rc = 0;
done:
  ssokit_free(userinfo);
  ssokit_free(profile);
  ssokit_free(session);
  ssokit_client_free(client);
  ssokit_error_free(err);
  return rc;
}
