// Checks behind SECURITY.md for the native CLI: the loopback redirect page (RFC 8252 7.3, 8.3;
// RFC 9700 4.2), loopback-only redirect URIs, and TLS to the provider (plain http only on
// loopback, certificates always verified).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './run-cli.mjs';
import { startSelfSignedServer } from '../tls.mjs';
import { startProvider, completeAuthorization } from './harness.mjs';

let provider;
before(async () => {
  provider = await startProvider({});
});
after(async () => {
  await provider?.stop();
});

test('ssokit login: the loopback callback page sends no-referrer, no-store and a closed CSP', async () => {
  let page;
  const r = await runCli(['login', '--issuer', provider.issuer, '--client-id', 'ssokit-native', '--timeout', '30'], {
    onStderrLine: (line) => {
      if (!line.startsWith('Open: ')) return;
      page = completeAuthorization(line.slice(6)).then(async (callbackUrl) => {
        const u = new URL(callbackUrl);
        assert.equal(u.hostname, '127.0.0.1', 'the redirect URI is the IPv4 loopback literal, not localhost');
        assert.match(u.port, /^\d+$/, 'on the port the listener got from the system');
        const res = await fetch(callbackUrl, { redirect: 'manual', signal: AbortSignal.timeout(15000) });
        return { status: res.status, headers: res.headers, body: await res.text() };
      });
      page.catch(() => {});
    },
  });
  assert.ok(page, `no Open: line: ${r.stderr}`);
  const answer = await page;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(answer.status, 200);
  assert.match(answer.body, /Signed in/);
  assert.equal(answer.headers.get('referrer-policy'), 'no-referrer', 'the code in the URL must not leak through Referer');
  assert.equal(answer.headers.get('cache-control'), 'no-store');
  assert.match(answer.headers.get('content-security-policy'), /default-src 'none'/);
  assert.ok(!answer.body.includes(r.json.access_token), 'no token on the page');
});

test('ssokit login accepts only loopback IP literals as redirect URI (no localhost, no other host)', async () => {
  for (const uri of ['http://localhost:8765/callback', 'http://0.0.0.0:8765/callback', 'http://192.168.1.20:8765/callback',
                     'https://127.0.0.1:8765/callback', 'http://127.0.0.1:8765/callback?x=1']) {
    let opened = false;
    const r = await runCli(['login', '--issuer', provider.issuer, '--client-id', 'ssokit-native', '--redirect-uri', uri, '--timeout', '5'], {
      onStderrLine: (line) => { if (line.startsWith('Open: ')) opened = true; },
    });
    assert.equal(r.code, 1, `${uri}: ${r.stderr}`);
    assert.equal(r.json.error.code, 'invalid_argument', uri);
    assert.equal(opened, false, `${uri}: no sign-in may start`);
  }
});

test('a plain-http issuer on another host is invalid_url before any request', async () => {
  for (const issuer of ['http://id.example.com', 'http://10.1.2.3:8080/realm']) {
    const r = await runCli(['authorize-url', '--issuer', issuer, '--client-id', 'portal', '--redirect-uri', 'http://127.0.0.1:9/cb']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.json.error.code, 'invalid_url', issuer);
  }
});

test('a provider whose TLS certificate does not verify is network_error, and no HTTP request reaches it', async () => {
  let requests = 0;
  const tls = await startSelfSignedServer((req, res) => {
    requests += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  try {
    const r = await runCli(['authorize-url', '--issuer', tls.base, '--client-id', 'portal', '--redirect-uri', 'http://127.0.0.1:9/cb']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.json.error.code, 'network_error', r.stdout);
    assert.equal(requests, 0);
  } finally {
    await tls.stop();
  }
});
