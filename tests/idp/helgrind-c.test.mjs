// helgrind on one C client used from several threads with the session in memory (issue 13: the
// C API documents ssokit_access_token as safe to call concurrently; MemoryTokenStore was read
// unlocked while a refresh wrote it). tests/native/concurrent_tokens.c signs in with the device
// flow against the real oidc-provider (this test approves the code), then four threads ask for
// access tokens while a fifth refreshes. helgrind must report nothing (--error-exitcode=99;
// helgrind.supp holds one third-party exit-time report).
//
// SSOKIT_BIN_DIR picks the build (default build/bin).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startProvider, completeDeviceAuthorization } from './harness.mjs';

const bin = process.env.SSOKIT_BIN_DIR ?? fileURLToPath(new URL('../../build/bin/', import.meta.url));
const program = `${bin.replace(/\/?$/, '/')}ssokit_concurrent_tokens`;
// Only libp11-kit's exit-time mutex teardown (libcurl's TLS backend), never ssokit code.
const suppressions = fileURLToPath(new URL('./helgrind.supp', import.meta.url));

let provider;
before(async () => { provider = await startProvider({}); });
after(async () => { await provider?.stop(); });

test('concurrent ssokit_access_token and ssokit_refresh with the in-memory store: helgrind is clean', { timeout: 240_000 }, async () => {
  const argv = ['valgrind', '--tool=helgrind', '--error-exitcode=99', `--suppressions=${suppressions}`, program, '--issuer', provider.issuer,
    '--client-id', 'ssokit-native'];
  const result = await new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let approving;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out: ${stdout} ${stderr}`)); }, 220_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /^Visit: (\S+)$/m.exec(stdout);
      if (m && !approving) {
        approving = completeDeviceAuthorization(m[1], { login: 'viewer@example.com', password: 'x' });
        approving.catch(() => {});
      }
    });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', async (code) => {
      clearTimeout(timer);
      if (approving) await approving;
      resolve({ code, stdout, stderr });
    });
  });
  assert.doesNotMatch(result.stderr, /Possible data race|lock order/, result.stderr);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^tokens ok$/m);
});
