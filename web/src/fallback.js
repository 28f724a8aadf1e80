// ssokit/fallback: for browsers without WebCrypto (some older smart-TV browsers). The same API as
// 'ssokit', over the build that keeps mbedTLS inside the WebAssembly (ssokit-fallback.wasm):
// signatures verified by mbedTLS (verify.native), digests and random bytes its own. Import it
// instead of 'ssokit', before anything else of ssokit; it is larger (BENCHMARKS.md, "Page build").
import { useCoreBuild } from './core.js';

useCoreBuild({ wasmUrl: new URL('../dist/ssokit-fallback.wasm', import.meta.url), verifyInCore: true });

export * from './index.js';
