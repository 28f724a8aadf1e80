// DPoP (RFC 9449) in Debian's Chromium: a real page signs in with `dpop: true` against the real
// oidc-provider (which requires a DPoP-Nonce), its key pair is a non-extractable WebCrypto key kept
// in IndexedDB, sso.fetch calls the loopback resource API (another origin, CORS; it checks each
// proof and asks for its own nonce), a refresh keeps the key, and sign-out removes it. The page is a
// blank one the sample portal serves beside the package (/ssokit/src/); only 127.0.0.1.
//
//   node --test tests/e2e/dpop.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { driveProvider, launchChromium, newLoopbackContext } from './browser.mjs';
import { startPortal } from '../../samples/portal/server.mjs';
import { startProvider } from '../idp/provider.mjs';
import { startDpopApi, jwkThumbprint } from '../idp/dpop-api.mjs';

const STEP = 15_000;

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

const BLANK = '<!doctype html><meta charset="utf-8"><title>DPoP test page</title><p>DPoP</p>';

// In the page: a client of the test's settings (session in localStorage, so it survives navigation).
const clientIn = (page, settings, body) => page.evaluate(async ({ settings, body }) => {
  const { createSsoClient } = await import('/ssokit/src/index.js');
  const sso = await createSsoClient({ ...settings, storage: 'local', crossTab: false });
  // The key store as the page sees it: every record and what WebCrypto says of its keys.
  const keys = () => new Promise((resolve, reject) => {
    const open = indexedDB.open('ssokit-keys');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('dpop')) { db.close(); resolve([]); return; }
      const store = db.transaction('dpop').objectStore('dpop');
      const names = store.getAllKeys();
      const values = store.getAll();
      values.onsuccess = () => {
        db.close();
        resolve(values.result.map((v, i) => ({
          name: names.result[i],
          isCryptoKey: v.privateKey instanceof CryptoKey,
          extractable: v.privateKey.extractable,
          type: v.privateKey.type,
          algorithm: v.privateKey.algorithm,
          usages: v.privateKey.usages,
          privateKey: v.privateKey,
          jwk: v.key.jwk,
        })));
      };
      values.onerror = () => reject(values.error);
    };
  });
  const session = () => JSON.parse(localStorage.getItem('ssokit.session') ?? 'null');
  try {
    // eslint-disable-next-line no-new-func
    return await new Function('sso', 'keys', 'session', `return (async () => { ${body} })()`)(sso, keys, session);
  } finally {
    sso.close();
  }
}, { settings, body });

test('Chromium: dpop sign-in keeps a non-extractable key in IndexedDB; sso.fetch with the nonce retry; refresh keeps it; sign-out removes it',
  { timeout: 120_000 }, async (t) => {
    const portal = await startPortal({
      port: 0,
      routes: [{ path: '/dpop', handle: (req, res, { send }) => send(200, 'text/html; charset=utf-8', BLANK) }],
    });
    t.after(() => portal.stop());
    const redirectUri = `${portal.url}/dpop`;
    const idp = await startProvider({ dpop: 'nonce', webRedirectUris: [redirectUri] });
    t.after(() => idp.stop());
    const api = await startDpopApi({ idp, requireNonce: true });
    t.after(() => api.stop());
    const settings = { issuer: idp.issuer, clientId: 'ssokit-web', redirectUri, dpop: true };

    const { context, blocked } = await newLoopbackContext(browser, t, { step: STEP });
    const page = await context.newPage();
    const loaded = [];
    page.on('request', (r) => loaded.push(new URL(r.url()).pathname));
    await page.goto(redirectUri, { waitUntil: 'domcontentloaded' });
    const url = await clientIn(page, settings, 'return (await sso.login({ redirect: false })).url;');
    assert.ok(new URL(url).searchParams.get('dpop_jkt'), 'the authorization request names the key');
    const pending = await clientIn(page, settings, 'return (await keys()).map((k) => k.name);');
    assert.deepEqual(pending.length, 1);
    assert.match(pending[0], /^ssokit\.tx\./, 'the pending sign-in\'s key, until the callback');

    await page.goto(url, { waitUntil: 'commit' });
    await driveProvider(page, { issuer: idp.issuer, isBack: (u) => u.origin === portal.url && u.pathname === '/dpop', step: STEP });
    const signedIn = await clientIn(page, settings, `
      await sso.handleRedirectCallback(location.href);
      const [k, ...more] = await keys();
      let exported = 'exported';
      try { await crypto.subtle.exportKey('jwk', k.privateKey); } catch (e) { exported = e.name; }
      return { key: { ...k, privateKey: undefined }, more: more.length, exported, session: session() };`);
    const { key, session } = signedIn;
    assert.equal(session.tokens.token_type, 'DPoP');
    assert.equal(signedIn.more, 0, 'the pending key became the session\'s: one key');
    assert.equal(key.isCryptoKey, true, 'a CryptoKey, kept by structured clone');
    assert.equal(key.extractable, false, 'the private key cannot leave WebCrypto');
    assert.equal(signedIn.exported, 'InvalidAccessError');
    assert.equal(key.type, 'private');
    assert.deepEqual(key.algorithm, { name: 'ECDSA', namedCurve: 'P-256' });
    assert.deepEqual(key.usages, ['sign']);
    const jkt = jwkThumbprint(session.dpop.jwk);
    assert.equal(key.name, `ssokit.session.${jkt}`);
    assert.deepEqual(key.jwk, session.dpop.jwk);
    assert.equal(new URL(url).searchParams.get('dpop_jkt'), jkt);
    assert.equal((await idp.provider.AccessToken.find(session.tokens.access_token)).jkt, jkt);

    const fetched = await clientIn(page, settings, `
      const first = await sso.fetch('${api.url}');
      const second = await sso.fetch('${api.url}', { method: 'POST', body: 'from the page' });
      return [first.status, await first.json(), second.status, await second.json()];`);
    assert.equal(fetched[0], 200);
    assert.equal(fetched[1].jkt, jkt);
    assert.equal(fetched[2], 200);
    assert.equal(fetched[3].body, 'from the page');
    // The first call's nonce challenge was answered by one retry; the second call used the remembered nonce.
    assert.deepEqual(api.requests.map((r) => `${r.method} ${r.status} ${r.reason}`), ['GET 401 nonce', 'GET 200 ok', 'POST 200 ok']);

    const refreshed = await clientIn(page, settings, `
      const before = session().tokens.access_token;
      await sso.refresh();
      const response = await sso.fetch('${api.url}');
      return { changed: session().tokens.access_token !== before, dpop: session().dpop, status: response.status, keys: (await keys()).map((k) => k.name) };`);
    assert.equal(refreshed.changed, true);
    assert.deepEqual(refreshed.dpop, session.dpop, 'a refresh keeps the key');
    assert.equal(refreshed.status, 200);
    assert.deepEqual(refreshed.keys, [`ssokit.session.${jkt}`]);

    const out = await clientIn(page, settings, `
      await sso.logout({ redirect: false });
      let code = null;
      try { await sso.fetch('${api.url}'); } catch (e) { code = e.code; }
      return { keys: (await keys()).length, code, signedIn: await sso.isAuthenticated() };`);
    assert.deepEqual(out, { keys: 0, code: 'login_required', signedIn: false });
    assert.ok(!loaded.includes('/ssokit/src/sign.js'), 'the Node-only signer never reaches the page');
    // The provider's login page asks for web fonts (blocked offline); nothing else left 127.0.0.1.
    assert.deepEqual(blocked.filter((u) => !u.startsWith('https://fonts.googleapis.com/')), []);
  });
