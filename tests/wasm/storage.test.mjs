// Storage adapters, cross-tab session behaviour and popup sign-in of the web package, in Node.
// "Tabs" are two createSsoClient instances in one process sharing a storage and a
// BroadcastChannel name; the refresh lock is the in-realm fallback (Node has no Web Locks).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createSsoClient, SsoError, memoryStorage, webStorage, customStorage, resolveStorage,
  completePopupCallback,
} from '../../web/src/index.js';
import { startProvider } from '../idp/harness.mjs';
import { completeAuthorization } from '../idp/user-agent.mjs';

const REDIRECT = 'http://127.0.0.1:7890/callback';
let idp;
before(async () => { idp = await startProvider({ accessTokenTtl: 300 }); });
after(async () => { await idp?.stop(); });

let keyCounter = 0;
const freshKey = () => `t${process.pid}-${++keyCounter}`;

/** An app's own async storage (think: a wrapper around an encrypted store), shared by "tabs". */
function sharedAsyncStorage() {
  const map = new Map();
  const tick = () => new Promise((r) => setTimeout(r, 1));
  return {
    map,
    async get(key) { await tick(); return map.get(key) ?? null; },
    async set(key, value) { await tick(); map.set(key, value); },
    async remove(key) { await tick(); map.delete(key); },
  };
}

/** A fetch that counts refresh-token grants reaching the token endpoint. */
function countingFetch() {
  const counter = { refreshes: 0 };
  counter.fetch = async (url, init = {}) => {
    if (init.method === 'POST' && String(init.body ?? '').includes('grant_type=refresh_token')) counter.refreshes += 1;
    return fetch(url, init);
  };
  return counter;
}

function nextChange(sso, timeoutMs = 3000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error('no onSessionChange within the time limit')); }, timeoutMs);
    const off = sso.onSessionChange((s) => { clearTimeout(timer); off(); resolve(s); });
  });
}

function makeClient(extra = {}) {
  return createSsoClient({ issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: REDIRECT, ...extra });
}

async function signIn(sso, loginOptions = {}) {
  const { url } = await sso.login({ redirect: false, ...loginOptions });
  return sso.handleRedirectCallback(await completeAuthorization(url, { login: 'viewer', password: 'test' }));
}

// ---- adapters -------------------------------------------------------------------------------

test('memory storage: string values, null when missing', async () => {
  const s = memoryStorage();
  assert.equal(await s.get('a'), null);
  await s.set('a', 'one');
  assert.equal(await s.get('a'), 'one');
  await s.remove('a');
  assert.equal(await s.get('a'), null);
});

test('custom adapters may be sync or async; undefined reads as null; failures become storage_error', async () => {
  const map = new Map();
  const sync = customStorage({ get: (k) => map.get(k), set: (k, v) => { map.set(k, v); }, remove: (k) => { map.delete(k); } });
  assert.equal(await sync.get('x'), null);
  await sync.set('x', 'y');
  assert.equal(await sync.get('x'), 'y');
  const broken = resolveStorage({ get() { throw new Error('disk on fire'); }, async set() { throw new Error('quota'); }, remove() {} });
  await assert.rejects(broken.get('x'), (e) => e instanceof SsoError && e.code === 'storage_error' && /disk on fire/.test(e.message));
  await assert.rejects(broken.set('x', 'y'), (e) => e.code === 'storage_error');
  assert.throws(() => resolveStorage({ get() {}, set() {} }), (e) => e.code === 'invalid_argument' && /remove/.test(e.message));
  assert.throws(() => resolveStorage('cookies'), (e) => e.code === 'invalid_argument');
});

test('webStorage over a Storage-like area; a full area gives storage_error', async () => {
  const data = new Map();
  const area = {
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => { if (v.length > 10) { const e = new Error('full'); e.name = 'QuotaExceededError'; throw e; } data.set(k, v); },
    removeItem: (k) => data.delete(k),
  };
  const s = webStorage(area);
  await s.set('k', 'v');
  assert.equal(await s.get('k'), 'v');
  await assert.rejects(s.set('k', 'x'.repeat(11)), (e) => e.code === 'storage_error' && /QuotaExceededError/.test(e.message));
});

test('asking explicitly for a storage Node lacks is storage_error, never a silent fallback', async () => {
  for (const choice of ['session', 'local', 'indexeddb']) {
    await assert.rejects(makeClient({ storage: choice }), (e) => e instanceof SsoError && e.code === 'storage_error', choice);
    await assert.rejects(makeClient({ transactionStorage: choice }), (e) => e.code === 'storage_error', choice);
  }
});

test('a custom async storage holds the session and the pending sign-in', async () => {
  const store = sharedAsyncStorage();
  const sso = await makeClient({ storage: store, transactionStorage: store, storageKey: freshKey() });
  const { url } = await sso.login({ redirect: false, returnTo: '/films' });
  assert.ok([...store.map.keys()].some((k) => k.includes('.tx.')), 'the transaction is in the custom storage');
  const result = await sso.handleRedirectCallback(await completeAuthorization(url, { login: 'viewer', password: 'test' }));
  assert.equal(result.returnTo, '/films');
  assert.ok(![...store.map.keys()].some((k) => k.includes('.tx.')), 'the transaction is spent');
  assert.equal(await sso.isAuthenticated(), true);
  sso.close();
});

// ---- across tabs ----------------------------------------------------------------------------

test('shared storage: sign-in in tab A reaches tab B; sign-out in A signs B out', async () => {
  const store = sharedAsyncStorage();
  const storageKey = freshKey();
  const a = await makeClient({ storage: store, storageKey });
  const b = await makeClient({ storage: store, storageKey });
  try {
    const signedIn = nextChange(b);
    await signIn(a);
    const seen = await signedIn;
    assert.equal(seen.profile.userId, 'viewer');
    assert.equal(await b.isAuthenticated(), true);

    const signedOut = nextChange(b);
    await a.logout({ localOnly: true });
    assert.equal(await signedOut, null);
    assert.equal(await b.isAuthenticated(), false);
    await assert.rejects(b.getAccessToken(), (e) => e.code === 'login_required');
  } finally {
    a.close();
    b.close();
  }
});

test('per-tab storage (memory): a sign-out in one tab still ends the session in the others', async () => {
  const storageKey = freshKey();
  const a = await makeClient({ storageKey });
  const b = await makeClient({ storageKey });
  const c = await makeClient({ storageKey: freshKey() });  // another app on the page: untouched
  try {
    await signIn(a);
    await signIn(b);
    await signIn(c);
    const signedOut = nextChange(b);
    await a.logout({ localOnly: true });
    assert.equal(await signedOut, null);
    assert.equal(await b.isAuthenticated(), false);
    assert.equal(await c.isAuthenticated(), true);
  } finally {
    a.close(); b.close(); c.close();
  }
});

test("localStorage: the browser's 'storage' event alone signs the other tab out (a channel message can be lost)", async () => {
  // What a browser page has: localStorage and window events. No BroadcastChannel here, so only
  // the 'storage' event (which browsers fire in the other tabs of the origin) can tell tab B.
  const data = new Map();
  const area = { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, String(v)), removeItem: (k) => data.delete(k) };
  const win = new EventTarget();
  const saved = { localStorage: globalThis.localStorage, BroadcastChannel: globalThis.BroadcastChannel };
  globalThis.localStorage = area;
  globalThis.addEventListener = win.addEventListener.bind(win);
  globalThis.removeEventListener = win.removeEventListener.bind(win);
  globalThis.BroadcastChannel = undefined;
  const storageKey = freshKey();
  const storageEvent = (key, newValue) => Object.assign(new Event('storage'), { key, newValue });
  let a; let b;
  try {
    a = await makeClient({ storage: 'local', storageKey });
    await signIn(a);
    b = await makeClient({ storage: 'local', storageKey });
    assert.equal(await b.isAuthenticated(), true);
    const told = [];
    b.onSessionChange((s) => told.push(s));

    await a.logout({ localOnly: true });
    win.dispatchEvent(storageEvent(`${storageKey}.other`, null));
    assert.deepEqual(told, [], 'another key changing tells nobody');
    win.dispatchEvent(storageEvent(`${storageKey}.session`, null));
    assert.deepEqual(told, [null], 'the session key removed in another tab: signed out here');

    b.close();
    win.dispatchEvent(storageEvent(null, null));
    assert.deepEqual(told, [null], 'a closed client stops listening');
  } finally {
    a?.close(); b?.close();
    globalThis.localStorage = saved.localStorage;
    globalThis.BroadcastChannel = saved.BroadcastChannel;
    delete globalThis.addEventListener;
    delete globalThis.removeEventListener;
  }
});

test('refresh lock: two tabs with an expired token -> exactly one refresh reaches the token endpoint', async () => {
  const store = sharedAsyncStorage();
  const storageKey = freshKey();
  const counter = countingFetch();
  let now = Math.floor(Date.now() / 1000);
  const opts = { storage: store, storageKey, fetch: counter.fetch, clock: () => now, scope: 'openid profile email offline_access' };
  const a = await makeClient(opts);
  const b = await makeClient(opts);
  try {
    await signIn(a, { prompt: 'consent' });
    const first = await b.getAccessToken();
    now = (await a.getSession()).expiresAt;  // due in both tabs
    const [ta, tb] = await Promise.all([a.getAccessToken(), b.getAccessToken()]);
    assert.equal(counter.refreshes, 1, 'one refresh for both tabs');
    assert.notEqual(ta, first);
    assert.equal(ta, tb, 'the tab that waited uses the other tab\'s result');
    assert.equal(await a.isAuthenticated(), true);

    // An explicit refresh() in each tab, one after the other, refreshes each time.
    await a.refresh();
    await b.refresh();
    assert.equal(counter.refreshes, 3);
  } finally {
    a.close();
    b.close();
  }
});

test('refresh uses an injected LockManager (navigator.locks shape) when given', async () => {
  const store = sharedAsyncStorage();
  const storageKey = freshKey();
  const counter = countingFetch();
  const names = [];
  let chain = Promise.resolve();
  const locks = {
    request(name, fn) {
      names.push(name);
      const run = chain.then(() => fn({ name, mode: 'exclusive' }));
      chain = run.catch(() => {});
      return run;
    },
  };
  let now = Math.floor(Date.now() / 1000);
  const opts = { storage: store, storageKey, fetch: counter.fetch, clock: () => now, locks, crossTab: false };
  const a = await makeClient(opts);
  const b = await makeClient(opts);
  await signIn(a);
  now = (await a.getSession()).expiresAt;
  const tokens = await Promise.all([a.getAccessToken(), b.getAccessToken(), a.getAccessToken()]);
  assert.equal(new Set(tokens).size, 1);
  assert.equal(counter.refreshes, 1);
  assert.deepEqual([...new Set(names)], [`ssokit:${storageKey}:refresh`]);
  assert.equal(names.length, 2, 'one lock request per tab (callers in a tab share one refresh)');
});

// ---- popup ----------------------------------------------------------------------------------

/** A stand-in for window.open's popup: the provider's pages are completed over HTTP. */
function fakeWindow({ answer = 'poll' } = {}) {
  const listeners = new Set();
  const saved = { open: globalThis.open, addEventListener: globalThis.addEventListener, removeEventListener: globalThis.removeEventListener };
  const popup = {
    closed: false,
    close() { this.closed = true; },
    location: {
      _href: 'about:blank',
      get href() { return this._href; },
      set href(url) {
        this._href = url;
        if (!url.startsWith(idp.issuer)) return;
        this._href = 'https://provider.invalid/login';  // cross-origin while at the provider
        completeAuthorization(url, { login: 'viewer', password: 'test' }).then((callbackUrl) => {
          if (answer === 'poll') { this._href = callbackUrl; return; }
          const origin = answer === 'message-wrong-origin' ? 'http://127.0.0.1:9999' : new URL(callbackUrl).origin;
          for (const l of listeners) l({ origin, source: popup, data: { type: 'ssokit:callback', url: callbackUrl } });
          if (answer === 'message-wrong-origin') setTimeout(() => popup.close(), 50);
        });
      },
    },
  };
  const opened = [];
  globalThis.open = (url, name, features) => { opened.push({ url, name, features }); return popup; };
  globalThis.addEventListener = (type, l) => { if (type === 'message') listeners.add(l); };
  globalThis.removeEventListener = (type, l) => { if (type === 'message') listeners.delete(l); };
  return {
    popup, opened, listeners,
    restore() { Object.assign(globalThis, saved); for (const k of Object.keys(saved)) if (saved[k] === undefined) delete globalThis[k]; },
  };
}

test('popup sign-in: the popup opens at once, the callback URL is read back, the opener completes the sign-in', async () => {
  for (const answer of ['poll', 'message']) {
    const fake = fakeWindow({ answer });
    try {
      const sso = await makeClient({ storageKey: freshKey() });
      const pendingLogin = sso.login({ popup: true, returnTo: '/live' });
      assert.equal(fake.opened.length, 1, 'window.open is called before the first await (popup blockers)');
      assert.equal(fake.opened[0].url, 'about:blank');
      const result = await pendingLogin;
      assert.equal(result.profile.userId, 'viewer', answer);
      assert.equal(result.returnTo, '/live');
      assert.ok(result.url.startsWith(idp.issuer));
      assert.equal(fake.popup.closed, true, 'the popup is closed');
      assert.equal(fake.listeners.size, 0, 'the message listener is removed');
      assert.equal(await sso.isAuthenticated(), true);
      sso.close();
    } finally {
      fake.restore();
    }
  }
});

test('popup sign-in: a message from another origin is ignored; closing the popup gives cancelled', async () => {
  const fake = fakeWindow({ answer: 'message-wrong-origin' });
  try {
    const sso = await makeClient({ storageKey: freshKey() });
    await assert.rejects(sso.login({ popup: true }), (e) => e instanceof SsoError && e.code === 'cancelled');
    assert.equal(await sso.isAuthenticated(), false);
    sso.close();
  } finally {
    fake.restore();
  }
});

test('popup sign-in: a blocked popup gives cancelled (popup_blocked)', async () => {
  const saved = globalThis.open;
  globalThis.open = () => null;
  try {
    const sso = await makeClient({ storageKey: freshKey() });
    await assert.rejects(sso.login({ popup: true }), (e) => e.code === 'cancelled' && e.details.reason === 'popup_blocked');
    sso.close();
  } finally {
    if (saved === undefined) delete globalThis.open; else globalThis.open = saved;
  }
});

test('completePopupCallback posts the URL to the opener, restricted to the callback origin', () => {
  assert.equal(completePopupCallback('http://127.0.0.1:7890/callback?code=c&state=s'), false, 'not a popup: nothing to do');
  const posted = [];
  globalThis.opener = { postMessage: (data, origin) => posted.push({ data, origin }) };
  const savedClose = globalThis.close;
  globalThis.close = () => {};
  try {
    assert.equal(completePopupCallback('http://127.0.0.1:7890/callback?code=c&state=s'), true);
    assert.deepEqual(posted, [{ data: { type: 'ssokit:callback', url: 'http://127.0.0.1:7890/callback?code=c&state=s' }, origin: 'http://127.0.0.1:7890' }]);
  } finally {
    delete globalThis.opener;
    if (savedClose === undefined) delete globalThis.close; else globalThis.close = savedClose;
  }
});
