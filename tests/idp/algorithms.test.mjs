// Every JWS algorithm the SDK verifies, end to end against oidc-provider: one provider per
// algorithm signs its ID tokens with it (every client's id_token_signed_response_alg, discovery
// listing only it, a key made for it in the JWKS). Sign-in and refresh through the CLI (the C++
// SsoClient), the C API (tests/c/capi_algs.c) and the web package in Node (WebCrypto); and the
// early checks: an algorithm name ssokit cannot verify is invalid_argument when the client is
// made, and a provider offering no algorithm the client accepts is refused before the redirect.
// tests/e2e/algorithms.test.mjs runs the ID-token cases in Chromium.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProvider, completeAuthorization } from './harness.mjs';
import { runCli } from './run-cli.mjs';
import { createSsoClient, SsoError } from '../../web/src/index.js';

const CAPI = fileURLToPath(new URL('../../build/bin/ssokit_capi_algs', import.meta.url));
const ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

const headerOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString());

let dir;
before(() => { dir = mkdtempSync(join(tmpdir(), 'ssokit-algs-')); });
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

// `ssokit login`, the test playing the browser at the "Open:" line. Without an "Open:" line the
// result tells why (browsed: false).
async function cliLogin(idp, args) {
  let browsing;
  const result = await runCli(['login', '--issuer', idp.issuer, '--client-id', 'ssokit-native', '--timeout', '30', ...args], {
    onStderrLine: (line) => {
      if (line.startsWith('Open: ')) browsing = completeAuthorization(line.slice(6), { follow: true });
    },
  });
  if (browsing) await browsing;
  return { ...result, browsed: Boolean(browsing) };
}

// tests/c/capi_algs.c: Open: URL on stdout, the callback URL on stdin, then session and refresh.
function capi(config) {
  return new Promise((resolve, reject) => {
    const child = spawn(CAPI, [JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let browsed = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`capi_algs timed out: ${stdout} ${stderr}`)); }, 30000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /^Open: (\S+)$/m.exec(stdout);
      if (m && !browsed) {
        browsed = true;
        completeAuthorization(m[1]).then((url) => child.stdin.end(`${url}\n`), (e) => { child.stdin.end('\n'); reject(e); });
      }
    });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = (name) => { const m = new RegExp(`^${name}: (.*)$`, 'm').exec(stdout); return m && m[1]; };
      resolve({ code, stdout, stderr, browsed, session: JSON.parse(line('session') ?? 'null'),
                refreshed: JSON.parse(line('refreshed') ?? 'null'), error: line('error') });
    });
  });
}

// createSsoClient in Node with a fetch that keeps the ID tokens the token endpoint answered.
async function webSignIn(idp, extra = {}) {
  const idTokens = [];
  const recording = async (url, init) => {
    const response = await globalThis.fetch(url, init);
    if (String(url).endsWith('/token')) {
      const body = await response.clone().json().catch(() => ({}));
      if (body.id_token) idTokens.push(body.id_token);
    }
    return response;
  };
  const sso = await createSsoClient({ issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: 'http://127.0.0.1:7891/callback',
                                      fetch: recording, ...extra });
  const { url } = await sso.login({ redirect: false });
  return { sso, idTokens, result: await sso.handleRedirectCallback(await completeAuthorization(url)) };
}

for (const alg of ALGS) {
  describe(`ID tokens signed with ${alg}`, () => {
    let idp;
    before(async () => { idp = await startProvider({ idTokenAlg: alg }); });
    after(async () => { await idp?.stop(); });

    test('discovery lists only it', async () => {
      const doc = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json();
      assert.deepEqual(doc.id_token_signing_alg_values_supported, [alg]);
    });

    test('CLI: login with the default list, then refresh with --alg naming it', async () => {
      const store = join(dir, `cli-${alg}.json`);
      const r = await cliLogin(idp, ['--store', store]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(headerOf(r.json.id_token).alg, alg);
      assert.equal(r.json.claims.sub, idp.accountIdFor('viewer@example.com'));
      const refreshed = await runCli(['refresh', '--issuer', idp.issuer, '--client-id', 'ssokit-native', '--store', store, '--alg', alg]);
      assert.equal(refreshed.code, 0, refreshed.stderr);
      assert.notEqual(refreshed.json.access_token, r.json.access_token);
      assert.equal(headerOf(refreshed.json.id_token).alg, alg, 'the refresh brought a new ID token, verified');
    });

    test('C API: browser sign-in and refresh with allowed_algs naming it', async () => {
      const r = await capi({ issuer: idp.issuer, client_id: 'ssokit-native', allowed_algs: [alg] });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(headerOf(r.session.tokens.id_token).alg, alg);
      assert.equal(r.session.claims.sub, idp.accountIdFor('viewer@example.com'));
      assert.equal(headerOf(r.refreshed.tokens.id_token).alg, alg);
    });

    test('web package in Node: sign-in and refresh with allowedAlgs naming it (WebCrypto)', async () => {
      const { sso, result, idTokens } = await webSignIn(idp, { allowedAlgs: [alg] });
      assert.equal(result.claims.sub, idp.accountIdFor('viewer@example.com'));
      assert.equal(idTokens.length, 1);
      assert.equal(headerOf(idTokens[0]).alg, alg);
      const accessToken = await sso.getAccessToken();
      await sso.refresh();
      assert.notEqual(await sso.getAccessToken(), accessToken);
      assert.equal(idTokens.length, 2, 'the refresh brought a new ID token');
      assert.equal(headerOf(idTokens[1]).alg, alg);
      assert.equal(await sso.isAuthenticated(), true, 'and it verified');
    });
  });
}

describe('a provider that signs only with EdDSA, and a client that accepts only RS256', () => {
  let idp;
  before(async () => { idp = await startProvider({ idTokenAlg: 'EdDSA' }); });
  after(async () => { await idp?.stop(); });

  test('CLI: refused before the browser opens, naming both lists', async () => {
    const r = await cliLogin(idp, ['--alg', 'RS256,ES256']);
    assert.equal(r.code, 1);
    assert.equal(r.browsed, false, 'no Open: line: the viewer is not sent to the provider');
    assert.equal(r.json.error.code, 'id_token_alg_not_allowed');
    assert.match(r.stderr, /id_token_alg_not_allowed: the provider signs ID tokens with EdDSA .*accepts only RS256, ES256/);
  });

  test('C API: ssokit_login_url refuses', async () => {
    const r = await capi({ issuer: idp.issuer, client_id: 'ssokit-native', allowed_algs: ['RS256'] });
    assert.equal(r.code, 1);
    assert.equal(r.browsed, false);
    assert.match(r.error, /^login_url id_token_alg_not_allowed: the provider signs ID tokens with EdDSA/);
  });

  test('web package: login() refuses before navigating, details carry both lists', async () => {
    let navigated = false;
    const sso = await createSsoClient({ issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: 'http://127.0.0.1:7891/callback',
                                        allowedAlgs: ['RS256'], navigate: () => { navigated = true; } });
    await assert.rejects(sso.login(), (e) => {
      assert.ok(e instanceof SsoError);
      assert.equal(e.code, 'id_token_alg_not_allowed');
      assert.deepEqual(e.details.provider_algs, ['EdDSA']);
      assert.deepEqual(e.details.allowed_algs, ['RS256']);
      assert.match(e.message, /EdDSA/);
      return true;
    });
    assert.equal(navigated, false);
  });
});

describe('a provider that lists RS256 and EdDSA but signs with EdDSA, and a client that accepts only RS256', () => {
  let idp;
  before(async () => { idp = await startProvider({ idTokenAlg: 'EdDSA', idTokenAlgs: ['RS256', 'EdDSA'] }); });
  after(async () => { await idp?.stop(); });

  test("CLI: the ID token is refused and the error line names the token's algorithm", async () => {
    const r = await cliLogin(idp, ['--alg', 'RS256']);
    assert.equal(r.code, 1);
    assert.ok(r.browsed);
    assert.equal(r.json.error.code, 'id_token_alg_not_allowed');
    assert.match(r.stderr, /id_token_alg_not_allowed: the ID token is signed with "EdDSA", which is not in the allowed list \(RS256;/);
  });
});

describe('algorithm names are checked when the client is made', () => {
  let idp;
  before(async () => { idp = await startProvider({}); });
  after(async () => { await idp?.stop(); });

  for (const bad of ['Ed448', 'ES256K', 'none', 'HS512']) {
    test(`${bad}: CLI, C API and web package say invalid_argument and list the supported names`, async () => {
      const cli = await runCli(['login', '--issuer', idp.issuer, '--client-id', 'ssokit-native', '--alg', `RS256,${bad}`]);
      assert.equal(cli.code, 1);
      assert.equal(cli.json.error.code, 'invalid_argument');
      assert.match(cli.json.error.message, new RegExp(`--alg "${bad}" .*ES512, EdDSA, Ed25519`));
      assert.doesNotMatch(cli.stderr, /^Open:/m);

      const c = await capi({ issuer: idp.issuer, client_id: 'ssokit-native', allowed_algs: [bad] });
      assert.equal(c.code, 1);
      assert.match(c.error, new RegExp(`^client invalid_argument: .*"${bad}".*the supported ones are RS256`));

      await assert.rejects(
        createSsoClient({ issuer: idp.issuer, clientId: 'ssokit-native', redirectUri: 'http://127.0.0.1:7891/callback', allowedAlgs: [bad] }),
        (e) => e instanceof SsoError && e.code === 'invalid_argument' && e.message.includes(`"${bad}"`) && /EdDSA/.test(e.message));
    });
  }
});
