/* A set-top player's sign-in, written in C against the ssokit C API (bindings/c/ssokit.h).
 *
 *   settop --issuer URL --client-id ID --store FILE [--refresh] [--sign-out]
 *
 * First start: no session in the store, so it runs the device sign-in (RFC 8628): shows the code,
 * the address and a QR code on the screen (here: the terminal), waits, saves the session. Next
 * start: signed in without prompting, with an access token that is refreshed when due.
 * --refresh forces a refresh; --sign-out revokes the refresh token and forgets the session.
 * The store is encrypted (AES-256-GCM) when SSOKIT_STORE_KEY holds 64 hex digits.
 * Output: human lines on stdout, and a last line "status: <word>" for scripts. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssokit.h"

static volatile int cancelled = 0;

static void on_interrupt(int sig) {
  (void)sig;
  cancelled = 1;
}

/* "<label>: <text>" with what a provider or platform wrote made safe for the terminal. */
static void print_text(const char *label, const char *text) {
  char *shown = NULL;
  ssokit_error err;
  if (text != NULL && ssokit_printable(text, &shown, &err) == SSOKIT_OK) {
    printf("%s: %s\n", label, shown);
  } else {
    printf("%s: -\n", label);
  }
  ssokit_free(shown);
}

static void show_code(void *user, const char *user_code, const char *verification_uri,
                      const char *verification_uri_complete, long expires_in) {
  char *qr = NULL;
  ssokit_error err;
  (void)user;
  printf("To watch, sign in on your phone or computer.\n");
  /* The provider wrote these: printed only through ssokit_printable (no control characters). */
  print_text("Code", user_code);
  print_text("Visit", verification_uri_complete ? verification_uri_complete : verification_uri);
  printf("(the code expires in %ld minutes)\n", expires_in / 60);
  if (ssokit_qr(verification_uri_complete ? verification_uri_complete : verification_uri, "terminal", &qr, &err) == SSOKIT_OK) {
    printf("%s", qr);
    ssokit_free(qr);
  }
  fflush(stdout);
}

/* Prints "<what>" from the session JSON, or a dash. */
static void print_field(const char *session_json, const char *label, const char *pointer) {
  char *value = NULL;
  ssokit_error err;
  if (ssokit_json_get(session_json, pointer, &value, &err) == SSOKIT_OK && value[0] != '\0' &&
      strcmp(value, "null") != 0) {  /* a field the provider did not send is null */
    print_text(label, value);
  } else {
    printf("%s: -\n", label);
  }
  ssokit_free(value);
}

static int failed(const char *what, const ssokit_error *err) {
  char *message = NULL;
  ssokit_error ignored;
  if (ssokit_printable(err->message, &message, &ignored) != SSOKIT_OK) message = NULL;
  fprintf(stderr, "settop: %s failed: %s: %s\n", what, err->code, message ? message : "(unprintable)");
  ssokit_free(message);
  printf("status: error %s\n", err->code);
  return 1;
}

static const char *arg(int argc, char **argv, const char *name) {
  for (int i = 1; i + 1 < argc; i++) {
    if (strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return NULL;
}

static int flag(int argc, char **argv, const char *name) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], name) == 0) return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *issuer = arg(argc, argv, "--issuer");
  const char *client_id = arg(argc, argv, "--client-id");
  const char *store = arg(argc, argv, "--store");
  const char *key = getenv("SSOKIT_STORE_KEY");
  char config[2048];
  ssokit_client *client = NULL;
  ssokit_error err;
  char *session = NULL;
  char *token = NULL;
  int rc = 0;

  /* Before any secret exists in this process: a crash leaves no core file with tokens in it
   * (SSOKIT_ALLOW_CORE_DUMPS=1 keeps core dumps for debugging). */
  if (ssokit_harden_process(&err) != SSOKIT_OK) return failed("harden", &err);
  if (!issuer || !client_id || !store) {
    fprintf(stderr, "usage: settop --issuer URL --client-id ID --store FILE [--refresh] [--sign-out]\n");
    return 2;
  }
  /* The values come from the command line of a test setup; a real player has them built in. */
  if (snprintf(config, sizeof config,
               "{\"issuer\":\"%s\",\"client_id\":\"%s\",\"scope\":\"openid profile email groups membership offline_access\","
               "\"store_path\":\"%s\"%s%s%s}",
               issuer, client_id, store, key ? ",\"store_key_hex\":\"" : "", key ? key : "", key ? "\"" : "") >= (int)sizeof config) {
    fprintf(stderr, "settop: arguments too long\n");
    return 2;
  }
  signal(SIGINT, on_interrupt);
  if (ssokit_client_new(config, NULL, &client, &err) != SSOKIT_OK) return failed("start", &err);

  if (ssokit_session(client, &session, &err) != SSOKIT_OK) {
    rc = failed("reading the session", &err);
    goto done;
  }
  if (flag(argc, argv, "--sign-out")) {
    if (session && ssokit_revoke(client, &err) != SSOKIT_OK) fprintf(stderr, "settop: revoke: %s\n", err.code);
    if (ssokit_sign_out(client, NULL, NULL, &err) != SSOKIT_OK) {
      rc = failed("signing out", &err);
      goto done;
    }
    printf("Signed out.\nstatus: signed-out\n");
    goto done;
  }
  if (!session) {
    if (ssokit_device_sign_in(client, show_code, NULL, &cancelled, &session, &err) != SSOKIT_OK) {
      rc = failed("device sign-in", &err);
      goto done;
    }
    printf("Signed in.\n");
  } else {
    printf("Welcome back.\n");
  }
  if (flag(argc, argv, "--refresh")) {
    ssokit_free(session);
    session = NULL;
    if (ssokit_refresh(client, &session, &err) != SSOKIT_OK) {
      rc = failed("refresh", &err);
      goto done;
    }
    printf("Session refreshed.\n");
  }
  if (ssokit_access_token(client, &token, &err) != SSOKIT_OK) {
    rc = failed("getting an access token", &err);
    goto done;
  }
  print_field(session, "Viewer", "/profile/firstName");
  print_field(session, "E-mail", "/profile/email");
  print_field(session, "Membership", "/profile/membershipStatus");
  print_field(session, "Groups", "/profile/groups");
  printf("Access token: %zu characters (not shown)\n", strlen(token));
  printf("status: signed-in\n");

done:
  ssokit_free(token);
  ssokit_free(session);
  ssokit_client_free(client);
  return rc;
}
