// Sign-in end to end through WebAssembly in Node: createSsoClient against oidc-provider on
// loopback, the provider's own login and consent pages completed over HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSsoClient, SsoError } from '../../web/src/index.js';
import { startProvider } from '../idp/harness.mjs';
import { completeAuthorization } from '../idp/user-agent.mjs';

const REDIRECT = 'http://127.0.0.1:7890/callback';
let idp;
before(async () => { idp = await startProvider({ accessTokenTtl: 120 }); });
after(async () => { await idp?.stop(); });

function makeClient(extra = {}) {
  return createSsoClient({ issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: REDIRECT, ...extra });
}

async function signIn(sso, { login = 'viewer' } = {}) {
  const { url } = await sso.login({ returnTo: '/library', redirect: false });
  const callbackUrl = await completeAuthorization(url, { login, password: 'test' });
  return { callbackUrl, result: await sso.handleRedirectCallback(callbackUrl) };
}

test('sign-in: profile from ID token + user-info, return path kept', async () => {
  const sso = await makeClient();
  const { result } = await signIn(sso);
  assert.equal(result.returnTo, '/library');
  assert.equal(result.claims.sub, 'viewer');
  assert.equal(result.claims.iss, idp.issuer);
  assert.equal(result.claims.aud, 'ssokit-native');
  assert.equal(result.profile.userId, 'viewer');
  assert.ok(result.profile.email, 'email mapped from user-info');
  assert.ok(Array.isArray(result.profile.groups));
  assert.match(await sso.getAccessToken(), /.+/);
});

test('a callback is single-use: replay gives transaction_not_found', async () => {
  const sso = await makeClient();
  const { callbackUrl } = await signIn(sso);
  await assert.rejects(sso.handleRedirectCallback(callbackUrl), (e) => e instanceof SsoError && e.code === 'transaction_not_found');
});

test('a tampered state gives state_mismatch, spends the pending sign-in, and leaves no session', async () => {
  const sso = await makeClient();
  const { url } = await sso.login({ redirect: false });
  const callbackUrl = await completeAuthorization(url, { login: 'viewer', password: 'test' });
  const tampered = new URL(callbackUrl);
  tampered.searchParams.set('state', 'forged-state-value');
  await assert.rejects(sso.handleRedirectCallback(tampered.href), (e) => e.code === 'state_mismatch');
  assert.equal(await sso.isAuthenticated(), false);
  // The genuine callback cannot be used after a forged one was tried against the same sign-in.
  await assert.rejects(sso.handleRedirectCallback(callbackUrl), (e) => e.code === 'transaction_not_found');
});

test('a callback with the iss parameter removed gives iss_mismatch (RFC 9207)', async () => {
  const sso = await makeClient();
  const { url } = await sso.login({ redirect: false });
  const callbackUrl = new URL(await completeAuthorization(url, { login: 'viewer', password: 'test' }));
  callbackUrl.searchParams.delete('iss');
  await assert.rejects(sso.handleRedirectCallback(callbackUrl.href), (e) => e.code === 'iss_mismatch');
});

test('refresh with rotation: concurrent callers share one refresh; the new refresh token is stored', async () => {
  let now = Math.floor(Date.now() / 1000);
  const sso = await makeClient({ scope: 'openid profile email offline_access', clock: () => now });
  const { url } = await sso.login({ redirect: false, prompt: 'consent' });
  await sso.handleRedirectCallback(await completeAuthorization(url, { login: 'viewer', password: 'test' }));
  const first = await sso.getAccessToken();
  const sessionBefore = await sso.getSession();
  now = sessionBefore.expiresAt;  // the access token is due
  const [a, b, c] = await Promise.all([sso.getAccessToken(), sso.getAccessToken(), sso.getAccessToken()]);
  assert.notEqual(a, first, 'a new access token');
  assert.equal(a, b);
  assert.equal(b, c);
});

test('logout URL (the session is forgotten first)', async () => {
  const sso = await makeClient({ scope: 'openid profile email offline_access' });
  const { url } = await sso.login({ redirect: false, prompt: 'consent' });
  await sso.handleRedirectCallback(await completeAuthorization(url, { login: 'viewer', password: 'test' }));
  const { url: logoutUrl } = await sso.logout({ postLogoutRedirectUri: 'http://127.0.0.1:7890/', redirect: false });
  const u = new URL(logoutUrl);
  assert.equal(u.origin, idp.issuer);
  assert.ok(u.searchParams.get('id_token_hint'));
  assert.equal(u.searchParams.get('post_logout_redirect_uri'), 'http://127.0.0.1:7890/');
  assert.equal(await sso.isAuthenticated(), false);
  await assert.rejects(sso.getAccessToken(), (e) => e.code === 'login_required');
});

test('discovery against a wrong issuer string gives discovery_issuer_mismatch', async () => {
  const sso = await createSsoClient({ issuer: idp.issuer + '/', clientId: 'ssokit-native', redirectUri: REDIRECT });
  await assert.rejects(sso.login({ redirect: false }), (e) => e.code === 'discovery_issuer_mismatch');
});

test('a callback with state=latest is state_mismatch and spends the pending sign-in', async () => {
  const sso = await makeClient();
  const { url } = await sso.login({ redirect: false });
  const callbackUrl = await completeAuthorization(url, { login: 'viewer', password: 'test' });
  const forged = new URL(callbackUrl);
  forged.searchParams.set('state', 'latest');
  await assert.rejects(sso.handleRedirectCallback(forged.href), (e) => e.code === 'state_mismatch');
  await assert.rejects(sso.handleRedirectCallback(callbackUrl), (e) => e.code === 'transaction_not_found');
  assert.equal(await sso.isAuthenticated(), false);
});

test('revoke ends the session here too (forgotten, then revoked)', async () => {
  const sso = await makeClient({ scope: 'openid profile email offline_access' });
  const { url } = await sso.login({ redirect: false, prompt: 'consent' });
  await sso.handleRedirectCallback(await completeAuthorization(url, { login: 'viewer', password: 'test' }));
  const changes = [];
  sso.onSessionChange((s) => changes.push(s));
  await sso.revoke();
  assert.equal(await sso.isAuthenticated(), false);
  assert.deepEqual(changes, [null]);
});

test('a leeway longer than the token lifetime is clamped: three calls, one token, no refresh', async () => {
  // 120 s tokens, a 200 s leeway: unclamped, every call would refresh.
  const sso = await makeClient({ scope: 'openid profile email offline_access', refreshLeeway: 200 });
  const { url } = await sso.login({ redirect: false, prompt: 'consent' });
  await sso.handleRedirectCallback(await completeAuthorization(url, { login: 'viewer', password: 'test' }));
  let changes = 0;
  sso.onSessionChange(() => { changes += 1; });
  const tokens = [await sso.getAccessToken(), await sso.getAccessToken(), await sso.getAccessToken()];
  assert.equal(new Set(tokens).size, 1);
  assert.equal(changes, 0);
});
