// Project Wycheproof vectors through Chromium's WebCrypto: the page loads the browser build of the
// core and web/src/verify.js exactly as a portal does and runs tests/wasm/wycheproof-vectors.mjs;
// every verdict must be what Node (tests/wasm/wycheproof.test.mjs) and the native verifier
// (tests/unit/wycheproof_test.cpp) answer. Loopback only; the server and the browser are stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, newLoopbackContext } from './browser.mjs';
import { FILES, expected } from '../wasm/wycheproof-vectors.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VECTORS = fileURLToPath(new URL('../vectors/wycheproof/', import.meta.url));
const SERVED = [resolve(ROOT, 'web'), resolve(ROOT, 'tests/wasm')];
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import { loadCore } from '/web/src/core.js';
import { FILES, verdicts } from '/tests/wasm/wycheproof-vectors.mjs';
try {
  // The page build's core with jws.verify_raw (ssokit-page-tools.wasm, tests/wasm/page-tools.mjs).
  const core = await loadCore({ wasmUrl: '/web/dist/ssokit-page-tools.wasm' });
  const out = {};
  for (const name of Object.keys(FILES)) out[name] = await verdicts(core, name, await (await fetch('/vectors/' + name)).json());
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
    const file = path.startsWith('/vectors/') ? resolve(VECTORS, path.slice(9)) : resolve(ROOT, path.slice(1));
    const allowed = file.startsWith(VECTORS) || SERVED.some((dir) => file.startsWith(dir + '/'));
    try {
      if (!allowed) throw new Error('not served');
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

test('Chromium WebCrypto gives every Wycheproof verdict the native and Node verifiers give', { timeout: 180_000 }, async (t) => {
  const { context } = await newLoopbackContext(browser, t, { step: 120_000 });
  const page = await context.newPage();
  await page.goto(base);
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 150_000 });
  const result = await page.evaluate(() => window.result);
  assert.equal(result.error, undefined, result.error);
  assert.ok(result.subtle, 'a loopback page is a secure context with crypto.subtle');
  let count = 0;
  let total = 0;
  for (const name of Object.keys(FILES)) {
    const file = `${VECTORS}${name}`;
    assert.ok(existsSync(file), `Wycheproof vectors not found: ${file}`);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    total += doc.numberOfTests;
    assert.equal(Object.keys(result.out[name]).length, doc.numberOfTests, `${name}: every vector ran in the page`);
    for (const g of doc.testGroups) {
      for (const v of g.tests) {
        count += 1;
        assert.equal(result.out[name][v.tcId], expected(name, g, v), `${name} tcId ${v.tcId} (${v.result}, ${v.comment})`);
      }
    }
    console.log(`[wycheproof/webcrypto-chromium] ${name}: ${doc.numberOfTests} vectors, verdicts as natively and in Node`);
  }
  assert.equal(count, total, 'every vector was compared');
});
