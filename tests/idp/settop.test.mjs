// The set-top sample (samples/settop/settop.c, written in C against bindings/c/ssokit.h) against
// oidc-provider: first start signs in with the device grant (this test plays the viewer on the
// phone), next start is signed in without prompting, --refresh rotates, --sign-out forgets.
// The full device sign-in also runs under valgrind memcheck: no leak, no invalid access.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProvider } from './harness.mjs';
import { runApprovingDevice } from './device-approval.mjs';

const settop = fileURLToPath(new URL('../../build/bin/settop', import.meta.url));
const STORE_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

let provider;
let dir;
before(async () => {
  provider = await startProvider({});
  dir = mkdtempSync(join(tmpdir(), 'ssokit-settop-'));
});
after(async () => {
  await provider?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Runs the sample; when it shows a "Visit:" line, completes the device sign-in as the viewer.
function run(args, { wrapper = [], timeoutMs = 60000 } = {}) {
  const argv = [...wrapper, settop, '--issuer', provider.issuer, '--client-id', 'ssokit-native', ...args];
  return runApprovingDevice(argv, { env: { ...process.env, SSOKIT_STORE_KEY: STORE_KEY }, timeoutMs, label: 'settop' });
}

const status = (out) => /^status: (.*)$/m.exec(out)?.[1];

test('first start signs in with a code and QR, next start does not prompt, refresh, sign-out', async () => {
  const store = join(dir, 'player.store');
  const first = await run(['--store', store]);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.ok(first.prompted, 'the first start shows a code');
  assert.match(first.stdout, /^Code: \S+$/m);
  assert.match(first.stdout, /[▀▄█]/, 'a QR code in half blocks');
  assert.match(first.stdout, /Viewer: Vera/);
  assert.equal(status(first.stdout), 'signed-in');
  assert.ok(!readFileSync(store).includes(Buffer.from('acct-0001')), 'the session file is encrypted');

  const again = await run(['--store', store]);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(!again.prompted, 'signed in without prompting');
  assert.match(again.stdout, /Welcome back/);

  const refreshed = await run(['--store', store, '--refresh']);
  assert.equal(refreshed.code, 0, refreshed.stderr);
  assert.match(refreshed.stdout, /Session refreshed/);

  const out = await run(['--store', store, '--sign-out']);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(status(out.stdout), 'signed-out');
});

test('a wrong store key is storage_tampered, not a crash and not a silent sign-out', async () => {
  const store = join(dir, 'tampered.store');
  const first = await run(['--store', store]);
  assert.equal(first.code, 0, first.stderr);
  const r = spawnSync(settop, ['--issuer', provider.issuer, '--client-id', 'ssokit-native', '--store', store],
    { env: { ...process.env, SSOKIT_STORE_KEY: 'ff'.repeat(32) }, encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 1);
  assert.equal(status(r.stdout), 'error storage_tampered');
});

test('valgrind memcheck: a full device sign-in has no leak and no invalid access', async () => {
  const store = join(dir, 'valgrind.store');
  const r = await run(['--store', store], {
    wrapper: ['valgrind', '--quiet', '--leak-check=full', '--show-leak-kinds=definite,indirect', '--errors-for-leak-kinds=definite,indirect', '--error-exitcode=99'],
    timeoutMs: 120000,
  });
  assert.equal(r.code, 0, `valgrind reported: ${r.stderr}`);
  assert.equal(status(r.stdout), 'signed-in');
});
