// ID-token validation in Chromium: the WebAssembly core (browser build, streamed like a page
// loads it) beside WebCrypto's subtle.verify on the same tokens (bench/verify_common.mjs, the
// measures bench/verify_bench.mjs takes in Node). Wall-clock time only (a page has no CPU clock).
//
//   node bench/verify_browser.mjs [--dist DIR] [--cold N]
//
// Per alg: the steady rate in one page; the first validation in a fresh browser context (median
// of --cold N, default 5): a sign-in's callback page, before V8 has optimized the code.
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
import createCore from '/dist/ssokit-core.js';
import { ALGS, rate, validate, validateParams, webCryptoMeasures } from '/bench/verify_common.mjs';
const f = await (await fetch('/bench/fixtures/id-tokens.json')).json();
const module = await createCore({ locateFile: () => '/dist/ssokit-core.wasm' });
const cold = new URLSearchParams(location.search).get('cold');
try {
  if (cold) {
    const params = validateParams(f, cold);
    const t0 = performance.now();
    await validate(module, params);
    window.result = { ms: performance.now() - t0 };
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
    const ms = [];
    for (let i = 0; i < coldRuns; i++) ms.push((await run(`?cold=${alg}`)).ms);
    results[alg].wasm_first_validation = { ms: +median(ms).toFixed(1), runs: coldRuns };
  }
  console.log(JSON.stringify({ browser: browser.version(), dist, results }, null, 2));
} finally {
  await browser.close();
  server.close();
}
