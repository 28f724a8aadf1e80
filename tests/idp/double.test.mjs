// Every validation rule against a misbehaving provider (tests/idp/double.mjs), natively through
// the CLI (`ssokit login`: libcurl, loopback listener, C++ SsoClient) and through WebAssembly in
// Node (createSsoClient): both must report the same error code, and no session.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDouble, scenarios } from './double.mjs';
import { createSsoClient, SsoError } from '../../web/src/index.js';

const cli = fileURLToPath(new URL('../../build/bin/ssokit', import.meta.url));
const CLIENT_ID = 'double-client';

let double;
before(async () => { double = await startDouble(); });
after(async () => { await double?.stop(); });

// The provider's /authorize answers with a redirect at once: follow it by hand to the client.
async function approve(authorizationUrl) {
  const res = await fetch(authorizationUrl, { redirect: 'manual' });
  assert.equal(res.status, 302, 'the double redirects back at once');
  return res.headers.get('location');
}

function cliLogin(issuer) {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, ['login', '--issuer', issuer, '--client-id', CLIENT_ID, '--timeout', '20'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let page;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('ssokit login timed out')); }, 30000);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /^Open: (\S+)$/m.exec(stderr);
      if (m && !page) {
        page = approve(m[1]).then((callback) => fetch(callback)).then(async (r) => ({ status: r.status, body: await r.text() }));
        page.catch(() => {});
      }
    });
    child.on('close', async (code) => {
      clearTimeout(timer);
      let json;
      try { json = JSON.parse(stdout); } catch { json = undefined; }
      resolve({ code, json, stderr, page: page ? await page.catch((e) => ({ error: e })) : undefined });
    });
    child.on('error', reject);
  });
}

async function wasmLogin(issuer) {
  const sso = await createSsoClient({ issuer, clientId: CLIENT_ID, redirectUri: 'http://127.0.0.1:7/callback' });
  try {
    const { url } = await sso.login({ redirect: false });
    const callback = await approve(url);
    const result = await sso.handleRedirectCallback(callback);
    return { ok: true, result, authenticated: await sso.isAuthenticated() };
  } catch (e) {
    return { ok: false, error: e, authenticated: await sso.isAuthenticated() };
  }
}

describe('provider double through WebAssembly (createSsoClient)', () => {
  for (const [name, scenario] of Object.entries(scenarios)) {
    test(`${name} -> ${scenario.expect ?? 'signed in'}`, async () => {
      const r = await wasmLogin(double.issuerFor(name));
      if (scenario.expect === null) {
        assert.ok(r.ok, r.error && `${r.error.code}: ${r.error.message}`);
        assert.equal(r.result.claims.sub, 'user-1');
        assert.equal(r.result.profile.email, 'dora@example.com');
        assert.ok(r.authenticated);
      } else {
        assert.ok(!r.ok, 'the sign-in must fail');
        assert.ok(r.error instanceof SsoError, String(r.error));
        assert.equal(r.error.code, scenario.expect, r.error.message);
        assert.equal(r.authenticated, false, 'no session after a failed sign-in');
      }
    });
  }

  test('a replayed callback is transaction_not_found', async () => {
    const sso = await createSsoClient({ issuer: double.issuerFor('ok'), clientId: CLIENT_ID, redirectUri: 'http://127.0.0.1:7/callback' });
    const { url } = await sso.login({ redirect: false });
    const callback = await approve(url);
    await sso.handleRedirectCallback(callback);
    await assert.rejects(sso.handleRedirectCallback(callback), (e) => e.code === 'transaction_not_found');
  });
});

describe('provider double through the native CLI (ssokit login)', () => {
  for (const [name, scenario] of Object.entries(scenarios)) {
    test(`${name} -> ${scenario.expect ?? 'signed in'}`, async () => {
      const r = await cliLogin(double.issuerFor(name));
      if (scenario.expect === null) {
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.json.claims.sub, 'user-1');
        assert.equal(r.json.profile.email, 'dora@example.com');
        assert.match(r.page.body, /Signed in/);
      } else if (scenario.expect === 'discovery_issuer_mismatch') {
        // Discovery fails before any browser step: no Open: line.
        assert.equal(r.code, 1);
        assert.equal(r.json.error.code, scenario.expect, r.stderr);
        assert.equal(r.page, undefined);
      } else {
        assert.equal(r.code, 1, `expected failure, got: ${r.stderr}`);
        assert.equal(r.json.error.code, scenario.expect, r.json.error.message);
        assert.equal(r.page.status, 400, 'the browser is told the sign-in failed');
        assert.match(r.page.body, new RegExp(scenario.expect), 'the browser page names the error');
      }
    });
  }
});
