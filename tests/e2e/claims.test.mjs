// tests/cases/claims.json in Debian's Chromium: the ID token's audience rule (trusted audiences)
// and signed user-info, with the browser build of the core and web/src/verify.js (WebCrypto) as a
// portal page loads them. Every answer must be the one natively (tests/unit/cases_test.cpp) and in
// Node (tests/wasm/cases.test.mjs). Loopback only; the server and the browser are stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, newLoopbackContext } from './browser.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CASES = resolve(ROOT, 'tests/cases/claims.json');
const SERVED = [resolve(ROOT, 'web')];
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

// Each case's answer: {result} or {code, details, message}, with WebCrypto answering verify effects.
const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import { loadCore } from '/web/src/core.js';
import { performVerify } from '/web/src/verify.js';
try {
  const core = await loadCore();
  const { cases } = await (await fetch('/claims.json')).json();
  const out = [];
  for (const c of cases) {
    try {
      let reply = core.call(c.method, c.params ?? {});
      if (reply && typeof reply === 'object' && 'verify' in reply) reply = (await performVerify(core, reply, () => 0)).result;
      out.push({ result: reply });
    } catch (e) {
      out.push({ code: e.code, details: e.details ?? {}, message: e.message });
    }
  }
  window.result = { out, subtle: !!crypto.subtle };
} catch (e) {
  window.result = { error: String(e && e.stack || e) };
}
</script>`;

let server;
let browser;
let base;

before(async () => {
  server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    const file = path === '/claims.json' ? CASES : resolve(ROOT, path.slice(1));
    try {
      if (file !== CASES && !SERVED.some((dir) => file.startsWith(dir + '/'))) throw new Error('not served');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
});

test('Chromium: audiences and signed user-info give the answers of tests/cases/claims.json', { timeout: 120_000 }, async (t) => {
  const { context } = await newLoopbackContext(browser, t, { step: 60_000 });
  const page = await context.newPage();
  await page.goto(base);
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 60_000 });
  const result = await page.evaluate(() => window.result);
  assert.equal(result.error, undefined, result.error);
  assert.ok(result.subtle, 'a loopback page is a secure context with crypto.subtle');
  const { cases } = JSON.parse(readFileSync(CASES, 'utf8'));
  assert.equal(result.out.length, cases.length, 'every case ran in the page');
  let verified = 0;
  cases.forEach((c, i) => {
    const got = result.out[i];
    if ('error' in c) {
      assert.equal(got.code, c.error, `${c.name}: ${got.message ?? JSON.stringify(got.result)}`);
      for (const [key, value] of Object.entries(c.details ?? {})) assert.deepEqual(got.details[key], value, `${c.name}: details.${key}`);
      for (const word of c.message_contains ?? []) assert.ok(got.message.includes(word), `${c.name}: "${got.message}" does not say "${word}"`);
    } else {
      assert.deepStrictEqual(got.result, c.result, c.name);
    }
    if (c.method === 'id_token.validate' || (c.method === 'userinfo.process' && c.params.jwks)) verified += 1;
  });
  assert.ok(verified >= 30, `the signature cases ran through WebCrypto (${verified})`);
});
