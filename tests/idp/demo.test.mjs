// The README's main job (scripts/demo.sh runs samples/demo/demo.mjs after the bootstrap): the native,
// WebAssembly and DPoP-bound sign-ins against the embedded provider, each checked by its output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const demo = fileURLToPath(new URL('../../samples/demo/demo.mjs', import.meta.url));

test('the demo signs in natively, through WebAssembly and DPoP-bound, and the API takes the bound token', async () => {
  const child = spawn(process.execPath, [demo], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, `${out}\n${err}`);
  assert.match(out, /native \(build\/bin\/ssokit login\):\n  signed in as Vera Viewer/);
  assert.match(out, /WebAssembly in Node \(createSsoClient\):\n  signed in as Vera Viewer/);
  assert.match(out, /DPoP-bound sign-in .*\n  signed in as acct-0001-vera-viewer; the access token is bound to the key [A-Za-z0-9_-]{43} /);
  assert.match(out, /API requests: 401 nonce, 200 ok/);
});
