// The client's events (sso.on) in every "tab" that shares the session, and autoRefresh done by
// one tab. Tabs are createSsoClient instances in one process sharing a storage and a
// BroadcastChannel name (Node has no Web Locks: the in-realm lock serializes the refresh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSsoClient, SsoError } from '../../web/src/index.js';
import { startProvider } from '../idp/harness.mjs';
import { completeAuthorization } from '../idp/user-agent.mjs';

const REDIRECT = 'http://127.0.0.1:7890/callback';
const SCOPE = 'openid profile email offline_access';
let idp;
// Bounded hooks and tests: a stall under load fails with the step's name instead of running into
// scripts/test.sh's per-file limit without a report.
const LIMIT = { timeout: 120_000 };
before(async () => { idp = await startProvider({ accessTokenTtl: 300 }); }, LIMIT);
after(async () => { await idp?.stop(); }, LIMIT);

let keyCounter = 0;
const freshKey = () => `ev${process.pid}-${++keyCounter}`;

function sharedStorage() {
  const map = new Map();
  return { get: (k) => map.get(k) ?? null, set: (k, v) => { map.set(k, v); }, remove: (k) => { map.delete(k); } };
}

/** Records every event of a client, and resolves `next(name)` with the next one of that name (bounded wait). */
function recorder(sso) {
  const seen = [];
  const waiting = [];
  for (const name of ['sessionChanged', 'tokenRefreshed', 'tokenExpiring', 'refreshFailed', 'signedOut']) {
    sso.on(name, (value) => {
      seen.push([name, value]);
      for (const w of waiting.filter((x) => x.name === name)) { waiting.splice(waiting.indexOf(w), 1); w.resolve(value); }
    });
  }
  return {
    seen,
    names: () => seen.map(([n]) => n),
    next: (name, timeoutMs = 5000) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${name} event within ${timeoutMs} ms`)), timeoutMs);
      waiting.push({ name, resolve: (v) => { clearTimeout(timer); resolve(v); } });
    }),
  };
}

async function signIn(sso) {
  const { url } = await sso.login({ redirect: false, prompt: 'consent' });
  return sso.handleRedirectCallback(await completeAuthorization(url, { login: 'viewer', password: 'test' }));
}

test('events reach every tab that shares the session: sign-in, refresh, a failed refresh, sign-out', LIMIT, async () => {
  const storage = sharedStorage();
  let failRefresh = false;
  const fetchImpl = async (url, init = {}) => {
    if (failRefresh && String(init.body ?? '').includes('grant_type=refresh_token')) throw new TypeError('fetch failed');
    return fetch(url, init);
  };
  const options = { issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: REDIRECT, scope: SCOPE, storage, storageKey: freshKey(), fetch: fetchImpl };
  const a = await createSsoClient(options);
  const b = await createSsoClient(options);
  try {
    const ea = recorder(a);
    const eb = recorder(b);
    assert.throws(() => a.on('sessionChange', () => {}), (e) => e instanceof SsoError && e.code === 'invalid_argument' && /the events are/.test(e.message));

    const bSignedIn = eb.next('sessionChanged');
    await signIn(a);
    assert.equal((await bSignedIn).profile.userId, 'viewer');
    assert.deepEqual(ea.names(), ['sessionChanged']);

    const bRefreshed = eb.next('tokenRefreshed');
    await a.refresh();
    const refreshed = await bRefreshed;
    assert.equal(refreshed.expiresAt, (await a.getSession()).expiresAt);
    assert.ok(ea.names().includes('tokenRefreshed'));

    failRefresh = true;
    const bFailed = eb.next('refreshFailed');
    await assert.rejects(a.refresh(), (e) => e.code === 'network_error');
    assert.equal((await bFailed).code, 'network_error');
    assert.equal(await b.isAuthenticated(), true, 'a network failure keeps the session');

    const bOut = eb.next('signedOut');
    await a.logout({ localOnly: true });
    assert.deepEqual(await bOut, { reason: 'other_tab' });
    assert.deepEqual(ea.seen.at(-1), ['signedOut', { reason: 'logout' }]);
    assert.deepEqual(ea.seen.at(-2), ['sessionChanged', null]);
  } finally {
    a.close();
    b.close();
  }
});

test('autoRefresh: the token is renewed before expiry by one tab; every tab hears tokenExpiring and tokenRefreshed', LIMIT, async () => {
  const storage = sharedStorage();
  const storageKey = freshKey();
  let offset = 0;  // seconds added to the real clock, to bring the expiry near
  const clock = () => Math.floor(Date.now() / 1000) + offset;
  let refreshes = 0;
  const fetchImpl = async (url, init = {}) => {
    if (String(init.body ?? '').includes('grant_type=refresh_token')) refreshes += 1;
    return fetch(url, init);
  };
  const base = { issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: REDIRECT, scope: SCOPE, storage, storageKey, fetch: fetchImpl, clock };
  const signer = await createSsoClient(base);
  await signIn(signer);
  const { expiresAt } = await signer.getSession();
  signer.close();
  // The token now enters the refresh leeway (60 s) about a second from now.
  offset = expiresAt - 60 - Math.floor(Date.now() / 1000) - 1;
  const b = await createSsoClient({ ...base, autoRefresh: true });
  const c = await createSsoClient({ ...base, autoRefresh: true });
  try {
    const eb = recorder(b);
    const ec = recorder(c);
    const [xb, xc] = await Promise.all([eb.next('tokenExpiring'), ec.next('tokenExpiring')]);
    assert.equal(xb.expiresAt, expiresAt);
    assert.ok(xc.expiresIn <= 60, `within the leeway (${xc.expiresIn} s)`);
    const [rb, rc] = await Promise.all([eb.next('tokenRefreshed'), ec.next('tokenRefreshed')]);
    assert.ok(rb.expiresAt > expiresAt, 'a new access token');
    assert.equal(rb.expiresAt, rc.expiresAt, 'both tabs have the same new token');
    assert.equal(refreshes, 1, 'one refresh request for both tabs');
    assert.equal((await b.getSession()).expiresAt, rb.expiresAt);
  } finally {
    b.close();
    c.close();
  }
});
