// No secret leaks from the video platform connectors (issue 7; the OIDC flows are in
// tests/idp/secret-leak.test.mjs). Each platform's command runs through the native CLI and the JS
// API with known secrets (TwentyThree consumer and token secrets, the StreamOne application key and
// the user's SSO response, the Muvi auth token and JWT secret, the organization API key and IdP
// client secret), against its simulator (success, wrong secret) and against a hostile server that
// answers in the platform's own error format with the whole request echoed into the message (the
// OAuth 1.0a signature, the StreamOne signature and SSO response, the Muvi authToken, the X-Api-Key
// and the client secret). No secret, nor what the command received (session key, session token),
// may then appear in CLI stderr, the error JSON, or an SsoError's message, details, String(), JSON
// or util.inspect. A successful command's stdout may hold what it exists to print (DESIGN.md): the
// redeem URL with its one-time token, the StreamOne session, the Muvi login link.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { cliPath, runCli } from '../idp/run-cli.mjs';
import { Secrets, assertClean, assertCliClean, assertErrorClean } from '../idp/leak-check.mjs';
import { SsoError } from '../../web/src/index.js';
import { twentythree, streamone, muvi, org } from '../../web/src/platforms.js';
import * as t23 from './twentythree/simulator.mjs';
import * as s1 from './streamone/simulator.mjs';
import * as muviSim from './muvi/simulator.mjs';
import * as orgSim from './org/simulator.mjs';

const servers = [];
after(() => Promise.all(servers.map((s) => s.stop())));

async function started(promise) {
  const s = await promise;
  servers.push(s);
  return s;
}

// A server that answers every request in the platform's error format, with the request (line,
// headers, body) as the error message; the requests are kept so their signatures count as secrets.
async function startEcho(reply) {
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const request = { method: req.method, url: req.url, headers: req.headers, body };
      requests.push(request);
      const echo = `${body} | ${req.method} ${req.url} | ${JSON.stringify(req.headers)}`;
      const { status = 200, type = 'application/json', text } = reply(echo, request);
      res.writeHead(status, { 'content-type': type });
      res.end(text);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    stop: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

async function rejectsClean(where, promise, code, secrets) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof SsoError, `${where}: ${e}`);
    if (code) assert.equal(e.code, code, `${where}: ${e.message}`);
    assertErrorClean(where, e, secrets);
    return true;
  });
}

function cliFails(where, r, secrets, code) {
  assert.equal(r.code, 1, `${where}: ${r.stdout} ${r.stderr}`);
  if (code) assert.equal(r.json?.error?.code, code, `${where}: ${r.stdout}`);
  assertCliClean(where, r, secrets);
}

const xmlEscape = (text) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]);

describe('TwentyThree', () => {
  const secrets = new Secrets();
  const env = (c) => ({
    SSOKIT_TWENTYTHREE_CONSUMER_KEY: c.consumer_key, SSOKIT_TWENTYTHREE_CONSUMER_SECRET: c.consumer_secret,
    SSOKIT_TWENTYTHREE_ACCESS_TOKEN: c.access_token, SSOKIT_TWENTYTHREE_ACCESS_TOKEN_SECRET: c.access_token_secret,
  });
  const js = (c) => ({ consumerKey: c.consumer_key, consumerSecret: c.consumer_secret, accessToken: c.access_token, accessTokenSecret: c.access_token_secret });
  const args = (url, format = 'json') => ['twentythree', 'get-token', '--site', url, '--return-url', '/video/1', '--email', 'viewer@example.com', '--format', format];
  const tokenOf = (redirectUrl) => new URL(redirectUrl).searchParams.get('session_token');

  test('success, a wrong secret and an echoing site (CLI and JS)', async () => {
    const site = await started(t23.start());
    const c = site.credentials;
    secrets.add('consumer_secret', c.consumer_secret);
    secrets.add('token_secret', c.access_token_secret);

    const ok = await runCli(args(site.url), { env: env(c) });
    assert.equal(ok.code, 0, ok.stderr);
    secrets.add('session_token', tokenOf(ok.json.redirect_url));
    assertCliClean('get-token', ok, secrets, { allowStdout: ['session_token'] });
    const jsOk = await twentythree.getToken({ site: site.url, credentials: js(c), returnUrl: '/video/1' });
    secrets.add('session_token', tokenOf(jsOk.redirectUrl));

    const wrong = { ...c, consumer_secret: 'wrong-consumer-secret-value', access_token_secret: 'wrong-token-secret-value' };
    secrets.add('wrong_secret', wrong.consumer_secret);
    secrets.add('wrong_secret', wrong.access_token_secret);
    cliFails('get-token, wrong secret', await runCli(args(site.url), { env: env(wrong) }), secrets, 'platform_error');
    await rejectsClean('getToken, wrong secret', twentythree.getToken({ site: site.url, credentials: js(wrong), returnUrl: '/video/1' }),
      'platform_error', secrets);

    for (const format of ['json', 'xml']) {
      const hostile = await started(startEcho((echo) => (format === 'json'
        ? { text: JSON.stringify({ status: 'error', code: 'invalid_signature', message: echo }) }
        : { type: 'text/xml', text: `<?xml version="1.0"?><response status="error" code="invalid_signature" message="${xmlEscape(echo)}"/>` })));
      const r = await runCli(args(hostile.url, format), { env: env(c) });
      await rejectsClean(`getToken, echoing site (${format})`,
        twentythree.getToken({ site: hostile.url, credentials: js(c), returnUrl: '/video/1', format }), 'platform_error', secrets);
      for (const req of hostile.requests) {
        const auth = req.headers.authorization ?? '';
        secrets.add('oauth_signature', decodeURIComponent(/oauth_signature="([^"]+)"/.exec(auth)?.[1] ?? ''));
      }
      assert.ok(secrets.labels().has('oauth_signature'));
      cliFails(`get-token, echoing site (${format})`, r, secrets, 'platform_error');
    }
  });
});

describe('StreamOne', () => {
  const KEY = 'leak-test-streamone-application-key';
  const secrets = new Secrets();
  secrets.add('application_key', KEY);
  const response = s1.ssoResponse('idp', 'leak-test-user-sso-token');
  secrets.add('sso_response', response);
  const js = (url, key = KEY) => streamone.login({ server: url, application: 'portal', applicationKey: key, service: 'idp', ssoResponse: response });

  // The CLI reads the SSO response from standard input ("-"), the way the usage text recommends.
  function cliWithStdin(url, key) {
    return new Promise((resolve, reject) => {
      const child = spawn(cliPath, ['streamone', 'login', '--server', url, '--application', 'portal', '--service', 'idp', '--sso-response', '-'],
        { env: { ...process.env, SSOKIT_STREAMONE_APPLICATION_KEY: key }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('streamone login timed out')); }, 30000);
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('close', (code) => {
        clearTimeout(timer);
        let json;
        try { json = JSON.parse(stdout); } catch { json = undefined; }
        resolve({ code, stdout, stderr, json });
      });
      child.stdin.end(`${response}\n`);
    });
  }

  test('success, a wrong key and an echoing server (CLI and JS)', async () => {
    const sim = await started(s1.start({ applications: { portal: { key: KEY, tokens: ['user-sso-token'] } }, services: ['idp'] }));
    sim.addUser({ id: 'U1', tokens: { idp: 'leak-test-user-sso-token' } });

    const ok = await cliWithStdin(sim.url, KEY);
    assert.equal(ok.code, 0, ok.stderr);
    secrets.add('session_key', ok.json.session.key);
    assertCliClean('streamone login', ok, secrets, { allowStdout: ['session_key'] });
    const jsOk = await js(sim.url);
    secrets.add('session_key', jsOk.session.key);

    secrets.add('wrong_key', 'leak-test-wrong-streamone-key');
    cliFails('streamone login, wrong key', await cliWithStdin(sim.url, 'leak-test-wrong-streamone-key'), secrets, 'platform_error');
    await rejectsClean('streamone.login, wrong key', js(sim.url, 'leak-test-wrong-streamone-key'), 'platform_error', secrets);

    const hostile = await started(startEcho((echo) => ({ text: JSON.stringify({ header: { status: 433, statusmessage: echo }, body: null }) })));
    const r = await cliWithStdin(hostile.url, KEY);
    await rejectsClean('streamone.login, echoing server', js(hostile.url), 'platform_error', secrets);
    for (const req of hostile.requests) secrets.add('signature', new URL(req.url, 'http://x').searchParams.get('signature'));
    assert.ok(secrets.labels().has('signature'));
    cliFails('streamone login, echoing server', r, secrets, 'platform_error');
  });
});

describe('Muvi', () => {
  const secrets = new Secrets();
  secrets.add('auth_token', muviSim.AUTH_TOKEN);
  secrets.add('jwt_secret', muviSim.JWT_SECRET);
  const env = { SSOKIT_MUVI_AUTH_TOKEN: muviSim.AUTH_TOKEN, SSOKIT_MUVI_JWT_SECRET: muviSim.JWT_SECRET };
  const ensure = (url, extra = {}) => runCli(['muvi', 'ensure-user', '--store', url, '--email', 'leak@example.com', '--name', 'Lea K'], { env: { ...env, ...extra } });

  test('success, a wrong token and an echoing store (CLI and JS)', async () => {
    const store = await started(muviSim.start());
    const ok = await ensure(store.url);
    assert.equal(ok.code, 0, ok.stderr);
    assertCliClean('muvi ensure-user', ok, secrets);
    const link = await runCli(['muvi', 'login-url', '--store', store.url, '--email', 'leak@example.com', '--user-uuid', ok.json.user_uuid], { env });
    assert.equal(link.code, 0, link.stderr);
    secrets.add('login_jwt', new URL(link.json.url).searchParams.get('access_token'));
    assertCliClean('muvi login-url', link, secrets, { allowStdout: ['login_jwt'] });
    const jsLink = await muvi.loginUrl({ store: store.url, jwtSecret: muviSim.JWT_SECRET, userUuid: ok.json.user_uuid, email: 'leak@example.com' });
    secrets.add('login_jwt', new URL(jsLink.url).searchParams.get('access_token'));

    const wrong = 'leak-test-wrong-muvi-auth-token';
    secrets.add('wrong_token', wrong);
    cliFails('muvi ensure-user, wrong token', await ensure(store.url, { SSOKIT_MUVI_AUTH_TOKEN: wrong }), secrets, 'platform_error');
    await rejectsClean('muvi.ensureUser, wrong token', muvi.ensureUser({ store: store.url, authToken: wrong, email: 'x@example.com' }), 'platform_error', secrets);
    const short = 'too-short-jwt-secret';
    secrets.add('short_jwt_secret', short);
    cliFails('muvi login-url, short secret', await runCli(['muvi', 'login-url', '--store', store.url, '--email', 'a@example.com', '--user-uuid', 'u1'],
      { env: { ...env, SSOKIT_MUVI_JWT_SECRET: short } }), secrets, 'invalid_argument');

    const hostile = await started(startEcho((echo) => ({ text: JSON.stringify({ code: 417, status: 'Failure', msg: echo }) })));
    cliFails('muvi ensure-user, echoing store', await ensure(hostile.url), secrets, 'platform_error');
    await rejectsClean('muvi.ensureUser, echoing store',
      muvi.ensureUser({ store: hostile.url, authToken: muviSim.AUTH_TOKEN, email: 'x@example.com' }), 'platform_error', secrets);
  });
});

describe('Organization SSO', () => {
  // Lower case, no digits: only exact redaction keeps it out of an echo.
  const CLIENT_SECRET = 'correct-horse-battery-staple-secret';
  const secrets = new Secrets();
  secrets.add('api_key', orgSim.OWNER_KEY);
  secrets.add('client_secret', CLIENT_SECRET);
  const OKTA = 'https://your-org.okta.com';
  const cli = (url, extra = {}, bearer = []) => runCli(['org', 'sso-set', '--base', url, '--org-id', orgSim.ACME_ID, '--provider', 'okta',
    '--issuer-url', OKTA, '--client-id', 'client-1', ...bearer],
  { env: { SSOKIT_ORG_API_KEY: orgSim.OWNER_KEY, SSOKIT_ORG_SSO_CLIENT_SECRET: CLIENT_SECRET, ...extra } });
  const js = (url, apiKey = orgSim.OWNER_KEY) => org.admin({ base: url, organizationId: orgSim.ACME_ID, apiKey })
    .setSso({ provider: 'okta', issuerUrl: OKTA, clientId: 'client-1', clientSecret: CLIENT_SECRET });

  test('success, a wrong key and an echoing API (CLI and JS)', async () => {
    const sim = await started(orgSim.start());
    const ok = await cli(sim.url);
    assert.equal(ok.code, 0, ok.stderr);
    assertCliClean('org sso-set', ok, secrets);
    assertClean('org setSso result', JSON.stringify(await js(sim.url)), secrets);

    const wrong = 'ba_owner_WrongWrong0000000';
    secrets.add('wrong_key', wrong);
    cliFails('org sso-set, wrong key', await cli(sim.url, { SSOKIT_ORG_API_KEY: wrong }), secrets, 'platform_error');
    await rejectsClean('org setSso, wrong key', js(sim.url, wrong), 'platform_error', secrets);

    const hostile = await started(startEcho((echo) => ({
      status: 400,
      text: JSON.stringify({ success: false, status: 400, code: 'VALIDATION_ERROR', message: echo,
        meta: { errors: [{ field: 'clientSecret', error: echo, location: 'body' }] } }),
    })));
    cliFails('org sso-set, echoing API', await cli(hostile.url), secrets, 'platform_error');
    cliFails('org sso-set --bearer, echoing API', await cli(hostile.url, {}, ['--bearer']), secrets, 'platform_error');
    await rejectsClean('org setSso, echoing API', js(hostile.url), 'platform_error', secrets);
  });
});
