// DPoP (RFC 9449) in createSsoClient in Node, against the real oidc-provider (DPoP optional, and
// with a required DPoP-Nonce) and the loopback resource API (dpop-api.mjs, which checks each proof
// as a resource server does): `dpop: true` binds the sign-in's tokens to a new WebCrypto key
// (token_type DPoP, dpop_jkt on the authorization request), a refresh keeps the key, a new sign-in
// makes a new one, sso.fetch sends the token with a fresh proof and answers the API's nonce
// challenge with exactly one retry, and sign-out forgets the key. The session is kept in a storage
// adapter the test can read.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProvider, completeAuthorization, completeDeviceAuthorization } from './harness.mjs';
import { startDpopApi, jwkThumbprint } from './dpop-api.mjs';
import { createSsoClient, SsoError } from '../../web/src/index.js';

const isCode = (code) => (e) => e instanceof SsoError && e.code === code;

function mapStorage() {
  const map = new Map();
  return { map, get: (k) => map.get(k) ?? null, set: (k, v) => { map.set(k, v); }, remove: (k) => { map.delete(k); } };
}

async function newClient(idp, options = {}) {
  const storage = mapStorage();
  const sso = await createSsoClient({
    issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: 'http://127.0.0.1/callback', storage, crossTab: false, dpop: true, ...options,
  });
  const session = () => JSON.parse(storage.map.get('ssokit.session') ?? 'null');
  return { sso, storage, session };
}

async function signIn(sso) {
  const { url } = await sso.login({ redirect: false, loginHint: 'viewer@example.com' });
  await sso.handleRedirectCallback(await completeAuthorization(url));
  return url;
}

// What the provider bound the access token to (oidc-provider's AccessToken.jkt).
const boundTo = async (idp, accessToken) => (await idp.provider.AccessToken.find(accessToken))?.jkt;

for (const mode of ['optional', 'nonce']) {
  describe(`createSsoClient with dpop: true, provider DPoP ${mode}`, () => {
    let idp;
    let api;
    before(async () => {
      idp = await startProvider({ dpop: mode });
      api = await startDpopApi({ idp, requireNonce: true });
    });
    after(async () => { await api?.stop(); await idp?.stop(); });

    test('sign-in binds the tokens to a new key; refresh keeps it; sso.fetch answers the nonce challenge once', async () => {
      const { sso, session } = await newClient(idp);
      const url = await signIn(sso);
      const first = session();
      assert.equal(first.tokens.token_type, 'DPoP');
      assert.equal(first.dpop.alg, 'ES256');
      assert.deepEqual(Object.keys(first.dpop.jwk).sort(), ['crv', 'kty', 'x', 'y'], 'only the public key is in the session');
      const jkt = jwkThumbprint(first.dpop.jwk);
      assert.equal(new URL(url).searchParams.get('dpop_jkt'), jkt, 'the authorization request names the key');
      assert.equal(await boundTo(idp, first.tokens.access_token), jkt);

      await sso.refresh();
      const refreshed = session();
      assert.notEqual(refreshed.tokens.access_token, first.tokens.access_token);
      assert.equal(refreshed.tokens.token_type, 'DPoP');
      assert.deepEqual(refreshed.dpop, first.dpop, 'a refresh keeps the key');
      assert.equal(await boundTo(idp, refreshed.tokens.access_token), jkt);

      const before = api.requests.length;
      const response = await sso.fetch(`${api.url}?q=1`, { method: 'post', body: 'hello', headers: { 'Content-Type': 'text/plain' } });
      assert.equal(response.status, 200, await response.clone().text());
      const answer = await response.json();
      assert.equal(answer.jkt, jkt);
      assert.equal(answer.method, 'POST');
      assert.equal(answer.body, 'hello', 'the app\'s body and headers go through');
      assert.deepEqual(api.requests.slice(before).map((r) => `${r.status} ${r.reason}`), ['401 nonce', '200 ok'], 'exactly one retry, with the API\'s nonce');
      // The nonce is remembered: the next call needs no retry.
      assert.equal((await sso.fetch(api.url)).status, 200);
      assert.equal(api.requests.length, before + 3);
      assert.ok(api.requests.at(-1).nonce, 'the remembered nonce was sent');
      sso.close();
    });

    test('a new sign-in makes a new key; sign-out forgets it (a copy of the session is then login_required)', async () => {
      const { sso, storage, session } = await newClient(idp);
      await signIn(sso);
      const first = session();
      await signIn(sso);
      const second = session();
      assert.notDeepEqual(second.dpop.jwk, first.dpop.jwk, 'a new key for a new sign-in');
      assert.equal(await boundTo(idp, second.tokens.access_token), jwkThumbprint(second.dpop.jwk));

      // The first session's key went with it: put its copy back, and its refresh cannot be made.
      storage.map.set('ssokit.session', JSON.stringify(first));
      await assert.rejects(sso.refresh(), isCode('login_required'));
      assert.equal(await sso.isAuthenticated(), false, 'a DPoP session without its key is removed');

      storage.map.set('ssokit.session', JSON.stringify(second));
      assert.equal((await sso.fetch(api.url)).status, 200);
      await sso.logout({ redirect: false });
      await assert.rejects(sso.fetch(api.url), isCode('login_required'), 'not signed in');
      storage.map.set('ssokit.session', JSON.stringify(second));
      await assert.rejects(sso.fetch(api.url), isCode('login_required'), 'the key was forgotten at sign-out');
      assert.equal(await sso.isAuthenticated(), false);
      sso.close();
    });

    test('revoke forgets the key too', async () => {
      const { sso, storage, session } = await newClient(idp);
      await signIn(sso);
      const copy = session();
      await sso.revoke();
      storage.map.set('ssokit.session', JSON.stringify(copy));
      await assert.rejects(sso.refresh(), isCode('login_required'));
      sso.close();
    });
  });
}

describe('sso.fetch edge cases', () => {
  let idp;
  before(async () => { idp = await startProvider({ dpop: 'optional' }); });
  after(async () => { await idp?.stop(); });

  test('a server that asks for a new nonce every time: exactly two requests, the second 401 is returned', async () => {
    const hostile = await startDpopApi({ idp, requireNonce: true, nonceEveryTime: true });
    try {
      const { sso } = await newClient(idp);
      await signIn(sso);
      const response = await sso.fetch(hostile.url);
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate'), /use_dpop_nonce/);
      assert.equal(hostile.requests.length, 2, 'one retry, never a loop');
      assert.ok(hostile.requests[1].nonce, 'the retry carried the nonce');
      sso.close();
    } finally {
      await hostile.stop();
    }
  });

  test('a Bearer session gets Authorization: Bearer (and no retry); not signed in is login_required', async () => {
    const api = await startDpopApi({ idp, requireNonce: true });
    try {
      const { sso, session } = await newClient(idp, { dpop: false });
      await assert.rejects(sso.fetch(api.url), isCode('login_required'));
      await signIn(sso);
      assert.equal(session().tokens.token_type.toLowerCase(), 'bearer');
      assert.equal(session().dpop, undefined);
      const response = await sso.fetch(api.url);
      assert.equal(response.status, 401);
      assert.deepEqual(api.requests.map((r) => r.reason), ['bearer']);
      sso.close();
    } finally {
      await api.stop();
    }
  });

  test('discovery\'s dpop_bound_access_tokens turns DPoP on without the option', async () => {
    // The provider's document as a provider that requires DPoP publishes it.
    const fetchRequiring = async (url, init) => {
      const response = await fetch(url, init);
      if (!String(url).endsWith('/.well-known/openid-configuration')) return response;
      const doc = { ...(await response.json()), dpop_bound_access_tokens: true };
      return new Response(JSON.stringify(doc), { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    const { sso, session } = await newClient(idp, { dpop: undefined, fetch: fetchRequiring });
    await signIn(sso);
    assert.equal(session().tokens.token_type, 'DPoP');
    assert.ok(session().dpop);
    sso.close();
  });

  test('device sign-in with dpop: true makes a new key and gets DPoP tokens', async () => {
    const { sso, session } = await newClient(idp);
    let confirming;
    await sso.deviceLogin({ onCode: (code) => { confirming = completeDeviceAuthorization(code.verificationUriComplete); } });
    await confirming;
    assert.equal(session().tokens.token_type, 'DPoP');
    assert.equal(await boundTo(idp, session().tokens.access_token), jwkThumbprint(session().dpop.jwk));
    const api = await startDpopApi({ idp });
    try {
      assert.equal((await sso.fetch(api.url)).status, 200);
    } finally {
      await api.stop();
    }
    sso.close();
  });
});
