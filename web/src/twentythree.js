// twentythree connector (docs/platforms/twentythree.md). Calls that need the platform's secret run in Node
// (the server build of the core); in a browser page they reject with SsoError 'server_only'.
//
// The portal's remote login page: the TwentyThree site sends an unknown visitor to it with
// ?return_url=<relative path>; the portal signs the visitor in, then (on its server) getToken()
// asks the site for a session token with the site's OAuth 1.0a "super" credentials and answers the
// redeem URL the browser goes to. validateReturnUrl and redeemUrl need no secret and work anywhere.
import { loadPlatformCore as loadCore } from './platform-core.js';  // ssokit-platforms.wasm in a page
import { SsoError } from './errors.js';
import { nowSeconds, runSteps } from './run-steps.js';

const call = async (method, params) => (await loadCore()).call(method, params);

// camelCase options -> the core's snake_case parameters shared by the signed calls.
function site(options) {
  if (!options || typeof options !== 'object') throw new SsoError('invalid_argument', 'twentythree: options are required');
  const { site: url, credentials: c, format, method, oauthIn } = options;
  if (!c || typeof c !== 'object') {
    throw new SsoError('invalid_argument', 'twentythree: credentials {consumerKey, consumerSecret, accessToken, accessTokenSecret} are required');
  }
  const params = {
    site: url,
    credentials: {
      consumer_key: c.consumerKey, consumer_secret: c.consumerSecret,
      access_token: c.accessToken, access_token_secret: c.accessTokenSecret,
    },
  };
  if (format !== undefined) params.format = format;
  if (method !== undefined) params.method = method;
  if (oauthIn !== undefined) params.placement = oauthIn;
  return params;
}

function run(start, params, options) {
  const { fetch, timeoutMs, now = nowSeconds } = options;
  return runSteps(start, 'twentythree.step', { ...params, now: now() }, { fetch, timeoutMs, now });
}

/**
 * Checks the return_url the site sent: a relative path on the site, else SsoError
 * invalid_return_url. Browser-safe.
 * @param {string} returnUrl
 * @returns {Promise<string>} the same path
 */
export async function validateReturnUrl(returnUrl) {
  return (await call('twentythree.validate_return_url', { return_url: returnUrl })).return_url;
}

/**
 * {site}/api/session/redeem-token?session_token=... for a get-token answer's access_token.
 * Browser-safe.
 * @returns {Promise<string>}
 */
export async function redeemUrl({ site: url, sessionToken }) {
  return (await call('twentythree.redeem_url', { site: url, session_token: sessionToken })).redirect_url;
}

/** {site}/api/user/redeem-login-token?login_token=... (back-end login). Browser-safe. */
export async function redeemLoginUrl({ site: url, loginToken }) {
  return (await call('twentythree.redeem_login_url', { site: url, login_token: loginToken })).redirect_url;
}

/**
 * Asks the site for a session token (/api/session/get-token) for a visitor the portal signed in,
 * and returns where to send the browser (within 15 minutes). Pass only an e-mail your identity
 * provider verified: with the site's "back-end login" setting a matching user account is logged in.
 * Node only (server_only in a page).
 * @returns {Promise<{redirectUrl: string, returnUrl: string, expiresAt: number}>}
 */
export async function getToken(options) {
  const { returnUrl, email, fullName } = options ?? {};
  const params = { ...site(options), return_url: returnUrl };
  if (email) params.email = email;
  if (fullName) params.full_name = fullName;
  const r = await run('twentythree.get_token', params, options);
  return { redirectUrl: r.redirect_url, returnUrl: r.return_url, expiresAt: r.expires_at };
}

/**
 * Back-end login as an existing site user (/api/user/get-login-token). This can grant
 * administrator rights, so `allowBackendLogin: true` is required (else SsoError invalid_argument).
 * Node only.
 * @returns {Promise<{redirectUrl: string, returnUrl?: string, userId: string, expiresAt: number}>}
 */
export async function getLoginToken(options) {
  const { userId, returnUrl, allowBackendLogin = false } = options ?? {};
  const params = { ...site(options), user_id: userId, allow_backend_login: allowBackendLogin === true };
  if (returnUrl !== undefined) params.return_url = returnUrl;
  const r = await run('twentythree.login_token', params, options);
  const out = { redirectUrl: r.redirect_url, userId: r.user_id, expiresAt: r.expires_at };
  if (r.return_url !== undefined) out.returnUrl = r.return_url;
  return out;
}

/**
 * Signs any TwentyThree API request with OAuth 1.0a HMAC-SHA1 and returns it ({method, url,
 * headers, body}) for your own fetch. Node only.
 * @param {{url: string, method?: 'GET'|'POST', params?: Record<string,string>|[string,string][], oauthIn?: 'header'|'body'|'query', credentials: object, now?: () => number}} options
 */
export async function signRequest(options) {
  const { url, method, params, now = nowSeconds } = options ?? {};
  const { credentials, placement } = site(options);
  const p = { url, credentials, now: now() };
  if (method !== undefined) p.method = method;
  if (params !== undefined) p.params = params;
  if (placement !== undefined) p.placement = placement;
  return call('twentythree.sign', p);
}
