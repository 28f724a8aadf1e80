// Loads the WebAssembly core and calls it through its one JSON entry point (ssokit_call).
// Browsers: streaming instantiation of dist/ssokit-core.wasm from a URL that bundlers resolve
// (new URL(..., import.meta.url)). Node: "#node-host" (node-host.js, chosen by the package's
// "imports" conditions) reads a build's bytes from disk, by default the server build. Nothing here
// names a Node module or the server files, so a page bundle holds neither.
// No emscripten glue: the builds import only abort, emscripten_resize_heap and (server, fallback)
// getentropy, which this file provides (bindings/wasm/CMakeLists.txt keeps their names).
import { SsoError } from './errors.js';
import { measure, timingStart } from './timing.js';

const wasmUrl = new URL('../dist/ssokit-core.wasm', import.meta.url);
const isNode = typeof process === 'object' && typeof process.versions === 'object' && !!process.versions.node;

let loading = null;
let platformLoading = null;  // a separate platforms build, when the shared core lacks the platforms

/**
 * Loads the core once. Options: { wasmBinary } (bytes) or { wasmUrl } (where to fetch it from).
 * @returns {Promise<{call: (method: string, params?: object) => any}>}
 */
export function loadCore(options = {}) {
  loading ??= instantiate(options).catch((e) => {
    loading = null;
    throw new SsoError('internal_error', `could not load the ssokit WebAssembly core: ${e && e.message ? e.message : e}`);
  });
  return loading;
}

const variants = ['browser', 'server', 'fallback', 'platforms', 'page-tools'];

/**
 * Loads a separate instance of one build, without touching the shared one: 'browser' (what pages
 * get), 'server', 'fallback', 'platforms' (what the platform modules load in a page) or
 * 'page-tools' (Node only). For tests and tools that compare them;
 * 'page-tools' is the page build plus the low-level methods no page calls (url.*, hash,
 * jws.verify_raw...), built for the tests in a build tree and not in the npm package.
 */
export function loadCoreVariant(variant) {
  if (!variants.includes(variant)) {
    throw new SsoError('invalid_argument', `variant must be one of ${variants.map((v) => `"${v}"`).join(', ')}`);
  }
  return instantiate({ variant });
}

/**
 * Makes `build` the core every later loadCore() returns (ssokit/fallback: the build with mbedTLS
 * inside). Only before the first load; afterwards the loaded core stays.
 * @param {{wasmUrl: URL | string, verifyInCore?: boolean}} build
 */
export function useCoreBuild(build) {
  loading ??= instantiate(build).catch((e) => {
    loading = null;
    throw new SsoError('internal_error', `could not load the ssokit WebAssembly core: ${e && e.message ? e.message : e}`);
  });
}

/**
 * The core for the video platform modules (platform-core.js passes ssokit-platforms' build).
 * Under Node, and when the shared core already has the platforms' calls (the fallback build), the
 * shared core. In a browser before the first load, the platforms build becomes the shared core, so
 * a page using both createSsoClient and a platform loads one wasm. Once the page build (without
 * the platforms) is loaded, a separate instance of the platforms build is loaded once.
 * @param {{wasmUrl: URL | string}} build
 */
export async function loadCoreWithPlatforms(build) {
  if (isNode) return loadCore();
  if (!loading) useCoreBuild({ ...build, platforms: true });
  const core = await loadCore();
  if (core.platforms) return core;
  platformLoading ??= instantiate({ ...build, platforms: true }).catch((e) => {
    platformLoading = null;
    throw new SsoError('internal_error', `could not load the ssokit platforms WebAssembly: ${e && e.message ? e.message : e}`);
  });
  return platformLoading;
}

// Only evaluated in Node: a page never asks for it (and a bundle maps it to no-node-host.js).
let nodeRandom = null;  // node:crypto's getRandomValues, once the Node loader is imported
async function nodeBuild(variant) {
  const host = await import('#node-host');
  if (!host.nodeBuild) throw new SsoError('invalid_argument', 'this build of ssokit has no Node loader; pass wasmBinary or wasmUrl');
  nodeRandom = host.getRandomValues;
  return host.nodeBuild(variant);
}

async function instantiate(options) {
  const started = timingStart();
  let bytes = options.wasmBinary;
  let nodeVariant = null;
  const verifyInCore = options.verifyInCore || options.variant === 'fallback';
  if (!bytes && isNode && (!options.wasmUrl || options.variant || verifyInCore)) {
    nodeVariant = options.variant ?? (verifyInCore ? 'fallback' : 'server');
    bytes = await nodeBuild(nodeVariant);
  }
  const module = await instantiateWasm(bytes, String(options.wasmUrl ?? wasmUrl));
  measure('ssokit:core-load', started);
  // Whether the build answers the platforms' browser-safe calls: all but ssokit-core.wasm.
  const platforms = !!options.platforms || verifyInCore || (nodeVariant !== null && nodeVariant !== 'browser');
  if (!verifyInCore) return { platforms, call: (method, params = {}) => invoke(module, method, params) };
  // The fallback build answers its own verify effects (verify.native, mbedTLS), so the driver
  // never asks WebCrypto: a reply holding a `verify` effect is continued here at once, and the
  // caller gets the continuation's step, as performVerify (verify.js) would have returned it.
  return {
    platforms,
    call(method, params = {}) {
      let reply = invoke(module, method, params);
      for (let i = 0; i < 4 && reply && typeof reply === 'object' && reply.verify; i++) {
        const now = typeof params.now === 'number' ? params.now : Math.floor(Date.now() / 1000);
        const random = typeof params.random === 'string' ? { random: params.random } : {};  // a DPoP flow's jti
        reply = invoke(module, 'flow.step', { state: reply.state, verified: invoke(module, 'verify.native', reply.verify), now, ...random });
      }
      return reply;
    },
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toHeap(core, text) {
  const bytes = encoder.encode(text);
  const ptr = core.malloc(bytes.length + 1);
  if (!ptr) throw new SsoError('internal_error', 'the ssokit core ran out of memory');
  const heap = new Uint8Array(core.memory.buffer);  // a new view: the memory may have grown
  heap.set(bytes, ptr);
  heap[ptr + bytes.length] = 0;
  return ptr;
}

function invoke(core, method, params) {
  const m = toHeap(core, method);
  const p = toHeap(core, JSON.stringify(params));
  let out = 0;
  try {
    out = core.ssokit_call(m, p);
    if (!out) throw new SsoError('internal_error', 'the ssokit core ran out of memory');
    const heap = new Uint8Array(core.memory.buffer);
    const reply = JSON.parse(decoder.decode(heap.subarray(out, heap.indexOf(0, out))));
    if (reply.error) throw new SsoError(reply.error.code, reply.error.message, reply.error.details ?? {});
    return reply.ok;
  } finally {
    core.free(m);
    core.free(p);
    if (out) core.ssokit_free(out);
  }
}

// What the builds import (module "env"). abort: the core hit a fault it cannot answer (it
// returns errors as values otherwise), so the call throws. emscripten_resize_heap: malloc asks for
// at least `size` bytes of memory, grown by a fifth at least so that growing stays rare.
// getentropy: the server and fallback builds' random bytes (pages pass the host's bytes instead).
function coreImports(getMemory) {
  const env = {
    abort() { throw new WebAssembly.RuntimeError('the ssokit core aborted'); },
    emscripten_resize_heap(size) {
      const memory = getMemory();
      const have = memory.buffer.byteLength;
      const want = Math.min(2 ** 31, Math.max(size >>> 0, Math.ceil(have * 1.2)));
      try {
        memory.grow(Math.ceil((want - have) / 65536));
        return 1;
      } catch {
        return 0;
      }
    },
    getentropy(ptr, size) {
      const fill = globalThis.crypto?.getRandomValues ? (b) => globalThis.crypto.getRandomValues(b) : nodeRandom;
      if (!fill) return -1;  // the core answers with an error value
      fill(new Uint8Array(getMemory().buffer, ptr, size));
      return 0;
    },
  };
  return { env };
}

// Node compiles the bytes synchronously: there an asynchronous WebAssembly.compile started after
// the process's first fetch() waits about 100 ms longer for its result (Node 20; a synchronous
// compile of the server build takes 3 to 12 ms: BENCHMARKS.md, "Node start-up"). Browsers
// compile while the bytes arrive (instantiateStreaming), or asynchronously from given bytes (they
// refuse large synchronous compiles on the main thread).
async function instantiateWasm(bytes, url) {
  let memory = null;
  const imports = coreImports(() => memory);
  let instance;
  if (bytes && isNode) {
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  } else if (bytes) {
    instance = (await WebAssembly.instantiate(bytes, imports)).instance;
  } else {
    try {
      instance = (await WebAssembly.instantiateStreaming(fetch(url, { credentials: 'same-origin' }), imports)).instance;
    } catch {
      // A server that sends the .wasm without application/wasm: fetch again, compile the bytes.
      const answer = await fetch(url, { credentials: 'same-origin' });
      if (!answer.ok) throw new Error(`${url} answered HTTP ${answer.status}`);
      instance = (await WebAssembly.instantiate(await answer.arrayBuffer(), imports)).instance;
    }
  }
  const core = instance.exports;
  memory = core.memory;
  core.__wasm_call_ctors();
  return core;
}
