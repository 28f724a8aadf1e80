// Node only (package.json "imports": "#node-host" under the "node" condition; browsers and page
// bundlers get no-node-host.js instead, so no node:* import and no server file reaches a page).
// Node is handed the .wasm bytes (fetch cannot read a file path there): by default the server
// build, the same core plus the video platforms' secret-holding calls; the page build on request.
import { webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';

const files = {
  server: '../dist/ssokit-server.wasm',
  browser: '../dist/ssokit-core.wasm',
  fallback: '../dist/ssokit-fallback.wasm',
  platforms: '../dist/ssokit-platforms.wasm',
  // Tests only: in a build tree's web/dist, never in the npm package.
  'page-tools': '../dist/ssokit-page-tools.wasm',
};

/** The wasm bytes of one build: 'server', 'browser', 'fallback', 'platforms' or 'page-tools'. */
export function nodeBuild(variant) {
  return readFile(new URL(files[variant], import.meta.url));
}

// The server and fallback builds' own random bytes (getentropy), also where Node 18 has no global crypto.
export const getRandomValues = (bytes) => webcrypto.getRandomValues(bytes);

// The transport's default exchange in Node (node:http instead of fetch: node-http.js says why).
export { nodeExchange, stockNetwork } from './node-http.js';

// The sign effect's keys (private_key_jwt): Node only, like the server build.
export { createSigner } from './sign.js';
