// ID-token validation in Chromium: the WebAssembly core (browser build, streamed like a page
// loads it) beside WebCrypto's subtle.verify on the same tokens (bench/verify_common.mjs, the
// measures bench/verify_bench.mjs takes in Node). Wall-clock time only (a page has no CPU clock).
//
//   node bench/verify_browser.mjs [--dist DIR] [--cold N]
//
// Per alg: the steady rate in one page; the first validation in a fresh browser context (median
// of --cold N, default 5), twice: as the page's first call of the core at all (every function
// still to be compiled), and as a callback page meets it (the SDK's warm-up, web/src/warm.js, ran
// while the code exchange was on the network). Each split into the core's part and WebCrypto's.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { resolve, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../tests/e2e/browser.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const dist = resolve(option('--dist', fileURLToPath(new URL('../web/dist', import.meta.url))));
const coldRuns = Number(option('--cold', 5));
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const webSrc = fileURLToPath(new URL('../web/src/', import.meta.url));

const page = `<!doctype html><meta charset="utf-8"><script type="module">
import { loadCore } from '/web/src/core.js';
import { ALGS, callCore, rate, validate, validateParams, webCryptoMeasures } from '/bench/verify_common.mjs';
import { verifySignature } from '/web/src/verify.js';
import { warmValidation } from '/web/src/warm.js';
const f = await (await fetch('/bench/fixtures/id-tokens.json')).json();
const module = await loadCore({ wasmUrl: '/dist/ssokit-core.wasm' });
const query = new URLSearchParams(location.search);
const cold = query.get('cold');
try {
  if (cold) {
    const params = validateParams(f, cold);
    if (query.get('callback')) {
      // A callback page: the SDK warms the validation path (web/src/warm.js) while the code
      // exchange is on the network; 30 ms stands for that round trip (a real provider's is longer).
      warmValidation({ call: (method, p) => callCore(module, method, p) });
      await new Promise((done) => setTimeout(done, 30));
    }
    // The whole first validation, and its three parts: the core's checks up to the verify
    // effect, WebCrypto (key import + verify), the claims after it.
    const t0 = performance.now();
    const reply = callCore(module, 'id_token.validate', params);
    const t1 = performance.now();
    const verified = await verifySignature(reply.verify);
    const t2 = performance.now();
    callCore(module, 'flow.step', { state: reply.state, verified, now: params.expect.now });
    const t3 = performance.now();
    window.result = { ms: t3 - t0, core_ms: t1 - t0 + (t3 - t2), webcrypto_ms: t2 - t1 };
  } else {
    const results = {};
    for (const alg of ALGS) {
      const params = validateParams(f, alg);
      results[alg] = { wasm_validate_id_token: await rate(() => validate(module, params)),
                       ...(await webCryptoMeasures(f, alg, {})) };
    }
    window.result = results;
  }
} catch (e) {
  window.result = { error: String(e && e.stack || e) };
}
</script>`;

const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://127.0.0.1').pathname;
  let file = null;
  if (path === '/') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page);
    return;
  }
  if (path.startsWith('/dist/')) file = resolve(dist, path.slice(6));
  if (path.startsWith('/bench/')) file = resolve(benchDir, path.slice(7));
  if (path.startsWith('/web/src/')) file = resolve(webSrc, path.slice(9));
  if (!file || !(file.startsWith(dist) || file.startsWith(benchDir) || file.startsWith(webSrc))) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await launchChromium();
async function run(query) {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    await tab.goto(base + query);
    await tab.waitForFunction(() => window.result !== undefined, null, { timeout: 120_000 });
    const result = await tab.evaluate(() => window.result);
    if (result.error) throw new Error(result.error);
    return result;
  } finally {
    await context.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const results = await run('');
  for (const alg of Object.keys(results)) {
    for (const [name, extra] of [['wasm_first_validation', ''], ['wasm_callback_first_validation', '&callback=1']]) {
      const runs = [];
      for (let i = 0; i < coldRuns; i++) runs.push(await run(`?cold=${alg}${extra}`));
      const med = (key) => +median(runs.map((r) => r[key])).toFixed(1);
      results[alg][name] = { ms: med('ms'), core_ms: med('core_ms'), webcrypto_ms: med('webcrypto_ms'), runs: coldRuns };
    }
  }
  console.log(JSON.stringify({ browser: browser.version(), dist, results }, null, 2));
} finally {
  await browser.close();
  server.close();
}
