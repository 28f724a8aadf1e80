// Checks behind SECURITY.md for the web package: where tokens and pending sign-ins live by
// default, the fetch transport's safety settings, TLS to the provider, and return paths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSsoClient, fetchTransport, SsoError } from '../../web/src/index.js';
import { startProvider } from '../idp/harness.mjs';
import { completeAuthorization } from '../idp/user-agent.mjs';

const REDIRECT = 'http://127.0.0.1:7890/callback';
let idp;
before(async () => { idp = await startProvider({}); });
after(async () => { await idp?.stop(); });

// A Web Storage area in memory, to see exactly what the client writes to it.
class FakeStorage {
  constructor() { this.map = new Map(); }
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
  get length() { return this.map.size; }
  dump() { return [...this.map].map(([k, v]) => `${k}=${v}`).join('\n'); }
}

test('tokens stay in memory by default; the pending sign-in in sessionStorage is spent by the callback', async () => {
  const session = new FakeStorage();
  const local = new FakeStorage();
  globalThis.sessionStorage = session;
  globalThis.localStorage = local;
  const tabs = new BroadcastChannel('ssokit:security-test');  // what other tabs hear
  const heard = [];
  tabs.onmessage = (event) => heard.push(event.data);
  const told = [];
  let sso;
  try {
    sso = await createSsoClient({ issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: REDIRECT, storageKey: 'security-test' });
    sso.onSessionChange((value) => told.push(value));
    const { url } = await sso.login({ returnTo: '/library', redirect: false });
    const state = new URL(url).searchParams.get('state');
    assert.ok(session.getItem(`security-test.tx.${state}`), 'the pending sign-in waits in sessionStorage (it must survive the redirect)');

    const callbackUrl = await completeAuthorization(url, { login: 'viewer', password: 'test' });
    const { returnTo } = await sso.handleRedirectCallback(callbackUrl);
    assert.equal(returnTo, '/library');
    const token = await sso.getAccessToken();
    assert.ok(token);

    assert.equal(session.length, 0, `nothing left in sessionStorage after the callback:\n${session.dump()}`);
    assert.equal(local.length, 0, 'localStorage is never touched unless asked for');
    // Listeners, getSession() and the other tabs get no token.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const exposed = JSON.stringify({ told, session: await sso.getSession(), heard });
    assert.equal(told.length, 1);
    assert.ok(told[0].profile && told[0].expiresAt);
    assert.deepEqual(heard, [{ type: 'updated' }]);
    assert.ok(!exposed.includes(token) && !/access_token|refresh_token|id_token/.test(exposed), exposed);
    // A second use of the same callback finds nothing to complete.
    await assert.rejects(sso.handleRedirectCallback(callbackUrl), (e) => e.code === 'transaction_not_found');
  } finally {
    sso?.close();
    tabs.close();
    delete globalThis.sessionStorage;
    delete globalThis.localStorage;
  }
});

test('a return path that leaves the site is refused before the sign-in is stored', async () => {
  const pending = new Map();
  const storage = { get: (k) => pending.get(k) ?? null, set: (k, v) => { pending.set(k, v); }, remove: (k) => { pending.delete(k); } };
  const sso = await createSsoClient({ issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: REDIRECT, transactionStorage: storage, crossTab: false });
  for (const returnTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/%2F%2Fevil.example', 'javascript:alert(1)']) {
    await assert.rejects(sso.login({ returnTo, redirect: false }), (e) => e instanceof SsoError && e.code === 'invalid_return_url', returnTo);
  }
  assert.equal(pending.size, 0);
  sso.close();
});

test('a plain-http issuer on another host is refused by createSsoClient, before anything is sent', async () => {
  const calls = [];
  const recorder = async (url) => { calls.push(url); throw new Error('must not be called'); };
  for (const issuer of ['http://id.example.com', 'http://10.1.2.3:8080/realm']) {
    await assert.rejects(createSsoClient({ issuer, clientId: 'portal', redirectUri: 'https://portal.example.com/cb', fetch: recorder, crossTab: false }),
      (e) => e instanceof SsoError && e.code === 'invalid_url' && e.message.includes('use https'), issuer);
  }
  assert.deepEqual(calls, []);
});

test('fetchTransport follows no redirect, sends no cookies, caps bodies and keeps queries out of messages', async () => {
  const seen = [];
  const send = fetchTransport(async (url, init) => {
    seen.push({ url, init });
    if (url.includes('big')) return new Response('x'.repeat((1 << 20) + 1), { status: 200 });
    if (url.includes('down')) throw new TypeError('fetch failed');
    return new Response('', { status: 302, headers: { location: 'https://evil.example/' } });
  });
  const redirected = await send({ method: 'GET', url: 'https://id.example.com/jwks', headers: [], body: undefined });
  assert.equal(redirected.status, 302, 'a redirect comes back as a response for the core to judge');
  assert.equal(seen[0].init.redirect, 'manual');
  assert.equal(seen[0].init.credentials, 'omit');

  await assert.rejects(send({ method: 'GET', url: 'https://id.example.com/big', headers: [] }),
    (e) => e.code === 'invalid_response');
  await assert.rejects(send({ method: 'GET', url: 'https://id.example.com/down?code=SECRET-CODE&token=SECRET-TOKEN', headers: [] }),
    (e) => e.code === 'network_error' && !e.message.includes('SECRET') && e.message.includes('https://id.example.com/down'));
});

test('a client secret is refused in a browser page, accepted on a server', async () => {
  const options = { issuer: idp.issuer, clientId: 'ssokit-confidential', redirectUri: REDIRECT, clientSecret: 'not-for-pages' };
  globalThis.document = {};  // what a page has and Node has not
  try {
    await assert.rejects(createSsoClient(options), (e) => e instanceof SsoError && e.code === 'invalid_argument'
      && /browser page/.test(e.message) && !e.message.includes('not-for-pages'));
  } finally {
    delete globalThis.document;
  }
  const server = await createSsoClient(options);
  const { url } = await server.login({ redirect: false });
  assert.ok(url.startsWith(`${idp.issuer}/`));
});
