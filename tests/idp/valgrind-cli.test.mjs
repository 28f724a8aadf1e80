// valgrind memcheck on the `ssokit` CLI against the real oidc-provider (issue 7): sign-in through
// the loopback listener (this test plays the browser), refresh, logout-url and revoke with the
// session file, a sign-in that fails at the code exchange, and the device flow with its QR code.
// Each run must end with no invalid access and no definite or indirect leak (--error-exitcode=99).
// "Still reachable" blocks (libcurl's and OpenSSL's process-wide state) are not errors.
// No suppression file: nothing of ours or of the libraries needed one.
//
// SSOKIT_CLI=path/to/ssokit picks the binary (default build/bin/ssokit).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from './run-cli.mjs';
import { startProvider, completeAuthorization, completeDeviceAuthorization, CONFIDENTIAL_SECRET } from './harness.mjs';

const VALGRIND = ['valgrind', '--quiet', '--leak-check=full', '--show-leak-kinds=definite,indirect',
  '--errors-for-leak-kinds=definite,indirect', '--error-exitcode=99'];

let idp;
let dir;
before(async () => {
  idp = await startProvider({});
  dir = mkdtempSync(join(tmpdir(), 'ssokit-valgrind-'));
});
after(async () => {
  await idp?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Runs `ssokit args` under memcheck; onLine(line) sees each stderr line as it comes.
function memcheck(args, { env = {}, onLine, timeoutMs = 90_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(VALGRIND[0], [...VALGRIND.slice(1), cliPath, ...args],
      { env: { ...process.env, SSOKIT_STORE_KEY: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`valgrind ssokit ${args[0]} timed out: ${stderr}`)); }, timeoutMs);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => {
      stderr += d;
      pending += d;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        onLine?.(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      let json;
      try { json = JSON.parse(stdout); } catch { json = undefined; }
      resolve({ code, stdout, stderr, json });
    });
  });
}

// Exit `expected` (0 or 1), and nothing from memcheck on stderr.
function clean(r, expected, what) {
  const report = r.stderr.split('\n').filter((l) => /^==\d+==/.test(l)).join('\n');
  assert.equal(report, '', `${what}: memcheck reported:\n${report}`);
  assert.equal(r.code, expected, `${what}: exit ${r.code} (99 = memcheck error): ${r.stdout}\n${r.stderr}`);
}

function login(args, env = {}) {
  let browsing;
  return memcheck(['login', '--issuer', idp.issuer, '--timeout', '60', ...args], {
    env,
    onLine: (line) => {
      if (line.startsWith('Open: ')) {
        browsing = completeAuthorization(line.slice(6), { follow: true });
        browsing.catch(() => {});
      }
    },
  }).then(async (r) => ({ ...r, page: await browsing }));
}

// The device flow waits oidc-provider's 5 s poll interval: the three run side by side.
describe('valgrind memcheck: ssokit CLI', { concurrency: true }, () => {
  test('login, refresh, logout-url and revoke', { timeout: 240_000 }, async () => {
    const store = join(dir, 'session.json');
    const base = ['--client-id', 'ssokit-native'];
    const signedIn = await login([...base, '--scope', 'openid profile email offline_access', '--prompt', 'consent', '--store', store]);
    clean(signedIn, 0, 'login');
    assert.ok(signedIn.json.refresh_token);
    assert.equal(signedIn.page.status, 200);

    const refreshed = await memcheck(['refresh', '--issuer', idp.issuer, ...base, '--store', store]);
    clean(refreshed, 0, 'refresh');
    assert.notEqual(refreshed.json.refresh_token, signedIn.json.refresh_token);

    const logout = await memcheck(['logout-url', '--issuer', idp.issuer, ...base, '--store', store,
      '--post-logout-redirect-uri', 'http://127.0.0.1/logged-out']);
    clean(logout, 0, 'logout-url');
    assert.ok(logout.json.url.startsWith(`${idp.issuer}/session/end?`));

    const revoked = await memcheck(['revoke', '--issuer', idp.issuer, ...base, '--store', store]);
    clean(revoked, 0, 'revoke');
    assert.deepEqual(revoked.json, { revoked: 'refresh_token' });

    // An error path: the revoked session is gone from the store.
    const none = await memcheck(['refresh', '--issuer', idp.issuer, ...base, '--store', store]);
    clean(none, 1, 'refresh without a session');
  });

  test('a sign-in whose code exchange the provider refuses (wrong client secret)', { timeout: 240_000 }, async () => {
    const refused = await login(['--client-id', 'ssokit-confidential'], { SSOKIT_CLIENT_SECRET: `${CONFIDENTIAL_SECRET}-wrong` });
    clean(refused, 1, 'login with a wrong secret');
    assert.equal(refused.json.error.code, 'token_error');
    assert.equal(refused.page.status, 400, 'the browser is told');
  });

  test('device sign-in with its QR code', { timeout: 240_000 }, async () => {
    let approving;
    const r = await memcheck(['device', '--issuer', idp.issuer, '--client-id', 'ssokit-native', '--scope', 'openid profile email',
      '--store', join(dir, 'device.json')], {
      onLine: (line) => {
        if (line.startsWith('Visit: ') && !approving) {
          approving = completeDeviceAuthorization(line.slice(7));
          approving.catch(() => {});
        }
      },
    });
    assert.ok(approving, `no Visit: line: ${r.stderr}`);
    await approving;
    clean(r, 0, 'device');
    assert.match(r.stderr, /[\u2580\u2584\u2588]/, 'the QR code was drawn');
    assert.ok(r.json.access_token && r.json.id_token);
  });
});
