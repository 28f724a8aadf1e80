// The browser payload of a portal page: what a page bundling `createSsoClient` ships (esbuild,
// minified ESM, gzip -9) plus the browser WebAssembly (web/dist/ssokit-core.wasm, gzip -9).
// Shared by bench/peer_sizes.mjs, bench/size_breakdown.mjs and the CI size check
// (tests/wasm/size-budget.test.mjs); the budget is in bench/size-budget.json.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const gzip9 = (bytes) => gzipSync(bytes, { level: 9 }).length;
export const budget = JSON.parse(readFileSync(new URL('./size-budget.json', import.meta.url), 'utf8'));

export async function bundle(contents, { metafile = false } = {}) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent', metafile,
    external: ['node:fs/promises'],  // ssokit's Node-only loader branch, never fetched by a browser
  });
  return metafile ? result : result.outputFiles[0].contents;
}

export async function measureBrowserPayload() {
  const js = await bundle("export { createSsoClient } from './web/src/index.js';");
  const wasm = readFileSync(`${root}web/dist/ssokit-core.wasm`);
  return { js_raw: js.length, js_gzip9: gzip9(js), wasm_raw: wasm.length, wasm_gzip9: gzip9(wasm), total_gzip9: gzip9(js) + gzip9(wasm) };
}
