// End-to-end: StreamHub's "Watch on our Muvi store" link in Debian's Chromium (playwright-core).
// The viewer signs in at the real oidc-provider, clicks the link; the portal's server route
// (samples/portal/platforms/muvi.mjs) validates the ID token against the provider's JWKS, asks
// user-info for the e-mail, registers (or finds) the viewer on the Muvi store simulator, and
// answers the signed Thirdpartylogin link; the simulator verifies the JWT and the browser lands
// signed in on the store.
//
//   node --test tests/e2e/muvi-portal.test.mjs
//
// Screenshots go to build/e2e/. Everything listens on 127.0.0.1; other hosts are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchChromium, newLoopbackContext } from './browser.mjs';
import { startPortal } from '../../samples/portal/server.mjs';
import { muviRoutes } from '../../samples/portal/platforms/muvi.mjs';
import { startProvider } from '../idp/provider.mjs';
import { start as startStore, AUTH_TOKEN, JWT_SECRET } from '../platforms/muvi/simulator.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = `${ROOT}build/e2e`;
const STEP = 15_000;
const TEST = 120_000;
const VIEWER = 'viewer@example.com';
const LAPSED = 'lapsed@example.com';

let browser;

before(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** Store simulator, portal (with or without the Muvi routes) and provider; all stopped by t.after. */
async function startStack(t, { withMuvi = true } = {}) {
  const store = await startStore();
  t.after(() => store.stop());
  const routes = withMuvi
    ? muviRoutes({ store: store.url, authToken: AUTH_TOKEN, jwtSecret: JWT_SECRET, referrerUrl: '/en/library' })
    : [];
  const portal = await startPortal({ port: 0, routes });
  t.after(() => portal.stop());
  const idp = await startProvider({
    webRedirectUris: [portal.redirectUri],
    webPostLogoutRedirectUris: [portal.postLogoutRedirectUri],
  });
  t.after(() => idp.stop());
  portal.configure({ issuer: idp.issuer, clientId: idp.clients.web.client_id });
  return { store, portal, idp };
}

async function newPage(t) {
  const { context } = await newLoopbackContext(browser, t, { step: STEP });
  return context.newPage();
}

async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true, timeout: STEP }).catch((e) => {
    process.stderr.write(`screenshot ${name} failed: ${e.message}\n`);
  });
}

async function waitForAuth(page, wanted) {
  await page.waitForSelector(`html[data-auth="${wanted}"]`, { timeout: STEP, state: 'attached' });
}

/** Opens the portal, clicks Sign in, goes through the provider's login and consent pages. */
async function signIn(page, stack, login, prefix) {
  await page.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
  await waitForAuth(page, 'signed-out');
  assert.equal(await page.isHidden('#muvi-link'), true, 'no Muvi link while signed out');
  await page.click('#auth-button', { noWaitAfter: true });
  const issuer = new URL(stack.idp.issuer).origin;
  await page.waitForURL((u) => u.origin === issuer, { timeout: STEP, waitUntil: 'commit' });
  for (let step = 0; step < 6; step++) {
    await page.waitForURL((u) => u.origin === stack.portal.url || u.pathname.startsWith('/interaction/'),
      { timeout: STEP, waitUntil: 'domcontentloaded' });
    const here = new URL(page.url());
    if (here.origin === stack.portal.url) {
      await waitForAuth(page, 'signed-in');
      return;
    }
    if (await page.locator('input[name="login"]').count()) {
      await page.fill('input[name="login"]', login);
      await page.fill('input[name="password"]', 'any-password');
      await page.click('button.login-submit', { noWaitAfter: true });
    } else {
      await shot(page, `${prefix}-provider-consent`);
      await page.click('button[type="submit"]', { noWaitAfter: true });
    }
    await page.waitForURL((u) => u.href !== here.href, { timeout: STEP, waitUntil: 'commit' });
  }
  assert.fail('the sign-in did not come back to the portal within 6 provider pages');
}

/** Clicks the Muvi link and waits until the browser is on the store. */
async function openMuvi(page, stack) {
  await page.waitForSelector('#muvi-link:not([hidden])', { timeout: STEP });
  await page.click('#muvi-link', { noWaitAfter: true });
  await page.waitForURL((u) => u.origin === stack.store.url, { timeout: STEP, waitUntil: 'domcontentloaded' });
}

test('Watch on our Muvi store: registered on the store and signed in there, then found again by e-mail',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t);
    const page = await newPage(t);
    await signIn(page, stack, VIEWER, 'muvi-01');
    assert.equal(await page.textContent('#muvi-link'), 'Watch on our Muvi store');
    await shot(page, 'muvi-02-portal-with-link');

    await openMuvi(page, stack);
    assert.equal(new URL(page.url()).pathname, '/en/library', 'landed on the referrer page');
    assert.equal(await page.getAttribute('body', 'data-muvi-user'), VIEWER);
    assert.match(await page.textContent('#who'), /Signed in as Vera Viewer/);
    await shot(page, 'muvi-03-store-signed-in');

    const user = stack.store.state.users.get(VIEWER);
    assert.equal(user.name, 'Vera Viewer', 'the name came from the provider (user-info)');
    assert.equal(stack.store.state.logins.length, 1);
    assert.equal(stack.store.state.logins[0].user_uuid, user.user_uuid);
    assert.deepEqual(stack.store.state.requests.map((r) => r.path), ['/en/rest/RegisterUser']);

    // Back on the portal, the second time: RegisterUser says 422, GetUserUuid finds the account.
    await page.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
    await waitForAuth(page, 'signed-in');
    await openMuvi(page, stack);
    assert.equal(await page.getAttribute('body', 'data-muvi-user'), VIEWER);
    assert.deepEqual(stack.store.state.requests.map((r) => r.path),
      ['/en/rest/RegisterUser', '/en/rest/RegisterUser', '/en/rest/GetUserUuid']);
    assert.equal(stack.store.state.logins.length, 2);
    assert.equal(stack.store.state.logins[1].user_uuid, user.user_uuid);
    assert.equal(stack.store.state.users.size, 1, 'one store account for the viewer');
  });

test('without Muvi routes the portal shows no Muvi link', { timeout: TEST }, async (t) => {
  const stack = await startStack(t, { withMuvi: false });
  const page = await newPage(t);
  await signIn(page, stack, VIEWER, 'muvi-nolink');
  await page.waitForSelector('#profile-signed-in:not([hidden])', { timeout: STEP });
  assert.equal(await page.isHidden('#muvi-link'), true);
  assert.equal((await fetch(`${stack.portal.url}/platforms/muvi`, { signal: AbortSignal.timeout(STEP) })).status, 404);
  await shot(page, 'muvi-nolink-signed-in');
});

test('an unverified e-mail and a store failure show the error banner and sign nobody in on the store',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t);
    const page = await newPage(t);
    await signIn(page, stack, LAPSED, 'muvi-lapsed');  // the provider says email_verified: false
    await page.click('#muvi-link');
    await page.waitForSelector('#error-banner:not([hidden])', { timeout: STEP });
    assert.equal(await page.textContent('#error-code'), 'access_denied');
    assert.match(await page.textContent('#error-message'), /not verified/);
    assert.equal(new URL(page.url()).origin, stack.portal.url, 'still on the portal');
    assert.equal(stack.store.state.requests.length, 0, 'the store was not asked');
    await shot(page, 'muvi-lapsed-refused');

    // A verified viewer, but the store fails to register (421).
    const other = await newPage(t);
    await signIn(other, stack, VIEWER, 'muvi-421');
    stack.store.forceCode('RegisterUser', 421);
    await other.click('#muvi-link');
    await other.waitForSelector('#error-banner:not([hidden])', { timeout: STEP });
    assert.equal(await other.textContent('#error-code'), 'platform_error');
    assert.match(await other.textContent('#error-message'), /421/);
    assert.equal(stack.store.state.logins.length, 0);
    assert.equal(await other.isDisabled('#muvi-link'), false, 'the link can be tried again');
    await shot(other, 'muvi-421-banner');
    await openMuvi(other, stack);
    assert.equal(await other.getAttribute('body', 'data-muvi-user'), VIEWER);
  });

test('the route trusts no page: forged or missing ID tokens and other origins are refused', { timeout: TEST }, async (t) => {
  const stack = await startStack(t);
  const page = await newPage(t);
  await signIn(page, stack, VIEWER, 'muvi-forged');
  const idToken = await page.evaluate(() => JSON.parse(localStorage.getItem('ssokit.session')).tokens.id_token);
  const post = (body, headers = {}) => fetch(`${stack.portal.url}/platforms/muvi/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: stack.portal.url, ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(STEP),
  });

  // The claims changed (another e-mail), the signature kept.
  const [h, p, s] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, email: 'victim@example.com', email_verified: true })).toString('base64url')}.${s}`;
  const r1 = await post({ id_token: forged });
  assert.equal(r1.status, 401);
  assert.equal((await r1.json()).error.code, 'id_token_signature_invalid');
  // An HS256 token the page made up.
  const r2 = await post({ id_token: `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${p}.${s}` });
  assert.equal(r2.status, 401);
  assert.match((await r2.json()).error.code, /^id_token_/);
  const r3 = await post({});
  assert.equal(r3.status, 401);
  assert.equal((await r3.json()).error.code, 'login_required');
  const r4 = await post({ id_token: idToken }, { origin: 'http://127.0.0.1:1' });
  assert.equal(r4.status, 403);
  const r5 = await fetch(`${stack.portal.url}/platforms/muvi/login`, { method: 'POST', body: `id_token=${idToken}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, signal: AbortSignal.timeout(STEP) });
  assert.equal(r5.status, 415);
  assert.equal(stack.store.state.requests.length, 0, 'the store was never asked');

  // The genuine token (without the access token: no e-mail in this provider's ID tokens).
  const r6 = await post({ id_token: idToken });
  assert.equal(r6.status, 400);
  assert.match((await r6.json()).error.message, /no e-mail/);
});
