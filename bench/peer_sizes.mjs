// Browser payload of a portal page's sign-in SDK, ssokit beside its peers, bundled the same way
// in the same run: esbuild (ESM, minified, browser), gzip -9. For ssokit the .wasm (loaded beside
// the bundle) is added. Run: node bench/peer_sizes.mjs   (after scripts/bootstrap.sh)
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

async function bundle(contents) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',
    external: ['node:fs/promises'],  // ssokit's Node-only loader branch, never fetched by a browser
  });
  return result.outputFiles[0].contents;
}

const version = (name) => JSON.parse(readFileSync(`${root}/node_modules/${name}/package.json`, 'utf8')).version;
const peers = {
  'oidc-client-ts': "export { UserManager } from 'oidc-client-ts';",
  '@auth0/auth0-spa-js': "export { createAuth0Client } from '@auth0/auth0-spa-js';",
  '@azure/msal-browser': "export { PublicClientApplication } from '@azure/msal-browser';",
};
const rows = [];
for (const [name, entry] of Object.entries(peers)) {
  const js = await bundle(entry);
  rows.push({ sdk: `${name} ${version(name)}`, js_gzip9: gz(js), wasm_gzip9: 0, total_gzip9: gz(js) });
}
const js = await bundle("export { createSsoClient } from './web/src/index.js';");
const wasm = readFileSync(`${root}/web/dist/ssokit-core.wasm`);
rows.unshift({ sdk: 'ssokit (JS incl. emscripten glue + .wasm)', js_gzip9: gz(js), wasm_gzip9: gz(wasm), total_gzip9: gz(js) + gz(wasm) });
console.log(JSON.stringify({ bundler: `esbuild ${version('esbuild')}`, raw_js_ssokit: js.length, raw_wasm: wasm.length, rows }, null, 2));
