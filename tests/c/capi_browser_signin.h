/* The browser sign-in the C API programs share (the test plays the browser): prints
 * "Open: URL" (ssokit_login_url), reads the callback URL from stdin and completes the sign-in
 * (ssokit_handle_callback). And the programs' failure report: "error: NAME" on stdout. */
#ifndef SSOKIT_TESTS_CAPI_BROWSER_SIGNIN_H
#define SSOKIT_TESTS_CAPI_BROWSER_SIGNIN_H

#include "ssokit/ssokit.h"

/* 0 with the session JSON in *session (free with ssokit_free); 1 with the error in err; -1 when
 * stdin ends before a callback URL. */
int capi_browser_signin(ssokit_client *client, char **session, ssokit_error *err);

/* Prints "error: NAME" (stdout) and the message (stderr), frees err and client (may be NULL);
 * returns 1, the programs' exit status for a failure. */
int capi_fail(ssokit_client *client, ssokit_error *err);

#endif
