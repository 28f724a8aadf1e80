// Node only (package.json "imports": "#node-host" under the "node" condition; browsers and page
// bundlers get no-node-host.js instead, so no node:* import and no server file reaches a page).
// Node is handed the .wasm bytes (the glue cannot fetch a file path there): by default the server
// build, the same core plus the video platforms' secret-holding calls; the page build on request.
import { readFile } from 'node:fs/promises';

const files = {
  server: { glue: '../dist/ssokit-server.js', wasm: '../dist/ssokit-server.wasm' },
  browser: { glue: '../dist/ssokit-core.js', wasm: '../dist/ssokit-core.wasm' },
  fallback: { glue: '../dist/ssokit-fallback.js', wasm: '../dist/ssokit-fallback.wasm' },
  platforms: { glue: '../dist/ssokit-platforms.js', wasm: '../dist/ssokit-platforms.wasm' },
  // Tests only: in a build tree's web/dist, never in the npm package.
  'page-tools': { glue: '../dist/ssokit-page-tools.js', wasm: '../dist/ssokit-page-tools.wasm' },
};

/** The emscripten factory and the wasm bytes of one build: 'server', 'browser', 'fallback', 'platforms' or 'page-tools'. */
export async function nodeBuild(variant) {
  const f = files[variant];
  const factory = (await import(new URL(f.glue, import.meta.url).href)).default;
  const wasmBinary = await readFile(new URL(f.wasm, import.meta.url));
  return { factory, wasmBinary };
}

// The sign effect's keys (private_key_jwt): Node only, like the server build.
export { createSigner } from './sign.js';
