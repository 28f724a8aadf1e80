// Organization SSO end to end: every operation against the simulator (simulator.mjs, seed 004)
// through the native CLI and through the JavaScript API, success and every documented error, the
// lock-out guard, 429 retries, and the browser build refusing the API-key calls.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import {
  start, ACME_ID, GLOBEX_ID, OWNER_KEY, MEMBER_KEY, PINNED_KEY, BEARER_NO_MFA, BEARER_MFA,
} from './simulator.mjs';
import { runCli } from '../../idp/run-cli.mjs';
import { org, SsoError } from '../../../web/src/index.js';
import { loadCore, loadCoreVariant } from '../../../web/src/core.js';

const CLIENT_SECRET = 'idp-client-secret-4f9a7c';
const OKTA = 'https://your-org.okta.com';

async function simulator(t) {
  const sim = await start();
  t.after(() => sim.stop());
  return sim;
}

function cli(sim, command, args = [], env = {}) {
  const base = ['org', command, '--base', sim.url];
  return runCli([...base, ...args], { env: { SSOKIT_ORG_API_KEY: OWNER_KEY, SSOKIT_ORG_SSO_CLIENT_SECRET: CLIENT_SECRET, ...env } });
}
const admin = (sim, command, args = [], env = {}) => cli(sim, command, ['--org-id', ACME_ID, ...args], env);

function assertCliError(r, code, pattern) {
  assert.equal(r.code, 1, `exit code (stdout ${r.stdout}, stderr ${r.stderr})`);
  assert.equal(r.json?.error?.code, code, r.stdout);
  if (pattern) assert.match(r.json.error.message, pattern);
  assert.match(r.stderr, new RegExp(`ssokit: ${code}: `));
}

async function rejects(promise, code, check) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof SsoError, String(e));
    assert.equal(e.code, code, e.message);
    check?.(e);
    return true;
  });
}

const noWait = async () => {};
const jsAdmin = (sim, extra = {}) => org.admin({ base: sim.url, organizationId: ACME_ID, apiKey: OWNER_KEY, ...extra });

// An organization with SSO configured and a verified domain, set up directly in the simulator.
function seedAcme(sim, { authRequired = 'any' } = {}) {
  const acme = sim.organization(ACME_ID);
  acme.sso = { provider: 'okta', issuerUrl: OKTA, clientId: 'client-1', clientSecret: CLIENT_SECRET };
  acme.domains.push({ id: 'D1', domain: 'acme.example', status: 'verified', txtRecord: { name: 'x', value: 'y' } });
  acme.domains.push({ id: 'D2', domain: 'pending.example', status: 'pending', txtRecord: { name: 'p', value: 'q' } });
  acme.security.authRequired = authRequired;
  return acme;
}

// Follows the login URL one hop and comes back through the shared callback with the state the
// platform generated: the organization is recognized from that state alone.
async function followSso(sim, loginUrl) {
  const login = await fetch(loginUrl, { redirect: 'manual' });
  assert.equal(login.status, 302);
  const authorize = new URL(login.headers.get('location'));
  assert.equal(authorize.origin + authorize.pathname, `${OKTA}/authorize`);
  assert.equal(authorize.searchParams.get('redirect_uri'), `${sim.url}/api/auth/sso/callback`);
  const state = authorize.searchParams.get('state');
  assert.ok(state);
  const back = await fetch(`${sim.url}/api/auth/sso/callback?code=c1&state=${encodeURIComponent(state)}`, { redirect: 'manual' });
  assert.equal(back.status, 302);
  return sim.state.sessions.at(-1);
}

describe('org through the CLI', () => {
  test('full set-up: SSO settings, test, domain with TXT, sign-in routing, then SSO-only behind the guard', async (t) => {
    const sim = await simulator(t);
    const set = await admin(sim, 'sso-set', ['--provider', 'okta', '--issuer-url', OKTA, '--client-id', 'client-1']);
    assert.equal(set.code, 0, set.stdout + set.stderr);
    assert.equal(set.json.idp.sign_in_redirect_uri, `${sim.url}/api/auth/sso/callback`);
    assert.deepEqual(set.json.idp.scopes, ['openid', 'profile', 'email']);
    assert.equal(set.json.data.configured, true);
    assert.deepEqual(sim.organization(ACME_ID).sso, { provider: 'okta', issuerUrl: OKTA, clientId: 'client-1', clientSecret: CLIENT_SECRET });
    assert.deepEqual(set.json.sso_test, { valid: true, message: 'SSO configuration is valid' });
    assert.equal(sim.requests.at(-1).path.endsWith('/settings/sso/test'), true, 'sso-set tests what it saved');
    const put = sim.requests.at(-2);
    assert.equal(put.method, 'PUT');
    assert.equal(put.path, `/api/user/organizations/${ACME_ID}/settings/sso`);
    assert.equal(put.headers['x-api-key'], OWNER_KEY);
    assert.deepEqual(Object.keys(JSON.parse(put.body)).sort(), ['clientId', 'clientSecret', 'issuerUrl', 'provider']);
    for (const out of [set.stdout, set.stderr]) {
      assert.ok(!out.includes(CLIENT_SECRET) && !out.includes(OWNER_KEY), 'no secret in the output');
    }

    const tested = await admin(sim, 'sso-test');
    assert.equal(tested.code, 0, tested.stdout);
    assert.equal(tested.json.valid, true);
    assert.equal(sim.requests.at(-1).body, '', 'the test endpoint takes no body');

    const added = await admin(sim, 'domain-add', ['--domain', 'Acme.Example']);
    assert.equal(added.code, 0, added.stdout);
    const record = sim.organization(ACME_ID).domains[0];
    assert.equal(record.domain, 'acme.example');
    assert.deepEqual(added.json.txt_record, { type: 'TXT', name: record.txtRecord.name, value: record.txtRecord.value });
    assert.match(added.stderr, new RegExp(`TXT ${record.txtRecord.name.replace(/\./g, '\\.')} "${record.txtRecord.value}"`));

    // Before the TXT record is published: the platform's VALIDATION_ERROR with the field.
    const early = await admin(sim, 'domain-verify', ['--domain-id', added.json.data.id]);
    assertCliError(early, 'platform_error', /domain: DNS TXT record .* not found.*VALIDATION_ERROR, HTTP 400/);
    const pending = await cli(sim, 'login-url', ['--email', 'jane@acme.example']);
    assert.deepEqual(pending.json, { method: 'password', email: 'jane@acme.example', domain: 'acme.example' });

    sim.publishTxt(record.txtRecord.name, record.txtRecord.value);
    const verified = await admin(sim, 'domain-verify', ['--domain-id', added.json.data.id]);
    assert.equal(verified.code, 0, verified.stdout);
    assert.equal(verified.json.verified, true);

    const offered = await cli(sim, 'login-url', ['--email', 'Jane@ACME.example']);
    assert.equal(offered.code, 0, offered.stdout);
    assert.deepEqual(offered.json, {
      method: 'any', login_url: `${sim.url}/api/auth/sso/acme/login`, slug: 'acme', provider: 'okta',
      email: 'Jane@acme.example', domain: 'acme.example',
    });
    const identify = sim.requests.at(-1);
    assert.equal(identify.path, '/api/auth/identify');
    assert.equal(identify.headers['x-api-key'], undefined, 'the lookup carries no credential');

    const raised = await admin(sim, 'security', ['--auth-required', 'sso']);
    assert.equal(raised.code, 0, raised.stdout + raised.stderr);
    assert.deepEqual(raised.json.sso_test, { valid: true, message: 'SSO configuration is valid' });
    assert.deepEqual(sim.organization(ACME_ID).security, { authRequired: 'sso', requireMfa: false });
    assert.deepEqual(sim.requests.slice(-2).map((r) => `${r.method} ${r.path.split('/').slice(-2).join('/')}`),
      ['POST sso/test', 'PUT settings/security']);

    const only = await cli(sim, 'login-url', ['--email', 'jane@acme.example']);
    assert.equal(only.json.method, 'sso');
    const session = await followSso(sim, only.json.login_url);
    assert.equal(session.organizationId, ACME_ID);

    // Issue 16: deleting SSO while it is required would lock everybody out: only with --force.
    const sent = sim.requests.length;
    const unforced = await admin(sim, 'sso-delete');
    assertCliError(unforced, 'invalid_argument', /locks every member out.*--force/);
    assert.equal(sim.requests.length, sent, 'nothing was sent');
    assert.notEqual(sim.organization(ACME_ID).sso, null);
    const removed = await admin(sim, 'sso-delete', ['--force']);
    assert.equal(removed.code, 0, removed.stdout);
    assert.equal(sim.organization(ACME_ID).sso, null);
  });

  test('sso-set with a broken issuer while SSO is required: sso_test_failed says so and how to restore access', async (t) => {
    const sim = await simulator(t);
    seedAcme(sim);
    const raised = await admin(sim, 'security', ['--auth-required', 'sso']);
    assert.equal(raised.code, 0, raised.stdout);
    sim.setSsoTest(false);
    const broken = await admin(sim, 'sso-set', ['--provider', 'okta', '--issuer-url', 'https://broken.okta.example', '--client-id', 'client-1']);
    assertCliError(broken, 'sso_test_failed', /saved, but their test did not pass.*lower authRequired/);
    assert.equal(sim.requests.at(-1).path.endsWith('/settings/sso/test'), true);
    assert.ok(!broken.stdout.includes(CLIENT_SECRET) && !broken.stderr.includes(CLIENT_SECRET));
    const forced = await admin(sim, 'sso-set', ['--provider', 'okta', '--issuer-url', OKTA, '--client-id', 'client-1', '--force']);
    assert.equal(forced.code, 0, forced.stdout);
    assert.equal(forced.json.forced, true);
    assert.equal(sim.requests.at(-1).method, 'PUT', 'forced: no test');
  });

  test('login-url: --slug, unknown domains, malformed e-mail, a foreign redirect', async (t) => {
    const sim = await simulator(t);
    seedAcme(sim);
    const bySlug = await cli(sim, 'login-url', ['--slug', 'acme']);
    assert.deepEqual(bySlug.json, { login_url: `${sim.url}/api/auth/sso/acme/login`, slug: 'acme' });
    assert.equal(sim.requests.length, 0, '--slug asks nothing');

    const gmail = await cli(sim, 'login-url', ['--email', 'joe@gmail.com']);
    assert.equal(gmail.json.method, 'password');
    const unverified = await cli(sim, 'login-url', ['--email', 'joe@pending.example']);
    assert.equal(unverified.json.method, 'password', 'a pending domain is not routed');

    for (const bad of ['joe', 'joe@@acme.example', 'joe@localhost', 'jo e@acme.example']) {
      const r = await cli(sim, 'login-url', ['--email', bad]);
      assertCliError(r, 'invalid_argument', /email is not a valid address/);
    }
    const both = await cli(sim, 'login-url', ['--email', 'a@acme.example', '--slug', 'acme']);
    assertCliError(both, 'invalid_argument', /exactly one/);

    sim.state.identifyOverride = (d) => ({ ...d, method: 'sso', ssoRedirectUrl: 'https://evil.example/api/auth/sso/acme/login' });
    const evil = await cli(sim, 'login-url', ['--email', 'joe@acme.example']);
    assertCliError(evil, 'invalid_response', /refusing to follow/);
    sim.state.identifyOverride = null;

    sim.failNext(400, 'VALIDATION_ERROR', 'Validation failed for fields: email', [{ field: 'email', error: 'Invalid email', location: 'body' }]);
    const rejected = await cli(sim, 'login-url', ['--email', 'joe@acme.example']);
    assertCliError(rejected, 'platform_error', /email: Invalid email/);
  });

  test('sso-set checks the fields before sending anything', async (t) => {
    const sim = await simulator(t);
    const wellKnown = await admin(sim, 'sso-set', ['--provider', 'azure', '--client-id', 'c',
      '--issuer-url', 'https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration']);
    assertCliError(wellKnown, 'invalid_argument', /drop that suffix.*https:\/\/login\.microsoftonline\.com\/tenant\/v2\.0\)/);
    const http = await admin(sim, 'sso-set', ['--provider', 'okta', '--client-id', 'c', '--issuer-url', 'http://your-org.okta.com']);
    assertCliError(http, 'invalid_argument', /https/);
    const noSecret = await admin(sim, 'sso-set', ['--provider', 'okta', '--client-id', 'c', '--issuer-url', OKTA],
      { SSOKIT_ORG_SSO_CLIENT_SECRET: '' });
    assertCliError(noSecret, 'invalid_argument', /SSOKIT_ORG_SSO_CLIENT_SECRET/);
    assert.equal(sim.requests.length, 0);
    assert.equal(sim.organization(ACME_ID).sso, null);
  });

  test('secrets only from the environment; usage errors exit 2', async (t) => {
    const sim = await simulator(t);
    const help = await runCli(['org', 'sso-set', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /SSOKIT_ORG_SSO_CLIENT_SECRET/);
    assert.match(help.stdout, /SSOKIT_ORG_API_KEY/);
    const argvKey = await admin(sim, 'sso-test', ['--api-key', OWNER_KEY]);
    assert.equal(argvKey.code, 2);
    const missing = await runCli(['org', 'sso-test', '--base', sim.url]);
    assert.equal(missing.code, 2);
    assert.match(missing.json.error.message, /--org-id/);
    const noKey = await admin(sim, 'sso-test', [], { SSOKIT_ORG_API_KEY: '' });
    assertCliError(noKey, 'invalid_argument', /SSOKIT_ORG_API_KEY/);
    assert.equal(sim.requests.length, 0);
  });

  test('every documented credential error, with what to do', async (t) => {
    const sim = await simulator(t);
    seedAcme(sim);
    assertCliError(await admin(sim, 'sso-test', [], { SSOKIT_ORG_API_KEY: 'ba_wrong' }), 'platform_error',
      /check it \(CLI: SSOKIT_ORG_API_KEY.*INVALID_API_KEY, HTTP 401/);
    sim.failNext(401, 'AUTHENTICATION_REQUIRED', 'Authentication required');
    assertCliError(await admin(sim, 'sso-test'), 'platform_error', /no credential reached.*AUTHENTICATION_REQUIRED/);
    assertCliError(await admin(sim, 'sso-test', [], { SSOKIT_ORG_API_KEY: MEMBER_KEY }), 'platform_error',
      /restricted to the organization owner.*INSUFFICIENT_PERMISSIONS/);
    assertCliError(await admin(sim, 'sso-test', [], { SSOKIT_ORG_API_KEY: PINNED_KEY }), 'platform_error',
      /not for this organization.*FORBIDDEN, HTTP 403/);
    // The pinned key works for its own organization.
    sim.organization(GLOBEX_ID).sso = { provider: 'oidc', issuerUrl: OKTA, clientId: 'g', clientSecret: 's' };
    const own = await cli(sim, 'sso-test', ['--org-id', GLOBEX_ID], { SSOKIT_ORG_API_KEY: PINNED_KEY });
    assert.equal(own.code, 0, own.stdout);

    // MFA: a session without MFA is refused once the organization requires it; PATs are not subject to MFA.
    sim.organization(ACME_ID).security.requireMfa = true;
    assertCliError(await admin(sim, 'sso-test', ['--bearer'], { SSOKIT_ORG_API_KEY: BEARER_NO_MFA }), 'platform_error',
      /complete MFA.*MFA_REQUIRED/);
    assert.equal(sim.requests.at(-1).headers.authorization, `Bearer ${BEARER_NO_MFA}`);
    assert.equal((await admin(sim, 'sso-test', ['--bearer'], { SSOKIT_ORG_API_KEY: BEARER_MFA })).code, 0);
    assert.equal((await admin(sim, 'sso-test')).code, 0);

    assertCliError(await cli(sim, 'sso-test', ['--org-id', '01HZ3K5R4X9Y2V6QF8TJ7WNONE']), 'platform_error', /NOT_FOUND/);
  });

  test('sso-test failure and the lock-out guard: refused, allowed after a passing test, forced', async (t) => {
    const sim = await simulator(t);
    // No SSO configured: the guard refuses (the test cannot pass), nothing changes.
    const none = await admin(sim, 'security', ['--auth-required', 'sso']);
    assertCliError(none, 'sso_test_failed', /refusing to require SSO.*SSO is not configured/);
    assert.equal(sim.organization(ACME_ID).security.authRequired, 'any');

    seedAcme(sim);
    sim.setSsoTest(false);
    const test1 = await admin(sim, 'sso-test');
    assertCliError(test1, 'sso_test_failed', /OIDC discovery failed/);
    const refused = await admin(sim, 'security', ['--auth-required', 'sso']);
    assertCliError(refused, 'sso_test_failed', /refusing to require SSO.*--force/);
    assert.equal(sim.organization(ACME_ID).security.authRequired, 'any');
    assert.equal(sim.requests.at(-1).path.endsWith('/settings/sso/test'), true, 'the PUT was never sent');

    sim.setSsoTest(true);
    const allowed = await admin(sim, 'security', ['--auth-required', 'sso', '--require-mfa']);
    assert.equal(allowed.code, 0, allowed.stdout);
    assert.deepEqual(sim.organization(ACME_ID).security, { authRequired: 'sso', requireMfa: true });

    const lowered = await admin(sim, 'security', ['--auth-required', 'any']);
    assert.equal(lowered.code, 0);
    assert.deepEqual(lowered.json.data, { authRequired: 'any', requireMfa: false });
    assert.equal(lowered.json.sso_test, undefined, 'lowering needs no test');

    sim.setSsoTest(false);
    const forced = await admin(sim, 'security', ['--auth-required', 'sso', '--force']);
    assert.equal(forced.code, 0, forced.stdout);
    assert.equal(forced.json.forced, true);
    assert.equal(sim.organization(ACME_ID).security.authRequired, 'sso');
    assert.equal(sim.requests.at(-1).method, 'PUT');

    const badValue = await admin(sim, 'security', ['--auth-required', 'always']);
    assertCliError(badValue, 'invalid_argument', /any, mfa, sso/);
  });

  test('server-side VALIDATION_ERROR comes back with its fields', async (t) => {
    const sim = await simulator(t);
    const forced = await admin(sim, 'security', ['--auth-required', 'sso', '--force']);
    assertCliError(forced, 'platform_error', /authRequired: SSO must be configured before it can be required.*VALIDATION_ERROR, HTTP 400/);
    const again = await admin(sim, 'domain-add', ['--domain', 'acme.example']);
    assert.equal(again.code, 0);
    const duplicate = await admin(sim, 'domain-add', ['--domain', 'acme.example']);
    assertCliError(duplicate, 'platform_error', /domain: Domain already added/);
    const local = await admin(sim, 'domain-add', ['--domain', 'not a domain']);
    assertCliError(local, 'invalid_argument', /valid domain/);
  });

  test('429: waits Retry-After then succeeds; still 429 after two retries is rate_limited', async (t) => {
    const sim = await simulator(t);
    seedAcme(sim);
    sim.rateLimit({ count: 1, retryAfter: '1' });
    const t0 = Date.now();
    const ok = await admin(sim, 'sso-test');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.ok(Date.now() - t0 >= 950, 'waited about a second');
    assert.match(ok.stderr, /rate limited by the organization API: retrying in 1 s/);
    assert.equal(sim.requests.length, 2);
    assert.equal(sim.requests[0].path, sim.requests[1].path);

    sim.rateLimit({ count: 1, retryAfter: () => new Date(Date.now() + 1000).toUTCString() });
    const dated = await cli(sim, 'login-url', ['--email', 'jane@acme.example']);
    assert.equal(dated.code, 0, dated.stdout + dated.stderr);
    assert.equal(dated.json.method, 'any');

    sim.rateLimit({ count: 3, retryAfter: '1' });
    const limited = await admin(sim, 'sso-test');
    assertCliError(limited, 'rate_limited', /still answers 429 after 2 retries; try again in 1 s/);
    assert.equal(sim.state.rateLimit.remaining, 0);

    sim.rateLimit({ count: 1, retryAfter: '3600' });
    const t1 = Date.now();
    const tooLong = await admin(sim, 'sso-test');
    assertCliError(tooLong, 'rate_limited', /asks to wait 3600 s/);
    assert.ok(Date.now() - t1 < 5000, 'an hour is not waited');
  });
});

describe('org through the JavaScript API', () => {
  test('full set-up and sign-in routing', async (t) => {
    const sim = await simulator(t);
    const a = jsAdmin(sim);
    const set = await a.setSso({ provider: 'okta', issuerUrl: OKTA, clientId: 'client-1', clientSecret: CLIENT_SECRET });
    assert.equal(set.idp.signInRedirectUri, `${sim.url}/api/auth/sso/callback`);
    assert.equal(set.idp.grantType, 'authorization_code');
    assert.equal(set.data.clientSecret, undefined);
    assert.equal(sim.organization(ACME_ID).sso.clientSecret, CLIENT_SECRET);
    assert.equal(await org.callbackUrl(sim.url), `${sim.url}/api/auth/sso/callback`);

    assert.equal((await a.testSso()).valid, true);
    const added = await a.addDomain('acme.example');
    assert.equal(added.txtRecord.type, 'TXT');
    await rejects(a.verifyDomain(added.data.id), 'platform_error', (e) => {
      assert.equal(e.details.platform_code, 'VALIDATION_ERROR');
      assert.equal(e.details.status, 400);
      assert.deepEqual(e.details.errors.map((x) => [x.field, x.location]), [['domain', 'params']]);
    });
    sim.publishTxt(added.txtRecord.name, added.txtRecord.value);
    assert.equal((await a.verifyDomain({ domainId: added.data.id })).verified, true);

    const any = await org.loginUrl({ base: sim.url, email: 'jane@acme.example' });
    assert.deepEqual(any, { method: 'any', loginUrl: `${sim.url}/api/auth/sso/acme/login`, slug: 'acme', provider: 'okta', email: 'jane@acme.example', domain: 'acme.example' });

    const raised = await a.setSecurity({ authRequired: 'sso' });
    assert.deepEqual(raised.ssoTest, { valid: true, message: 'SSO configuration is valid' });
    const only = await org.loginUrl({ base: sim.url, email: 'jane@acme.example' });
    assert.equal(only.method, 'sso');
    assert.equal((await followSso(sim, only.loginUrl)).organizationId, ACME_ID);

    assert.deepEqual(await org.loginUrl({ base: sim.url, slug: 'acme' }), { loginUrl: `${sim.url}/api/auth/sso/acme/login`, slug: 'acme' });
    assert.deepEqual(await org.loginUrl({ base: sim.url, email: 'joe@gmail.com' }), { method: 'password', email: 'joe@gmail.com', domain: 'gmail.com' });
    await rejects(a.deleteSso(), 'invalid_argument', (e) => assert.equal(e.details.field, 'force'));
    assert.notEqual(sim.organization(ACME_ID).sso, null);
    await a.deleteSso({ force: true });
    assert.equal(sim.organization(ACME_ID).sso, null);
  });

  test('local checks reject before sending', async (t) => {
    const sim = await simulator(t);
    await rejects(org.loginUrl({ base: sim.url, email: 'not-an-email' }), 'invalid_argument', (e) => assert.equal(e.details.field, 'email'));
    await rejects(org.loginUrl({ base: 'http://api.example.com', email: 'a@b.co' }), 'invalid_url');
    const a = jsAdmin(sim);
    await rejects(a.setSso({ provider: 'okta', issuerUrl: `${OKTA}/.well-known/openid-configuration`, clientId: 'c', clientSecret: CLIENT_SECRET }),
      'invalid_argument', (e) => {
        assert.equal(e.details.field, 'issuerUrl');
        assert.equal(e.details.suggestion, OKTA);
        assert.ok(!e.message.includes(CLIENT_SECRET));
      });
    await rejects(a.setSso({ provider: 'okta', issuerUrl: OKTA, clientId: 'c' }), 'invalid_argument', (e) => assert.equal(e.details.field, 'clientSecret'));
    await rejects(a.setSso({ provider: 'okta', issuerUrl: OKTA, clientSecret: 's' }), 'invalid_argument', (e) => assert.equal(e.details.field, 'clientId'));
    await rejects(a.setSso({ issuerUrl: OKTA, clientId: 'c', clientSecret: 's' }), 'invalid_argument', (e) => assert.equal(e.details.field, 'provider'));
    await rejects(a.setSecurity({ authRequired: 'everyone' }), 'invalid_argument');
    await rejects(org.admin({ base: sim.url, organizationId: ACME_ID, apiKey: '' }).testSso(), 'invalid_argument');
    assert.equal(sim.requests.length, 0);
  });

  test('every documented error code, with details', async (t) => {
    const sim = await simulator(t);
    seedAcme(sim);
    const expectCode = (platformCode, status) => (e) => {
      assert.equal(e.details.platform_code, platformCode);
      assert.equal(e.details.status, status);
      assert.ok(Array.isArray(e.details.errors));
    };
    await rejects(jsAdmin(sim, { apiKey: 'ba_wrong' }).testSso(), 'platform_error', expectCode('INVALID_API_KEY', 401));
    sim.failNext(401, 'AUTHENTICATION_REQUIRED', 'Authentication required');
    await rejects(jsAdmin(sim).testSso(), 'platform_error', expectCode('AUTHENTICATION_REQUIRED', 401));
    await rejects(jsAdmin(sim, { apiKey: MEMBER_KEY }).testSso(), 'platform_error', expectCode('INSUFFICIENT_PERMISSIONS', 403));
    await rejects(jsAdmin(sim, { apiKey: PINNED_KEY }).testSso(), 'platform_error', expectCode('FORBIDDEN', 403));
    sim.organization(ACME_ID).security.authRequired = 'mfa';
    await rejects(jsAdmin(sim, { apiKey: BEARER_NO_MFA, bearer: true }).testSso(), 'platform_error', expectCode('MFA_REQUIRED', 403));
    assert.equal((await jsAdmin(sim, { apiKey: BEARER_MFA, bearer: true }).testSso()).valid, true);
    await rejects(jsAdmin(sim).setSecurity({ authRequired: 'sso', force: true, requireMfa: 'yes' }), 'invalid_argument');
    sim.organization(ACME_ID).sso = null;
    await rejects(jsAdmin(sim).setSecurity({ authRequired: 'sso', force: true }), 'platform_error', (e) => {
      expectCode('VALIDATION_ERROR', 400)(e);
      assert.equal(e.details.errors[0].field, 'authRequired');
    });
    await rejects(jsAdmin(sim).deleteSso({ force: true }), 'platform_error', expectCode('NOT_FOUND', 404));
  });

  test('the lock-out guard', async (t) => {
    const sim = await simulator(t);
    seedAcme(sim);
    const a = jsAdmin(sim);
    sim.setSsoTest(false, 'OIDC discovery failed: 404');
    await rejects(a.testSso(), 'sso_test_failed', (e) => assert.equal(e.details.platform_message, 'OIDC discovery failed: 404'));
    await rejects(a.setSecurity({ authRequired: 'sso' }), 'sso_test_failed', (e) => assert.equal(e.details.step, 'sso_test'));
    assert.equal(sim.organization(ACME_ID).security.authRequired, 'any');
    sim.setSsoTest(true);
    const ok = await a.setSecurity({ authRequired: 'sso' });
    assert.equal(ok.data.authRequired, 'sso');
    await a.setSecurity({ authRequired: 'any' });
    sim.setSsoTest(false);
    const forced = await a.setSecurity({ authRequired: 'sso', force: true });
    assert.equal(forced.forced, true);
    assert.equal(sim.organization(ACME_ID).security.authRequired, 'sso');
  });

  test('429: waits (real timer) then succeeds; persistent 429 is rate_limited with retry_after', async (t) => {
    const sim = await simulator(t);
    seedAcme(sim);
    sim.rateLimit({ count: 1, retryAfter: '1' });
    const t0 = Date.now();
    assert.equal((await jsAdmin(sim).testSso()).valid, true);
    assert.ok(Date.now() - t0 >= 950, 'waited for Retry-After');

    const waits = [];
    const sleep = async (ms) => { waits.push(ms); };
    sim.rateLimit({ count: 2, retryAfter: '7' });
    const route = await org.loginUrl({ base: sim.url, email: 'jane@acme.example', sleep });
    assert.equal(route.method, 'any');
    assert.deepEqual(waits, [7000, 7000]);

    sim.rateLimit({ count: 3, retryAfter: '5' });
    await rejects(jsAdmin(sim, { sleep: noWait }).setSecurity({ authRequired: 'sso' }), 'rate_limited', (e) => {
      assert.equal(e.details.retry_after, 5);
      assert.equal(e.details.retries, 2);
      assert.equal(e.details.platform_code, 'RATE_LIMIT_ERROR');
    });
    assert.equal(sim.organization(ACME_ID).security.authRequired, 'any');

    sim.rateLimit({ count: 1, retryAfter: '1' });
    await rejects(jsAdmin(sim, { maxRetries: 0 }).testSso(), 'rate_limited', (e) => assert.equal(e.details.retry_after, 1));

    sim.rateLimit({ count: 1, retryAfter: null });
    waits.length = 0;
    assert.equal((await jsAdmin(sim, { sleep }).testSso()).valid, true);
    assert.deepEqual(waits, [2000], 'no Retry-After: the default wait');
  });

  test('the browser build refuses the API-key calls with server_only', async () => {
    const browser = await loadCoreVariant('platforms');  // what the platform modules load in a page
    const params = { base: 'https://api.example.com', organization_id: ACME_ID, api_key: OWNER_KEY };
    for (const method of ['org.sso_set', 'org.sso_delete', 'org.sso_test', 'org.domain_add', 'org.domain_verify', 'org.security']) {
      assert.throws(() => browser.call(method, params), (e) => e instanceof SsoError && e.code === 'server_only', method);
    }
    // The sign-in routing is browser-safe.
    const step = browser.call('org.login_url', { base: 'https://api.example.com', email: 'jane@acme.example' });
    assert.equal(step.request.url, 'https://api.example.com/api/auth/identify');
    assert.equal(browser.call('org.normalize_email', { email: 'a@B.co' }).domain, 'b.co');
    // Its org.step advances the sign-in routing only; an administration step (made by the server
    // build) is server_only there, and the server build advances it.
    const server = await loadCore();
    const admin = server.call('org.sso_test', params);
    const response = { status: 200, headers: [['content-type', 'application/json']],
      body: JSON.stringify({ success: true, status: 200, code: 'OK', message: 'ok', data: { success: true, message: 'ok' } }) };
    assert.throws(() => browser.call('org.step', { state: admin.state, response, now: 1700000000 }),
      (e) => e instanceof SsoError && e.code === 'server_only');
    assert.equal(server.call('org.step', { state: admin.state, response, now: 1700000000 }).result.valid, true);
  });
});
