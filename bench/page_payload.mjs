#!/usr/bin/env node
// Page payload: the same minimal portal page (configuration, callback handling, sign in, access
// token, profile, sign out) written for each SDK and built with Vite and with esbuild in one run;
// every emitted .js and .wasm asset, gzip -9, summed. For ssokit the page imports the package
// `ssokit` (web/, through its package.json exports and the `browser` condition) like an app.
// esbuild does not emit the assets of `new URL(..., import.meta.url)`: the .wasm the bundle loads
// is added from web/dist (the same file Vite emits). The ssokit/fallback row's Vite build emits
// both .wasm files (index.js names the page build's too) and counts both; a page fetches one.
// Vite also emits ssokit-platforms.wasm (web/src/platform-core.js is reachable through index.js's
// platform namespaces) though a page without platform modules never names it: `vite_wasm` counts
// every emitted .wasm, `vite_wasm_fetched` only those the emitted JavaScript names.
//
//   node bench/page_payload.mjs        (after the wasm build; prints JSON and a Markdown table)
import { mkdir, rm, writeFile, readdir, readFile, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = `${ROOT}build/bench-page`;
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const version = async (name) => JSON.parse(await readFile(`${ROOT}node_modules/${name}/package.json`, 'utf8')).version;

const config = "const config = { issuer: 'https://login.example.com', clientId: 'portal', redirectUri: location.origin + '/callback' };";
const ui = `const show = (text) => { document.querySelector('#out').textContent = text; };
document.querySelector('#signout').addEventListener('click', () => signOut());`;

// One page per SDK, each doing the same six things.
const pages = {
  ssokit: `import { createSsoClient } from 'ssokit';
${config}
const sso = await createSsoClient({ ...config, scope: 'openid profile email' });
const signOut = async () => { const { url } = await sso.logout(); if (url) location.assign(url); };
${ui}
if (location.pathname === '/callback') await sso.handleRedirectCallback();
if (!(await sso.isAuthenticated())) { const { url } = await sso.login(); location.assign(url); }
else { const token = await sso.getAccessToken(); const profile = await sso.getProfile(); show(profile.name + ' ' + token.length); }`,
  // The opt-in build for browsers without WebCrypto (mbedTLS inside the wasm): its own row.
  'ssokit/fallback': null,
  'oidc-client-ts': `import { UserManager } from 'oidc-client-ts';
${config}
const um = new UserManager({ authority: config.issuer, client_id: config.clientId, redirect_uri: config.redirectUri, scope: 'openid profile email' });
const signOut = () => um.signoutRedirect();
${ui}
if (location.pathname === '/callback') await um.signinRedirectCallback();
const user = await um.getUser();
if (!user) await um.signinRedirect();
else show(user.profile.name + ' ' + user.access_token.length);`,
  '@auth0/auth0-spa-js': `import { createAuth0Client } from '@auth0/auth0-spa-js';
${config}
const auth0 = await createAuth0Client({ domain: 'login.example.com', clientId: config.clientId, authorizationParams: { redirect_uri: config.redirectUri } });
const signOut = () => auth0.logout();
${ui}
if (location.pathname === '/callback') await auth0.handleRedirectCallback();
if (!(await auth0.isAuthenticated())) await auth0.loginWithRedirect();
else { const token = await auth0.getTokenSilently(); const profile = await auth0.getUser(); show(profile.name + ' ' + token.length); }`,
  '@azure/msal-browser': `import { PublicClientApplication } from '@azure/msal-browser';
${config}
const msal = new PublicClientApplication({ auth: { clientId: config.clientId, authority: config.issuer, redirectUri: config.redirectUri } });
await msal.initialize();
const signOut = () => msal.logoutRedirect();
${ui}
await msal.handleRedirectPromise();
const account = msal.getAllAccounts()[0];
if (!account) await msal.loginRedirect({ scopes: ['openid', 'profile', 'email'] });
else { const { accessToken } = await msal.acquireTokenSilent({ account, scopes: ['openid'] }); show(account.idTokenClaims.name + ' ' + accessToken.length); }`,
};

const html = '<!doctype html><html><body><pre id="out"></pre><button id="signout">Sign out</button><script type="module" src="./main.js"></script></body></html>';

async function assetsOf(dir) {
  const out = { js: 0, wasm: 0, wasm_fetched: 0, files: [] };
  const wasm = [];
  let text = '';
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(js|mjs|wasm)$/.test(entry.name)) continue;
    const bytes = await readFile(`${entry.parentPath ?? entry.path}/${entry.name}`);
    out[entry.name.endsWith('.wasm') ? 'wasm' : 'js'] += gz(bytes);
    if (entry.name.endsWith('.wasm')) wasm.push([entry.name, gz(bytes)]);
    else text += bytes.toString('utf8');
    out.files.push(entry.name);
  }
  for (const [name, size] of wasm) if (text.includes(name)) out.wasm_fetched += size;
  return out;
}

async function buildWithVite(dir) {
  await viteBuild({
    root: dir, logLevel: 'silent', configFile: false,
    build: { outDir: `${dir}/dist-vite`, emptyOutDir: true, target: 'es2022', modulePreload: false },
  });
  return assetsOf(`${dir}/dist-vite`);
}

async function buildWithEsbuild(dir, sdk) {
  await esbuild({
    entryPoints: [`${dir}/main.js`], bundle: true, minify: true, format: 'esm', platform: 'browser',
    target: 'es2022', outdir: `${dir}/dist-esbuild`, logLevel: 'silent', absWorkingDir: dir,
  });
  const sizes = await assetsOf(`${dir}/dist-esbuild`);
  if (sdk === 'ssokit') sizes.wasm += gz(await readFile(`${ROOT}web/dist/ssokit-core.wasm`));
  if (sdk === 'ssokit/fallback') sizes.wasm += gz(await readFile(`${ROOT}web/dist/ssokit-fallback.wasm`));
  return sizes;
}

await rm(OUT, { recursive: true, force: true });
await mkdir(`${OUT}/node_modules`, { recursive: true });
// The package as an app installs it: node_modules/ssokit is web/ (its package.json decides).
await symlink(`${ROOT}web`, `${OUT}/node_modules/ssokit`);
pages['ssokit/fallback'] = pages.ssokit.replace("from 'ssokit'", "from 'ssokit/fallback'");
const rows = [];
for (const [sdk, source] of Object.entries(pages)) {
  const dir = `${OUT}/${sdk.replace(/[@/]/g, '_')}`;
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/main.js`, source);
  await writeFile(`${dir}/index.html`, html);
  const vite = await buildWithVite(dir);
  const es = await buildWithEsbuild(dir, sdk);
  const name = sdk.startsWith('ssokit') ? `${sdk} ${await version('../web')}` : `${sdk} ${await version(sdk)}`;
  rows.push({ sdk: name, vite_js: vite.js, vite_wasm: vite.wasm, vite_total: vite.js + vite.wasm, vite_wasm_fetched: vite.wasm_fetched,
    esbuild_js: es.js, esbuild_wasm: es.wasm, esbuild_total: es.js + es.wasm, vite_files: vite.files });
}
const bundlers = { vite: await version('vite'), esbuild: await version('esbuild') };
const leaks = rows[0].vite_files.filter((f) => /ssokit-server|^node-host/.test(f));  // must stay empty
console.log(JSON.stringify({ bundlers, rows, ssokit_server_files_in_page: leaks }, null, 2));
const n = (x) => x.toLocaleString('en-US');
console.log(`\n| SDK (minimal page) | Vite ${bundlers.vite}: JS + wasm = total (wasm the page names) | esbuild ${bundlers.esbuild}: JS + wasm = total |\n|---|---:|---:|`);
for (const r of rows) {
  const fetched = r.vite_wasm_fetched !== r.vite_wasm ? ` (${n(r.vite_js + r.vite_wasm_fetched)})` : '';
  console.log(`| ${r.sdk} | ${n(r.vite_js)} + ${n(r.vite_wasm)} = **${n(r.vite_total)}**${fetched} | ${n(r.esbuild_js)} + ${n(r.esbuild_wasm)} = **${n(r.esbuild_total)}** |`);
}
