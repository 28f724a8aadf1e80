// ID tokens signed with each JWS algorithm, verified in Debian's Chromium: the sample portal
// (createSsoClient with its default algorithm list, WebCrypto in the page) signs in against
// oidc-provider configured to sign ID tokens with that algorithm (tests/idp/provider.mjs
// idTokenAlg), and the stored session's ID token is of that algorithm. A provider offering only
// an algorithm the page does not accept is refused in the page before the browser leaves it.
// tests/idp/algorithms.test.mjs runs the same algorithms natively, through the C API and in Node.
//
// One browser for the file; every portal and provider is stopped by its test; only 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { driveProvider, launchChromium, newLoopbackContext } from './browser.mjs';
import { startPortal } from '../../samples/portal/server.mjs';
import { startProvider } from '../idp/provider.mjs';

const STEP = 15_000;
const TEST = 90_000;
// RS256 is every other suite's; these are the ones a page verifies with other WebCrypto keys.
const ALGS = ['ES384', 'ES512', 'PS512', 'EdDSA', 'Ed25519'];

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

async function startStack(t, providerOptions) {
  const portal = await startPortal({ port: 0 });
  t.after(() => portal.stop());
  const idp = await startProvider({ webRedirectUris: [portal.redirectUri], webPostLogoutRedirectUris: [portal.postLogoutRedirectUri],
                                    ...providerOptions });
  t.after(() => idp.stop());
  portal.configure({ issuer: idp.issuer, clientId: idp.clients.web.client_id });
  return { portal, idp };
}

// The algorithm of the ID token the page stored (the portal keeps its session in localStorage).
function storedIdTokenAlg(page) {
  return page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.endsWith('.session'));
    const session = key && JSON.parse(localStorage.getItem(key));
    const jwt = session?.tokens?.id_token;
    if (!jwt) return null;
    return JSON.parse(atob(jwt.split('.')[0].replace(/-/g, '+').replace(/_/g, '/'))).alg;
  });
}

for (const alg of ALGS) {
  test(`Chromium: a sign-in whose ID token is signed with ${alg} verifies in the page`, { timeout: TEST }, async (t) => {
    const stack = await startStack(t, { idTokenAlg: alg });
    const { context } = await newLoopbackContext(browser, t, { step: STEP });
    const page = await context.newPage();
    await page.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('html[data-auth="signed-out"]', { state: 'attached' });
    await page.click('#auth-button', { noWaitAfter: true });
    await driveProvider(page, { issuer: stack.idp.issuer, isBack: (u) => u.origin === stack.portal.url, step: STEP });
    await page.waitForSelector('html[data-auth="signed-in"]', { state: 'attached' });
    assert.equal(await storedIdTokenAlg(page), alg);
  });
}

test('Chromium: a provider that signs only with EdDSA is refused before the redirect when the page accepts only RS256',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t, { idTokenAlg: 'EdDSA' });
    const { context } = await newLoopbackContext(browser, t, { step: STEP });
    const page = await context.newPage();
    await page.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('html[data-auth="signed-out"]', { state: 'attached' });
    const outcome = await page.evaluate(async ({ issuer, redirectUri }) => {
      const { createSsoClient } = await import('/ssokit/src/index.js');
      let navigated = false;
      const sso = await createSsoClient({ issuer, clientId: 'ssokit-web', redirectUri, allowedAlgs: ['RS256'], crossTab: false,
                                          navigate: () => { navigated = true; } });
      try {
        await sso.login();
        return { navigated };
      } catch (e) {
        return { navigated, code: e.code, message: e.message, details: e.details };
      }
    }, { issuer: stack.idp.issuer, redirectUri: stack.portal.redirectUri });
    assert.equal(outcome.code, 'id_token_alg_not_allowed');
    assert.equal(outcome.navigated, false);
    assert.deepEqual(outcome.details.provider_algs, ['EdDSA']);
    assert.match(outcome.message, /EdDSA.*RS256/);
  });
