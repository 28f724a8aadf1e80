// TwentyThree end to end against the simulator (simulator.mjs): the remote login page's get-token
// and the opt-in back-end login, through the native CLI and through the JS API (server build in
// Node), success and every documented error; redeeming in the site (cookie, redirect, one use,
// 15 minutes); and the browser build refusing the secret calls with server_only.
//
//   NODE_PATH=/usr/share/nodejs node --test tests/platforms/twentythree/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, ERROR_CODES, baseString, hmacSha1 } from './simulator.mjs';
import { runCli } from '../../idp/run-cli.mjs';
import { SsoError } from '../../../web/src/index.js';
import { twentythree } from '../../../web/src/platforms.js';
import { loadCore, loadCoreVariant } from '../../../web/src/core.js';

let site;

before(async () => {
  site = await start({ backendLogin: true, users: [{ user_id: '12345', email: 'admin@example.com', full_name: 'Site Admin' }] });
});
after(() => site?.stop());

const envOf = (c) => ({
  SSOKIT_TWENTYTHREE_CONSUMER_KEY: c.consumer_key,
  SSOKIT_TWENTYTHREE_CONSUMER_SECRET: c.consumer_secret,
  SSOKIT_TWENTYTHREE_ACCESS_TOKEN: c.access_token,
  SSOKIT_TWENTYTHREE_ACCESS_TOKEN_SECRET: c.access_token_secret,
});
const jsCredentials = (c) => ({
  consumerKey: c.consumer_key, consumerSecret: c.consumer_secret, accessToken: c.access_token, accessTokenSecret: c.access_token_secret,
});

async function cli(args, credentials = site.credentials, extraEnv = {}) {
  const r = await runCli(['twentythree', ...args], { env: { ...envOf(credentials), ...extraEnv } });
  return r;
}

/** Follows a redeem URL like a browser would (one hop) and returns status, location and cookie. */
async function redeem(url, cookie) {
  const r = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(10_000) });
  const setCookie = r.headers.get('set-cookie');
  return {
    status: r.status, location: r.headers.get('location'), type: r.headers.get('content-type'),
    cookie: setCookie?.split(';')[0] ?? null, body: await r.text(),
  };
}

async function visit(path, cookie) {
  const r = await fetch(`${site.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(10_000) });
  return { status: r.status, location: r.headers.get('location'), body: await r.text() };
}

// ---- CLI ----

test('CLI get-token: redirect URL, redeemed once into a session cookie and the return_url', async () => {
  const r = await cli(['get-token', '--site', site.url, '--return-url', '/video/42?t=5', '--email', 'viewer@example.com',
    '--full-name', 'Vera Viewer']);
  assert.equal(r.code, 0, r.stderr);
  const { redirect_url: redirectUrl, return_url: returnUrl, expires_at: expiresAt } = r.json;
  assert.match(redirectUrl, new RegExp(`^${site.url}/api/session/redeem-token\\?session_token=[A-Za-z0-9_-]+$`));
  assert.equal(returnUrl, '/video/42?t=5');
  assert.ok(Math.abs(expiresAt - (Math.floor(Date.now() / 1000) + 900)) < 30);
  // Nothing secret on stdout or stderr.
  for (const secret of [site.credentials.consumer_secret, site.credentials.access_token_secret]) {
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret));
  }
  const first = await redeem(redirectUrl);
  assert.equal(first.status, 302);
  assert.equal(first.location, '/video/42?t=5');
  assert.match(first.cookie, /^session=/);
  const page = await visit('/video/42?t=5', first.cookie);
  assert.equal(page.status, 200);
  assert.match(page.body, /data-kind="visitor"/);
  assert.match(page.body, /Signed in as Vera Viewer/);
  // Once only: the second redeem is the plain error page.
  const again = await redeem(redirectUrl);
  assert.equal(again.status, 403);
  assert.match(again.body, /invalid, consumed or expired/);
  assert.equal(again.cookie, null);
});

test('CLI get-token in every wire variant: XML, GET with the query, POST with the body', async () => {
  for (const extra of [['--format', 'xml'], ['--method', 'GET', '--oauth-in', 'query'], ['--oauth-in', 'body'],
    ['--method', 'GET', '--format', 'xml']]) {
    const r = await cli(['get-token', '--site', site.url, '--return-url', '/x', ...extra]);
    assert.equal(r.code, 0, `${extra.join(' ')}: ${r.stdout} ${r.stderr}`);
    assert.equal((await redeem(r.json.redirect_url)).location, '/x');
  }
  // The connector refuses what TwentyThree cannot read, before any request.
  const count = site.state.requests.length;
  for (const extra of [['--method', 'POST', '--oauth-in', 'query'], ['--method', 'GET', '--oauth-in', 'body'], ['--method', 'PUT']]) {
    const r = await cli(['get-token', '--site', site.url, '--return-url', '/x', ...extra]);
    assert.equal(r.code, 1);
    assert.equal(r.json.error.code, 'invalid_argument');
  }
  assert.equal(site.state.requests.length, count);
});

test('CLI get-token errors: signature, permission, every documented code, HTTP, return_url, credentials', async () => {
  const wrong = { ...site.credentials, consumer_secret: 'not-the-secret' };
  let r = await cli(['get-token', '--site', site.url, '--return-url', '/'], wrong);
  assert.equal(r.code, 1);
  assert.equal(r.json.error.code, 'platform_error');
  assert.match(r.json.error.message, /\(invalid_signature\)/);
  assert.equal(site.state.requests.at(-1).code, 'invalid_signature');

  r = await cli(['get-token', '--site', site.url, '--return-url', '/'], site.adminCredentials);
  assert.equal(r.json.error.code, 'platform_error');
  assert.match(r.json.error.message, /\(permission_denied\)/);

  for (const code of ERROR_CODES) {
    r = await cli(['get-token', '--site', site.url, '--return-url', '/', '--email', `${code}@error.test`]);
    assert.equal(r.code, 1, code);
    assert.equal(r.json.error.code, 'platform_error');
    assert.match(r.json.error.message, new RegExp(`\\(${code}\\)`));
  }

  site.failNextHttp(503);
  r = await cli(['get-token', '--site', site.url, '--return-url', '/']);
  assert.equal(r.json.error.code, 'http_error');

  const count = site.state.requests.length;
  for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', 'video']) {
    r = await cli(['get-token', '--site', site.url, '--return-url', bad]);
    assert.equal(r.code, 1);
    assert.equal(r.json.error.code, 'invalid_return_url', bad);
  }
  r = await cli(['check-return-url', '--return-url', '//evil.example']);
  assert.equal(r.json.error.code, 'invalid_return_url');
  r = await cli(['check-return-url', '--return-url', '/ok?a=1']);
  assert.deepEqual(r.json, { return_url: '/ok?a=1' });

  r = await cli(['get-token', '--site', site.url, '--return-url', '/'], site.credentials, { SSOKIT_TWENTYTHREE_ACCESS_TOKEN_SECRET: '' });
  assert.equal(r.json.error.code, 'invalid_argument');
  assert.match(r.json.error.message, /SSOKIT_TWENTYTHREE_ACCESS_TOKEN_SECRET/);
  r = await cli(['get-token', '--site', site.url.replace('127.0.0.1', 'videos.example.com'), '--return-url', '/']);
  assert.equal(r.json.error.code, 'invalid_url');  // plain http only for loopback
  assert.equal(site.state.requests.length, count, 'no request for input refused up front');

  r = await cli(['get-token', '--site', 'http://127.0.0.1:1', '--return-url', '/']);
  assert.equal(r.json.error.code, 'network_error');
  r = await cli(['get-token', '--return-url', '/']);
  assert.equal(r.code, 2, 'a missing --site is a usage error');
});

test('CLI login-token: refused without --allow-backend-login, then a back-end session', async () => {
  let r = await cli(['login-token', '--site', site.url, '--user-id', '12345']);
  assert.equal(r.code, 1);
  assert.equal(r.json.error.code, 'invalid_argument');
  assert.match(r.json.error.message, /shared e-mails/);
  assert.match(r.json.error.message, /--allow-backend-login/);

  r = await cli(['login-token', '--site', site.url, '--user-id', '12345', '--return-url', '/manage', '--allow-backend-login']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.json.redirect_url, new RegExp(`^${site.url}/api/user/redeem-login-token\\?login_token=`));
  assert.equal(r.json.user_id, '12345');
  assert.equal(r.json.return_url, '/manage');
  const landed = await redeem(r.json.redirect_url);
  assert.equal(landed.status, 302);
  assert.equal(landed.location, '/manage');
  assert.match((await visit('/manage', landed.cookie)).body, /data-kind="user"/);

  r = await cli(['login-token', '--site', site.url, '--user-id', '99999', '--allow-backend-login']);
  assert.match(r.json.error.message, /\(no_such_user\)/);
  r = await cli(['login-token', '--site', site.url, '--user-id', 'abc', '--allow-backend-login']);
  assert.match(r.json.error.message, /\(invalid_input\)/);
  r = await cli(['login-token', '--site', site.url, '--user-id', '12345', '--allow-backend-login', '--format', 'xml']);
  assert.equal(r.code, 0, r.stdout);
});

// ---- JS API ----

const base = () => ({ site: site.url, credentials: jsCredentials(site.credentials) });

test('JS getToken: JSON and XML, redeemed into the site', async () => {
  for (const format of ['json', 'xml']) {
    const { redirectUrl, returnUrl, expiresAt } = await twentythree.getToken({
      ...base(), format, returnUrl: '/channel/7', email: 'viewer@example.com', fullName: 'Vera Viewer',
    });
    assert.equal(returnUrl, '/channel/7');
    assert.ok(expiresAt > Date.now() / 1000);
    const landed = await redeem(redirectUrl);
    assert.equal(landed.location, '/channel/7');
    assert.equal((await visit('/channel/7', landed.cookie)).status, 200);
  }
});

test('JS getToken: every documented error code as SsoError platform_error with details', async () => {
  for (const code of ERROR_CODES) {
    await assert.rejects(twentythree.getToken({ ...base(), returnUrl: '/', email: `${code}@error.test` }), (e) => {
      assert.ok(e instanceof SsoError);
      assert.equal(e.code, 'platform_error');
      assert.equal(e.details.platform_code, code);
      assert.equal(e.details.platform_status, 'error');
      return true;
    });
  }
  site.failNext('user_already_exists');
  await assert.rejects(twentythree.getToken({ ...base(), returnUrl: '/', format: 'xml' }),
    (e) => e.code === 'platform_error' && e.details.platform_code === 'user_already_exists');
  await assert.rejects(twentythree.getToken({ ...base(), credentials: jsCredentials(site.adminCredentials), returnUrl: '/' }),
    (e) => e.code === 'platform_error' && e.details.platform_code === 'permission_denied');
  await assert.rejects(twentythree.getToken({ ...base(), credentials: { ...jsCredentials(site.credentials), accessTokenSecret: 'x' }, returnUrl: '/' }),
    (e) => e.code === 'platform_error' && e.details.platform_code === 'invalid_signature');
  site.failNextHttp(500);
  await assert.rejects(twentythree.getToken({ ...base(), returnUrl: '/' }), (e) => e.code === 'http_error' && e.details.status === 500);
  await assert.rejects(twentythree.getToken({ ...base(), returnUrl: 'https://evil.example/' }), (e) => e.code === 'invalid_return_url');
  await assert.rejects(twentythree.getToken({ site: site.url, returnUrl: '/' }), (e) => e.code === 'invalid_argument');
});

test('the simulator rejects a tampered, replayed or unsigned request with the always-200 envelope', async () => {
  const core = await loadCore();
  const now = Math.floor(Date.now() / 1000);
  const params = { site: site.url, credentials: site.credentials, return_url: '/', email: 'a@example.com', now };
  const send = (req) => fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(10_000) })
    .then(async (r) => ({ status: r.status, headers: [...r.headers], body: await r.text() }));

  // Tampered after signing: the e-mail changes, the signature does not.
  const step = core.call('twentythree.get_token', params);
  const tampered = { ...step.request, body: step.request.body.replace('a%40example.com', 'admin%40example.com') };
  const response = await send(tampered);
  assert.equal(response.status, 200);
  assert.match(response.body, /"status":"error"/);
  assert.throws(() => core.call('twentythree.step', { state: step.state, response, now }),
    (e) => e.code === 'platform_error' && e.details.platform_code === 'invalid_signature');

  // The untouched request works once; its replay (same nonce) is refused.
  const ok = await send(step.request);
  const result = core.call('twentythree.step', { state: step.state, response: ok, now }).result;
  assert.match(result.redirect_url, /session_token=/);
  const replay = await send(step.request);
  assert.throws(() => core.call('twentythree.step', { state: step.state, response: replay, now }),
    (e) => e.details?.platform_code === 'invalid_signature');

  // A stale timestamp, and no OAuth at all.
  const stale = core.call('twentythree.get_token', { ...params, now: now - 3600 });
  const staleResponse = await send(stale.request);
  assert.throws(() => core.call('twentythree.step', { state: stale.state, response: staleResponse, now }),
    (e) => e.details?.platform_code === 'invalid_signature');
  const anonymous = await send({ ...step.request, headers: [['Content-Type', 'application/x-www-form-urlencoded']] });
  assert.match(anonymous.body, /"code":"permission_denied"/);

  // A consumer key without a token.
  const noToken = { ...step.request, headers: [['Content-Type', 'application/x-www-form-urlencoded'],
    ['Authorization', `OAuth oauth_consumer_key="${site.credentials.consumer_key}"`]] };
  assert.match((await send(noToken)).body, /"code":"token_required"/);
});

test('the simulator answers format=json without raw as "var visual = ..." and the core reads it', async () => {
  const now = Math.floor(Date.now() / 1000);
  const request = await twentythree.signRequest({
    url: `${site.url}/api/session/get-token`,
    params: { return_url: '/wrapped', format: 'json' },
    credentials: jsCredentials(site.credentials),
  });
  const r = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
  const body = await r.text();
  assert.match(body, /^var visual = \{"status":"ok"/);
  const core = await loadCore();
  const step = core.call('twentythree.step', {
    // A hand-made state in the step envelope, as twentythree.get_token's first step leaves it.
    state: { v: 1, machine: 'twentythree.get_token', phase: 'token', budget: 1, data: { site: site.url } },
    response: { status: 200, headers: [], body }, now,
  });
  assert.match(step.result.redirect_url, /redeem-token\?session_token=/);
  assert.equal(step.result.return_url, '/wrapped');
  // And the signature the simulator checks is RFC 5849's (its own implementation agrees with a
  // published vector: RFC 5849 3.4.1.1 with errata 2550).
  const rfc = baseString('POST', 'http://example.com/request', [['b5', '=%3D'], ['a3', 'a'], ['c@', ''], ['a2', 'r b'],
    ['oauth_consumer_key', '9djdj82h48djs9d2'], ['oauth_token', 'kkk9d7dh3k39sjv7'], ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', '137131201'], ['oauth_nonce', '7d8f3e4a'], ['c2', ''], ['a3', '2 q']]);
  assert.equal(hmacSha1(rfc, 'j49sk3j29djd', 'dh893hdasih9'), 'r6/TJjbCOr97/+UU0NsvSne7s5g=');
});

test('redeem: expired after 15 minutes, unknown, and the site sends strangers to the remote login page', async () => {
  const { redirectUrl } = await twentythree.getToken({ ...base(), returnUrl: '/late' });
  site.advance(901);
  try {
    const late = await redeem(redirectUrl);
    assert.equal(late.status, 403);
    assert.match(late.type, /^text\/plain/);
    assert.match(late.body, /invalid, consumed or expired/);
  } finally {
    site.advance(-901);
  }
  assert.equal((await redeem(`${site.url}/api/session/redeem-token?session_token=nope`)).status, 403);
  assert.equal((await redeem(`${site.url}/api/session/redeem-token`)).status, 403);

  site.setRemoteLoginUrl('https://portal.example.com/twentythree/login');
  try {
    const stranger = await visit('/video/42?t=1');
    assert.equal(stranger.status, 302);
    assert.equal(stranger.location, 'https://portal.example.com/twentythree/login?return_url=%2Fvideo%2F42%3Ft%3D1');
  } finally {
    site.setRemoteLoginUrl(null);
  }
  // A session unused for 30 minutes ends.
  const { redirectUrl: fresh } = await twentythree.getToken({ ...base(), returnUrl: '/idle' });
  const { cookie } = await redeem(fresh);
  site.advance(1801);
  try {
    assert.equal((await visit('/idle', cookie)).status, 403);
  } finally {
    site.advance(-1801);
  }
});

test('JS back-end login: opt-in required; e-mail matching with the site setting', async () => {
  await assert.rejects(twentythree.getLoginToken({ ...base(), userId: '12345' }),
    (e) => e.code === 'invalid_argument' && /shared e-mails/.test(e.message));
  const r = await twentythree.getLoginToken({ ...base(), userId: 12345, allowBackendLogin: true, returnUrl: '/manage' });
  assert.equal(r.userId, '12345');
  assert.equal((await redeem(r.redirectUrl)).location, '/manage');
  await assert.rejects(twentythree.getLoginToken({ ...base(), userId: '424242', allowBackendLogin: true }),
    (e) => e.code === 'platform_error' && e.details.platform_code === 'no_such_user');
  await assert.rejects(twentythree.getLoginToken({ ...base(), userId: 'x1', allowBackendLogin: true }),
    (e) => e.code === 'platform_error' && e.details.platform_code === 'invalid_input');

  // The seed's warning, shown: with "Allow back-end login", get-token's e-mail picks the user account.
  const { redirectUrl } = await twentythree.getToken({ ...base(), returnUrl: '/', email: 'admin@example.com' });
  const landed = await redeem(redirectUrl);
  assert.match((await visit('/', landed.cookie)).body, /data-kind="user"/);
});

test('browser-safe helpers work in the page build; secret calls answer server_only there', async () => {
  assert.equal(await twentythree.validateReturnUrl('/a?b=c'), '/a?b=c');
  await assert.rejects(twentythree.validateReturnUrl('//evil.example'), (e) => e.code === 'invalid_return_url');
  assert.equal(await twentythree.redeemUrl({ site: 'https://videos.example.com/', sessionToken: 'a/b' }),
    'https://videos.example.com/api/session/redeem-token?session_token=a%2Fb');
  assert.equal(await twentythree.redeemLoginUrl({ site: 'https://videos.example.com', loginToken: 'xyz' }),
    'https://videos.example.com/api/user/redeem-login-token?login_token=xyz');

  const page = await loadCoreVariant('platforms');  // what the platform modules load in a page
  assert.deepEqual(page.call('twentythree.validate_return_url', { return_url: '/x' }), { return_url: '/x' });
  assert.equal(page.call('twentythree.redeem_url', { site: site.url, session_token: 't' }).redirect_url,
    `${site.url}/api/session/redeem-token?session_token=t`);
  const now = Math.floor(Date.now() / 1000);
  for (const method of ['twentythree.get_token', 'twentythree.login_token', 'twentythree.step', 'twentythree.sign']) {
    assert.throws(() => page.call(method, { site: site.url, credentials: site.credentials, return_url: '/', now }),
      (e) => e.code === 'server_only', method);
  }
});
