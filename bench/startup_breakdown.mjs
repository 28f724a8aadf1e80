#!/usr/bin/env node
// Where the minimal ssokit page's time to the provider redirect goes (bench/portal_startup.mjs
// measures the whole; this splits it). The page of portal_startup's "ssokit-bundled" row (esbuild
// bundle, wasm preloaded, warmUp), with performance.now() marks it prints to the console (and
// the SDK's own User Timing measures, web/src/timing.js, splitting createSsoClient):
// script start (navigation, HTML, bundle), config fetched, createSsoClient resolved (the core
// loaded and the client checked), getSession, login's URL (discovery answer + authorize.build),
// and the authorization request as Chromium sends it. Medians of --runs (default 10), fresh
// context per run.
//
//   node bench/startup_breakdown.mjs [--runs 10]
import { mkdir, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../tests/e2e/browser.mjs';
import { startPortal } from '../samples/portal/server.mjs';
import { startProvider } from '../tests/idp/provider.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = `${ROOT}build/bench-breakdown`;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 100) {
  process.stderr.write('startup_breakdown.mjs: --runs needs a whole number from 1 to 100\n');
  process.exit(2);
}

await mkdir(OUT, { recursive: true });
await writeFile(`${OUT}/entry.mjs`, `import { createSsoClient } from '../../web/src/index.js';
const mark = (name) => console.log('mark ' + name + ' ' + performance.now());
mark('script');
const config = await (await fetch('/config.json', { cache: 'no-store' })).json();
mark('config');
const sso = await createSsoClient({ issuer: config.issuer, clientId: config.clientId,
  redirectUri: config.redirectUri, scope: config.scope, storage: 'local', transactionStorage: 'session', warmUp: true,
  wasmUrl: '/ssokit/dist/ssokit-core.wasm' });
mark('client');
for (const m of performance.getEntriesByType('measure')) console.log('measure ' + m.name + ' ' + m.duration);
const session = await sso.getSession();
mark('session');
if (!session) {
  const { url } = await sso.login({ returnTo: '/', redirect: false });
  mark('url');
  location.assign(url);
}
`);
await promisify(execFile)(`${ROOT}node_modules/.bin/esbuild`, [`${OUT}/entry.mjs`, '--bundle', '--minify', '--format=esm',
  '--target=es2022', '--platform=browser', `--outfile=${OUT}/page.bundle.mjs`], { cwd: ROOT, timeout: 60_000 });
await writeFile(`${OUT}/page.html`, `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<link rel="preload" href="/ssokit/dist/ssokit-core.wasm" as="fetch" type="application/wasm" crossorigin>
<script type="module" src="/bench/page.bundle.mjs"></script></head><body><p>Signing in…</p></body></html>\n`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const phases = { 'navigation to script start': ['start', 'script'], 'config.json': ['script', 'config'],
  'createSsoClient (core load, client.check)': ['config', 'client'], getSession: ['client', 'session'],
  'login to its URL (discovery answer, authorize.build)': ['session', 'url'], 'URL to the authorization request': ['url', 'auth'] };
// Inside createSsoClient, from the SDK's User Timing measures.
const sdkMeasures = { 'of which the core load (wasm fetch, compile, instantiate)': 'ssokit:core-load',
  'of which createSsoClient as a whole': 'ssokit:create' };

const portal = await startPortal({ port: 0, mounts: { '/bench/': OUT } });
let idp;
let browser;
try {
  idp = await startProvider({ webRedirectUris: [portal.redirectUri], webPostLogoutRedirectUris: [portal.postLogoutRedirectUri] });
  portal.configure({ issuer: idp.issuer, clientId: idp.clients.web.client_id });
  browser = await launchChromium();
  const samples = Object.fromEntries([...Object.keys(phases), ...Object.keys(sdkMeasures)].map((k) => [k, []]));
  const totals = [];
  for (let i = 0; i <= RUNS; i++) {  // run 0 warms the browser process and is not counted
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const marks = {};
      const measures = {};  // the SDK's own User Timing measures (web/src/timing.js)
      page.on('console', (m) => {
        const [word, name, at] = m.text().split(' ');
        if (word === 'mark') marks[name] = Number(at);
        if (word === 'measure') measures[name] = Number(at);
      });
      let reached;
      const authorized = new Promise((resolve) => { reached = resolve; });
      await context.route((u) => u.href.startsWith(`${idp.issuer}/auth?`), (route) => {
        reached();
        return route.fulfill({ status: 200, contentType: 'text/plain', body: 'authorization endpoint reached' });
      });
      await context.route((u) => !/^https?:\/\/127\.0\.0\.1[:/]/.test(u.href) && !u.href.startsWith('data:'), (route) => route.abort('namenotresolved'));
      const t0 = performance.now();
      await page.goto(`${portal.url}/bench/page.html`, { waitUntil: 'commit', timeout: 20_000 });
      const commitAt = await page.evaluate(() => performance.timeOrigin);  // the page's clock origin, epoch ms
      let timer;
      await Promise.race([authorized, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('no redirect within 20 s')), 20_000); })])
        .finally(() => clearTimeout(timer));
      const total = performance.now() - t0;
      // Page marks are relative to its navigation start; the authorization request is this process's.
      marks.start = 0;
      marks.auth = total - (commitAt - (performance.timeOrigin + t0));
      if (i === 0) continue;
      totals.push(total);
      for (const [name, [from, to]] of Object.entries(phases)) samples[name].push(marks[to] - marks[from]);
      for (const [name, measureName] of Object.entries(sdkMeasures)) samples[name].push(measures[measureName]);
    } finally {
      await context.close();
    }
  }
  const round = (x) => Math.round(x * 10) / 10;
  process.stdout.write(`${JSON.stringify({
    benchmark: 'minimal ssokit page (esbuild bundle, wasm preloaded, warmUp): phases to the authorization request',
    runs: RUNS, browser: `chromium ${browser.version()} headless`, load_average: (await import('node:os')).loadavg().map(round),
    total_median_ms: round(median(totals)),
    phase_median_ms: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, round(median(v))])),
  }, null, 2)}\n`);
} finally {
  await browser?.close();
  await idp?.stop();
  await portal.stop();
}
