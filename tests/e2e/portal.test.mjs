// End-to-end: the StreamHub sample portal (samples/portal) in Debian's Chromium, driven by
// playwright-core, signing in through the real oidc-provider's login and consent pages.
//
//   node --test tests/e2e/portal.test.mjs
//
// Screenshots of each step go to build/e2e/. Everything listens on 127.0.0.1; requests to any
// other host are refused (the machine is offline; the provider's pages ask for Google Fonts).
// Every wait is bounded; the browser, the portals and the providers are always stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isLoopback, launchChromium, newLoopbackContext } from './browser.mjs';
import { startPortal } from '../../samples/portal/server.mjs';
import { startProvider } from '../idp/provider.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = `${ROOT}build/e2e`;
const STEP = 15_000;        // one page step (navigation, a selector)
const TEST = 120_000;       // one scenario
const VIEWER = 'viewer@example.com';
const LAPSED = 'lapsed@example.com';


let browser;

before(async () => {
  await mkdir(SHOTS, { recursive: true });
  // A missing browser fails the suite (scripts/bootstrap.sh installs Debian's chromium).
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** A portal and a provider that knows the portal's exact redirect URI. Stopped by t.after. */
async function startStack(t, { accessTokenTtl = 3600, refreshLeeway } = {}) {
  const portal = await startPortal({ port: 0, refreshLeeway });
  t.after(() => portal.stop());
  const idp = await startProvider({
    accessTokenTtl,
    webRedirectUris: [portal.redirectUri],
    webPostLogoutRedirectUris: [portal.postLogoutRedirectUri],
  });
  t.after(() => idp.stop());
  portal.configure({ issuer: idp.issuer, clientId: idp.clients.web.client_id });
  const metadata = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(STEP) })).json();
  return { portal, idp, metadata };
}

/**
 * A fresh browser context (own storage). Requests off loopback fail as on an offline machine
 * (name not resolved) and are recorded in `blocked`.
 */
function newContext(t) {
  return newLoopbackContext(browser, t, { step: STEP });
}

async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true, timeout: STEP }).catch((e) => {
    // A screenshot is evidence, not the test: say so and go on.
    process.stderr.write(`screenshot ${name} failed: ${e.message}\n`);
  });
}

const authState = (page) => page.locator('html').getAttribute('data-auth');

async function waitForAuth(page, wanted) {
  try {
    await page.waitForSelector(`html[data-auth="${wanted}"]`, { timeout: STEP, state: 'attached' });
  } catch (e) {
    const seen = await page.evaluate(() => ({
      auth: document.documentElement.dataset.auth,
      banner: document.getElementById('error-banner')?.hidden === false ? document.getElementById('error-banner').innerText : null,
    })).catch(() => null);
    e.message += `\n  at ${page.url()}; page state: ${JSON.stringify(seen)}`;
    throw e;
  }
}

/**
 * After Sign in was clicked: waits for the provider, fills its login form, accepts consent,
 * and waits until the portal is back and signed in (or, with untilCallback, until the browser
 * is at the portal's /callback, returning that URL). Never waits for 'load' or 'networkidle'.
 */
async function completeProviderSignIn(page, stack, login, prefix, { untilCallback = false } = {}) {
  const issuer = new URL(stack.idp.issuer).origin;
  await page.waitForURL((u) => u.origin === issuer, { timeout: STEP, waitUntil: 'commit' });
  for (let step = 0; step < 6; step++) {
    await page.waitForURL((u) => u.origin === stack.portal.url || u.pathname.startsWith('/interaction/'),
      { timeout: STEP, waitUntil: 'domcontentloaded' });
    const here = new URL(page.url());
    if (here.origin === stack.portal.url) {
      if (untilCallback) return page.url();
      await waitForAuth(page, 'signed-in');
      return page.url();
    }
    if (await page.locator('input[name="login"]').count()) {
      await page.fill('input[name="login"]', login);
      await page.fill('input[name="password"]', 'any-password');
      await shot(page, `${prefix}-provider-login`);
      await page.click('button.login-submit', { noWaitAfter: true });
    } else {
      await shot(page, `${prefix}-provider-consent`);
      await page.click('button[type="submit"]', { noWaitAfter: true });
    }
    await page.waitForURL((u) => u.href !== here.href, { timeout: STEP, waitUntil: 'commit' });
  }
  return assert.fail('the sign-in did not come back to the portal within 6 provider pages');
}

/** Opens the portal and signs in through the provider. */
async function signIn(page, stack, login, prefix, path = '/') {
  await page.goto(`${stack.portal.url}${path}`, { waitUntil: 'domcontentloaded' });
  await waitForAuth(page, 'signed-out');
  await shot(page, `${prefix}-signed-out`);
  await page.click('#auth-button', { noWaitAfter: true });
  await completeProviderSignIn(page, stack, login, prefix);
}

async function card(page, id) {
  const el = page.locator(`li.card[data-video="${id}"]`);
  return { locked: await el.getAttribute('data-locked'), text: (await el.innerText()).trim() };
}

test('sign in through the provider: profile shown, premium unlocked, reload keeps the session',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t);
    const { context } = await newContext(t);
    const page = await context.newPage();

    await page.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
    await waitForAuth(page, 'signed-out');
    assert.equal((await card(page, 'deep-ocean')).locked, 'true');
    assert.match((await card(page, 'deep-ocean')).text, /Sign in/);
    assert.equal((await card(page, 'welcome')).locked, 'false');

    // A locked video while signed out: sign in, then come back to that video.
    await shot(page, 'signin-01-portal-signed-out');
    await page.click('li.card[data-video="deep-ocean"]', { noWaitAfter: true });
    await completeProviderSignIn(page, stack, VIEWER, 'signin-02');
    assert.equal(new URL(page.url()).pathname, '/watch/deep-ocean', 'returned to the video the viewer picked');
    await page.waitForSelector('#player[data-playing="true"]', { timeout: STEP });
    await shot(page, 'signin-03-portal-signed-in');

    assert.equal(await page.textContent('#profile-name'), 'Vera Viewer');
    assert.equal(await page.textContent('#profile-email'), VIEWER);
    assert.match(await page.textContent('#profile-membership'), /active.*annual/);
    assert.deepEqual(await page.locator('#profile-groups .chip').allTextContents(), ['subscribers', 'premium']);
    assert.equal(await page.textContent('#auth-button'), 'Sign out');
    for (const id of ['welcome', 'studio-day', 'mountain-trails', 'live-qa', 'deep-ocean', 'city-lights']) {
      assert.equal((await card(page, id)).locked, 'false', `${id} unlocked for a premium member`);
    }
    // The address bar no longer carries the code or the state.
    assert.doesNotMatch(page.url(), /code=|state=/);

    await page.reload({ waitUntil: 'domcontentloaded' });
    await waitForAuth(page, 'signed-in');
    assert.equal(await page.textContent('#profile-name'), 'Vera Viewer');
    assert.equal((await card(page, 'city-lights')).locked, 'false');
    await shot(page, 'signin-04-after-reload');
  });

test('an expiring access token is refreshed before use', { timeout: TEST }, async (t) => {
  const stack = await startStack(t, { accessTokenTtl: 5, refreshLeeway: 1 });
  const { context } = await newContext(t);
  const page = await context.newPage();
  const tokenRequests = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url() === stack.metadata.token_endpoint) {
      tokenRequests.push(new URLSearchParams(r.postData() ?? '').get('grant_type'));
    }
  });

  await signIn(page, stack, VIEWER, 'refresh-01');
  assert.deepEqual(tokenRequests, ['authorization_code']);
  const first = Number(await page.getAttribute('#profile-expiry', 'data-expires-at'));
  assert.ok(first > 0, 'the session shows when the access token expires');

  // Wait (bounded) until the token is inside the refresh leeway, then play a member video.
  const waitMs = Math.max(0, (first - 1) * 1000 - Date.now()) + 300;
  assert.ok(waitMs < 10_000, `token lifetime should be about 5 s, waiting ${waitMs} ms`);
  await page.waitForTimeout(waitMs);
  await page.click('li.card[data-video="deep-ocean"]');
  await page.waitForSelector('#player[data-playing="true"]', { timeout: STEP });
  await page.waitForFunction((old) => Number(document.getElementById('profile-expiry').dataset.expiresAt) > old,
    first, { timeout: STEP });
  const second = Number(await page.getAttribute('#profile-expiry', 'data-expires-at'));
  assert.ok(second > first, `a new access token (expires ${second} > ${first})`);
  assert.deepEqual(tokenRequests, ['authorization_code', 'refresh_token']);
  await shot(page, 'refresh-02-after-refresh');
});

test('sign-out in one tab is reflected in another', { timeout: TEST }, async (t) => {
  const stack = await startStack(t);
  const { context } = await newContext(t);
  const tabA = await context.newPage();
  await signIn(tabA, stack, VIEWER, 'crosstab-01-tabA');

  const tabB = await context.newPage();
  await tabB.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
  await waitForAuth(tabB, 'signed-in');
  await shot(tabB, 'crosstab-02-tabB-signed-in');

  // Tab A signs out: the provider asks to confirm, then sends it back to the portal.
  await tabA.click('#auth-button', { noWaitAfter: true });
  await tabA.waitForURL((u) => u.origin === new URL(stack.idp.issuer).origin, { timeout: STEP, waitUntil: 'domcontentloaded' });
  await shot(tabA, 'crosstab-03-tabA-provider-logout');
  await tabA.click('button[name="logout"][value="yes"]', { noWaitAfter: true });
  await tabA.waitForURL((u) => u.origin === stack.portal.url, { timeout: STEP, waitUntil: 'domcontentloaded' });
  await waitForAuth(tabA, 'signed-out');
  await shot(tabA, 'crosstab-04-tabA-signed-out');

  // Tab B was not reloaded; it must notice by itself.
  try {
    await waitForAuth(tabB, 'signed-out');
  } finally {
    await shot(tabB, 'crosstab-05-tabB-after-signout');
  }
  assert.equal((await card(tabB, 'deep-ocean')).locked, 'true');
  assert.equal(await tabB.locator('#profile-panel').getAttribute('data-signed-in'), 'false');
});

test('a tampered callback (changed state) shows the error banner and signs nobody in',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t);
    const { context } = await newContext(t);
    const page = await context.newPage();
    // Playwright cannot reroute the provider's redirect to /callback (a redirect target), so the
    // page's script is held back once, the real callback URL read, its state changed, and the
    // changed URL opened: the pending sign-in is still in this tab's storage, untouched.
    let holdApp = false;
    await page.route((u) => u.origin === stack.portal.url && u.pathname === '/app.js',
      (route) => (holdApp ? route.abort('blockedbyclient') : route.continue()));

    await page.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
    await waitForAuth(page, 'signed-out');
    holdApp = true;
    await page.click('#auth-button', { noWaitAfter: true });
    const callback = new URL(await completeProviderSignIn(page, stack, VIEWER, 'tampered-00', { untilCallback: true }));
    assert.equal(callback.pathname, '/callback');
    assert.ok(callback.searchParams.get('code') && callback.searchParams.get('state'));
    const tampered = new URL(callback);
    tampered.searchParams.set('state', 'Zm9yZ2VkLXN0YXRlLWZvcmdlZC1zdGF0ZQ');
    holdApp = false;
    await page.goto(tampered.href, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#error-banner:not([hidden])', { timeout: STEP });
    await shot(page, 'tampered-01-error-banner');

    assert.equal(await page.getAttribute('#error-banner', 'data-code'), 'state_mismatch');
    assert.equal(await page.textContent('#error-code'), 'state_mismatch');
    assert.match(await page.textContent('#error-message'), /state/);
    await waitForAuth(page, 'signed-out');
    assert.equal(await page.textContent('#auth-button'), 'Sign in');
    assert.equal(await page.locator('#profile-panel').getAttribute('data-signed-in'), 'false');
    assert.equal((await card(page, 'deep-ocean')).locked, 'true');
    assert.equal(new URL(page.url()).pathname, '/', 'the code and state are gone from the address bar');
    const stored = await page.evaluate(() => ({
      local: Object.keys(localStorage).filter((k) => k.includes('session')),
      session: Object.keys(sessionStorage).filter((k) => k.includes('session')),
    }));
    assert.deepEqual(stored, { local: [], session: [] }, 'no session was stored');
  });

test('a lapsed member sees premium and member videos locked', { timeout: TEST }, async (t) => {
  const stack = await startStack(t);
  const { context } = await newContext(t);
  const page = await context.newPage();
  await signIn(page, stack, LAPSED, 'lapsed-01');
  await shot(page, 'lapsed-02-signed-in');

  assert.equal(await page.textContent('#profile-name'), 'Lars Lapsed');
  assert.match(await page.textContent('#profile-membership'), /expired/);
  assert.equal(await page.locator('#profile-groups .chip').count(), 0);
  assert.equal((await card(page, 'welcome')).locked, 'false');
  assert.equal((await card(page, 'studio-day')).locked, 'false', 'signed-in videos are open to any account');
  for (const id of ['deep-ocean', 'city-lights']) {
    const c = await card(page, id);
    assert.equal(c.locked, 'true', `${id} locked`);
    assert.match(c.text, /Requires Premium/);
  }
  assert.match((await card(page, 'mountain-trails')).text, /Requires an active membership/);
  assert.match((await card(page, 'live-qa')).text, /Requires a subscription/);

  await page.click('li.card[data-video="deep-ocean"]');
  await page.waitForSelector('#player[data-playing="false"]', { timeout: STEP });
  assert.match(await page.textContent('#player-status'), /Requires Premium/);
  await shot(page, 'lapsed-03-premium-refused');
});

// The provider's pages @import Google Fonts. Offline, that request fails (the name does not
// resolve); the flow must not depend on it, and the test must not wait for 'load' or
// 'networkidle' on those pages. (A network that swallows the request without answering is
// worse: the render-blocking @import then keeps the provider's page from rendering at all.)
test('the provider pages\' web fonts failing to load offline does not hold up sign-in',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t);
    const { context, blocked } = await newContext(t);
    const page = await context.newPage();
    const failed = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    const started = Date.now();
    await signIn(page, stack, VIEWER, 'fonts-01');
    assert.equal(await page.textContent('#profile-name'), 'Vera Viewer');
    assert.ok(blocked.some((u) => u.startsWith('https://fonts.googleapis.com/')),
      `the provider's pages asked for web fonts (off-host requests: ${JSON.stringify(blocked)})`);
    assert.ok(failed.some((u) => u.startsWith('https://fonts.googleapis.com/')), 'and the font request failed');
    assert.ok(blocked.every((u) => !isLoopback(u)));
    assert.ok(Date.now() - started < 60_000, 'signed in well within a minute');
    await shot(page, 'fonts-02-signed-in');
  });
