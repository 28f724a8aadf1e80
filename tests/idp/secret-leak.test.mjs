// No secret leaks (issue 7): the sign-in, refresh, sign-out and device flows against the real
// oidc-provider, through the native CLI and through the JS API, with known secrets: a confidential
// client's secret, and every authorization code, PKCE verifier, state, nonce, access, refresh and ID
// token and device code the provider hands out (recorded by a middleware inside the provider).
// Failure paths: a wrong client secret, a revoked refresh token, and a provider whose answers echo
// the request back (code, verifier, Basic credentials, refresh token, device code) in
// error_description, WWW-Authenticate or the callback's error_description. None of the values, nor
// their encoded forms (leak-check.mjs), may appear in CLI stderr, the CLI's error JSON, the loopback
// page shown in the browser, an SsoError's message, details, String(), JSON or util.inspect, or the
// objects meant for display (getSession, onSessionChange, the client itself).
//
// Allowed by contract (DESIGN.md): a successful login/refresh/device prints the token set and the
// validated claims (whose `nonce` is the ID token's own claim) on stdout; logout-url prints the
// logout URL with id_token_hint; the Open: line carries state and nonce in the authorization URL.
// The platform connectors are covered in tests/platforms/secret-leak.test.mjs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { runCli } from './run-cli.mjs';
import { startProvider, completeAuthorization, completeDeviceAuthorization } from './harness.mjs';
import { Secrets, assertClean, assertCliClean, assertErrorClean } from './leak-check.mjs';
import { createSsoClient, SsoError } from '../../web/src/index.js';

// Lower case without digits, under 40 characters: no heuristic would take it for a credential, so
// only exact redaction keeps it out.
const CLIENT_SECRET = 'leak-test-confidential-client-secret';
const CLIENT = {
  client_id: 'leak-confidential',
  client_secret: CLIENT_SECRET,
  application_type: 'native',
  token_endpoint_auth_method: 'client_secret_basic',
  redirect_uris: ['http://127.0.0.1/callback'],
  post_logout_redirect_uris: ['http://127.0.0.1/logged-out'],
  grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
  response_types: ['code'],
};
const TOKENS = ['access_token', 'refresh_token', 'id_token'];
const SCOPE = 'openid profile email offline_access';
// The session files are encrypted with this key (a secret too).
const STORE_KEY = '5f0c8e2a9b7d4c61a3e8f0b2d4c6a8e0f1b3d5c7e9a1c3e5f7092b4d6f8a0c2e';
const ENV = { SSOKIT_CLIENT_SECRET: CLIENT_SECRET, SSOKIT_STORE_KEY: STORE_KEY, SSOKIT_STORE_KEY_FILE: '' };

// oidc-provider with a recording (and, on demand, lying) middleware around every route. Koa composes
// its middleware when callback() is called, so the server's handler is replaced after use().
async function startRecordedProvider() {
  const idp = await startProvider({ extraClients: [CLIENT] });
  const secrets = new Secrets();
  secrets.add('client_secret', CLIENT_SECRET);
  secrets.add('store_key', STORE_KEY);
  const rec = { exchanges: [], rewrite: null, secrets, lastAuthorize: '' };
  const formPaths = new Set(['/token', '/device/auth', '/token/revocation']);
  idp.provider.use(async (ctx, next) => {
    const entry = { method: ctx.method, path: ctx.path, query: { ...ctx.query }, headers: { ...ctx.headers }, body: '' };
    if (ctx.method === 'POST' && formPaths.has(ctx.path)) {
      for await (const chunk of ctx.req) entry.body += chunk;
      ctx.req.body = entry.body;  // oidc-provider reads an already read body from here
    }
    await next();
    entry.status = ctx.status;
    entry.response = ctx.body && typeof ctx.body === 'object' && typeof ctx.body.pipe !== 'function' ? ctx.body : null;
    entry.location = ctx.response.get('location');
    harvest(secrets, entry);
    rec.exchanges.push(entry);
    if (entry.path === '/auth') rec.lastAuthorize = new URLSearchParams(entry.query).toString();
    rec.rewrite?.(entry, ctx, rec);
  });
  idp.server.removeAllListeners('request');
  idp.server.on('request', idp.provider.callback());
  return { idp, rec, secrets };
}

// Every credential that crossed the wire, by name.
function harvest(secrets, e) {
  if (e.path === '/auth') {
    secrets.add('state', e.query.state);
    secrets.add('nonce', e.query.nonce);
  }
  const form = new URLSearchParams(e.body);
  for (const name of ['code', 'code_verifier', 'refresh_token', 'device_code', 'client_secret']) secrets.add(name, form.get(name));
  secrets.add(form.get('token_type_hint') ?? 'refresh_token', form.get('token'));
  const auth = e.headers.authorization ?? '';
  if (auth.startsWith('Basic ')) {
    secrets.add('basic_credentials', auth.slice(6));
    const [, secret] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
    secrets.add('client_secret', decodeURIComponent(secret ?? ''));
  }
  if (auth.startsWith('Bearer ')) secrets.add('access_token', auth.slice(7));
  for (const name of [...TOKENS, 'device_code']) secrets.add(name, e.response?.[name]);
  if (e.location) {
    try { secrets.add('code', new URL(e.location, 'http://x').searchParams.get('code')); } catch { /* not a URL */ }
  }
}

// Hostile answers: the provider puts what it was sent into its error.
const echo = (e) => `could not process ${e.method} ${e.path} Authorization: ${e.headers.authorization ?? '-'} body: ${e.body}`;
function answer(ctx, status, body, headers = {}) {
  ctx.status = status;
  ctx.body = body;
  for (const [k, v] of Object.entries(headers)) ctx.set(k, v);
}
const rewrites = {
  tokenEcho: (e, ctx) => {
    if (e.path === '/token') answer(ctx, 400, { error: 'invalid_request', error_description: echo(e) });
  },
  refreshNamesToken: (e, ctx) => {
    const form = new URLSearchParams(e.body);
    if (e.path === '/token' && form.get('grant_type') === 'refresh_token') {
      answer(ctx, 400, { error: 'invalid_grant', error_description: `refresh token ${form.get('refresh_token')} is revoked; ${echo(e)}` });
    }
  },
  refreshServerError: (e, ctx) => {
    if (e.path === '/token' && new URLSearchParams(e.body).get('grant_type') === 'refresh_token') {
      answer(ctx, 400, { error: 'invalid_request', error_description: echo(e) });
    }
  },
  userinfoNamesToken: (e, ctx) => {
    if (e.path === '/me') {
      const description = `access token ${e.headers.authorization?.slice(7)} has expired`;
      answer(ctx, 401, { error: 'invalid_token', error_description: description },
        { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"` });
    }
  },
  revocationEcho: (e, ctx) => {
    if (e.path === '/token/revocation') answer(ctx, 400, { error: 'invalid_request', error_description: echo(e) });
  },
  deviceAuthEcho: (e, ctx) => {
    if (e.path === '/device/auth') answer(ctx, 400, { error: 'invalid_client', error_description: echo(e) });
  },
  devicePollEcho: (e, ctx) => {
    const form = new URLSearchParams(e.body);
    if (e.path === '/token' && form.get('device_code')) {
      answer(ctx, 400, { error: 'invalid_grant', error_description: `device code ${form.get('device_code')} unknown; ${echo(e)}` });
    }
  },
  // The provider sends the browser back with an error that repeats the authorization request and
  // the code it would have issued (state stays right, so the client reads the error).
  callbackEcho: (e, ctx, rec) => {
    if (!e.location) return;
    let target;
    try { target = new URL(e.location); } catch { return; }
    const code = target.searchParams.get('code');
    if (!code) return;
    const back = new URL(target.origin + target.pathname);
    back.searchParams.set('error', 'access_denied');
    back.searchParams.set('error_description', `refused code ${code} for ${rec.lastAuthorize}`);
    back.searchParams.set('state', target.searchParams.get('state'));
    back.searchParams.set('iss', target.searchParams.get('iss'));
    ctx.set('Location', back.href);
  },
};

describe('CLI: sign-in, refresh, sign-out', () => {
  let p;
  let dir;
  before(async () => {
    p = await startRecordedProvider();
    dir = mkdtempSync(join(tmpdir(), 'ssokit-leak-'));
  });
  after(async () => {
    await p?.idp.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const base = () => ['--issuer', p.idp.issuer, '--client-id', CLIENT.client_id];

  async function login(store, { expectPage = true } = {}) {
    let browsing;
    const r = await runCli(['login', ...base(), '--scope', SCOPE, '--prompt', 'consent', '--timeout', '30',
      ...(store ? ['--store', store] : [])], {
      env: ENV,
      onStderrLine: (line) => {
        if (line.startsWith('Open: ')) browsing = completeAuthorization(line.slice(6), { follow: true });
      },
    });
    assert.ok(browsing, `no Open: line: ${r.stderr}`);
    const page = await browsing;
    if (expectPage) assertClean('the loopback page', page.body ?? '', p.secrets);
    return r;
  }

  test('login, refresh, logout-url and revoke print tokens only where the contract says', async () => {
    const store = join(dir, 'ok.json');
    const r = await login(store);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(p.secrets.labels().has('code_verifier') && p.secrets.labels().has('code') && p.secrets.labels().has('refresh_token'),
      'the recorder saw the code exchange');
    assertCliClean('login', r, p.secrets, { allowStdout: [...TOKENS, 'nonce'] });

    const refreshed = await runCli(['refresh', ...base(), '--store', store], { env: ENV });
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assertCliClean('refresh', refreshed, p.secrets, { allowStdout: [...TOKENS, 'nonce'] });

    const logoutUrl = await runCli(['logout-url', ...base(), '--post-logout-redirect-uri', 'http://127.0.0.1/logged-out', '--store', store], { env: ENV });
    assert.equal(logoutUrl.code, 0, logoutUrl.stderr);
    assertCliClean('logout-url', logoutUrl, p.secrets, { allowStdout: ['id_token'] });

    const revoked = await runCli(['revoke', ...base(), '--store', store], { env: ENV });
    assert.equal(revoked.code, 0, revoked.stderr);
    assertCliClean('revoke', revoked, p.secrets);

    // The revoked session: refresh fails (the store was emptied) without naming anything.
    const again = await runCli(['refresh', ...base(), '--store', store], { env: ENV });
    assert.equal(again.code, 1);
    assertCliClean('refresh after revoke', again, p.secrets);
  });

  test('a wrong store key is storage_tampered without either key', async () => {
    const store = join(dir, 'encrypted.json');
    const r = await login(store);
    assert.equal(r.code, 0, r.stderr);
    const wrongKey = 'a1'.repeat(32);
    p.secrets.add('wrong_store_key', wrongKey);
    const refreshed = await runCli(['refresh', ...base(), '--store', store], { env: { ...ENV, SSOKIT_STORE_KEY: wrongKey } });
    assert.equal(refreshed.json?.error?.code, 'storage_tampered', refreshed.stdout);
    assertCliClean('refresh with a wrong store key', refreshed, p.secrets);
  });

  test('a revoked refresh token is login_required without the token in the error', async () => {
    const store = join(dir, 'revoked.json');
    const r = await login(store);
    assert.equal(r.code, 0, r.stderr);
    const token = r.json.refresh_token;
    const res = await fetch(`${p.idp.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${CLIENT.client_id}:${CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ token, token_type_hint: 'refresh_token' }).toString(),
    });
    assert.equal(res.status, 200);
    const refreshed = await runCli(['refresh', ...base(), '--store', store], { env: ENV });
    assert.equal(refreshed.json?.error?.code, 'login_required', refreshed.stdout);
    assertCliClean('refresh with a revoked token', refreshed, p.secrets);
  });

  test('a wrong client secret is token_error without either secret', async () => {
    const wrong = 'leak-test-wrong-client-secret';
    p.secrets.add('wrong_client_secret', wrong);
    let browsing;
    const r = await runCli(['login', ...base(), '--timeout', '30'], {
      env: { ...ENV, SSOKIT_CLIENT_SECRET: wrong },
      onStderrLine: (line) => {
        if (line.startsWith('Open: ')) browsing = completeAuthorization(line.slice(6), { follow: true });
      },
    });
    const page = await browsing;
    assert.equal(r.json?.error?.code, 'token_error', r.stdout);
    assertCliClean('login with a wrong secret', r, p.secrets);
    assertClean('the loopback error page', page.body, p.secrets);
  });

  const hostile = [
    ['the token endpoint echoes the code exchange', 'tokenEcho', 'token_error'],
    ['user-info names the access token in WWW-Authenticate', 'userinfoNamesToken', 'token_error'],
    ['the callback error repeats the request and the code', 'callbackEcho', 'access_denied'],
  ];
  for (const [name, rewrite, code] of hostile) {
    test(`login: ${name}`, async () => {
      p.rec.rewrite = rewrites[rewrite];
      try {
        const r = await login(undefined);
        assert.equal(r.json?.error?.code, code, r.stdout);
        assertCliClean(`login (${rewrite})`, r, p.secrets);
      } finally {
        p.rec.rewrite = null;
      }
    });
  }

  for (const [rewrite, code] of [['refreshNamesToken', 'login_required'], ['refreshServerError', 'refresh_failed']]) {
    test(`refresh: the provider's error names the refresh token (${rewrite})`, async () => {
      const store = join(dir, `${rewrite}.json`);
      const r = await login(store);
      assert.equal(r.code, 0, r.stderr);
      p.rec.rewrite = rewrites[rewrite];
      try {
        const refreshed = await runCli(['refresh', ...base(), '--store', store], { env: ENV });
        assert.equal(refreshed.json?.error?.code, code, refreshed.stdout);
        assertCliClean(`refresh (${rewrite})`, refreshed, p.secrets);
      } finally {
        p.rec.rewrite = null;
      }
    });
  }

  test('revoke: the revocation endpoint echoes the token', async () => {
    const store = join(dir, 'revoke-echo.json');
    const r = await login(store);
    assert.equal(r.code, 0, r.stderr);
    p.rec.rewrite = rewrites.revocationEcho;
    try {
      const revoked = await runCli(['revoke', ...base(), '--store', store], { env: ENV });
      assert.equal(revoked.json?.error?.code, 'token_error', revoked.stdout);
      assertCliClean('revoke (echo)', revoked, p.secrets);
    } finally {
      p.rec.rewrite = null;
    }
  });
});

describe('JS API: sign-in, refresh, sign-out', () => {
  let p;
  before(async () => { p = await startRecordedProvider(); });
  after(async () => { await p?.idp.stop(); });

  async function client(extra = {}) {
    let opened;
    const changes = [];
    const sso = await createSsoClient({
      issuer: p.idp.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT_SECRET, redirectUri: 'http://127.0.0.1/callback',
      scope: SCOPE, navigate: (url) => { opened = url; }, crossTab: false, ...extra,
    });
    sso.onSessionChange((s) => changes.push(s));
    return { sso, changes, opened: () => opened };
  }

  async function signIn(c) {
    await c.sso.login({ prompt: 'consent' });
    return c.sso.handleRedirectCallback(await completeAuthorization(c.opened()));
  }

  // What an application prints: the client, its session view and what it was told.
  function assertDisplayClean(where, c, extra = []) {
    assertClean(`${where}: inspect(client)`, inspect(c.sso, { depth: 6, showHidden: true }), p.secrets);
    assertClean(`${where}: onSessionChange`, JSON.stringify(c.changes), p.secrets, { allow: ['nonce'] });
    for (const [i, value] of extra.entries()) assertClean(`${where}: value ${i}`, JSON.stringify(value), p.secrets, { allow: ['nonce'] });
  }

  async function rejectsClean(where, promise, code) {
    await assert.rejects(promise, (e) => {
      assert.ok(e instanceof SsoError, `${where}: ${e}`);
      assert.equal(e.code, code, `${where}: ${e.message}`);
      assertErrorClean(where, e, p.secrets);
      return true;
    });
  }

  test('sign-in, refresh, revoke and logout', async () => {
    const c = await client();
    const signedIn = await signIn(c);
    const view = await c.sso.getSession();
    await c.sso.refresh();
    const after = await c.sso.getSession();
    const { url } = await c.sso.logout({ redirect: false, postLogoutRedirectUri: 'http://127.0.0.1/logged-out' });
    assert.ok(url.includes('id_token_hint='), 'the logout URL carries the ID token by design');
    await signIn(c);
    await c.sso.revoke();  // ends the session: forgotten first, then revoked
    assert.equal(await c.sso.isAuthenticated(), false);
    assert.ok(p.secrets.labels().has('refresh_token'));
    assertDisplayClean('JS sign-in', c, [signedIn, view, after, await c.sso.getSession()]);
    c.sso.close();
  });

  test('a wrong client secret and a revoked session', async () => {
    const wrong = await client({ clientSecret: 'leak-test-wrong-js-secret' });
    p.secrets.add('wrong_client_secret', 'leak-test-wrong-js-secret');
    await wrong.sso.login();
    const url = await completeAuthorization(wrong.opened());
    await rejectsClean('JS wrong secret', wrong.sso.handleRedirectCallback(url), 'token_error');
    wrong.sso.close();

    const c = await client();
    await signIn(c);
    await c.sso.revoke();
    await rejectsClean('JS refresh after revoke', c.sso.refresh(), 'login_required');
    assertDisplayClean('JS revoked', c);
    c.sso.close();
  });

  for (const [rewrite, code] of [['tokenEcho', 'token_error'], ['userinfoNamesToken', 'token_error'], ['callbackEcho', 'access_denied']]) {
    test(`sign-in: hostile provider (${rewrite})`, async () => {
      const c = await client();
      p.rec.rewrite = rewrites[rewrite];
      try {
        await rejectsClean(`JS sign-in (${rewrite})`, signIn(c), code);
      } finally {
        p.rec.rewrite = null;
      }
      assertDisplayClean(`JS (${rewrite})`, c);
      c.sso.close();
    });
  }

  for (const [rewrite, code] of [['refreshNamesToken', 'login_required'], ['refreshServerError', 'refresh_failed'], ['revocationEcho', 'token_error']]) {
    test(`session: hostile provider (${rewrite})`, async () => {
      const c = await client();
      await signIn(c);
      p.rec.rewrite = rewrites[rewrite];
      try {
        await rejectsClean(`JS (${rewrite})`, rewrite === 'revocationEcho' ? c.sso.revoke() : c.sso.refresh(), code);
      } finally {
        p.rec.rewrite = null;
      }
      assertDisplayClean(`JS (${rewrite})`, c);
      c.sso.close();
    });
  }
});

// Each poll waits oidc-provider's 5 s default interval: these run side by side, one provider each.
describe('device flow', { concurrency: true }, () => {
  async function withRecorded(fn) {
    const p = await startRecordedProvider();
    try {
      return await fn(p);
    } finally {
      await p.idp.stop();
    }
  }

  function cliDevice(p, approve) {
    let approving;
    return runCli(['device', '--issuer', p.idp.issuer, '--client-id', CLIENT.client_id, '--scope', SCOPE, '--no-qr'], {
      env: ENV,
      onStderrLine: (line) => {
        if (approve && line.startsWith('Visit: ') && !approving) {
          approving = completeDeviceAuthorization(line.slice(7));
          approving.catch(() => {});
        }
      },
    }).then(async (r) => ({ ...r, approved: await approving }));
  }

  test('CLI: device sign-in', () => withRecorded(async (p) => {
    const r = await cliDevice(p, true);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(p.secrets.labels().has('device_code'));
    assertCliClean('device', r, p.secrets, { allowStdout: [...TOKENS, 'nonce'] });
  }));

  for (const [rewrite, code] of [['devicePollEcho', 'token_error'], ['deviceAuthEcho', 'authorization_error']]) {
    test(`CLI: hostile provider (${rewrite})`, () => withRecorded(async (p) => {
      p.rec.rewrite = rewrites[rewrite];
      const r = await cliDevice(p, false);
      assert.equal(r.json?.error?.code, code, r.stdout);
      assertCliClean(`device (${rewrite})`, r, p.secrets);
    }));
  }

  test('JS: deviceLogin, and hostile answers to the poll and the device request', () => withRecorded(async (p) => {
    const sso = await createSsoClient({ issuer: p.idp.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT_SECRET,
      redirectUri: 'http://127.0.0.1/callback', scope: SCOPE, crossTab: false });
    let confirming;
    const shown = [];
    const result = await sso.deviceLogin({
      onCode: (code) => { shown.push(code); confirming = completeDeviceAuthorization(code.verificationUriComplete); },
    });
    await confirming;
    assert.ok(p.secrets.labels().has('device_code'));
    assertClean('deviceLogin result', JSON.stringify(result), p.secrets, { allow: ['nonce'] });
    assertClean('onCode', JSON.stringify(shown), p.secrets);
    assertClean('inspect(client)', inspect(sso, { depth: 6, showHidden: true }), p.secrets);

    for (const [rewrite, code] of [['devicePollEcho', 'token_error'], ['deviceAuthEcho', 'authorization_error']]) {
      p.rec.rewrite = rewrites[rewrite];
      await assert.rejects(sso.deviceLogin({ onCode: () => {} }), (e) => {
        assert.equal(e.code, code, e.message);
        assertErrorClean(`deviceLogin (${rewrite})`, e, p.secrets);
        return true;
      });
    }
    p.rec.rewrite = null;
    sso.close();

    // client_secret_post puts the secret itself in the form body the provider echoes.
    const post = await createSsoClient({ issuer: p.idp.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT_SECRET,
      clientAuth: 'client_secret_post', redirectUri: 'http://127.0.0.1/callback', scope: SCOPE, crossTab: false });
    p.rec.rewrite = rewrites.deviceAuthEcho;
    await assert.rejects(post.deviceLogin({ onCode: () => {} }), (e) => {
      assert.equal(e.code, 'authorization_error', e.message);
      assert.ok(p.rec.exchanges.at(-1).body.includes('client_secret='), 'the secret went in the body');
      assertErrorClean('deviceLogin (client_secret_post, echo)', e, p.secrets);
      return true;
    });
    p.rec.rewrite = null;
    post.close();
  }));
});
