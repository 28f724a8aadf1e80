// The README page (samples/readme-page) built against the packed npm package by Vite, webpack
// and esbuild, each bundle checked for what a page must not carry (node:* imports, the server
// build) and then signed in through the real provider in Debian's Chromium, and reloaded.
//
//   node --test tests/e2e/bundlers.test.mjs
//
// One browser for the file; the provider and the three static servers listen on 127.0.0.1 and are
// stopped at the end; the package is installed from its tarball with npm --offline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { driveProvider, launchChromium, newLoopbackContext, serveStatic } from './browser.mjs';
import { startProvider } from '../idp/provider.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const STEP = 15_000;
const BUNDLERS = ['vite', 'webpack', 'esbuild'];

async function sh(cmd, args, cwd, env = {}) {
  try {
    return await run(cmd, args, { cwd, timeout: 120_000, maxBuffer: 16 << 20, env: { ...process.env, npm_config_update_notifier: 'false', ...env } });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath ?? entry.path, entry.name));
  }
  return out;
}

let browser;
let tmp;
const builds = {};  // bundler -> output folder

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'ssokit-bundlers-'));
  // The package as an app gets it: packed (its prepack copies LICENSE and docs) and installed.
  const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', tmp], join(ROOT, 'web'));
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  const app = join(tmp, 'app');
  await cp(join(ROOT, 'samples', 'readme-page'), app, { recursive: true });
  await writeFile(join(app, 'package.json'), JSON.stringify({
    name: 'readme-page', private: true, type: 'module', dependencies: { ssokit: `file:${join(tmp, packed.filename)}` },
  }));
  await sh('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock'], app);

  builds.vite = join(tmp, 'out-vite');
  await sh(bin('vite'), ['build', app, '--outDir', builds.vite, '--logLevel', 'warn'], app);
  builds.webpack = join(tmp, 'out-webpack');
  await sh(bin('webpack'), ['--config', join(app, 'webpack.config.mjs')], app, { SSOKIT_OUT: builds.webpack });
  await cp(join(app, 'index.html'), join(builds.webpack, 'index.html'));
  builds.esbuild = join(tmp, 'out-esbuild');
  await mkdir(builds.esbuild);
  await sh(bin('esbuild'), [join(app, 'main-esbuild.js'), '--bundle', '--format=esm', '--minify', '--loader:.wasm=file',
    `--outfile=${join(builds.esbuild, 'main.js')}`], app);
  await cp(join(app, 'index.html'), join(builds.esbuild, 'index.html'));

  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

// Vite emits the asset of every `new URL('x.wasm', import.meta.url)` it reaches, used or not: the
// platforms build (web/src/platform-core.js, reachable through index.js's platform namespaces) is
// emitted beside the page build, but a page without the platform modules never names or fetches it.
test('the page bundles hold no node:* import and no server build, and load one .wasm each', async () => {
  const platformsWasm = await readFile(join(ROOT, 'web', 'dist', 'ssokit-platforms.wasm'));
  for (const bundler of BUNDLERS) {
    const files = await filesUnder(builds[bundler]);
    const js = (await Promise.all(files.filter((f) => f.endsWith('.js')).map((f) => readFile(f, 'utf8')))).join('\n');
    const wasm = [];
    for (const f of files.filter((name) => name.endsWith('.wasm'))) {
      if (!(await readFile(f)).equals(platformsWasm)) wasm.push(f);
      else assert.ok(!js.includes(basename(f)), `${bundler}: the page's JavaScript names the platforms build ${basename(f)}`);
    }
    assert.equal(wasm.length, 1, `${bundler}: one .wasm expected, got ${files.join(', ')}`);
    assert.ok((await readFile(wasm[0])).equals(await readFile(join(ROOT, 'web', 'dist', 'ssokit-core.wasm'))), `${bundler}: the page build`);
    assert.ok(js.length > 0, `${bundler}: JavaScript emitted`);
    assert.doesNotMatch(js, /["'`]node:[a-z]/, `${bundler}: a node:* import reached the page bundle`);
    assert.ok(!js.includes('ssokit-server'), `${bundler}: the server build's file name reached the page bundle`);
    assert.doesNotMatch(js, /(?<!no-)node-host/, `${bundler}: the Node loader reached the page bundle`);
  }
});

test('each bundle signs in through the provider in Chromium and keeps the session on reload', { timeout: 180_000 }, async (t) => {
  // One config for the three pages, filled in once the provider (which needs their redirect URIs) runs.
  const config = {};
  const servers = {};
  for (const bundler of BUNDLERS) servers[bundler] = await serveStatic(builds[bundler], config);
  t.after(() => Promise.all(Object.values(servers).map((s) => s.stop())));
  const idp = await startProvider({ webRedirectUris: BUNDLERS.map((b) => `${servers[b].url}/callback`) });
  t.after(() => idp.stop());
  Object.assign(config, { issuer: idp.issuer, clientId: idp.clients.web.client_id });
  for (const bundler of BUNDLERS) {
    const server = servers[bundler];
    const { context } = await newLoopbackContext(browser, t, { step: STEP });
    const page = await context.newPage();
    await page.goto(`${server.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#status[data-state="signed-out"]');
    await page.click('#login', { noWaitAfter: true });
    await driveProvider(page, { issuer: idp.issuer, isBack: (u) => u.origin === server.url, step: STEP });
    await page.waitForSelector('#status[data-state="signed-in"]');
    assert.equal(await page.textContent('#status'), 'Signed in as Vera', bundler);
    assert.equal(await page.getAttribute('#status', 'data-token'), 'true', `${bundler}: an access token`);
    assert.equal(new URL(page.url()).search, '', `${bundler}: the code is gone from the address bar`);
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#status[data-state="signed-in"]');
    await page.click('#logout');
    await page.waitForSelector('#status[data-state="signed-out"]');
    assert.equal(await page.isHidden('#error'), true, `${bundler}: no error shown`);
  }
});
