// The TwentyThree site's remote login page (samples/portal/platforms/twentythree.mjs serves it at
// /twentythree/login and /twentythree/callback):
//   1. /twentythree/login?return_url=/...: check return_url, sign in with OpenID Connect;
//   2. /twentythree/callback: complete the sign-in, send the ID token (and the access token, for
//      user-info) to the portal's server, which validates it and asks the site for a session token;
//   3. go to the redeem URL it answers: the site sets its cookie and redirects to return_url.
// The page holds no TwentyThree secret: get-token runs on the portal's server.
import { createSsoClient, customStorage } from '/ssokit/src/index.js';
import { twentythree } from '/ssokit/src/platforms.js';

const $ = (id) => document.getElementById(id);
const STORAGE_KEY = 'twentythree-login';

function status(state, text) {
  document.documentElement.dataset.state = state;
  $('status').textContent = text;
}

function showError(error) {
  const code = error?.code ?? 'internal_error';
  status('error', 'The sign-in could not be completed.');
  $('error-code').textContent = code;
  $('error-message').textContent = error?.message ?? String(error);
  $('error-banner').dataset.code = code;
  $('error-banner').hidden = false;
}

// The session lives only in this page's memory: it is needed once, to hand the ID token over.
const memory = new Map();
const pageStorage = customStorage({
  get: (key) => memory.get(key) ?? null,
  set: (key, value) => { memory.set(key, value); },
  remove: (key) => { memory.delete(key); },
});

async function client() {
  const response = await fetch('/twentythree/config.json');
  if (!response.ok) throw Object.assign(new Error(`/twentythree/config.json answered ${response.status}`), { code: 'invalid_argument' });
  const c = await response.json();
  return createSsoClient({
    issuer: c.issuer,
    clientId: c.clientId,
    redirectUri: c.redirectUri,
    scope: c.scope,
    storage: pageStorage,
    transactionStorage: 'session',  // survives the trip to the provider, ends with the tab
    storageKey: STORAGE_KEY,
    crossTab: false,
  });
}

async function start() {
  // The site sends return_url; only a relative path on the site is followed.
  const returnUrl = await twentythree.validateReturnUrl(new URLSearchParams(location.search).get('return_url') ?? '/');
  const sso = await client();
  status('redirecting', 'Taking you to sign in…');
  await sso.login({ returnTo: returnUrl });
}

async function complete() {
  const sso = await client();
  status('completing', 'Completing the sign-in…');
  const { returnTo } = await sso.handleRedirectCallback(location.href);
  history.replaceState(null, '', '/twentythree/callback');  // the code and state leave the address bar
  const session = JSON.parse(memory.get(`${STORAGE_KEY}.session`) ?? '{}');
  const tokens = session.tokens ?? {};
  const response = await fetch('/twentythree/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id_token: tokens.id_token, access_token: tokens.access_token, return_url: returnTo }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || !answer.redirect_url) {
    throw Object.assign(new Error(answer.error?.message ?? `the portal answered ${response.status}`), { code: answer.error?.code ?? 'http_error' });
  }
  memory.clear();
  status('redeeming', 'Opening the video site…');
  location.replace(answer.redirect_url);
}

(location.pathname === '/twentythree/callback' ? complete() : start()).catch(showError);
