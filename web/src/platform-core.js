// The core the video platform modules (twentythree.js, streamone.js, muvi.js, org.js) and
// runSteps use: in a browser ssokit-platforms.wasm, the page build plus the platforms'
// browser-safe calls, so a page that only uses createSsoClient never fetches them (ssokit-core.wasm
// has none). Under Node the shared core is the server build, which has every platform call.
import { loadCoreWithPlatforms } from './core.js';

const build = { wasmUrl: new URL('../dist/ssokit-platforms.wasm', import.meta.url) };

/** @returns {Promise<{call: (method: string, params?: object) => any}>} */
export const loadPlatformCore = () => loadCoreWithPlatforms(build);
