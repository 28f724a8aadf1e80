// samples/node/player.mjs (the web package's WebAssembly core in Node) against oidc-provider:
// device sign-in on the first start, signed in on the next, refresh, sign-out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProvider } from './harness.mjs';
import { runApprovingDevice } from './device-approval.mjs';

const player = fileURLToPath(new URL('../../samples/node/player.mjs', import.meta.url));
let provider;
let dir;
before(async () => { provider = await startProvider({}); dir = mkdtempSync(join(tmpdir(), 'ssokit-player-')); });
after(async () => { await provider?.stop(); if (dir) rmSync(dir, { recursive: true, force: true }); });

function run(args) {
  return runApprovingDevice([process.execPath, player, '--issuer', provider.issuer, '--client-id', 'ssokit-native', ...args], { label: 'player' });
}

test('node player: device sign-in, then signed in without prompting, refresh, sign-out', async () => {
  const store = join(dir, 'session.json');
  const first = await run(['--store', store]);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.ok(first.prompted);
  assert.match(first.stdout, /Viewer: Vera Viewer <viewer@example.com>/);
  assert.match(first.stdout, /status: signed-in/);
  assert.equal(statSync(store).mode & 0o777, 0o600);

  const again = await run(['--store', store, '--refresh']);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(!again.prompted);
  assert.match(again.stdout, /Welcome back[\s\S]*Session refreshed/);

  const out = await run(['--store', store, '--sign-out']);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /status: signed-out/);
  const after = await run(['--store', store, '--refresh']);
  assert.ok(after.prompted, 'signed out: the next start asks again');
});
