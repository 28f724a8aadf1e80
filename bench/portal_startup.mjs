#!/usr/bin/env node
// Start-up benchmark: how long from opening the StreamHub portal until the browser is sent to
// the provider's authorization endpoint, when the page starts the sign-in at once (?autologin=1).
// That is what a visitor waits before the login page can start to load: module and WebAssembly
// loading, discovery, building the PKCE authorization request, the redirect.
//
//   node bench/portal_startup.mjs [--runs 10]
//
// Each run is a fresh browser context (empty cache and storage: a first visit). Timing is taken
// in this process: from page.goto() to the moment Chromium asks for the authorization endpoint
// (intercepted, so the provider's login page itself is not part of the number). The same is done
// with oidc-client-ts on the same server when it is installed (root devDependencies; bundled with
// esbuild when present, else its prebuilt browser file). Prints JSON.
import { mkdir, writeFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CHROMIUM, launchChromium } from '../tests/e2e/browser.mjs';
import { startPortal } from '../samples/portal/server.mjs';
import { startProvider } from '../tests/idp/provider.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = `${ROOT}build/bench-portal`;
const STEP_TIMEOUT = 20_000;

const argv = process.argv.slice(2);
const runsArg = argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(argv[runsArg + 1]) : 10;
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 100) {
  process.stderr.write('portal_startup.mjs: --runs needs a whole number from 1 to 100\n');
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x) => Math.round(x * 10) / 10;

/**
 * A page as small as the oidc-client-ts one, with ssokit: the portal's own work (rendering the
 * library) is then not part of the difference. Unbundled, like the portal, with preload hints.
 */
async function prepareSsokitMinimal() {
  await mkdir(OUT, { recursive: true });
  const { readdir } = await import('node:fs/promises');
  const modules = (await readdir(`${ROOT}web/src`)).filter((f) => f.endsWith('.js')).sort();
  const hints = [
    '<link rel="preload" href="/config.json" as="fetch" crossorigin>',
    ...modules.map((f) => `<link rel="modulepreload" href="/ssokit/src/${f}">`),
    '<link rel="preload" href="/ssokit/dist/ssokit-core.wasm" as="fetch" type="application/wasm" crossorigin>',
  ].join('\n');
  await writeFile(`${OUT}/ssokit-minimal.mjs`, `import { createSsoClient } from '/ssokit/src/index.js';
const config = await (await fetch('/config.json')).json();
const sso = await createSsoClient({ issuer: config.issuer, clientId: config.clientId,
  redirectUri: config.redirectUri, scope: config.scope, storage: 'local', transactionStorage: 'session', warmUp: true });
if (!(await sso.getSession())) await sso.login({ returnTo: '/' });
`);
  await writeFile(`${OUT}/ssokit-minimal.html`, `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>StreamHub (ssokit, minimal)</title><link rel="icon" href="data:,">
${hints}
<script type="module" src="/bench/ssokit-minimal.mjs"></script></head>
<body><p>Signing in…</p></body></html>\n`);
}

/**
 * The same minimal page bundled by esbuild (minified ESM) like the oidc-client-ts page, with a
 * preload hint for the wasm (the bundle names its URL, as an app's bundler would emit it).
 */
async function prepareSsokitBundled() {
  const esbuild = `${ROOT}node_modules/.bin/esbuild`;
  if (!existsSync(esbuild)) return false;
  const entry = `${OUT}/ssokit-bundled-entry.mjs`;
  await writeFile(entry, `import { createSsoClient } from '../../web/src/index.js';
const config = await (await fetch('/config.json', { cache: 'no-store' })).json();
const sso = await createSsoClient({ issuer: config.issuer, clientId: config.clientId,
  redirectUri: config.redirectUri, scope: config.scope, storage: 'local', transactionStorage: 'session', warmUp: true,
  wasmUrl: '/ssokit/dist/ssokit-core.wasm' });
if (!(await sso.getSession())) await sso.login({ returnTo: '/' });
`);
  await promisify(execFile)(esbuild, [entry, '--bundle', '--minify', '--format=esm', '--target=es2022', '--platform=browser',
    `--outfile=${OUT}/ssokit-bundled.bundle.mjs`], { cwd: ROOT, timeout: 60_000 });
  await writeFile(`${OUT}/ssokit-bundled.html`, `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>StreamHub (ssokit, bundled)</title><link rel="icon" href="data:,">
<link rel="preload" href="/ssokit/dist/ssokit-core.wasm" as="fetch" type="application/wasm" crossorigin>
<script type="module" src="/bench/ssokit-bundled.bundle.mjs"></script></head>
<body><p>Signing in…</p></body></html>\n`);
  return true;
}

/** Prepares the oidc-client-ts comparison page in build/bench-portal/, or null if not installed. */
async function prepareOidcClientTs() {
  const pkgDir = `${ROOT}node_modules/oidc-client-ts`;
  if (!existsSync(`${pkgDir}/package.json`)) return null;
  await mkdir(OUT, { recursive: true });
  const esbuild = `${ROOT}node_modules/.bin/esbuild`;
  let script;
  let how;
  const entry = `${OUT}/oidc-entry.mjs`;
  // The page's logic, the same steps as the portal's autologin: config, client, session check, redirect.
  await writeFile(entry, `import { UserManager } from 'oidc-client-ts';
const config = await (await fetch('/config.json', { cache: 'no-store' })).json();
const manager = new UserManager({
  authority: config.issuer, client_id: config.clientId, redirect_uri: config.redirectUri,
  response_type: 'code', scope: config.scope,
});
const user = await manager.getUser();
if (!user) await manager.signinRedirect();
`);
  if (existsSync(esbuild)) {
    try {
      await promisify(execFile)(esbuild, [entry, '--bundle', '--minify', '--format=esm', '--target=es2022',
        `--outfile=${OUT}/oidc-client-ts.bundle.mjs`], { cwd: ROOT, timeout: 60_000 });
      script = '<script type="module" src="/bench/oidc-client-ts.bundle.mjs"></script>';
      how = 'esbuild bundle (minified ESM)';
    } catch (e) {
      process.stderr.write(`esbuild failed (${e.message.split('\n')[0]}); using the prebuilt browser file\n`);
    }
  }
  if (!script) {
    // The package's own prebuilt browser file (an IIFE defining `oidc`), plus the same logic.
    const { copyFile } = await import('node:fs/promises');
    await copyFile(`${pkgDir}/dist/browser/oidc-client-ts.min.js`, `${OUT}/oidc-client-ts.min.js`);
    await writeFile(`${OUT}/oidc-page.js`, `(async () => {
  const config = await (await fetch('/config.json', { cache: 'no-store' })).json();
  const manager = new oidc.UserManager({ authority: config.issuer, client_id: config.clientId,
    redirect_uri: config.redirectUri, response_type: 'code', scope: config.scope });
  if (!(await manager.getUser())) await manager.signinRedirect();
})();\n`);
    script = '<script src="/bench/oidc-client-ts.min.js"></script><script src="/bench/oidc-page.js"></script>';
    how = 'prebuilt dist/browser/oidc-client-ts.min.js';
  }
  await writeFile(`${OUT}/oidc-client-ts.html`, `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>StreamHub (oidc-client-ts)</title><link rel="icon" href="data:,">${script}</head>
<body><p>Signing in…</p></body></html>\n`);
  const { version } = JSON.parse(await (await import('node:fs/promises')).readFile(`${pkgDir}/package.json`, 'utf8'));
  return { version, how };
}

async function measure(browser, url, authEndpoint) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    let resolveAuth;
    const reached = new Promise((r) => { resolveAuth = r; });
    await context.route((u) => u.href.startsWith(`${authEndpoint}?`), (route) => {
      resolveAuth(performance.now());
      return route.fulfill({ status: 200, contentType: 'text/plain', body: 'authorization endpoint reached' });
    });
    await context.route((u) => !/^https?:\/\/127\.0\.0\.1[:/]/.test(u.href) && !u.href.startsWith('data:'),
      (route) => route.abort('namenotresolved'));
    const t0 = performance.now();
    await page.goto(url, { waitUntil: 'commit', timeout: STEP_TIMEOUT });
    let timer;
    const t1 = await Promise.race([
      reached,
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no redirect to the provider within ${STEP_TIMEOUT} ms from ${url}`)), STEP_TIMEOUT); }),
    ]).finally(() => clearTimeout(timer));
    return t1 - t0;
  } finally {
    await context.close();
  }
}

function summary(samples) {
  return {
    median_ms: round(median(samples)),
    min_ms: round(Math.min(...samples)),
    max_ms: round(Math.max(...samples)),
    samples_ms: samples.map(round),
  };
}

/** Runs the pages alternately (A, B, A, B, ...) so a busy machine weighs on both alike. */
async function interleaved(browser, pages, authEndpoint) {
  for (const url of Object.values(pages)) await measure(browser, url, authEndpoint);  // warm-up: the browser process
  const samples = Object.fromEntries(Object.keys(pages).map((k) => [k, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, url] of Object.entries(pages)) samples[name].push(await measure(browser, url, authEndpoint));
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summary(v)]));
}

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  await prepareSsokitMinimal();
  const bundled = await prepareSsokitBundled();
  const oidcClientTs = await prepareOidcClientTs();
  const portal = await startPortal({ port: 0, mounts: { '/bench/': OUT } });
  let idp;
  let browser;
  try {
    idp = await startProvider({ webRedirectUris: [portal.redirectUri], webPostLogoutRedirectUris: [portal.postLogoutRedirectUri] });
    portal.configure({ issuer: idp.issuer, clientId: idp.clients.web.client_id });
    const metadata = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json();
    browser = await launchChromium();
    const wasm = await stat(`${ROOT}web/dist/ssokit-core.wasm`);
    const pages = { ssokit: `${portal.url}/?autologin=1`, 'ssokit-minimal': `${portal.url}/bench/ssokit-minimal.html` };
    if (bundled) pages['ssokit-bundled'] = `${portal.url}/bench/ssokit-bundled.html`;
    if (oidcClientTs) pages['oidc-client-ts'] = `${portal.url}/bench/oidc-client-ts.html`;
    const timings = await interleaved(browser, pages, metadata.authorization_endpoint);
    const result = {
      benchmark: 'portal start-up: navigation start to the authorization-endpoint request (?autologin=1)',
      runs: RUNS,
      browser: `chromium ${browser.version()} headless`,
      cache: 'cold (fresh context per run); runs alternate between the pages',
      load_average: (await import('node:os')).loadavg().map((x) => round(x)),
      ssokit: {
        how: 'samples/portal as served (unbundled ES modules from web/src + web/dist with modulepreload hints, wasm streamed)',
        wasm_bytes: wasm.size,
        ...timings.ssokit,
      },
      'ssokit-minimal': {
        how: 'a page as small as the oidc-client-ts one (config, client, session check, login), same package files',
        ...timings['ssokit-minimal'],
      },
      'ssokit-bundled': bundled
        ? { how: 'the minimal page bundled by esbuild (minified ESM) like the oidc-client-ts page, wasm preloaded and streamed', ...timings['ssokit-bundled'] }
        : { skipped: 'esbuild not installed' },
      'oidc-client-ts': oidcClientTs
        ? { version: oidcClientTs.version, how: oidcClientTs.how, ...timings['oidc-client-ts'] }
        : { skipped: 'not installed (npm install -D oidc-client-ts)' },
    };
    if (oidcClientTs) {
      const base = timings['oidc-client-ts'].median_ms;
      result.ratio_of_medians_to_oidc_client_ts = Object.fromEntries(
        Object.keys(pages).filter((k) => k !== 'oidc-client-ts').map((k) => [k, Math.round((timings[k].median_ms / base) * 100) / 100]));
    }
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await browser?.close();
    await idp?.stop();
    await portal.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`portal_startup.mjs: ${e.stack ?? e}\n`);
  process.exit(1);
});
