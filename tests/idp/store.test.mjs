// The session file under several processes and under attack (issue 16), through the native
// `ssokit` CLI against the real oidc-provider: parallel refreshes of one store, a refresh whose
// rotated token cannot be stored, the encrypted store restored from a copy or moved, core dumps
// off, and the plain-http JWKS refused. Every process is bounded by runCli's timeout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.mjs';
import { startProvider, completeAuthorization } from './harness.mjs';

const STORE_KEY = '7f'.repeat(32);
const CLIENT = ['--client-id', 'ssokit-native'];

let provider;
let dir;
before(async () => {
  provider = await startProvider({ accessTokenTtl: 120 });
  dir = mkdtempSync(join(tmpdir(), 'ssokit-store-'));
});
after(async () => {
  await provider?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// `ssokit login` into `store`, this test acting as the browser.
async function login(store, env = {}) {
  let browsing;
  const r = await runCli(['login', '--issuer', provider.issuer, ...CLIENT, '--timeout', '30', '--prompt', 'consent',
    '--scope', 'openid profile offline_access', '--store', store], {
    env,
    onStderrLine: (line) => {
      if (line.startsWith('Open: ')) browsing = completeAuthorization(line.slice(6), { follow: true });
    },
  });
  assert.ok(browsing, `no Open: line: ${r.stderr}`);
  await browsing;
  assert.equal(r.code, 0, r.stderr);
  return r.json;
}

const refresh = (store, env = {}) => runCli(['refresh', '--issuer', provider.issuer, ...CLIENT, '--store', store], { env });

// Issue 16 item 4: 8 parallel refreshes of one plain store gave write errors after the provider
// had rotated the tokens, and once torn JSON. Now they take turns: each one starts from the
// refresh token the one before it stored, so every one succeeds and the store stays whole.
for (const [name, env] of [['plain', {}], ['encrypted', { SSOKIT_STORE_KEY: STORE_KEY }]]) {
  test(`8 parallel \`ssokit refresh --store\` on one ${name} store all succeed, one after another`, async () => {
    const store = join(dir, `parallel-${name}.json`);
    const first = await login(store, env);
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(store, env)));
    for (const r of results) assert.equal(r.code, 0, r.stdout + r.stderr);
    const tokens = new Set([first.refresh_token, ...results.map((r) => r.json.refresh_token)]);
    assert.equal(tokens.size, 9, 'each refresh rotated the token the previous one stored');
    const after = await refresh(store, env);
    assert.equal(after.code, 0, after.stderr);
    assert.equal(readdirSync(dir).filter((f) => f.startsWith(`parallel-${name}.json.tmp`)).length, 0, 'no temporary file left');
  });
}

// Issue 16 item 4: a refresh whose rotated token cannot be stored says so, and the stored session
// is left whole. Another process reads the store (a shared lock held by flock(1)), so writes wait
// SSOKIT_STORE_LOCK_WAIT seconds and give up.
test('a refresh that cannot store the rotated token is storage_error and leaves the stored session as it was', async () => {
  const store = join(dir, 'held.json');
  await login(store);
  const before = readFileSync(store);
  const holder = spawn('flock', ['--shared', `${store}.lock`, 'sleep', '20'], { stdio: 'ignore' });
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));  // let flock take the lock
    const r = await refresh(store, { SSOKIT_STORE_LOCK_WAIT: '1' });
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.json.error.code, 'storage_error');
    assert.match(r.json.error.message, /new tokens could not be stored.*locked by another process.*stored session is unchanged/);
    assert.deepEqual(readFileSync(store), before, 'the stored session is untouched');
  } finally {
    holder.kill('SIGKILL');
  }
  JSON.parse(readFileSync(store, 'utf8'));
});

// Issue 16 item 8: after `ssokit revoke`, putting the previous encrypted file back must not bring
// the session back; a copy of the store under another path does not open either.
test('the encrypted store: a file restored after revoke, or copied elsewhere, is storage_tampered', async () => {
  const env = { SSOKIT_STORE_KEY: STORE_KEY };
  const store = join(dir, 'rollback.bin');
  await login(store, env);
  const signedIn = readFileSync(store);
  const copy = join(dir, 'copied.bin');
  copyFileSync(store, copy);
  copyFileSync(`${store}.gen`, `${copy}.gen`);
  const moved = await refresh(copy, env);
  assert.equal(moved.code, 1, moved.stdout);
  assert.equal(moved.json.error.code, 'storage_tampered');
  assert.match(moved.json.error.message, /another path/);

  const revoked = await runCli(['revoke', '--issuer', provider.issuer, ...CLIENT, '--store', store], { env });
  assert.equal(revoked.code, 0, revoked.stderr);
  writeFileSync(store, signedIn);
  const restored = await refresh(store, env);
  assert.equal(restored.code, 1, restored.stdout);
  assert.equal(restored.json.error.code, 'storage_tampered');
  assert.match(restored.json.error.message, /restored from a copy/);
});

// Issue 16 item 10: while `ssokit login` holds the PKCE verifier and state, a crash leaves no core
// (RLIMIT_CORE 0 even under `ulimit -c unlimited`), unless SSOKIT_ALLOW_CORE_DUMPS=1.
test('ssokit login runs with core dumps off unless SSOKIT_ALLOW_CORE_DUMPS=1', async () => {
  for (const allow of [false, true]) {
    let child;
    let limits;
    const args = ['login', '--issuer', provider.issuer, ...CLIENT, '--timeout', '10'];
    // Through a shell that raises the limit first, as `ulimit -c unlimited` would.
    const quoted = args.map((a) => `'${a}'`).join(' ');
    const r = await runShell(`ulimit -c unlimited && exec "$SSOKIT_BIN" ${quoted}`, {
      SSOKIT_BIN: process.env.SSOKIT_CLI ?? new URL('../../build/bin/ssokit', import.meta.url).pathname,
      ...(allow ? { SSOKIT_ALLOW_CORE_DUMPS: '1' } : {}),
    }, async (c, line) => {
      child = c;
      if (line.startsWith('Open: ') && !limits) {
        limits = await readFile(`/proc/${c.pid}/limits`, 'utf8');
        c.kill('SIGTERM');
      }
    });
    assert.ok(limits, `no Open: line: ${r.stderr}`);
    const core = limits.split('\n').find((l) => l.startsWith('Max core file size'));
    if (allow) {
      assert.match(core, /unlimited\s+unlimited/, core);
    } else {
      assert.match(core, /\s0\s+0\s/, core);
    }
    assert.ok(child);
  }
});

// Issue 16 item 2: keys fetched in clear would let anyone on the path make any token "verified".
test('ssokit verify --jwks over plain http to a remote host is invalid_url, nothing fetched', async () => {
  const r = await runCli(['verify', 'a.b.c', '--jwks', 'http://keys.example/jwks', '--issuer', provider.issuer, '--audience', 'x']);
  assert.equal(r.code, 1, r.stdout);
  assert.equal(r.json.error.code, 'invalid_url');
  // Loopback stays allowed for development: the provider's own JWKS over http://127.0.0.1.
  const local = await runCli(['verify', 'a.b.c', '--jwks', `${provider.issuer}/jwks`, '--issuer', provider.issuer, '--audience', 'x']);
  assert.notEqual(local.json?.error?.code, 'invalid_url', local.stdout);
});

// A shell command with its stderr lines handed to `onLine(child, line)`; killed after 20 s.
function runShell(command, env, onLine) {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let pending = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.stderr.on('data', (d) => {
      stderr += d;
      pending += d;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        onLine(child, line);
      }
    });
    child.stdout.resume();
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stderr }); });
  });
}
