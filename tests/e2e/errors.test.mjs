// End-to-end in Debian's Chromium: the errors a portal page gets and can act on. Cancel at the
// real provider's login page, each configuration mistake createSsoClient refuses at once,
// discovery failures the browser shows and the one it hides (no CORS), and a sign-in popup whose
// callback page forgot completePopupCallback().
//
//   node --test tests/e2e/errors.test.mjs
//
// One browser for the file; every portal, provider and server is stopped by its test; only
// 127.0.0.1 is reached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { driveProvider, launchChromium, newLoopbackContext } from './browser.mjs';
import { startPortal } from '../../samples/portal/server.mjs';
import { startProvider } from '../idp/provider.mjs';

const STEP = 15_000;
const TEST = 90_000;

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

/** The sample portal and a provider that knows `extraRedirects` too; stopped by t.after. */
async function startStack(t, { extraRedirects = [], routes = [] } = {}) {
  const portal = await startPortal({ port: 0, routes });
  t.after(() => portal.stop());
  const redirects = [portal.redirectUri, ...extraRedirects.map((path) => `${portal.url}${path}`)];
  const idp = await startProvider({ webRedirectUris: redirects, webPostLogoutRedirectUris: [`${portal.url}/`] });
  t.after(() => idp.stop());
  portal.configure({ issuer: idp.issuer, clientId: idp.clients.web.client_id });
  return { portal, idp };
}

/** A loopback server answering 404 to everything, without CORS headers; stopped by t.after. */
async function startBareServer(t) {
  const server = createServer((req, res) => { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${server.address().port}`;
}

test('Cancel at the provider: the callback is access_denied with the provider\'s words, nobody signed in',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t);
    const { context } = await newLoopbackContext(browser, t, { step: STEP });
    const page = await context.newPage();
    await page.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('html[data-auth="signed-out"]', { state: 'attached' });
    await page.click('#auth-button', { noWaitAfter: true });
    const back = await driveProvider(page, {
      issuer: stack.idp.issuer, cancel: true, isBack: (u) => u.origin === stack.portal.url,
    });
    assert.equal(new URL(back).pathname, '/callback');
    assert.equal(new URL(back).searchParams.get('error'), 'access_denied');
    await page.waitForSelector('#error-banner:not([hidden])');
    assert.equal(await page.getAttribute('#error-banner', 'data-code'), 'access_denied');
    assert.match(await page.textContent('#error-message'), /declined or cancelled/);
    await page.waitForSelector('html[data-auth="signed-out"]', { state: 'attached' });
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith('.session')).length), 0);
  });

test('createSsoClient refuses each configuration mistake in the page, before any request',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t);
    const { context } = await newLoopbackContext(browser, t, { step: STEP });
    const page = await context.newPage();
    await page.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
    // The portal's own client first (its ssokit:create measure), so the counts below are this test's.
    await page.waitForFunction(() => performance.getEntriesByName('ssokit:create', 'measure').length === 1, null, { timeout: STEP });
    const toProvider = [];
    page.on('request', (r) => { if (r.url().startsWith(stack.idp.issuer)) toProvider.push(r.url()); });
    const good = { issuer: stack.idp.issuer, clientId: 'ssokit-web', redirectUri: `${stack.portal.url}/callback`, crossTab: false };
    const mistakes = [
      [{ issuer: 'login.example.com' }, 'invalid_url', 'not an absolute URL'],
      [{ issuer: 'http://login.example.com' }, 'invalid_url', 'use https'],
      [{ issuer: 'http://localhsot:4000' }, 'invalid_url', 'typo'],
      [{ issuer: `${stack.idp.issuer}/.well-known/openid-configuration` }, 'invalid_url', 'drop "/.well-known/openid-configuration"'],
      [{ redirectUri: '/callback' }, 'invalid_url', 'location.origin'],
      [{ redirectUri: `${stack.portal.url}/callback#x` }, 'invalid_url', 'fragment'],
      [{ redirectUrl: `${stack.portal.url}/callback`, redirectUri: undefined }, 'invalid_argument', 'did you mean "redirectUri"'],
      [{ clientID: 'ssokit-web' }, 'invalid_argument', 'did you mean "clientId"'],
      [{ allowedAlgs: ['RS256', 'HS265'] }, 'invalid_argument', '"HS265"'],
      [{ clientId: undefined }, 'invalid_argument', 'clientId'],
    ];
    const got = await page.evaluate(async ({ good, mistakes }) => {
      const { createSsoClient } = await import('/ssokit/src/index.js');
      const measures = (name) => performance.getEntriesByName(name, 'measure').length;
      const before = measures('ssokit:create');  // the portal page's own client
      const out = [];
      for (const [change] of mistakes) {
        const options = { ...good, ...change };
        for (const k of Object.keys(options)) if (options[k] === undefined) delete options[k];
        try {
          (await createSsoClient(options)).close();
          out.push({ code: null });
        } catch (e) {
          out.push({ code: e.code, message: e.message });
        }
      }
      // And the correct configuration is accepted; the page is no callback.
      const sso = await createSsoClient(good);
      out.push({ isCallback: sso.isCallback(), handled: await sso.handleRedirectCallback(location.href) });
      sso.close();
      // The page's User Timing (web/src/timing.js): the core loaded once, one more client completed.
      out.push([measures('ssokit:core-load'), measures('ssokit:create') - before]);
      return out;
    }, { good, mistakes });
    mistakes.forEach(([change, code, words], i) => {
      assert.equal(got[i].code, code, `${JSON.stringify(change)}: ${got[i].message}`);
      assert.ok(got[i].message.includes(words), `${JSON.stringify(change)}: "${got[i].message}" should say ${words}`);
    });
    assert.deepEqual(got.at(-2), { isCallback: false, handled: null });
    assert.deepEqual(got.at(-1), [1, 1], 'one ssokit:core-load and one ssokit:create measure (the refused clients never completed)');
    assert.deepEqual(toProvider, [], 'no request reached the provider');
  });

test('discovery: a 404 the page can see says so; one the browser hides names the URL and the likely causes',
  { timeout: TEST }, async (t) => {
    const stack = await startStack(t);
    const bare = await startBareServer(t);
    const { context } = await newLoopbackContext(browser, t, { step: STEP });
    const page = await context.newPage();
    await page.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
    const got = await page.evaluate(async ({ issuers, redirectUri }) => {
      const { createSsoClient } = await import('/ssokit/src/index.js');
      const out = [];
      for (const issuer of issuers) {
        const sso = await createSsoClient({ issuer, clientId: 'ssokit-web', redirectUri, crossTab: false });
        try { await sso.login({ redirect: false }); out.push({ code: null }); } catch (e) { out.push({ code: e.code, message: e.message, details: e.details }); }
        sso.close();
      }
      return out;
    }, { issuers: [`${stack.portal.url}/no-provider-here`, `${bare}/realms/portal`], redirectUri: `${stack.portal.url}/callback` });
    // Same origin: the page sees the 404.
    assert.equal(got[0].code, 'discovery_failed', got[0].message);
    assert.ok(got[0].message.includes(`${stack.portal.url}/no-provider-here/.well-known/openid-configuration`), got[0].message);
    assert.match(got[0].message, /HTTP 404/);
    // Another origin without CORS headers: the browser says only "Failed to fetch".
    assert.equal(got[1].code, 'network_error', got[1].message);
    assert.equal(got[1].details.url, `${bare}/realms/portal/.well-known/openid-configuration`);
    assert.match(got[1].message, /issuer URL is wrong.*CORS/);
  });

test('a sign-in popup whose callback page forgot completePopupCallback() says so there and in the opener',
  { timeout: TEST }, async (t) => {
    // The popup's redirect URI is rewritten by the "host" to another route (as single-page app
    // hosts do), whose page calls handleRedirectCallback() like a normal callback page.
    let config = null;  // known once the provider runs
    const landing = () => `<!doctype html><title>landing</title><body><script type="module">
        import { createSsoClient } from '/ssokit/src/index.js';
        const sso = await createSsoClient(${JSON.stringify(config)});
        try { await sso.handleRedirectCallback(location.href); document.body.textContent = 'signed in'; }
        catch (e) {
          // Shown in the popup, and kept where the test can read it after the opener closed the popup.
          document.body.textContent = e.message;
          localStorage.setItem('popup-error', JSON.stringify({ code: e.code, reason: e.details.reason, message: e.message }));
        }
      </script></body>`;
    const stack = await startStack(t, {
      extraRedirects: ['/popup-callback'],
      routes: [
        { path: '/popup-callback', handle: (req, res) => { res.writeHead(302, { location: `/app/landing${req.url.slice(req.url.indexOf('?'))}` }); res.end(); } },
        { path: '/app/landing', handle: (req, res, ctx) => ctx.send(200, 'text/html; charset=utf-8', landing()) },
      ],
    });
    config = { issuer: stack.idp.issuer, clientId: stack.idp.clients.web.client_id, redirectUri: `${stack.portal.url}/popup-callback`, crossTab: false };
    const { context } = await newLoopbackContext(browser, t, { step: STEP });
    const opener = await context.newPage();
    await opener.goto(`${stack.portal.url}/`, { waitUntil: 'domcontentloaded' });
    const popupOpened = context.waitForEvent('page');
    // Playwright's evaluate runs with a user gesture, as a click handler would.
    await opener.evaluate(async (config) => {
      const { createSsoClient } = await import('/ssokit/src/index.js');
      const sso = await createSsoClient(config);
      window.popupOutcome = sso.login({ popup: true }).then(() => ({ code: null }),
        (e) => ({ code: e.code, reason: e.details.reason, message: e.message }));
    }, config);
    const popup = await popupOpened;
    await driveProvider(popup, { issuer: stack.idp.issuer, isBack: (u) => u.origin === stack.portal.url });
    const outcome = await opener.evaluate(() => window.popupOutcome);
    assert.equal(outcome.code, 'invalid_argument', outcome.message);
    assert.equal(outcome.reason, 'popup_callback_not_completed');
    assert.match(outcome.message, /instead of completePopupCallback\(\)/);
    // The popup said it too (it wrote its error before telling the opener, which then closed it).
    const popupSaid = JSON.parse(await opener.evaluate(() => localStorage.getItem('popup-error')));
    assert.equal(popupSaid.code, 'invalid_argument');
    assert.equal(popupSaid.reason, 'popup_callback_not_completed');
    assert.match(popupSaid.message, /call completePopupCallback\(\) first/);
    await popup.waitForEvent('close', { timeout: STEP }).catch(() => {});
    assert.ok(popup.isClosed(), 'the opener closed the popup');
  });
