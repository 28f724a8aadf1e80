// WebAssembly benchmarks in Node: payload size, cold start to the first PKCE pair (fresh
// processes, median of 5), and the same primitive operations as bench/primitives_bench.cpp.
// Run: node bench/wasm_bench.mjs   (after scripts/bootstrap.sh)
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadCore } from '../web/src/index.js';

const dist = new URL('../web/dist/', import.meta.url);
const sizes = {};
// Everything a portal page loads: the wasm and every module of web/src.
const srcFiles = readdirSync(new URL('../src/', dist)).filter((f) => f.endsWith('.js')).sort().map((f) => `../src/${f}`);
for (const file of ['ssokit-core.wasm', ...srcFiles]) {
  const bytes = readFileSync(new URL(file, dist));
  sizes[file.replace('../', 'web/')] = { raw: bytes.length, gzip9: gzipSync(bytes, { level: 9 }).length };
}

// Cold start: a fresh Node process that imports the package and makes one PKCE pair.
const probe = `const t0=performance.now();const m=await import(${JSON.stringify(new URL('../web/src/index.js', import.meta.url).href)});` +
  `await m.pkce();console.log(performance.now()-t0)`;
const inProcess = [];
const wall = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
  wall.push(performance.now() - t0);
  inProcess.push(Number(out.trim()));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const core = await loadCore();
function rate(fn, ms = 300) {
  for (let i = 0; i < 200; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) { fn(); n++; }
  return Math.round(n / ((performance.now() - t0) / 1000));
}
const params = [['response_type', 'code'], ['client_id', 'ssokit-portal'], ['redirect_uri', 'http://127.0.0.1:5173/callback'],
  ['scope', 'openid profile email'], ['state', 'Ym9vdHN0cmFwLXN0YXRlLXZhbHVlLTAxMjM0NTY3ODk'],
  ['nonce', 'bm9uY2UtdmFsdWUtMDEyMzQ1Njc4OWFiY2RlZmdoaWo'], ['code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'],
  ['code_challenge_method', 'S256']];
const hex32 = '5a'.repeat(32);
const ops = {
  'pkce generate': () => core.call('pkce', {}),
  'base64url encode 32 B': () => core.call('base64url.encode', { hex: hex32 }),
  'authorization URL build': () => core.call('url.add_query', { url: 'https://id.example.com/oauth2/authorize', params }),
};
const rates = {};
for (const [name, fn] of Object.entries(ops)) rates[name] = rate(fn);

console.log(JSON.stringify({
  node: process.version,
  payload: sizes,
  payload_total_gzip9: Object.values(sizes).reduce((a, s) => a + s.gzip9, 0),
  cold_start_ms: { median_process_wall: +median(wall).toFixed(1), median_import_to_first_pkce: +median(inProcess).toFixed(2), runs: 5 },
  ops_per_second_including_js_boundary: rates,
}, null, 2));
