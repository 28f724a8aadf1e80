// End-to-end in Debian's Chromium: silent session upkeep with the sample portal and the real
// provider. checkSession() (prompt=none in a hidden iframe) with and without a provider session
// and against a provider that refuses to be framed; autoRefresh with two tabs sharing the session,
// where one refresh request serves both.
//
//   node --test tests/e2e/session-upkeep.test.mjs
//
// One browser for the file; every portal and provider is stopped by its test; only 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { driveProvider, launchChromium, newLoopbackContext } from './browser.mjs';
import { startPortal } from '../../samples/portal/server.mjs';
import { startProvider } from '../idp/provider.mjs';

const STEP = 15_000;
const TEST = 90_000;

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

async function startStack(t, { accessTokenTtl = 3600, portal: portalOptions = {} } = {}) {
  const portal = await startPortal({ port: 0, ...portalOptions });
  t.after(() => portal.stop());
  const idp = await startProvider({ accessTokenTtl, webRedirectUris: [portal.redirectUri], webPostLogoutRedirectUris: [`${portal.url}/`] });
  t.after(() => idp.stop());
  portal.configure({ issuer: idp.issuer, clientId: idp.clients.web.client_id });
  return { portal, idp };
}

async function signIn(page, stack) {
  await page.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('html[data-auth="signed-out"]', { state: 'attached' });
  await page.click('#auth-button', { noWaitAfter: true });
  await driveProvider(page, { issuer: stack.idp.issuer, isBack: (u) => u.origin === stack.portal.url });
  await page.waitForSelector('html[data-auth="signed-in"]', { state: 'attached' });
}

/** checkSession() from a fresh client of the page (memory storage: it knows no session yet). */
function checkSessionInPage(page, options = {}) {
  return page.evaluate(async (options) => {
    const { createSsoClient } = await import('/ssokit/src/index.js');
    const c = await (await fetch('/config.json')).json();
    const sso = await createSsoClient({ issuer: c.issuer, clientId: c.clientId, redirectUri: c.redirectUri, scope: c.scope, profileMapping: c.profileMapping, crossTab: false });
    try {
      const result = await sso.checkSession(options);
      return { ok: true, userId: result?.profile.userId ?? null, signedIn: await sso.isAuthenticated() };
    } catch (e) {
      return { ok: false, code: e.code, details: e.details, message: e.message };
    } finally {
      sso.close();
    }
  }, options);
}

test('checkSession(): with a provider session, a fresh session without leaving the page; without one, login_required',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t);
    const { context } = await newLoopbackContext(browser, t, { step: STEP });
    const page = await context.newPage();
    await signIn(page, stack);
    const here = page.url();
    const authorize = [];
    page.on('request', (r) => { if (r.url().includes('prompt=none')) authorize.push(r.frame() === page.mainFrame() ? 'top' : 'frame'); });
    const alive = await checkSessionInPage(page);
    assert.equal(alive.ok, true, alive.message);
    assert.ok(alive.userId, 'the provider session gave a profile');
    assert.equal(alive.signedIn, true, 'and a session');
    assert.deepEqual(authorize, ['frame'], 'asked in the hidden frame, not by navigating the page');
    assert.equal(page.url(), here, 'the page did not leave');
    assert.equal(await page.locator('iframe[name="ssokit-check"]').count(), 0, 'the frame is removed');

    // Another browser profile: no provider session.
    const { context: other } = await newLoopbackContext(browser, t, { step: STEP });
    const fresh = await other.newPage();
    await fresh.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
    const none = await checkSessionInPage(fresh);
    assert.equal(none.ok, false);
    assert.equal(none.code, 'login_required', none.message);
    assert.equal(none.details.error, 'login_required', 'the provider\'s own answer is kept');
    assert.equal(fresh.url(), `${stack.portal.url}/`);
  });

test('checkSession() against a provider that refuses to be framed: login_required after the timeout, a top-level redirect only when asked',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t);
    const { context } = await newLoopbackContext(browser, t, { step: STEP });
    const page = await context.newPage();
    await signIn(page, stack);
    // In a frame, the provider now answers with a page that refuses to be framed (as providers
    // that show a page under prompt=none, or refuse it, do); at the top level it works as before.
    await context.route((u) => u.origin === new URL(stack.idp.issuer).origin && u.searchParams.get('prompt') === 'none', (route) => (
      route.request().frame() === page.mainFrame()
        ? route.continue()
        : route.fulfill({ status: 200, contentType: 'text/html', headers: { 'x-frame-options': 'DENY' }, body: '<p>Sign in</p>' })));
    const refused = await checkSessionInPage(page, { timeoutMs: 2000 });
    assert.equal(refused.code, 'login_required', refused.message);
    assert.equal(refused.details.reason, 'check_session_timeout');
    assert.match(refused.message, /frame/);

    // redirect: true: the page itself goes to the provider with prompt=none and comes back signed in.
    const topLevel = [];
    page.on('request', (r) => { if (r.frame() === page.mainFrame() && r.url().includes('prompt=none')) topLevel.push(r.url()); });
    const callback = page.waitForURL((u) => u.pathname === '/callback', { waitUntil: 'commit' });
    const call = checkSessionInPage(page, { timeoutMs: 2000, redirect: true }).catch(() => null);  // the page unloads
    await callback;
    await page.waitForURL((u) => u.origin === stack.portal.url && u.pathname === '/', { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('html[data-auth="signed-in"]', { state: 'attached' });
    assert.equal(topLevel.length, 1, 'the page went to the provider with prompt=none once');
    await call;
  });

test('autoRefresh with two tabs sharing the session: one refresh request renews the token in both',
  { timeout: TEST }, async (t) => {
    // Tokens live 6 s and are renewed 3 s before expiry; the portal keeps the session in localStorage.
    const stack = await startStack(t, { accessTokenTtl: 6, portal: { refreshLeeway: 3, autoRefresh: true } });
    const { context } = await newLoopbackContext(browser, t, { step: STEP });
    const grants = [];
    context.on('request', (r) => {
      const grant = r.method() === 'POST' && r.url().startsWith(stack.idp.issuer) ? new URLSearchParams(r.postData() ?? '').get('grant_type') : null;
      if (grant) grants.push(grant);  // token requests (the login form posts have none)
    });
    const tabA = await context.newPage();
    await signIn(tabA, stack);
    const first = Number(await tabA.getAttribute('#profile-expiry', 'data-expires-at'));
    const tabB = await context.newPage();
    await tabB.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
    await tabB.waitForSelector('html[data-auth="signed-in"]', { state: 'attached' });
    assert.deepEqual(grants, ['authorization_code']);

    // Nobody calls getAccessToken(): the renewal comes by itself, before the token expires.
    const renewed = (page) => page.waitForFunction((old) => Number(document.getElementById('profile-expiry').dataset.expiresAt) > old,
      first, { timeout: STEP });
    await Promise.all([renewed(tabA), renewed(tabB)]);
    const [a, b] = await Promise.all([tabA, tabB].map((p) => p.getAttribute('#profile-expiry', 'data-expires-at')));
    assert.equal(a, b, 'both tabs hold the same new token');
    assert.deepEqual(grants, ['authorization_code', 'refresh_token'], 'one refresh for both tabs');
  });
