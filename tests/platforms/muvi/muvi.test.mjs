// End-to-end: the Muvi connector against the store simulator (simulator.mjs), through the native
// CLI (`ssokit muvi ...`) and through the JavaScript API (web/src, server build of the core):
// registration, look-up, register-or-look-up, every documented code, and the auto-login link
// that the simulator verifies (HS256 with the shared secret) before signing the viewer in.
// Plus the simulator's own refusals (bad signature, other alg, expired, missing claims) and the
// browser build answering server_only.
//
//   NODE_PATH=/usr/share/nodejs node --test tests/platforms/muvi/
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { start, AUTH_TOKEN, JWT_SECRET } from './simulator.mjs';
import { runCli } from '../../idp/run-cli.mjs';
import { muvi, SsoError } from '../../../web/src/index.js';
import { loadCoreVariant } from '../../../web/src/core.js';

let store;
before(async () => {
  store = await start();
});
after(() => store?.stop());

let counter = 0;
const freshEmail = (tag = 'viewer') => `${tag}-${Date.now()}-${++counter}@example.com`;
const env = { SSOKIT_MUVI_AUTH_TOKEN: AUTH_TOKEN, SSOKIT_MUVI_JWT_SECRET: JWT_SECRET };

async function cli(args, extraEnv = env) {
  return runCli(['muvi', ...args], { env: { SSOKIT_MUVI_AUTH_TOKEN: '', SSOKIT_MUVI_JWT_SECRET: '', ...extraEnv } });
}

function assertCliError(r, code, platformCode) {
  assert.equal(r.code, 1, `exit 1 (stdout ${r.stdout}, stderr ${r.stderr})`);
  assert.equal(r.json?.error?.code, code, r.stdout);
  assert.match(r.stderr, new RegExp(`ssokit: ${code}`));
  if (platformCode !== undefined) assert.match(r.json.error.message, new RegExp(`\\b${platformCode}\\b`));
  for (const secret of [AUTH_TOKEN, JWT_SECRET]) {
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'no secret in the output');
  }
}

async function assertSsoError(promise, code, platformCode) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof SsoError, `an SsoError, got ${e}`);
    assert.equal(e.code, code, e.message);
    if (platformCode !== undefined) {
      assert.equal(e.details.platform_code, platformCode);
      assert.equal(typeof e.details.msg, 'string');
      assert.ok(e.details.msg.length > 0, 'Muvi\'s own message kept');
    }
    assert.ok(!e.message.includes(AUTH_TOKEN) && !e.message.includes(JWT_SECRET));
    return true;
  });
}

/** Follows the auto-login link like a browser: the simulator's redirect and its session cookie. */
async function openLoginLink(url) {
  const r = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  const cookie = /muvi_session=([0-9a-f]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1];
  return { status: r.status, location: r.headers.get('location'), cookie, body: r.status === 302 ? '' : await r.text() };
}

async function whoIsSignedIn(cookie, path = '/') {
  const r = await fetch(`${store.url}${path}`, { headers: cookie ? { cookie: `muvi_session=${cookie}` } : {}, signal: AbortSignal.timeout(10_000) });
  return /data-muvi-user="([^"]*)"/.exec(await r.text())[1];
}

function hs256(header, payload, secret = JWT_SECRET) {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const decodePayload = (url) => JSON.parse(Buffer.from(new URL(url).searchParams.get('access_token').split('.')[1], 'base64url').toString());

describe('through the CLI', () => {
  test('register, then user-uuid finds the same user; the token goes in the body, never the URL', async () => {
    const email = freshEmail();
    const r = await cli(['register', '--store', store.url, '--email', email, '--name', 'Vera Viewer']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.email, email);
    assert.equal(r.json.name, 'Vera Viewer');
    assert.match(r.json.user_uuid, /^[0-9a-f]{13}$/);
    const sent = store.state.requests.at(-1);
    assert.equal(sent.path, '/en/rest/RegisterUser');
    assert.equal(sent.contentType, 'application/x-www-form-urlencoded');
    assert.deepEqual(sent.query, {});
    assert.equal(sent.params.authToken, AUTH_TOKEN);

    const found = await cli(['user-uuid', '--store', store.url, '--email', email]);
    assert.equal(found.code, 0, found.stderr);
    assert.deepEqual(found.json, { user_uuid: r.json.user_uuid });
  });

  test('RegisterUser codes: 422, 408, 417 as the store answers them; 407 and 421 forced', async () => {
    const email = freshEmail();
    assert.equal((await cli(['register', '--store', store.url, '--email', email])).code, 0);
    assertCliError(await cli(['register', '--store', store.url, '--email', email]), 'platform_error', 422);
    assertCliError(await cli(['register', '--store', store.url, '--email', freshEmail()], { SSOKIT_MUVI_AUTH_TOKEN: 'wrong-token' }), 'platform_error', 408);
    // A name of blanks is no name to the store.
    assertCliError(await cli(['register', '--store', store.url, '--email', freshEmail(), '--name', '   ']), 'platform_error', 417);
    store.forceCode('RegisterUser', 407);
    assertCliError(await cli(['register', '--store', store.url, '--email', freshEmail()]), 'platform_error', 407);
    store.forceCode('RegisterUser', 421);
    const r421 = await cli(['register', '--store', store.url, '--email', freshEmail()]);
    assertCliError(r421, 'platform_error', 421);
    assert.match(r421.json.error.message, /try again later/);
  });

  test('GetUserUuid codes: 682 unknown e-mail, 408 wrong token, 757 forced', async () => {
    const unknown = await cli(['user-uuid', '--store', store.url, '--email', freshEmail('nobody')]);
    assertCliError(unknown, 'platform_error', 682);
    assert.match(unknown.json.error.message, /register the user first/);
    assertCliError(await cli(['user-uuid', '--store', store.url, '--email', freshEmail()], { SSOKIT_MUVI_AUTH_TOKEN: 'wrong-token' }), 'platform_error', 408);
    store.forceCode('GetUserUuid', 757);
    assertCliError(await cli(['user-uuid', '--store', store.url, '--email', freshEmail()]), 'platform_error', 757);
  });

  test('ensure-user registers a new viewer and looks an existing one up', async () => {
    const email = freshEmail();
    const created = await cli(['ensure-user', '--store', store.url, '--email', email, '--name', 'New Viewer']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.json.created, true);
    const again = await cli(['ensure-user', '--store', store.url, '--email', email, '--name', 'New Viewer']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(again.json, { user_uuid: created.json.user_uuid, created: false });
    const paths = store.state.requests.slice(-2).map((x) => x.path);
    assert.deepEqual(paths, ['/en/rest/RegisterUser', '/en/rest/GetUserUuid']);
    // The look-up's own failure comes through (682 after 422: the store lost the user meanwhile).
    store.forceCode('GetUserUuid', 682);
    assertCliError(await cli(['ensure-user', '--store', store.url, '--email', email]), 'platform_error', 682);
    store.forceCode('RegisterUser', 421);
    assertCliError(await cli(['ensure-user', '--store', store.url, '--email', freshEmail()]), 'platform_error', 421);
  });

  test('login-url: the store verifies the JWT, signs the viewer in and lands on the referrer', async () => {
    const email = freshEmail();
    const { json: user } = await cli(['ensure-user', '--store', store.url, '--email', email, '--name', 'Vera']);
    const r = await cli(['login-url', '--store', store.url, '--email', email, '--name', 'Vera', '--user-uuid', user.user_uuid,
      '--referrer-url', `${store.url}/en/watch/deep-ocean`, '--ttl', '30']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.json.url.startsWith(`${store.url}/en/user/Thirdpartylogin?access_token=`));
    const now = Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(r.json.expires_at - (now + 30)) <= 2);
    const payload = decodePayload(r.json.url);
    assert.deepEqual(Object.keys(payload).sort(), ['email', 'exp', 'iat', 'name', 'referrer_url', 'user_uuid']);
    assert.equal(payload.exp - payload.iat, 30);

    const landing = await openLoginLink(r.json.url);
    assert.equal(landing.status, 302, landing.body);
    assert.equal(landing.location, `${store.url}/en/watch/deep-ocean`);
    assert.equal(await whoIsSignedIn(landing.cookie, '/en/watch/deep-ocean'), email);
    assert.equal(await whoIsSignedIn(undefined), '', 'without the cookie nobody is signed in');
    assert.equal(store.state.logins.at(-1).form, 'object');
  });

  test('login-url without a referrer lands on the home page; --array-payload is accepted too', async () => {
    const email = freshEmail();
    const { json: user } = await cli(['ensure-user', '--store', store.url, '--email', email]);
    const plain = await cli(['login-url', '--store', store.url, '--email', email, '--user-uuid', user.user_uuid]);
    assert.equal(plain.code, 0, plain.stderr);
    const home = await openLoginLink(plain.json.url);
    assert.equal(home.status, 302);
    assert.equal(home.location, '/');

    const array = await cli(['login-url', '--store', store.url, '--email', email, '--user-uuid', user.user_uuid,
      '--array-payload', '--issuer-claim', 'portal.example', '--referrer-url', '/en/library']);
    assert.equal(array.code, 0, array.stderr);
    const payload = decodePayload(array.json.url);
    assert.ok(Array.isArray(payload));
    assert.equal(payload[0].issuer_claim, 'portal.example');
    assert.equal(payload[0].data[0].referrer_url, `${store.url}/en/library`);
    const landing = await openLoginLink(array.json.url);
    assert.equal(landing.status, 302, landing.body);
    assert.equal(landing.location, `${store.url}/en/library`);
    assert.equal(await whoIsSignedIn(landing.cookie), email);
    assert.equal(store.state.logins.at(-1).form, 'array');
  });

  test('login-url refuses a short secret, an off-store referrer and a long ttl', async () => {
    const base = ['login-url', '--store', store.url, '--email', 'a@example.com', '--user-uuid', 'u1'];
    assertCliError(await cli(base, { SSOKIT_MUVI_JWT_SECRET: 'Muvi@123' }), 'invalid_argument');
    assertCliError(await cli([...base, '--referrer-url', 'https://evil.example.com/']), 'invalid_return_url');
    assertCliError(await cli([...base, '--referrer-url', 'http://127.0.0.1:1/']), 'invalid_return_url');
    assertCliError(await cli([...base, '--ttl', '3600']), 'invalid_argument');
  });

  test('secrets only from the environment; usage errors exit 2', async () => {
    const noToken = await cli(['register', '--store', store.url, '--email', freshEmail()], {});
    assertCliError(noToken, 'invalid_argument');
    assert.match(noToken.json.error.message, /SSOKIT_MUVI_AUTH_TOKEN/);
    const noSecret = await cli(['login-url', '--store', store.url, '--email', 'a@example.com', '--user-uuid', 'u1'], {});
    assertCliError(noSecret, 'invalid_argument');
    assert.match(noSecret.json.error.message, /SSOKIT_MUVI_JWT_SECRET/);
    for (const args of [['register', '--store', store.url], ['register', '--store', store.url, '--email', 'a@example.com', '--auth-token', 'x'],
      ['login-url', '--store', store.url, '--email', 'a@example.com']]) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(r.json?.error?.code, 'invalid_argument');
    }
    const help = await runCli(['muvi', 'login-url', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /SSOKIT_MUVI_JWT_SECRET/);
    const plainHttp = await cli(['register', '--store', 'http://store.example.com', '--email', freshEmail()]);
    assertCliError(plainHttp, 'invalid_url');
  });
});

describe('through the JavaScript API', () => {
  test('registerUser, getUserUuid, ensureUser', async () => {
    const email = freshEmail('js');
    const created = await muvi.registerUser({ store: store.url, authToken: AUTH_TOKEN, email, name: 'Jo Script' });
    assert.equal(created.email, email);
    assert.equal(created.name, 'Jo Script');
    assert.match(created.userUuid, /^[0-9a-f]{13}$/);
    assert.deepEqual(await muvi.getUserUuid({ store: store.url, authToken: AUTH_TOKEN, email }), { userUuid: created.userUuid });
    assert.deepEqual(await muvi.ensureUser({ store: store.url, authToken: AUTH_TOKEN, email }), { userUuid: created.userUuid, created: false });
    const other = await muvi.ensureUser({ store: store.url, authToken: AUTH_TOKEN, email: freshEmail('js'), name: 'Other' });
    assert.equal(other.created, true);
  });

  test('every RegisterUser code', async () => {
    const email = freshEmail('js');
    const opts = (o = {}) => ({ store: store.url, authToken: AUTH_TOKEN, email: freshEmail('js'), ...o });
    await muvi.registerUser(opts({ email }));
    await assertSsoError(muvi.registerUser(opts({ email })), 'platform_error', 422);
    await assertSsoError(muvi.registerUser(opts({ authToken: 'wrong-token' })), 'platform_error', 408);
    await assertSsoError(muvi.registerUser(opts({ name: ' ' })), 'platform_error', 417);
    store.forceCode('RegisterUser', 407);
    await assertSsoError(muvi.registerUser(opts()), 'platform_error', 407);
    store.forceCode('RegisterUser', 421);
    await assertSsoError(muvi.registerUser(opts()), 'platform_error', 421);
    // Refused before sending: no token, no e-mail.
    await assertSsoError(muvi.registerUser(opts({ authToken: '' })), 'invalid_argument');
    await assertSsoError(muvi.registerUser(opts({ email: 'not-an-email' })), 'invalid_argument');
  });

  test('every GetUserUuid code', async () => {
    const opts = (o = {}) => ({ store: store.url, authToken: AUTH_TOKEN, email: freshEmail('js'), ...o });
    await assertSsoError(muvi.getUserUuid(opts()), 'platform_error', 682);
    await assertSsoError(muvi.getUserUuid(opts({ authToken: 'wrong-token' })), 'platform_error', 408);
    store.forceCode('GetUserUuid', 757);
    await assertSsoError(muvi.getUserUuid(opts()), 'platform_error', 757);
    await assertSsoError(muvi.ensureUser(opts({ authToken: 'wrong-token' })), 'platform_error', 408);
  });

  test('a store that does not answer like Muvi: invalid_response / http_error; none there: network_error', async () => {
    const fake = (status, body) => async () => new Response(body, { status, headers: { 'content-type': 'text/html' } });
    const opts = { store: store.url, authToken: AUTH_TOKEN, email: freshEmail('js') };
    await assertSsoError(muvi.registerUser({ ...opts, fetch: fake(200, '<html>maintenance</html>') }), 'invalid_response');
    await assertSsoError(muvi.registerUser({ ...opts, fetch: fake(503, 'Service Unavailable') }), 'http_error');
    await assertSsoError(muvi.getUserUuid({ ...opts, fetch: fake(200, '{"code":"200","user_uuid":"x"}') }), 'invalid_response');
    await assertSsoError(muvi.getUserUuid({ ...opts, store: 'http://127.0.0.1:1' }), 'network_error');
  });

  test('loginUrl: signed in on the store, at the referrer', async () => {
    const email = freshEmail('js');
    const { userUuid } = await muvi.ensureUser({ store: store.url, authToken: AUTH_TOKEN, email, name: 'Jo' });
    const { url, expiresAt } = await muvi.loginUrl({ store: store.url, jwtSecret: JWT_SECRET, userUuid, email, name: 'Jo', referrerUrl: '/en/watch/x' });
    assert.ok(expiresAt - Math.floor(Date.now() / 1000) <= 60);
    const landing = await openLoginLink(url);
    assert.equal(landing.status, 302, landing.body);
    assert.equal(landing.location, `${store.url}/en/watch/x`);
    assert.equal(await whoIsSignedIn(landing.cookie), email);
    assert.equal(store.state.logins.at(-1).name, 'Jo');

    const array = await muvi.loginUrl({ store: store.url, jwtSecret: JWT_SECRET, userUuid, email, arrayPayload: true, audienceClaim: 'viewers' });
    assert.equal(decodePayload(array.url)[0].audience_claim, 'viewers');
    assert.equal((await openLoginLink(array.url)).status, 302);
  });

  test('loginUrl refusals', async () => {
    const base = { store: store.url, jwtSecret: JWT_SECRET, userUuid: 'u1', email: 'a@example.com' };
    await assertSsoError(muvi.loginUrl({ ...base, jwtSecret: 'x'.repeat(31) }), 'invalid_argument');
    await assertSsoError(muvi.loginUrl({ ...base, referrerUrl: 'https://evil.example.com/' }), 'invalid_return_url');
    await assertSsoError(muvi.loginUrl({ ...base, referrerUrl: '//evil.example.com/' }), 'invalid_return_url');
    await assertSsoError(muvi.loginUrl({ ...base, ttl: 0 }), 'invalid_argument');
    await assertSsoError(muvi.loginUrl({ ...base, extraClaims: { exp: 1 } }), 'invalid_argument');
    await assertSsoError(muvi.loginUrl({ ...base, store: 'https://store.example.com/en' }), 'invalid_url');
  });

  test('the browser build answers server_only for every Muvi method', async () => {
    const browser = await loadCoreVariant('platforms');  // what the platform modules load in a page
    for (const method of ['muvi.register_user', 'muvi.get_user_uuid', 'muvi.ensure_user', 'muvi.step', 'muvi.autologin_url']) {
      assert.throws(() => browser.call(method, { store: store.url, auth_token: AUTH_TOKEN, email: 'a@example.com' }),
        (e) => e.code === 'server_only', method);
    }
    const server = await loadCoreVariant('server');
    const step = server.call('muvi.register_user', { store: store.url, auth_token: AUTH_TOKEN, email: 'a@example.com' });
    assert.equal(step.request.url, `${store.url}/en/rest/RegisterUser`);
  });
});

describe('the simulator verifies the auto-login JWT', () => {
  let user;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (o = {}) => ({ user_uuid: user.user_uuid, email: user.email, name: user.name, referrer_url: '', iat: now(), exp: now() + 60, ...o });
  const link = (token) => `${store.url}/en/user/Thirdpartylogin?access_token=${token}`;
  async function refused(token, reason) {
    const before = store.state.logins.length;
    const r = await openLoginLink(link(token));
    assert.equal(r.status, 401);
    assert.equal(r.cookie, undefined);
    assert.match(r.body, new RegExp(`data-reason="${reason}"`));
    assert.equal(store.state.logins.length, before, 'nobody signed in');
  }

  before(() => {
    user = store.addUser({ email: freshEmail('sim'), name: 'Sim User' });
  });

  test('accepts a good token', async () => {
    const r = await openLoginLink(link(hs256({ alg: 'HS256', typ: 'JWT' }, claims())));
    assert.equal(r.status, 302);
    assert.equal(await whoIsSignedIn(r.cookie), user.email);
  });

  test('rejects a bad signature, another secret, alg none and a malformed token', async () => {
    const good = hs256({ alg: 'HS256', typ: 'JWT' }, claims());
    const [h, p, s] = good.split('.');
    const flipped = s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1);
    await refused(`${h}.${p}.${flipped}`, 'bad_signature');
    await refused(hs256({ alg: 'HS256', typ: 'JWT' }, claims(), 'another-secret-of-thirty-two-bytes!!'), 'bad_signature');
    const other = Buffer.from(JSON.stringify(claims({ email: 'someone-else@example.com' }))).toString('base64url');
    await refused(`${h}.${other}.${s}`, 'bad_signature');
    await refused(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`, 'alg_not_hs256');
    await refused('not-a-jwt', 'malformed');
  });

  test('rejects expired tokens, missing claims and unknown users', async () => {
    await refused(hs256({ alg: 'HS256' }, claims({ iat: now() - 600, exp: now() - 300 })), 'expired');
    await refused(hs256({ alg: 'HS256' }, claims({ iat: now() + 600, exp: now() + 660 })), 'iat_in_future');
    for (const missing of ['user_uuid', 'email', 'name', 'referrer_url', 'iat', 'exp']) {
      const c = claims();
      delete c[missing];
      await refused(hs256({ alg: 'HS256' }, c), 'missing_claims');
    }
    await refused(hs256({ alg: 'HS256' }, claims({ user_uuid: 'ffffffffffff0' })), 'unknown_user');
    await refused(hs256({ alg: 'HS256' }, [{ data: [claims()] }]), 'missing_claims');
  });

  test('REST endpoints take POST only; parameters also from the query string, as the seed shows them', async () => {
    const get = await fetch(`${store.url}/en/rest/RegisterUser`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(get.status, 405);
    const email = freshEmail('query');
    const r = await fetch(`${store.url}/en/rest/RegisterUser?name=Q&authToken=${AUTH_TOKEN}&email=${encodeURIComponent(email)}`,
      { method: 'POST', signal: AbortSignal.timeout(10_000) });
    const body = await r.json();
    assert.equal(body.code, 200);
    assert.equal(body.status, 'OK');
    assert.equal(body.msg, 'Register Success');
    const again = await (await fetch(`${store.url}/en/rest/RegisterUser?authToken=${AUTH_TOKEN}&email=${encodeURIComponent(email)}`,
      { method: 'POST', signal: AbortSignal.timeout(10_000) })).json();
    assert.deepEqual(again, { code: 422, status: 'Failed', msg: 'This email id already exists!' });
    const missing = await (await fetch(`${store.url}/en/rest/GetUserUuid`, { method: 'POST', body: new URLSearchParams({ authToken: AUTH_TOKEN }),
      signal: AbortSignal.timeout(10_000) })).json();
    assert.deepEqual(missing, { code: 757, status: 'Failure', msg: 'Email required.' });
    const noToken = await (await fetch(`${store.url}/en/rest/RegisterUser`, { method: 'POST', body: new URLSearchParams({ email }),
      signal: AbortSignal.timeout(10_000) })).json();
    assert.equal(noToken.code, 407);
  });
});
