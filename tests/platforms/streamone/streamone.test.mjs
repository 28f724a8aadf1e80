// StreamOne end to end: the simulator (signature, timestamp window, session signing, users and
// their SSO tokens), then every operation through the JS API and through the `ssokit` CLI:
// provisioning on demand, an already linked user, 431 surfaced and replaced only when asked,
// clock skew reported, every documented status mapped, and the browser build refusing the calls.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import { SsoError, streamone } from '../../../web/src/index.js';
import { loadCoreVariant } from '../../../web/src/core.js';
import { cliPath, runCli } from '../../idp/run-cli.mjs';
import { sign, ssoResponse, start, STATUS, STATUS_NAME } from './simulator.mjs';

const KEY = 'portal-psk';
const APPS = {
  portal: { key: KEY, tokens: ['user-sso-token'] },
  viewer: { key: 'viewer-psk', tokens: [] },  // no user-sso-token: ACCESS_DENIED on token management
};
const DOCUMENTED = Object.values(STATUS).filter((s) => s !== 0);

async function simulator(t, options = {}) {
  const sim = await start({ applications: APPS, services: ['idp'], ...options });
  t.after(() => sim.stop());
  return sim;
}

const js = (sim, extra = {}) => ({ server: sim.url, application: 'portal', applicationKey: KEY, ...extra });
const cliEnv = { SSOKIT_STREAMONE_APPLICATION_KEY: KEY };
const cliBase = (sim) => ['--server', sim.url, '--application', 'portal'];

async function rejects(promise, code, check = () => {}) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof SsoError, `expected SsoError, got ${e}`);
    assert.equal(e.code, code, e.message);
    check(e);
    return true;
  });
}

function platformStatus(status) {
  return (e) => {
    assert.equal(e.details.platform_code, status);
    assert.equal(e.details.platform_status, STATUS_NAME[status]);
    assert.equal(typeof e.details.statusmessage, 'string');
  };
}

// The CLI prints {"error":{code,message}} and exits 1; the message names the status.
function cliFailed(r, code, status) {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.json?.error?.code, code, r.stdout);
  if (status !== undefined && status !== STATUS.TIMESTAMP_OUT_OF_RANGE) {
    assert.match(r.json.error.message, new RegExp(`${status} ${STATUS_NAME[status]}`));
  }
  assert.ok(!r.stdout.includes(KEY) && !r.stderr.includes(KEY), 'the key never appears in output');
}

// ---- The simulator itself, against requests signed independently here ----

describe('simulator', () => {
  async function raw(sim, { path = '/api/session/createwithsso', params, body = '', key = KEY, tamper } = {}) {
    const query = new URLSearchParams(params ?? {
      api: '3', format: 'json', authentication_type: 'application', application: 'portal',
      timestamp: String(Math.floor(Date.now() / 1000)),
    }).toString();
    const signature = sign(key, `${path}?${query}&${body}`);
    const res = await fetch(`${sim.url}${path}?${query}&signature=${signature}`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: tamper ?? body,
    });
    return (await res.json()).header.status;
  }

  test('accepts a correct signature and rejects a wrong key, a tampered body and old timestamps', async (t) => {
    const sim = await simulator(t);
    sim.addUser({ id: 'U1', tokens: { idp: 'tok' } });
    const body = `service=idp&response=${encodeURIComponent(ssoResponse('idp', 'tok'))}`;
    assert.equal(await raw(sim, { body }), STATUS.OK);
    assert.equal(await raw(sim, { body, key: 'wrong' }), STATUS.AUTHENTICATION_FAILED);
    assert.equal(await raw(sim, { body, tamper: body.replace('service=idp', 'service=idq') }), STATUS.AUTHENTICATION_FAILED);
    const old = { api: '3', format: 'json', authentication_type: 'application', application: 'portal', timestamp: '1000' };
    assert.equal(await raw(sim, { body, params: old }), STATUS.TIMESTAMP_OUT_OF_RANGE);
    assert.equal(await raw(sim, { body, params: { ...old, timestamp: String(Math.floor(Date.now() / 1000)), extra: '1' } }),
      STATUS.UNKNOWN_PARAMETER);
  });

  test('session requests are signed with the application key followed by the session key', async (t) => {
    const sim = await simulator(t);
    sim.sessions.set('S1', { id: 'S1', key: 'sk', user: 'U1', timeout: 60 });
    const params = {
      api: '3', format: 'json', authentication_type: 'application', application: 'portal',
      timestamp: String(Math.floor(Date.now() / 1000)), session: 'S1',
    };
    assert.equal(await raw(sim, { path: '/api/session/delete', params, key: KEY }), STATUS.AUTHENTICATION_FAILED);
    assert.equal(await raw(sim, { path: '/api/session/delete', params, key: KEY + 'sk' }), STATUS.OK);
    assert.equal(sim.sessions.has('S1'), false);
  });
});

// ---- JavaScript API ----

describe('JS API', () => {
  test('provisioning: unknown token -> user/create with roles -> link -> createwithsso once more', async (t) => {
    const sim = await simulator(t);
    const r = await streamone.login(js(sim, {
      service: 'idp', ssoResponse: ssoResponse('idp', 'tok-jo'), createUser: { username: 'jo', email: 'jo@example.com' },
      roles: ['viewer', 'subscriber'],
    }));
    assert.equal(r.provisioned, true);
    const created = sim.users.get(r.userId);
    assert.ok(created, 'the user exists');
    assert.deepEqual(created.roles, ['viewer', 'subscriber']);
    assert.equal(created.arguments.email, 'jo@example.com');
    assert.equal(created.tokens.get('idp'), 'tok-jo');
    assert.equal(r.session.user, r.userId);
    assert.equal(typeof r.session.key, 'string');
    assert.equal(r.session.timeout, 3600);
    assert.deepEqual(sim.log.map((e) => e.action),
      ['session/createwithsso', 'user/create', 'user/linkssotoken', 'session/createwithsso']);

    // The next sign-in finds the linked user directly.
    const again = await streamone.login(js(sim, { service: 'idp', ssoResponse: ssoResponse('idp', 'tok-jo'), createUser: { username: 'jo' } }));
    assert.equal(again.provisioned, false);
    assert.equal(again.session.user, r.userId);
    assert.equal(sim.users.size, 1);
  });

  test('an existing linked user gets a session; without provisioning an unknown token is sso_token_unknown', async (t) => {
    const sim = await simulator(t);
    sim.addUser({ id: 'U7', username: 'ann', tokens: { idp: 'tok-ann' } });
    const r = await streamone.login(js(sim, { service: 'idp', ssoResponse: ssoResponse('idp', 'tok-ann') }));
    assert.deepEqual({ provisioned: r.provisioned, user: r.session.user }, { provisioned: false, user: 'U7' });
    const s = await streamone.createWithSso(js(sim, { service: 'idp', ssoResponse: ssoResponse('idp', 'tok-ann') }));
    assert.equal(s.session.user, 'U7');
    await rejects(streamone.login(js(sim, { service: 'idp', ssoResponse: ssoResponse('idp', 'nobody') })), 'sso_token_unknown',
      platformStatus(STATUS.SSO_TOKEN_UNKNOWN));
    assert.equal(sim.users.size, 1, 'nothing was created');
  });

  test('431 is surfaced, and the token is replaced only with replaceToken', async (t) => {
    const sim = await simulator(t);
    sim.addUser({ id: 'U1', tokens: { idp: 'old' } });
    const fresh = ssoResponse('idp', 'new');
    await rejects(streamone.linkToken(js(sim, { user: 'U1', service: 'idp', ssoResponse: fresh })), 'platform_error', (e) => {
      platformStatus(STATUS.USER_ALREADY_HAS_SSO_TOKEN)(e);
      assert.equal(e.details.action, 'user/linkssotoken');
      assert.match(e.message, /replace_token/);
    });
    assert.equal(sim.users.get('U1').tokens.get('idp'), 'old', 'untouched');
    const r = await streamone.linkToken(js(sim, { user: 'U1', service: 'idp', ssoResponse: fresh, replaceToken: true }));
    assert.deepEqual(r, { user: 'U1', service: 'idp', linked: true, replaced: true });
    assert.equal(sim.users.get('U1').tokens.get('idp'), 'new');
    assert.deepEqual(await streamone.clearToken(js(sim, { user: 'U1', service: 'idp' })), { user: 'U1', service: 'idp', cleared: true });
    await rejects(streamone.clearToken(js(sim, { user: 'U1', service: 'idp' })), 'platform_error', platformStatus(STATUS.USER_HAS_NO_SSO_TOKEN));
  });

  test('clock skew: the message says the clock is off, by how much when the server tells its time', async (t) => {
    const sim = await simulator(t, { clockOffsetSeconds: 3600 });
    const opts = js(sim, { service: 'idp', ssoResponse: ssoResponse('idp', 't') });
    await rejects(streamone.login(opts), 'platform_error', (e) => {
      platformStatus(STATUS.TIMESTAMP_OUT_OF_RANGE)(e);
      assert.match(e.message, /clock is off/);
      assert.match(e.message, /behind by 3(599|600|601) s/);
      assert.ok(Math.abs(e.details.skew_seconds + 3600) <= 1);
    });
    sim.headerTime = true;
    await rejects(streamone.login(opts), 'platform_error', (e) => assert.ok(Math.abs(e.details.server_time - sim.now()) <= 1));
    sim.headerTime = false;
    sim.sendDate = false;
    await rejects(streamone.login(opts), 'platform_error', (e) => {
      assert.match(e.message, /clock is off.*NTP/);
      assert.equal(e.details.server_time, undefined);
    });
  });

  test('requests within a session are signed with the session key (session/delete, then 282)', async (t) => {
    const sim = await simulator(t);
    sim.addUser({ id: 'U1', tokens: { idp: 'tok' } });
    const { session } = await streamone.login(js(sim, { service: 'idp', ssoResponse: ssoResponse('idp', 'tok') }));
    const r = await streamone.call(js(sim, { command: 'session', action: 'delete', session: { id: session.id, key: session.key } }));
    assert.equal(r.status, 0);
    assert.equal(r.header.sessiontimeout, 0);
    assert.equal(sim.sessions.has(session.id), false);
    await rejects(streamone.call(js(sim, { command: 'session', action: 'delete', session: { id: session.id, key: session.key } })),
      'platform_error', platformStatus(STATUS.SESSION_NOT_FOUND));
  });

  test('every documented status reached the way the simulator produces it', async (t) => {
    const sim = await simulator(t, { rateLimitAfter: 3 });
    sim.addUser({ id: 'U1', username: 'taken', tokens: { idp: 'tok' } });
    const login = (extra = {}) => streamone.login(js(sim, { service: 'idp', ssoResponse: ssoResponse('idp', 'tok'), ...extra }));
    const cases = [
      [STATUS.ACCESS_DENIED, () => streamone.clearToken({ server: sim.url, application: 'viewer', applicationKey: 'viewer-psk', user: 'U1', service: 'idp' })],
      [STATUS.INVALID_ACTION, () => streamone.call(js(sim, { command: 'video', action: 'play' }))],
      [STATUS.INPUT_ERROR, () => login({ ssoResponse: ssoResponse('idp', 'x'), createUser: { email: 'no-username@example.com' } })],
      [STATUS.INVALID_TIMEZONE, () => login({ timezone: 'Mars/Olympus_Mons' })],
      [STATUS.USER_NOT_FOUND, () => streamone.linkToken(js(sim, { user: 'nobody', service: 'idp', ssoResponse: ssoResponse('idp', 'x') }))],
      [STATUS.USER_USERNAME_ALREADY_EXISTS, () => login({ ssoResponse: ssoResponse('idp', 'x'), createUser: { username: 'taken' } })],
      [STATUS.SSO_SERVICE_NOT_FOUND, () => login({ service: 'other', ssoResponse: ssoResponse('other', 'tok') })],
      [STATUS.SSO_RESPONSE_INVALID, () => login({ ssoResponse: 'forged' })],
      [STATUS.SSO_TOKEN_UNKNOWN, () => login({ ssoResponse: ssoResponse('idp', 'x') })],
      [STATUS.API_IN_READONLY_MODE, () => { sim.readOnly = true; return login().finally(() => { sim.readOnly = false; }); }],
      [STATUS.AUTHENTICATION_FAILED, () => login({ applicationKey: 'wrong' })],
      [STATUS.AUTHENTICATION_FAILED, () => login({ applicationKey: 'wrong' })],
      [STATUS.AUTHENTICATION_FAILED, () => login({ applicationKey: 'wrong' })],
      [STATUS.RATE_LIMITED, () => login()],
    ];
    for (const [status, run] of cases) {
      await rejects(run(), status === STATUS.SSO_TOKEN_UNKNOWN ? 'sso_token_unknown' : 'platform_error', platformStatus(status));
    }
  });

  test('every documented status is mapped (test hook), and bad answers are invalid_response / http_error', async (t) => {
    const sim = await simulator(t);
    const opts = js(sim, { service: 'idp', ssoResponse: ssoResponse('idp', 't') });
    for (const status of DOCUMENTED) {
      sim.failNext(status);
      await rejects(streamone.login(opts), status === STATUS.SSO_TOKEN_UNKNOWN ? 'sso_token_unknown' : 'platform_error', (e) => {
        platformStatus(status)(e);
        if (status !== STATUS.TIMESTAMP_OUT_OF_RANGE) assert.match(e.message, new RegExp(`${status} ${STATUS_NAME[status]}`));
      });
    }
    sim.failNext('not-json');
    await rejects(streamone.login(opts), 'invalid_response');
    sim.failNext({ http: 502, body: 'Bad gateway' });
    await rejects(streamone.login(opts), 'http_error', (e) => assert.equal(e.details.http_status, 502));
    await rejects(streamone.login({ ...opts, account: 'a', customer: 'c' }), 'invalid_argument');
    await rejects(streamone.login({ ...opts, roles: ['viewer'] }), 'invalid_argument');
  });

  test('parseEnvelope and statusName need no secret', async () => {
    const ok = await streamone.parseEnvelope({ status: 200, headers: [], body: '{"header":{"status":0,"statusmessage":"OK"},"body":[1]}' });
    assert.deepEqual(ok.body, [1]);
    await rejects(streamone.parseEnvelope({ status: 200, headers: [], body: '{"header":{"status":431,"statusmessage":"x"},"body":null}' }),
      'platform_error', platformStatus(431));
    assert.equal(await streamone.statusName(433), 'SSO_RESPONSE_INVALID');
  });

  test('the browser build answers server_only for every call that signs, and still reads envelopes', async () => {
    const browser = await loadCoreVariant('platforms');  // what the platform modules load in a page
    for (const method of ['streamone.login', 'streamone.step', 'streamone.link_token', 'streamone.clear_token',
      'streamone.create_with_sso', 'streamone.create_user', 'streamone.request']) {
      assert.throws(() => browser.call(method, { server: 'https://api.example.com', application: 'a', application_key: 'k' }),
        (e) => e instanceof SsoError && e.code === 'server_only', method);
    }
    const env = browser.call('streamone.parse_envelope', { response: { status: 200, headers: [], body: '{"header":{"status":0,"statusmessage":"OK"},"body":null}' } });
    assert.equal(env.status, 0);
  });
});

// ---- CLI ----

describe('CLI', () => {
  let sim;
  before(async () => { sim = await start({ applications: APPS, services: ['idp'] }); });
  after(() => sim.stop());

  test('login provisions a new user with roles, then finds the linked user', async () => {
    const args = ['streamone', 'login', ...cliBase(sim), '--service', 'idp', '--sso-response', ssoResponse('idp', 'cli-1'),
      '--create-user', '{"username":"cli-user"}', '--roles', 'viewer,member'];
    const r = await runCli(args, { env: cliEnv });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.provisioned, true);
    assert.equal(r.json.session.user, r.json.user_id);
    assert.deepEqual(sim.users.get(r.json.user_id).roles, ['viewer', 'member']);
    const again = await runCli(args, { env: cliEnv });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.json.provisioned, false);
    assert.equal(again.json.session.user, r.json.user_id);
  });

  test('login without --create-user: unknown token is sso_token_unknown', async () => {
    const r = await runCli(['streamone', 'login', ...cliBase(sim), '--service', 'idp', '--sso-response', ssoResponse('idp', 'unknown')], { env: cliEnv });
    cliFailed(r, 'sso_token_unknown', STATUS.SSO_TOKEN_UNKNOWN);
  });

  test('link-token: 431 surfaced, replaced with --replace-token; clear-token; 432', async () => {
    sim.addUser({ id: 'CLI1', tokens: { idp: 'old' } });
    const link = ['streamone', 'link-token', ...cliBase(sim), '--user', 'CLI1', '--service', 'idp', '--sso-response', ssoResponse('idp', 'new')];
    cliFailed(await runCli(link, { env: cliEnv }), 'platform_error', STATUS.USER_ALREADY_HAS_SSO_TOKEN);
    assert.equal(sim.users.get('CLI1').tokens.get('idp'), 'old');
    const replaced = await runCli([...link, '--replace-token'], { env: cliEnv });
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.deepEqual(replaced.json, { user: 'CLI1', service: 'idp', linked: true, replaced: true });
    assert.equal(sim.users.get('CLI1').tokens.get('idp'), 'new');
    const clear = ['streamone', 'clear-token', ...cliBase(sim), '--user', 'CLI1', '--service', 'idp'];
    const cleared = await runCli(clear, { env: cliEnv });
    assert.deepEqual(cleared.json, { user: 'CLI1', service: 'idp', cleared: true });
    cliFailed(await runCli(clear, { env: cliEnv }), 'platform_error', STATUS.USER_HAS_NO_SSO_TOKEN);
  });

  test('clock skew is reported with the server time', async (t) => {
    const skewed = await simulator(t, { clockOffsetSeconds: -7200 });
    const r = await runCli(['streamone', 'login', '--server', skewed.url, '--application', 'portal', '--service', 'idp',
      '--sso-response', ssoResponse('idp', 'x')], { env: cliEnv });
    cliFailed(r, 'platform_error');
    assert.match(r.json.error.message, /TIMESTAMP_OUT_OF_RANGE.*clock is off.*ahead by 7(199|200|201) s.*NTP/);
  });

  test('every documented status is mapped through the CLI', async () => {
    const args = ['streamone', 'login', ...cliBase(sim), '--service', 'idp', '--sso-response', ssoResponse('idp', 'hooked')];
    for (const status of DOCUMENTED) {
      sim.failNext(status);
      cliFailed(await runCli(args, { env: cliEnv }), status === STATUS.SSO_TOKEN_UNKNOWN ? 'sso_token_unknown' : 'platform_error', status);
    }
    cliFailed(await runCli(['streamone', 'clear-token', '--server', sim.url, '--application', 'viewer', '--user', 'CLI1', '--service', 'idp'],
      { env: { SSOKIT_STREAMONE_APPLICATION_KEY: 'viewer-psk' } }), 'platform_error', STATUS.ACCESS_DENIED);
    cliFailed(await runCli(args, { env: { SSOKIT_STREAMONE_APPLICATION_KEY: 'wrong-key' } }), 'platform_error', STATUS.AUTHENTICATION_FAILED);
    cliFailed(await runCli([...args.slice(0, -1), 'forged'], { env: cliEnv }), 'platform_error', STATUS.SSO_RESPONSE_INVALID);
    cliFailed(await runCli([...args, '--timezone', 'Not/AZone'], { env: cliEnv }), 'platform_error', STATUS.INVALID_TIMEZONE);
  });

  test('the key comes only from the environment; usage errors exit 2', async () => {
    const args = ['streamone', 'login', ...cliBase(sim), '--service', 'idp', '--sso-response', 'x'];
    const noKey = await runCli(args, { env: { SSOKIT_STREAMONE_APPLICATION_KEY: '' } });
    assert.equal(noKey.code, 1);
    assert.equal(noKey.json.error.code, 'invalid_argument');
    assert.match(noKey.json.error.message, /SSOKIT_STREAMONE_APPLICATION_KEY/);
    const keyFlag = await runCli([...args, '--application-key', KEY], { env: cliEnv });
    assert.equal(keyFlag.code, 2, 'there is no option for the key');
    assert.equal((await runCli(['streamone', 'login', ...cliBase(sim)], { env: cliEnv })).code, 2);
    const both = await runCli([...args, '--account', 'a', '--customer', 'c'], { env: cliEnv });
    assert.equal(both.json.error.code, 'invalid_argument');
    const help = await runCli(['streamone', 'login', '--help']);
    assert.match(help.stdout, /SSOKIT_STREAMONE_APPLICATION_KEY/);
  });

  test('--sso-response - reads the response from standard input', async () => {
    sim.addUser({ id: 'STDIN', tokens: { idp: 'from-stdin' } });
    // Asynchronous: the simulator answers from this very process.
    const child = spawn(cliPath, ['streamone', 'login', ...cliBase(sim), '--service', 'idp', '--sso-response', '-'], {
      env: { ...process.env, ...cliEnv }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdin.end(ssoResponse('idp', 'from-stdin') + '\n');
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.equal(JSON.parse(stdout).session.user, 'STDIN');
  });
});
