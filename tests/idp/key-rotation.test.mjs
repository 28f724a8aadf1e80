// Key rotation in place between sign-in and refresh (issue 13), against the real oidc-provider:
// idp.rotateKeys() publishes a new RSA key that signs from then on (same issuer, sessions and
// refresh tokens). A long-lived web client, whose JWKS was fetched at sign-in seconds earlier,
// must fetch it once more and keep its session; a second rotation within the refetch interval
// finds no new fetch allowed and ends the session cleanly (login_required, signed out). The CLI
// (a fresh SsoClient per command) survives the rotation too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSsoClient } from '../../web/src/index.js';
import { runCli } from './run-cli.mjs';
import { completeAuthorization, startProvider } from './harness.mjs';

const REDIRECT = 'http://127.0.0.1:7890/callback';
const SCOPE = 'openid profile email offline_access';

// fetch that counts the JWKS requests.
function countingFetch() {
  const counts = { jwks: 0 };
  const f = (input, init) => {
    if (String(input).endsWith('/jwks')) counts.jwks += 1;
    return fetch(input, init);
  };
  return { fetch: f, counts };
}

test('a long-lived web client survives a key rotation between sign-in and refresh', async (t) => {
  const idp = await startProvider({});
  t.after(() => idp.stop());
  const { fetch: counted, counts } = countingFetch();
  const sso = await createSsoClient({ issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: REDIRECT, scope: SCOPE, fetch: counted });
  t.after(() => sso.close());
  const { url } = await sso.login({ redirect: false, prompt: 'consent' });
  const signedIn = await sso.handleRedirectCallback(await completeAuthorization(url, { login: 'viewer', password: 'test' }));
  assert.equal(counts.jwks, 1, 'the sign-in fetched the keys once');

  const kid = idp.rotateKeys();
  const refreshed = await sso.refresh();
  assert.equal(counts.jwks, 2, 'the unknown kid allowed one fresh fetch, seconds after the last');
  assert.equal(JSON.parse(Buffer.from(refreshed.tokens.id_token.split('.')[0], 'base64url')).kid, kid);
  assert.equal(refreshed.claims.sub, signedIn.claims.sub);
  assert.equal(await sso.isAuthenticated(), true);

  // Another rotation at once: a fetch for an unknown kid happened within the interval, so none is
  // allowed now. The provider has rotated the refresh token: the session ends, it is not kept.
  idp.rotateKeys();
  await assert.rejects(sso.refresh(), (e) => e.code === 'login_required' && e.details.cause === 'id_token_key_not_found');
  assert.equal(counts.jwks, 2);
  assert.equal(await sso.isAuthenticated(), false);
});

test('the CLI refreshes across a key rotation', async (t) => {
  const idp = await startProvider({});
  t.after(() => idp.stop());
  const dir = mkdtempSync(join(tmpdir(), 'ssokit-rotation-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = join(dir, 'session.json');
  let browsing;
  const login = await runCli(['login', '--issuer', idp.issuer, '--client-id', 'ssokit-native', '--scope', SCOPE,
    '--prompt', 'consent', '--timeout', '30', '--store', store], {
    onStderrLine: (line) => {
      if (line.startsWith('Open: ')) browsing = completeAuthorization(line.slice(6), { follow: true });
    },
  });
  assert.ok(browsing, login.stderr);
  await browsing;
  assert.equal(login.code, 0, login.stderr);

  const kid = idp.rotateKeys();
  const refreshed = await runCli(['refresh', '--issuer', idp.issuer, '--client-id', 'ssokit-native', '--store', store]);
  assert.equal(refreshed.code, 0, refreshed.stderr);
  assert.equal(JSON.parse(Buffer.from(refreshed.json.id_token.split('.')[0], 'base64url')).kid, kid);
  assert.equal(refreshed.json.claims.sub, login.json.claims.sub);
});
