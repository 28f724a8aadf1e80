// End-to-end: the portal as a TwentyThree site's remote login page, in Debian's Chromium.
//
//   node --test tests/e2e/twentythree-portal.test.mjs
//
// The simulated TwentyThree site (tests/platforms/twentythree/simulator.mjs) sends a stranger to
// the portal's /twentythree/login?return_url=/...; the page signs the viewer in through the real
// oidc-provider, posts the ID token to the portal's server (samples/portal/platforms/twentythree.mjs),
// which validates it, calls get-token with the site's super credentials, and answers the redeem URL;
// the site sets its session cookie and redirects to the return_url. Screenshots go to build/e2e/.
// Everything listens on 127.0.0.1; requests to other hosts are refused. Every wait is bounded and
// every server and the browser are stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchChromium, newLoopbackContext } from './browser.mjs';
import { startPortal } from '../../samples/portal/server.mjs';
import { twentythreeRoutes } from '../../samples/portal/platforms/twentythree.mjs';
import { startProvider } from '../idp/provider.mjs';
import { start as startSite } from '../platforms/twentythree/simulator.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = `${ROOT}build/e2e`;
const STEP = 15_000;
const TEST = 120_000;

let browser;

before(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();  // a missing browser fails the suite
});

after(async () => {
  await browser?.close();
});

/** Site, portal (with the TwentyThree routes) and provider, wired together; stopped by t.after. */
async function startStack(t) {
  const site = await startSite();
  t.after(() => site.stop());
  const creds = site.credentials;
  let idp = null;
  const portal = await startPortal({
    port: 0,
    routes: twentythreeRoutes({
      site: site.url,
      credentials: {
        consumerKey: creds.consumer_key, consumerSecret: creds.consumer_secret,
        accessToken: creds.access_token, accessTokenSecret: creds.access_token_secret,
      },
      issuer: () => idp?.issuer,
      clientId: () => idp?.clients.web.client_id,
    }),
  });
  t.after(() => portal.stop());
  idp = await startProvider({ webRedirectUris: [portal.redirectUri, `${portal.url}/twentythree/callback`] });
  t.after(() => idp.stop());
  site.setRemoteLoginUrl(`${portal.url}/twentythree/login`);
  return { site, portal, idp };
}

async function newContext(t) {
  const { context } = await newLoopbackContext(browser, t, { step: STEP, viewport: { width: 1100, height: 760 } });
  return context;
}

async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true, timeout: STEP }).catch((e) => {
    process.stderr.write(`screenshot ${name} failed: ${e.message}\n`);
  });
}

/** Fills the provider's login and consent pages until the browser reaches `doneOrigin`. */
async function throughProvider(page, stack, login, prefix, doneOrigin) {
  const issuer = new URL(stack.idp.issuer).origin;
  await page.waitForURL((u) => u.origin === issuer, { timeout: STEP, waitUntil: 'commit' });
  for (let step = 0; step < 6; step++) {
    await page.waitForURL((u) => u.origin === doneOrigin || u.pathname.startsWith('/interaction/'),
      { timeout: STEP, waitUntil: 'domcontentloaded' });
    const here = new URL(page.url());
    if (here.origin === doneOrigin) return;
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
  assert.fail('the sign-in did not leave the provider within 6 pages');
}

test('a stranger on the TwentyThree site signs in through the portal and lands on the page they wanted',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t);
    const context = await newContext(t);
    const page = await context.newPage();
    const portalPosts = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url() === `${stack.portal.url}/twentythree/session`) portalPosts.push(r.postDataJSON());
    });

    await page.goto(`${stack.site.url}/video/42?t=7`, { waitUntil: 'commit' });
    await throughProvider(page, stack, 'viewer@example.com', 'tt-01', stack.site.url);
    await page.waitForSelector('#viewer', { timeout: STEP });
    await shot(page, 'tt-02-site-signed-in');

    const landed = new URL(page.url());
    assert.equal(landed.origin, stack.site.url);
    assert.equal(landed.pathname + landed.search, '/video/42?t=7', 'back on the page the viewer asked for');
    assert.equal(await page.textContent('#path'), '/video/42?t=7');
    assert.equal(await page.textContent('#viewer'), 'Signed in as Vera Viewer');
    assert.equal(await page.getAttribute('#viewer', 'data-email'), 'viewer@example.com', 'a verified e-mail is passed on');
    assert.equal(await page.getAttribute('#viewer', 'data-kind'), 'visitor');

    const cookies = await context.cookies(stack.site.url);
    const sessionCookie = cookies.find((c) => c.name === 'session');
    assert.ok(sessionCookie, `the site's session cookie is set (cookies: ${cookies.map((c) => c.name)})`);
    assert.ok(stack.site.state.sessions.has(sessionCookie.value), 'the cookie is a session the site issued');
    assert.equal(sessionCookie.httpOnly, true);

    // One get-token (signed, accepted), one redeem; the page posted only the ID token and access token.
    const calls = stack.site.state.requests.filter((r) => r.path === '/api/session/get-token');
    assert.deepEqual(calls.map((r) => r.code), ['ok']);
    assert.equal(stack.site.state.redeemed.length, 1);
    assert.equal(portalPosts.length, 1);
    assert.deepEqual(Object.keys(portalPosts[0]).sort(), ['access_token', 'id_token', 'return_url']);
    assert.equal(portalPosts[0].return_url, '/video/42?t=7');

    // The session works for other pages of the site too.
    await page.goto(`${stack.site.url}/channel/1`, { waitUntil: 'domcontentloaded' });
    assert.equal(await page.textContent('#viewer'), 'Signed in as Vera Viewer');
  });

test('an unverified e-mail is not passed to the site: the viewer gets in as a named visitor',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t);
    const context = await newContext(t);
    const page = await context.newPage();
    await page.goto(`${stack.site.url}/library`, { waitUntil: 'commit' });
    await throughProvider(page, stack, 'lapsed@example.com', 'tt-03', stack.site.url);
    await page.waitForSelector('#viewer', { timeout: STEP });
    assert.equal(new URL(page.url()).pathname, '/library');
    assert.equal(await page.textContent('#viewer'), 'Signed in as Lars Lapsed');
    assert.equal(await page.getAttribute('#viewer', 'data-email'), '');
  });

test('a return_url that leaves the site is refused on the portal page before any sign-in',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t);
    const context = await newContext(t);
    const page = await context.newPage();
    await page.goto(`${stack.portal.url}/twentythree/login?return_url=${encodeURIComponent('//evil.example/x')}`,
      { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('html[data-state="error"]', { timeout: STEP, state: 'attached' });
    await shot(page, 'tt-04-bad-return-url');
    assert.equal(await page.getAttribute('#error-banner', 'data-code'), 'invalid_return_url');
    assert.equal(new URL(page.url()).origin, stack.portal.url, 'the page stayed on the portal');
    assert.equal(stack.site.state.requests.length, 0);
  });

test('the portal server trusts no page: it validates the ID token and checks the origin', { timeout: TEST }, async (t) => {
  const stack = await startStack(t);
  const post = (body, headers = { origin: stack.portal.url }) => fetch(`${stack.portal.url}/twentythree/session`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
    signal: AbortSignal.timeout(STEP),
  }).then(async (r) => ({ status: r.status, body: await r.json() }));

  // A forged token: header.payload with a made-up signature.
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const forged = `${b64({ alg: 'RS256', kid: 'x' })}.${b64({ iss: stack.idp.issuer, aud: 'ssokit-web', sub: 'x', email: 'admin@example.com', email_verified: true, exp: 9999999999, iat: 1 })}.AAAA`;
  let r = await post({ id_token: forged, return_url: '/' });
  assert.equal(r.status, 400);
  assert.match(r.body.error.code, /^id_token_/);
  r = await post({ id_token: 'not-a-jwt', return_url: '/' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'id_token_malformed');
  r = await post({ id_token: forged, return_url: 'https://evil.example/' });
  assert.equal(r.body.error.code, 'invalid_return_url');
  r = await post({ id_token: forged, return_url: '/' }, { origin: 'https://evil.example' });
  assert.equal(r.status, 403);
  r = await post({ id_token: forged, return_url: '/' }, {});
  assert.equal(r.status, 403, 'no Origin header: not the portal page');
  assert.equal(stack.site.state.requests.length, 0, 'no get-token for any of them');
});
