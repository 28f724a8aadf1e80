// The native `ssokit` CLI (libcurl, loopback listener, C++ SsoClient) end to end against the real
// oidc-provider: this test plays the browser (tests/idp/user-agent.mjs) for `ssokit login`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.mjs';
import { startProvider, completeAuthorization } from './harness.mjs';

const CONFIDENTIAL_SECRET = 'confidential-secret-for-tests-only';

let provider;
let dir;
before(async () => {
  provider = await startProvider({ accessTokenTtl: 120 });
  dir = mkdtempSync(join(tmpdir(), 'ssokit-cli-'));
});
after(async () => {
  await provider?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const run = runCli;

// `ssokit login`, with this test acting as the browser once the Open: line appears.
async function login(args, env = {}) {
  let browsing;
  const result = await run(['login', '--issuer', provider.issuer, '--timeout', '30', ...args], {
    env,
    onStderrLine: (line) => {
      if (line.startsWith('Open: ')) browsing = completeAuthorization(line.slice(6), { follow: true });
    },
  });
  assert.ok(browsing, `no Open: line on stderr: ${result.stderr}`);
  const page = await browsing;
  return { ...result, page };
}

test('pkce --verifier prints the RFC 7636 Appendix B challenge', async () => {
  const r = await run(['pkce', '--verifier', 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.json, {
    code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  });
});

test('pkce with a malformed verifier fails with invalid_argument and exit 1', async () => {
  const r = await run(['pkce', '--verifier', 'short']);
  assert.equal(r.code, 1);
  assert.equal(r.json.error.code, 'invalid_argument');
  assert.match(r.stderr, /invalid_argument/);
});

test('usage errors exit 2', async () => {
  for (const args of [['authorize-url', '--issuer', provider.issuer], ['no-such-command'], ['pkce', '--bogus']]) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.json.error.code, 'invalid_argument');
  }
});

test('authorize-url discovers the provider and builds a PKCE + nonce request', async () => {
  const r = await run(['authorize-url', '--issuer', provider.issuer, '--client-id', 'ssokit-native',
    '--redirect-uri', 'http://127.0.0.1:9/callback', '--scope', 'openid email', '--param', 'ui_locales=de']);
  assert.equal(r.code, 0, r.stderr);
  const url = new URL(r.json.url);
  assert.equal(url.origin + url.pathname, provider.issuer + '/auth');
  assert.equal(url.searchParams.get('client_id'), 'ssokit-native');
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(url.searchParams.get('state'), r.json.state);
  assert.equal(url.searchParams.get('nonce'), r.json.nonce);
  assert.equal(url.searchParams.get('ui_locales'), 'de');
  assert.ok(r.json.code_verifier.length >= 43);
});

test('authorize-url for an issuer that is not listening is network_error', async () => {
  const r = await run(['authorize-url', '--issuer', 'http://127.0.0.1:9', '--client-id', 'x', '--redirect-uri', 'http://127.0.0.1:9/cb']);
  assert.equal(r.code, 1);
  assert.equal(r.json.error.code, 'network_error');
});

test('login, refresh with rotation, logout-url and revoke with a public client', async () => {
  const store = join(dir, 'public.json');
  const r = await login(['--client-id', 'ssokit-native', '--scope', 'openid profile email groups membership offline_access', '--prompt', 'consent', '--store', store]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.page.status, 200);
  assert.match(r.page.body, /Signed in/);
  const s = r.json;
  assert.equal(s.token_type.toLowerCase(), 'bearer');
  assert.ok(s.access_token && s.id_token && s.refresh_token);
  assert.equal(s.claims.iss, provider.issuer);
  assert.equal(s.claims.aud, 'ssokit-native');
  assert.equal(s.profile.email, 'viewer@example.com');
  assert.equal(s.profile.firstName, 'Vera');
  assert.deepEqual(s.profile.groups, ['subscribers', 'premium']);
  assert.equal(s.profile.membershipStatus, 'active');
  assert.equal(statSync(store).mode & 0o777, 0o600, 'the session file is private');

  const refreshed = await run(['refresh', '--issuer', provider.issuer, '--client-id', 'ssokit-native', '--store', store]);
  assert.equal(refreshed.code, 0, refreshed.stderr);
  assert.notEqual(refreshed.json.refresh_token, s.refresh_token, 'the provider rotates refresh tokens');
  assert.notEqual(refreshed.json.access_token, s.access_token);
  assert.equal(refreshed.json.claims.sub, s.claims.sub);

  const logout = await run(['logout-url', '--issuer', provider.issuer, '--client-id', 'ssokit-native',
    '--post-logout-redirect-uri', 'http://127.0.0.1/logged-out', '--store', store]);
  assert.equal(logout.code, 0, logout.stderr);
  const lu = new URL(logout.json.url);
  assert.equal(lu.origin + lu.pathname, provider.issuer + '/session/end');
  assert.equal(lu.searchParams.get('id_token_hint'), refreshed.json.id_token);

  const revoked = await run(['revoke', '--issuer', provider.issuer, '--client-id', 'ssokit-native', '--store', store]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.deepEqual(revoked.json, { revoked: 'refresh_token' });
  const again = await run(['refresh', '--issuer', provider.issuer, '--client-id', 'ssokit-native', '--store', store]);
  assert.equal(again.code, 1);
  assert.equal(again.json.error.code, 'login_required');
});

test('status says who is signed in and until when, never a token; a wrong store key is storage_tampered', async () => {
  const store = join(dir, 'status.json');
  const key = { SSOKIT_STORE_KEY: '5a'.repeat(32), SSOKIT_STORE_KEY_FILE: '' };
  const before = await run(['status', '--store', store], { env: key });
  assert.equal(before.code, 0, before.stderr);
  assert.deepEqual(before.json, { signed_in: false });

  const r = await login(['--client-id', 'ssokit-native', '--scope', 'openid profile email offline_access', '--prompt', 'consent',
    '--store', store], key);
  assert.equal(r.code, 0, r.stderr);
  const s = await run(['status', '--store', store], { env: key });
  assert.equal(s.code, 0, s.stderr);
  assert.equal(s.json.signed_in, true);
  assert.equal(s.json.subject, r.json.claims.sub);
  assert.equal(s.json.issuer, provider.issuer);
  assert.equal(s.json.email, 'viewer@example.com');
  assert.ok(s.json.name.includes('Vera'), s.json.name);
  assert.equal(s.json.refreshable, true);
  assert.equal(s.json.expired, false);
  assert.ok(Number.isInteger(s.json.expires_at) && s.json.expires_at > r.json.claims.iat, String(s.json.expires_at));
  for (const token of [r.json.access_token, r.json.refresh_token, r.json.id_token]) {
    assert.ok(!s.stdout.includes(token) && !s.stderr.includes(token), 'no token in the status output');
  }

  const wrong = await run(['status', '--store', store], { env: { ...key, SSOKIT_STORE_KEY: '6b'.repeat(32) } });
  assert.equal(wrong.code, 1);
  assert.equal(wrong.json.error.code, 'storage_tampered');
});

test('login with a confidential client takes its secret from SSOKIT_CLIENT_SECRET only', async () => {
  const ok = await login(['--client-id', 'ssokit-confidential'], { SSOKIT_CLIENT_SECRET: CONFIDENTIAL_SECRET });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.json.claims.aud, 'ssokit-confidential');
  assert.ok(!ok.stderr.includes(CONFIDENTIAL_SECRET));

  const wrong = await login(['--client-id', 'ssokit-confidential'], { SSOKIT_CLIENT_SECRET: 'not-the-secret' });
  assert.equal(wrong.code, 1);
  assert.equal(wrong.json.error.code, 'token_error');
  assert.equal(wrong.page.status, 400, 'the browser is told the sign-in failed');
  assert.match(wrong.page.body, /token_error/);
  assert.ok(!wrong.stdout.includes('not-the-secret') && !wrong.stderr.includes('not-the-secret'));
});

test('decode says it did not verify; verify validates against the provider JWKS', async () => {
  const r = await login(['--client-id', 'ssokit-native']);
  assert.equal(r.code, 0, r.stderr);
  const decoded = await run(['decode', r.json.id_token]);
  assert.equal(decoded.code, 0, decoded.stderr);
  assert.equal(decoded.json.verified, false);
  assert.equal(decoded.json.payload.sub, r.json.claims.sub);

  const jwks = `${provider.issuer}/jwks`;
  const verified = await run(['verify', r.json.id_token, '--jwks', jwks, '--issuer', provider.issuer, '--audience', 'ssokit-native']);
  assert.equal(verified.code, 0, verified.stderr);
  assert.equal(verified.json.verified, true);
  assert.equal(verified.json.claims.sub, r.json.claims.sub);

  const wrongAud = await run(['verify', r.json.id_token, '--jwks', jwks, '--issuer', provider.issuer, '--audience', 'someone-else']);
  assert.equal(wrongAud.code, 1);
  assert.equal(wrongAud.json.error.code, 'id_token_aud_mismatch');
  const wrongNonce = await run(['verify', r.json.id_token, '--jwks', jwks, '--issuer', provider.issuer, '--audience', 'ssokit-native', '--nonce', 'nope']);
  assert.equal(wrongNonce.json.error.code, 'id_token_nonce_mismatch');
});
