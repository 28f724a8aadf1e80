// The low-level steps of the web package, driven one by one against oidc-provider: what an
// integrator who runs the flow themselves would write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  discover, discoveryRequest, processDiscovery, buildAuthorizationUrl, callbackState, parseCallback,
  tokenRequest, processTokenResponse, refreshTokenRequest, validateIdToken, decodeJwt, userinfo,
  mapProfile, buildLogoutUrl, revoke, fetchTransport, SsoError,
} from '../../web/src/index.js';
import { startProvider } from '../idp/harness.mjs';
import { completeAuthorization } from '../idp/user-agent.mjs';

let idp;
before(async () => { idp = await startProvider({}); });
after(async () => { await idp?.stop(); });

const send = fetchTransport(fetch);

test('the whole sign-in, step by step', async () => {
  const client = { issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: 'http://127.0.0.1:7890/callback', scope: 'openid profile email' };
  const request = await discoveryRequest(idp.issuer);
  assert.equal(request.method, 'GET');
  assert.equal(request.url, `${idp.issuer}/.well-known/openid-configuration`);
  const provider = await processDiscovery(idp.issuer, await send(request));
  assert.deepEqual(await discover(idp.issuer), provider);

  const { url, transaction } = await buildAuthorizationUrl({ client, provider, returnTo: '/library', loginHint: 'viewer' });
  assert.equal(new URL(url).searchParams.get('code_challenge_method'), 'S256');
  const callbackUrl = await completeAuthorization(url, { login: 'viewer', password: 'test' });
  assert.equal(await callbackState(callbackUrl), transaction.state);
  const { code } = await parseCallback({ url: callbackUrl, transaction, provider });
  assert.ok(code);

  const tokens = await processTokenResponse(await send(await tokenRequest({ client, provider, transaction, code })));
  assert.ok(tokens.accessToken && tokens.idToken && tokens.refreshToken);
  assert.ok(tokens.expiresAt > Math.floor(Date.now() / 1000));

  const jwks = await (await fetch(provider.jwks_uri)).json();
  const { claims } = await validateIdToken({ idToken: tokens.idToken, jwks, issuer: idp.issuer, clientId: client.clientId, nonce: transaction.nonce });
  assert.equal(claims.sub, 'viewer');
  assert.equal((await decodeJwt(tokens.idToken)).payload.sub, 'viewer');
  await assert.rejects(
    validateIdToken({ idToken: tokens.idToken, jwks, issuer: idp.issuer, clientId: client.clientId, nonce: 'another-nonce' }),
    (e) => e instanceof SsoError && e.code === 'id_token_nonce_mismatch');

  const info = await userinfo({ provider, accessToken: tokens.accessToken, sub: claims.sub });
  assert.ok(info.email);
  const profile = await mapProfile({ claims, userinfo: info });
  assert.equal(profile.userId, 'viewer');
  assert.equal(profile.email, info.email);

  const refreshed = await processTokenResponse(await send(await refreshTokenRequest({ client, provider, refreshToken: tokens.refreshToken })));
  assert.notEqual(refreshed.accessToken, tokens.accessToken);

  await revoke({ client, provider, token: refreshed.refreshToken, tokenTypeHint: 'refresh_token' });
  const logoutUrl = new URL(await buildLogoutUrl({ provider, idTokenHint: tokens.idToken, postLogoutRedirectUri: 'http://127.0.0.1/logged-out', state: 'bye' }));
  assert.equal(logoutUrl.searchParams.get('state'), 'bye');
  assert.equal(logoutUrl.searchParams.get('id_token_hint'), tokens.idToken);
});

test('a callback with a foreign state is refused by parseCallback', async () => {
  const client = { issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: 'http://127.0.0.1:7890/callback' };
  const provider = await discover(idp.issuer);
  const { transaction } = await buildAuthorizationUrl({ client, provider });
  await assert.rejects(
    parseCallback({ url: `http://127.0.0.1:7890/callback?code=x&state=nope&iss=${encodeURIComponent(idp.issuer)}`, transaction, provider }),
    (e) => e.code === 'state_mismatch');
});
