// Device authorization grant (RFC 8628) end to end against the real oidc-provider: the native CLI
// (`ssokit device`) and the WebAssembly client (deviceLogin), with this test as the person who
// confirms (or declines) on the verification page. oidc-provider answers without `interval`, so
// each poll waits the 5 s default: the tests that poll run concurrently.
//
// SSOKIT_CLI=path/to/ssokit picks the CLI binary (default build/bin/ssokit).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.mjs';
import { startProvider, completeDeviceAuthorization, createCookieJar, parseForm } from './harness.mjs';
import { createSsoClient, SsoError } from '../../web/src/index.js';

const CLIENT_ID = 'ssokit-native';  // has the device_code grant

let idp;
let dir;
before(async () => {
  idp = await startProvider();
  dir = mkdtempSync(join(tmpdir(), 'ssokit-device-'));
});
after(async () => {
  await idp?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const run = runCli;

// `ssokit device`, calling `act(visitUrl, child)` once the Visit: line appears.
async function device(issuer, extraArgs, act) {
  let acting;
  let child;
  let code;
  const result = await run(['device', '--issuer', issuer, '--client-id', CLIENT_ID, ...extraArgs], {
    onChild: (c) => { child = c; },
    onStderrLine: (line) => {
      if (line.startsWith('Code: ')) code = line.slice(6);
      if (line.startsWith('Visit: ') && !acting) {
        acting = Promise.resolve().then(() => act?.(line.slice(7), child));
        acting.catch(() => {});  // awaited (and reported) once the CLI has finished
      }
    },
  });
  assert.ok(acting, `no Visit: line on stderr: ${result.stderr}`);
  return { ...result, userCode: code, acted: await acting };
}

// The person presses "Abort" on the verification page: oidc-provider then answers the device's
// next poll with access_denied. (The scripted user agent always presses the default button.)
async function declineDeviceAuthorization(verificationUriComplete) {
  const jar = createCookieJar();
  const page = await fetch(verificationUriComplete, { redirect: 'manual' });
  jar.store(verificationUriComplete, page);
  // GET ?user_code=... answers with a self-posting form (xsrf + user_code); post it with abort.
  const form = parseForm(await page.text(), verificationUriComplete);
  assert.ok(form, 'the verification page has no form');
  const fields = new URLSearchParams();
  for (const input of form.inputs) {
    if (input.name && (input.type ?? '').toLowerCase() === 'hidden') fields.append(input.name, input.value ?? '');
  }
  fields.append('abort', 'yes');
  const answer = await fetch(form.action, {
    method: 'POST',
    body: fields.toString(),
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header(form.action) },
  });
  const body = await answer.text();
  assert.match(body, /interrupted|abort/i, 'the provider did not confirm the abort');
}

function client(extra = {}) {
  return createSsoClient({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: 'http://127.0.0.1/callback', ...extra });
}

// Each polling test waits at least one 5 s interval: run them side by side.
describe('device authorization grant', { concurrency: true }, () => {
  test('native: ssokit device shows the code and a QR code, and signs in once confirmed', async () => {
    const started = Date.now();
    const store = join(dir, 'store.json');
    const r = await device(idp.issuer, ['--scope', 'openid profile email', '--store', store],
      (url) => completeDeviceAuthorization(url));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.userCode, /^[A-Z0-9-]{6,}$/);
    const lines = r.stderr.split('\n');
    assert.ok(lines[0].startsWith('Code: ') && lines[1].startsWith('Visit: '), r.stderr);
    assert.ok(new URL(lines[1].slice(7)).searchParams.get('user_code'), 'Visit: is the complete verification URI');
    assert.match(r.stderr, /[\u2580\u2584\u2588]/, 'a half-block QR code on stderr');
    assert.equal(r.json.token_type, 'Bearer');
    assert.ok(r.json.access_token);
    assert.ok(r.json.id_token);
    assert.equal(r.json.claims.sub, idp.accountIdFor('viewer@example.com'));
    assert.equal(r.json.profile.email, 'viewer@example.com');
    assert.equal(r.json.profile.firstName, 'Vera');
    assert.ok(Date.now() - started >= 4500, 'the first poll waited the 5 s default interval');
    const saved = JSON.parse(JSON.parse(readFileSync(store, 'utf8'))['ssokit.session']);
    assert.equal(saved.tokens.access_token, r.json.access_token, 'the session is kept in --store');
  });

  test('native: declining on the verification page ends with access_denied', async () => {
    const r = await device(idp.issuer, ['--no-qr'], (url) => declineDeviceAuthorization(url));
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.json.error.code, 'access_denied');
    assert.doesNotMatch(r.stderr, /[\u2580\u2584\u2588]/, '--no-qr draws no QR code');
  });

  test('native: Ctrl-C while waiting ends with cancelled', async () => {
    const r = await device(idp.issuer, ['--no-qr'], (_url, child) => { child.kill('SIGINT'); });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.json.error.code, 'cancelled');
  });

  test('native: --timeout ends an unconfirmed sign-in with timeout', async () => {
    const r = await device(idp.issuer, ['--no-qr', '--timeout', '1']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.json.error.code, 'timeout');
    assert.match(r.json.error.message, /--timeout 1 seconds/);
  });

  test('native: device --timeout that is not a number of seconds is invalid_argument', async () => {
    const r = await run(['device', '--issuer', idp.issuer, '--client-id', CLIENT_ID, '--timeout', 'soon']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.json.error.code, 'invalid_argument');
  });

  test('native: a code that expires before the first poll is device_code_expired', async () => {
    const short = await startProvider({ deviceCodeTtl: 3 });
    try {
      const started = Date.now();
      const r = await device(short.issuer, ['--no-qr']);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.json.error.code, 'device_code_expired');
      assert.ok(Date.now() - started < 4000, 'no pointless wait past the expiry');
    } finally {
      await short.stop();
    }
  });

  test('WebAssembly: deviceLogin signs in once the code is confirmed', async () => {
    const sso = await client();
    let shown;
    let confirming;
    const result = await sso.deviceLogin({
      scope: 'openid profile email',
      onCode: (code) => {
        shown = code;
        confirming = completeDeviceAuthorization(code.verificationUriComplete);
      },
    });
    await confirming;
    assert.match(shown.userCode, /^[A-Z0-9-]{6,}$/);
    assert.ok(shown.verificationUri.startsWith(idp.issuer));
    assert.ok(shown.expiresIn > 0);
    assert.equal(result.claims.sub, idp.accountIdFor('viewer@example.com'));
    assert.equal(result.profile.email, 'viewer@example.com');
    assert.equal(await sso.isAuthenticated(), true);
    assert.ok(await sso.getAccessToken());
    sso.close();
  });

  test('WebAssembly: deviceLogin declined is access_denied', async () => {
    const sso = await client();
    let declining;
    await assert.rejects(
      sso.deviceLogin({ onCode: (code) => { declining = declineDeviceAuthorization(code.verificationUriComplete); } }),
      (e) => e instanceof SsoError && e.code === 'access_denied',
    );
    await declining;
    assert.equal(await sso.isAuthenticated(), false);
    sso.close();
  });

  test('WebAssembly: aborting the signal cancels the device sign-in at once', async () => {
    const sso = await client();
    const controller = new AbortController();
    const started = Date.now();
    await assert.rejects(
      sso.deviceLogin({ signal: controller.signal, onCode: () => setTimeout(() => controller.abort(), 100) }),
      (e) => e instanceof SsoError && e.code === 'cancelled',
    );
    assert.ok(Date.now() - started < 3000, 'cancelled during the wait, not after a poll');
    sso.close();
  });
});
