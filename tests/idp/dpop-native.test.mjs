// DPoP (RFC 9449) in the native hosts against the real oidc-provider (DPoP optional, and with
// nonces required) and the loopback resource API of tests/idp/dpop-api.mjs (it checks each proof's
// signature, htm, htu, iat, jti replay, ath, the token's key and its own nonce):
//  - the CLI: `ssokit login --dpop` (tokens of type DPoP, dpop_jkt naming the stored key), the
//    stored session refreshing with its key without --dpop, a second login making a new key,
//    `ssokit device --dpop`, `ssokit fetch` with the nonce retry (exactly one), a Bearer session;
//  - the C API (tests/c/capi_dpop.c): "dpop": true and ssokit_authorized_request with the nonce
//    retry, and against an API that asks for a new nonce every time (two requests, the app gets the 401);
//  - hostile token endpoints (tests/idp/hostile/provider.mjs with two scenarios of this suite's
//    own): token_type Bearer for a DPoP request (invalid_response), a nonce asked for twice.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './run-cli.mjs';
import { startProvider, completeAuthorization, completeDeviceAuthorization, accountIdFor } from './harness.mjs';
import { startDpopApi, jwkThumbprint } from './dpop-api.mjs';
import { startProvider as startHostile, scenarios as hostileScenarios } from './hostile/provider.mjs';

const capiDpop = fileURLToPath(new URL('../../build/bin/ssokit_capi_dpop', import.meta.url));
const CLIENT_ID = 'ssokit-native';

let dir;
before(() => { dir = mkdtempSync(join(tmpdir(), 'ssokit-dpop-native-')); });
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

// The plaintext store (development mode) is a JSON object of entries.
const storeEntries = (path) => JSON.parse(readFileSync(path, 'utf8'));
const storedKey = (path) => JSON.parse(storeEntries(path)['ssokit.dpop_key']);
const publicOf = ({ kty, crv, x, y }) => ({ kty, crv, x, y });

// `ssokit login`, playing the browser once the Open: line appears.
async function cliLogin(issuer, args) {
  let browsing;
  let opened;
  const result = await runCli(['login', '--issuer', issuer, '--client-id', CLIENT_ID, '--timeout', '30', ...args], {
    onStderrLine: (line) => {
      if (line.startsWith('Open: ') && !browsing) {
        opened = line.slice(6);
        browsing = completeAuthorization(opened, { follow: true });
        browsing.catch(() => {});
      }
    },
  });
  if (browsing) await browsing.catch(() => {});
  return { ...result, opened };
}

async function cliDevice(issuer, args) {
  let approving;
  const result = await runCli(['device', '--issuer', issuer, '--client-id', CLIENT_ID, '--no-qr', '--timeout', '60', ...args], {
    timeoutMs: 90000,
    onStderrLine: (line) => {
      if (line.startsWith('Visit: ') && !approving) {
        approving = completeDeviceAuthorization(line.slice(7), { login: 'viewer@example.com', password: 'x' });
        approving.catch(() => {});
      }
    },
  });
  if (approving) await approving;
  return result;
}

const fetchWith = (issuer, store, url, extra = []) =>
  runCli(['fetch', '--issuer', issuer, '--client-id', CLIENT_ID, '--store', store, ...extra, url]);

// The C program: Open: URL on stdout, the callback URL on its stdin.
function capi(config, apiUrl, count) {
  return new Promise((resolve, reject) => {
    const child = spawn(capiDpop, [JSON.stringify(config), apiUrl, String(count)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let opened;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`capi_dpop timed out: ${stdout} ${stderr}`)); }, 30000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /^Open: (\S+)$/m.exec(stdout);
      if (m && !opened) {
        opened = m[1];
        completeAuthorization(opened).then((back) => child.stdin.end(`${back}\n`), () => child.stdin.end('\n'));
      }
    });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, opened }); });
  });
}
const lines = (stdout, label) => [...stdout.matchAll(new RegExp(`^${label}: (.*)$`, 'gm'))].map((m) => m[1]);

for (const mode of ['optional', 'nonce']) {
  describe(`DPoP ${mode}: native hosts`, () => {
    let idp;
    let api;
    before(async () => {
      idp = await startProvider({ dpop: mode });
      api = await startDpopApi({ idp, requireNonce: true });
    });
    after(async () => {
      await api?.stop();
      await idp?.stop();
    });

    test('ssokit login --dpop: DPoP tokens bound to a new stored key; fetch, refresh without the flag, a new key per login', async () => {
      const store = join(dir, `login-${mode}.json`);
      const r = await cliLogin(idp.issuer, ['--dpop', '--store', store]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json.token_type, 'DPoP');
      assert.equal(r.json.claims.sub, accountIdFor('viewer@example.com'));
      const key = storedKey(store);
      assert.ok(key.d, 'the private key is kept in the store');
      assert.equal(new URL(r.opened).searchParams.get('dpop_jkt'), jwkThumbprint(key));
      const session = JSON.parse(storeEntries(store)['ssokit.session']);
      assert.deepEqual(session.dpop.jwk, publicOf(key));
      const token = await idp.provider.AccessToken.find(r.json.access_token);
      assert.equal(token.jkt, jwkThumbprint(key), 'the provider bound the access token to the key');

      // The API asks for its nonce: one retry, then the proof is accepted.
      const before = api.requests.length;
      const fetched = await fetchWith(idp.issuer, store, api.url);
      assert.equal(fetched.code, 0, fetched.stderr);
      assert.equal(fetched.json.status, 200, fetched.stdout);
      assert.equal(fetched.json.json.jkt, jwkThumbprint(key));
      assert.deepEqual(api.requests.slice(before).map((q) => q.reason), ['nonce', 'ok']);

      // Refresh without --dpop: the stored session's key, a DPoP token again.
      const refreshed = await runCli(['refresh', '--issuer', idp.issuer, '--client-id', CLIENT_ID, '--store', store]);
      assert.equal(refreshed.code, 0, refreshed.stderr);
      assert.equal(refreshed.json.token_type, 'DPoP');
      assert.notEqual(refreshed.json.access_token, r.json.access_token);
      assert.deepEqual(storedKey(store), key, 'a refresh keeps the key');
      assert.equal((await idp.provider.AccessToken.find(refreshed.json.access_token)).jkt, jwkThumbprint(key));
      const again = await fetchWith(idp.issuer, store, api.url, ['--method', 'POST', '--data', '{"a":1}', '--header', 'Content-Type: application/json']);
      assert.equal(again.json.status, 200, again.stdout);
      assert.equal(again.json.json.method, 'POST');
      assert.equal(again.json.json.body, '{"a":1}');

      // A second login: a new key.
      const second = await cliLogin(idp.issuer, ['--dpop', '--store', store]);
      assert.equal(second.code, 0, second.stderr);
      const newKey = storedKey(store);
      assert.notEqual(jwkThumbprint(newKey), jwkThumbprint(key));
      assert.equal(new URL(second.opened).searchParams.get('dpop_jkt'), jwkThumbprint(newKey));

      // Revoke forgets the session and its key.
      const revoked = await runCli(['revoke', '--issuer', idp.issuer, '--client-id', CLIENT_ID, '--store', store]);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal(storeEntries(store)['ssokit.dpop_key'], undefined);
      assert.equal(storeEntries(store)['ssokit.session'], undefined);
    });

    test('a stored DPoP session without its key is login_required and forgotten', async () => {
      const store = join(dir, `nokey-${mode}.json`);
      const r = await cliLogin(idp.issuer, ['--dpop', '--store', store]);
      assert.equal(r.code, 0, r.stderr);
      const entries = storeEntries(store);
      delete entries['ssokit.dpop_key'];
      const { writeFileSync } = await import('node:fs');
      writeFileSync(store, JSON.stringify(entries), { mode: 0o600 });
      const refreshed = await runCli(['refresh', '--issuer', idp.issuer, '--client-id', CLIENT_ID, '--store', store]);
      assert.equal(refreshed.code, 1);
      assert.equal(refreshed.json.error.code, 'login_required');
      assert.equal(storeEntries(store)['ssokit.session'], undefined);
    });

    test('ssokit device --dpop: DPoP tokens; fetch with the stored key', async () => {
      const store = join(dir, `device-${mode}.json`);
      const r = await cliDevice(idp.issuer, ['--dpop', '--store', store]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json.token_type, 'DPoP');
      const key = storedKey(store);
      assert.equal((await idp.provider.AccessToken.find(r.json.access_token)).jkt, jwkThumbprint(key));
      const fetched = await fetchWith(idp.issuer, store, api.url);
      assert.equal(fetched.json.status, 200, fetched.stdout);
      assert.equal(fetched.json.json.jkt, jwkThumbprint(key));
    });

    test('the C API: "dpop": true and ssokit_authorized_request with one nonce retry, then after a refresh', async () => {
      const before = api.requests.length;
      const r = await capi({ issuer: idp.issuer, client_id: CLIENT_ID, dpop: true }, api.url, 2);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^token_type: DPoP$/m);
      assert.deepEqual(lines(r.stdout, 'status'), ['200', '200', 'done']);
      assert.deepEqual(lines(r.stdout, 'after refresh'), ['200']);
      assert.equal(JSON.parse(lines(r.stdout, 'body')[0]).body, '{"hello":"api"}');
      // The first call met the API's nonce once; the next ones carried the remembered nonce.
      assert.deepEqual(api.requests.slice(before).map((q) => q.reason), ['nonce', 'ok', 'ok', 'ok']);
      assert.equal(new URL(r.opened).searchParams.has('dpop_jkt'), true);
    });

    test('without --dpop the provider gives Bearer tokens, which the DPoP API refuses', async () => {
      const store = join(dir, `bearer-${mode}.json`);
      const r = await cliLogin(idp.issuer, ['--store', store]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json.token_type, 'Bearer');
      assert.equal(new URL(r.opened).searchParams.has('dpop_jkt'), false);
      assert.equal(storeEntries(store)['ssokit.dpop_key'], undefined);
      const before = api.requests.length;
      const fetched = await fetchWith(idp.issuer, store, api.url);
      assert.equal(fetched.json.status, 401);
      assert.deepEqual(api.requests.slice(before).map((q) => q.reason), ['bearer']);
    });
  });
}

describe('a resource API that asks for a new nonce every time', () => {
  let idp;
  let api;
  before(async () => {
    idp = await startProvider({ dpop: 'optional' });
    api = await startDpopApi({ idp, requireNonce: true, nonceEveryTime: true });
  });
  after(async () => {
    await api?.stop();
    await idp?.stop();
  });

  test('the C API sends exactly two requests per call and gives the app the 401', async () => {
    const before = api.requests.length;
    const r = await capi({ issuer: idp.issuer, client_id: CLIENT_ID, dpop: true }, api.url, 1);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(lines(r.stdout, 'status'), ['401', 'done']);
    assert.deepEqual(lines(r.stdout, 'after refresh'), ['401']);
    assert.deepEqual(api.requests.slice(before).map((q) => q.reason), ['nonce', 'nonce', 'nonce', 'nonce']);
  });

  test('ssokit fetch: two requests, the 401 printed', async () => {
    const store = join(dir, 'every-time.json');
    const r = await cliLogin(idp.issuer, ['--dpop', '--store', store]);
    assert.equal(r.code, 0, r.stderr);
    const before = api.requests.length;
    const fetched = await fetchWith(idp.issuer, store, api.url);
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.equal(fetched.json.status, 401);
    assert.match(fetched.json.headers['www-authenticate'], /use_dpop_nonce/);
    assert.equal(api.requests.length - before, 2);
  });
});

describe('hostile token endpoints (CLI)', () => {
  let hostile;
  let nonceRequests = 0;
  const nonceTwice = {
    name: 'dpop nonce asked for twice',
    routes: {
      '/token': (req, res) => {
        nonceRequests += 1;
        req.resume();
        req.on('end', () => {
          res.writeHead(400, { 'content-type': 'application/json', 'DPoP-Nonce': `n-${nonceRequests}` });
          res.end(JSON.stringify({ error: 'use_dpop_nonce', error_description: 'a nonce is required' }));
        });
      },
    },
  };
  before(async () => {
    hostileScenarios.push(nonceTwice);
    hostile = await startHostile();
  });
  after(async () => { await hostile?.stop(); });

  const login = async (name) => {
    const store = join(dir, `hostile-${name.replace(/\W+/g, '-')}.json`);
    const result = await runCli(['login', '--issuer', hostile.issuerFor(name), '--client-id', 'hostile-client', '--dpop',
      '--timeout', '20', '--store', store], {
      onStderrLine: (line) => {
        const m = /^Open: (\S+)$/.exec(line);
        if (m) fetch(m[1], { redirect: 'manual' }).then((r) => fetch(r.headers.get('location'))).catch(() => {});
      },
    });
    return { ...result, store };
  };

  test('token_type Bearer for a DPoP request is invalid_response; nothing stored', async () => {
    const r = await login('ok');
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.json.error.code, 'invalid_response');
    assert.equal(storeEntries(r.store)['ssokit.session'], undefined);
    assert.equal(storeEntries(r.store)['ssokit.dpop_key'], undefined);
  });

  test('a nonce asked for twice: one retry, then the provider\'s error', async () => {
    const r = await login(nonceTwice.name);
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.json.error.code, 'token_error');
    assert.equal(nonceRequests, 2, 'exactly one retry');
    assert.equal(storeEntries(r.store)['ssokit.session'], undefined);
  });
});
