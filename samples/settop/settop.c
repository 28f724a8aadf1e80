/* A set-top player's sign-in, written in C against the ssokit C API (bindings/c/ssokit.h).
 *
 *   settop --issuer URL --client-id ID --store FILE [--refresh] [--sign-out]
 *
 * First start: no session in the store, so it runs the device sign-in (RFC 8628): shows the code,
 * the address and a QR code on the screen (here: the terminal), waits, saves the session. Next
 * start: signed in without prompting, with an access token that is refreshed when due.
 * --refresh forces a refresh; --sign-out revokes the refresh token and forgets the session.
 * The store is encrypted (AES-256-GCM) with the key SSOKIT_STORE_KEY (64 hex digits); without
 * it the sample asks for a plaintext file explicitly and says so (development only).
 * Output: human lines on stdout, and a last line "status: <word>" for scripts. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssokit/ssokit.h"

static volatile sig_atomic_t cancelled = 0;

static void on_interrupt(int sig) {
  (void)sig;
  cancelled = 1;
}

/* "<label>: <text>" with what a provider or platform wrote made safe for the terminal. */
static void print_text(const char *label, const char *text) {
  char *shown = NULL;
  if (text != NULL && ssokit_printable(text, &shown, NULL) == SSOKIT_OK) {
    printf("%s: %s\n", label, shown);
  } else {
    printf("%s: -\n", label);
  }
  ssokit_free(shown);
}

/* The cancel callback: polled by the library while the device sign-in waits. */
static int is_cancelled(void *user) {
  (void)user;
  return cancelled != 0;
}

static void show_code(void *user, const char *user_code, const char *verification_uri,
                      const char *verification_uri_complete, long expires_in) {
  char *qr = NULL;
  (void)user;
  printf("To watch, sign in on your phone or computer.\n");
  /* The provider wrote these: printed only through ssokit_printable (no control characters). */
  print_text("Code", user_code);
  print_text("Visit", verification_uri_complete ? verification_uri_complete : verification_uri);
  printf("(the code expires in %ld minutes)\n", expires_in / 60);
  if (ssokit_qr(verification_uri_complete ? verification_uri_complete : verification_uri, "terminal", NULL, &qr, NULL,
                NULL) == SSOKIT_OK) {
    printf("%s", qr);
    ssokit_free(qr);
  }
  fflush(stdout);
}

/* Prints "<what>" from the session JSON, or a dash. */
static void print_field(const char *session_json, const char *label, const char *pointer) {
  char *value = NULL;
  if (ssokit_json_get(session_json, pointer, &value, NULL) == SSOKIT_OK && value[0] != '\0' &&
      strcmp(value, "null") != 0) {  /* a field the provider did not send is null */
    print_text(label, value);
  } else {
    printf("%s: -\n", label);
  }
  ssokit_free(value);
}

static int failed(const char *what, const ssokit_error *err) {
  char *message = NULL;
  if (ssokit_printable(ssokit_error_message(err), &message, NULL) != SSOKIT_OK) message = NULL;
  fprintf(stderr, "settop: %s failed: %s: %s\n", what, ssokit_error_name(err), message ? message : "(unprintable)");
  ssokit_free(message);
  printf("status: error %s\n", ssokit_error_name(err));
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
  ssokit_callbacks callbacks = SSOKIT_CALLBACKS_INIT;
  ssokit_error *err = NULL;
  char *session = NULL;
  char *token = NULL;
  int rc = 0;

  /* Before any secret exists in this process: a crash leaves no core file with tokens in it
   * (SSOKIT_ALLOW_CORE_DUMPS=1 keeps core dumps for debugging). */
  if (ssokit_harden_process(NULL) != SSOKIT_OK) {
    fprintf(stderr, "settop: could not turn core dumps off\n");
    return 1;
  }
  if (!issuer || !client_id || !store) {
    fprintf(stderr, "usage: settop --issuer URL --client-id ID --store FILE [--refresh] [--sign-out]\n");
    return 2;
  }
  /* The values come from the command line of a test setup; a real player has them built in. */
  if (snprintf(config, sizeof config,
               "{\"issuer\":\"%s\",\"client_id\":\"%s\",\"scope\":\"openid profile email groups membership offline_access\","
               "\"store_path\":\"%s\"%s%s%s}",
               issuer, client_id, store, key ? ",\"store_key_hex\":\"" : ",\"store_plaintext\":true",
               key ? key : "", key ? "\"" : "") >= (int)sizeof config) {
    fprintf(stderr, "settop: arguments too long\n");
    return 2;
  }
  err = ssokit_error_new();
  if (!err) return 1;
  if (!key) fprintf(stderr, "settop: no SSOKIT_STORE_KEY: the session file is plaintext (development only)\n");
  signal(SIGINT, on_interrupt);
  callbacks.cancel = is_cancelled;
  if (ssokit_client_new(config, &callbacks, &client, err) != SSOKIT_OK) {
    rc = failed("start", err);
    goto done;
  }

  if (ssokit_session(client, &session, err) != SSOKIT_OK) {
    rc = failed("reading the session", err);
    goto done;
  }
  if (flag(argc, argv, "--sign-out")) {
    if (session && ssokit_revoke(client, err) != SSOKIT_OK) fprintf(stderr, "settop: revoke: %s\n", ssokit_error_name(err));
    if (ssokit_sign_out(client, NULL, NULL, err) != SSOKIT_OK) {
      rc = failed("signing out", err);
      goto done;
    }
    printf("Signed out.\nstatus: signed-out\n");
    goto done;
  }
  if (!session) {
    if (ssokit_device_sign_in(client, show_code, NULL, &session, err) != SSOKIT_OK) {
      rc = failed("device sign-in", err);
      goto done;
    }
    printf("Signed in.\n");
  } else {
    printf("Welcome back.\n");
  }
  if (flag(argc, argv, "--refresh")) {
    ssokit_free(session);
    session = NULL;
    if (ssokit_refresh(client, &session, err) != SSOKIT_OK) {
      rc = failed("refresh", err);
      goto done;
    }
    printf("Session refreshed.\n");
  }
  if (ssokit_access_token(client, &token, err) != SSOKIT_OK) {
    rc = failed("getting an access token", err);
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
  ssokit_error_free(err);
  return rc;
}
