// The extra profile request (SignInOptions::profile_endpoint / createSsoClient's profileEndpoint /
// `ssokit login --profile-endpoint`) in real sign-ins against oidc-provider: a loopback
// "membership API" started here checks each Bearer token at the provider's user-info endpoint,
// as a resource server would, and answers the member's data in YourMembership's and Novi's
// shapes. The same sign-in runs through the JavaScript client (WebAssembly) and the native CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createSsoClient, SsoError } from '../../web/src/index.js';
import { startProvider, completeAuthorization } from './harness.mjs';
import { runCli } from './run-cli.mjs';

const REDIRECT = 'http://127.0.0.1:7891/callback';
const SCOPE = 'openid profile email';
const VIERA_SUB = 'acct-0001-vera-viewer';  // the demo account viewer@example.com

// The member profile YourMembership's API returns (GET .../Member/{id}/MemberProfile), trimmed.
const ymProfile = (sub) => ({
  AccountInformation: {
    UserName: sub, MembershipID: 12, MembershipExpires: true,
    MembershipExpiresDate: '2099-06-30T00:00:00.0000000', MemberTypeCode: 'PRO',
    Membership: 'Professional (Annual)', PrimaryGroupName: 'Chapter: Houston',
  },
  PersonalInformation: { FirstName: 'Vera', LastName: 'Viewer', Email: 'Vera.Viewer@Example.com' },
});

let idp;
let api;

// A membership API on 127.0.0.1: /ym/profile and /novi/me need a Bearer token the provider's
// user-info endpoint accepts; /broken answers 503, /html answers a login page.
async function startMembershipApi(userinfoEndpoint) {
  const seen = [];
  const server = createServer(async (req, res) => {
    const authorization = req.headers.authorization ?? '';
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    seen.push({ method: req.method, pathname, authorization });
    const json = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (pathname === '/broken') return json(503, { error: 'maintenance' });
    if (pathname === '/html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<!doctype html><title>Member login</title>');
    }
    let sub;
    try {
      const check = await fetch(userinfoEndpoint, { headers: { authorization }, signal: AbortSignal.timeout(5000) });
      if (check.status === 200) ({ sub } = await check.json());
    } catch { /* the provider is unreachable: the token is not accepted */ }
    if (!sub) {
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
      return res.end();
    }
    if (pathname === '/ym/profile') return json(200, ymProfile(sub));
    if (pathname === '/novi/me') {
      return json(200, { customer_unique_id: sub, member_status: 'inheriting', member_type: 'Company Member',
        groups: ['Annual Meeting 2024', 'Webinar Library'] });
    }
    return json(404, { error: 'not_found' });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url, seen,
    stop: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

before(async () => {
  idp = await startProvider({ accessTokenTtl: 120 });
  const discovery = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json();
  api = await startMembershipApi(discovery.userinfo_endpoint);
});
after(async () => {
  await api?.stop();
  await idp?.stop();
});

async function jsSignIn(extra) {
  const sso = await createSsoClient({ issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: REDIRECT, scope: SCOPE, ...extra });
  const { url } = await sso.login({ redirect: false });
  const result = await sso.handleRedirectCallback(await completeAuthorization(url));
  return { sso, result };
}

test('the test API refuses a token the provider does not know', async () => {
  const r = await fetch(`${api.url}/ym/profile`, { headers: { authorization: 'Bearer forged' } });
  assert.equal(r.status, 401);
});

test('JS client: the profile endpoint is called after user-info with the access token; YourMembership preset', async () => {
  const before = api.seen.length;
  const { sso, result } = await jsSignIn({ profileMapping: 'yourmembership', profileEndpoint: `${api.url}/ym/profile` });
  assert.deepEqual(result.profile, {
    userId: VIERA_SUB, firstName: 'Vera', lastName: 'Viewer', email: 'vera.viewer@example.com',
    membershipStatus: 'active', membershipType: 'PRO', groups: ['Chapter: Houston'],
  });
  const calls = api.seen.slice(before);
  assert.equal(calls.length, 1, 'exactly one extra request');
  assert.equal(calls[0].method, 'GET');
  assert.equal(calls[0].pathname, '/ym/profile');
  assert.equal(calls[0].authorization, `Bearer ${await sso.getAccessToken()}`);
  assert.deepEqual((await sso.getSession()).profile, result.profile, 'the mapped profile is kept in the session');
});

test('JS client: without profileEndpoint there is no extra request', async () => {
  const before = api.seen.length;
  const { result } = await jsSignIn({ profileMapping: 'yourmembership' });
  assert.equal(api.seen.length, before);
  assert.equal(result.profile.membershipStatus, null);
});

test('JS client: a failing profile endpoint fails the sign-in with http_error naming it, never the token', async () => {
  const sso = await createSsoClient({ issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: REDIRECT, scope: SCOPE,
    profileEndpoint: `${api.url}/broken?api_key=query-secret` });
  const { url } = await sso.login({ redirect: false });
  const callback = await completeAuthorization(url);
  await assert.rejects(sso.handleRedirectCallback(callback), (e) => {
    assert.ok(e instanceof SsoError);
    assert.equal(e.code, 'http_error');
    assert.ok(e.message.includes(`profile endpoint ${api.url}/broken answered HTTP 503`), e.message);
    assert.doesNotMatch(e.message, /query-secret/);
    assert.equal(e.details?.status, 503);
    const token = api.seen.at(-1).authorization.slice('Bearer '.length);
    assert.ok(token.length > 10 && !e.message.includes(token) && !JSON.stringify(e.details).includes(token));
    return true;
  });
  assert.equal(await sso.isAuthenticated(), false, 'no session without the profile');
});

test('JS client: a non-JSON answer is invalid_response', async () => {
  await assert.rejects(jsSignIn({ profileEndpoint: `${api.url}/html` }),
    (e) => e instanceof SsoError && e.code === 'invalid_response' && e.message.includes(`${api.url}/html`));
});

test('JS client: an insecure profile endpoint fails the sign-in with invalid_url', async () => {
  const sso = await createSsoClient({ issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: REDIRECT, scope: SCOPE,
    profileEndpoint: 'http://members.example.org/me' });
  const { url } = await sso.login({ redirect: false });
  await assert.rejects(sso.handleRedirectCallback(await completeAuthorization(url)), (e) => e.code === 'invalid_url');
});

test('CLI: login --profile-endpoint with the novi preset (member_status from the profile answer)', { timeout: 60_000 }, async () => {
  const before = api.seen.length;
  let browsing;
  const r = await runCli(['login', '--issuer', idp.issuer, '--client-id', 'ssokit-native', '--scope', SCOPE,
    '--timeout', '30', '--profile-mapping', 'novi', '--profile-endpoint', `${api.url}/novi/me`], {
    onStderrLine: (line) => {
      if (line.startsWith('Open: ')) browsing = completeAuthorization(line.slice(6), { follow: true });
    },
  });
  assert.ok(browsing, `no Open: line: ${r.stderr}`);
  await browsing;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.json.profile, {
    userId: VIERA_SUB, firstName: 'Vera', lastName: 'Viewer', email: 'viewer@example.com',
    membershipStatus: 'active', membershipType: 'Company Member', groups: ['Annual Meeting 2024', 'Webinar Library'],
  });
  const calls = api.seen.slice(before);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].authorization, `Bearer ${r.json.access_token}`);
});

test('CLI: a failing profile endpoint exits 1 with http_error and no token in the output', { timeout: 60_000 }, async () => {
  let browsing;
  const r = await runCli(['login', '--issuer', idp.issuer, '--client-id', 'ssokit-native', '--scope', SCOPE,
    '--timeout', '30', '--profile-endpoint', `${api.url}/broken`], {
    onStderrLine: (line) => {
      if (line.startsWith('Open: ')) browsing = completeAuthorization(line.slice(6), { follow: true });
    },
  });
  await browsing;
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.json.error.code, 'http_error');
  assert.match(r.json.error.message, /profile endpoint http:\/\/127\.0\.0\.1:\d+\/broken answered HTTP 503/);
  const token = api.seen.at(-1).authorization.slice('Bearer '.length);
  assert.ok(token.length > 10);
  assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token), 'the access token is never printed on failure');
});

test('CLI: an insecure --profile-endpoint is invalid_url before any browser is opened', { timeout: 30_000 }, async () => {
  const lines = [];
  const r = await runCli(['login', '--issuer', idp.issuer, '--client-id', 'ssokit-native', '--timeout', '30',
    '--profile-endpoint', 'http://members.example.org/me'], { onStderrLine: (line) => lines.push(line) });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.json.error.code, 'invalid_url');
  assert.ok(!lines.some((l) => l.startsWith('Open: ')), 'no sign-in was started');
});
