// Loads the WebAssembly core and calls it through its one JSON entry point (ssokit_call).
// Browsers: streaming instantiation from a URL that bundlers resolve (new URL(..., import.meta.url)).
// Node: the bytes are read from disk and handed in (the glue cannot fetch a file path there).
import createSsokitCore from '../dist/ssokit-core.js';
import { SsoError } from './errors.js';

const wasmUrl = new URL('../dist/ssokit-core.wasm', import.meta.url);
const isNode = typeof process === 'object' && typeof process.versions === 'object' && !!process.versions.node;

let loading = null;

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

async function instantiate(options) {
  const args = {};
  if (options.wasmBinary) {
    args.wasmBinary = options.wasmBinary;
  } else if (isNode && !options.wasmUrl) {
    const fs = await import(/* @vite-ignore */ 'node:fs/promises');
    args.wasmBinary = await fs.readFile(wasmUrl);
  } else {
    const href = String(options.wasmUrl ?? wasmUrl);
    args.locateFile = () => href;
  }
  const module = await createSsokitCore(args);
  return { call: (method, params = {}) => invoke(module, method, params) };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toHeap(module, text) {
  const bytes = encoder.encode(text);
  const ptr = module._malloc(bytes.length + 1);
  module.HEAPU8.set(bytes, ptr);
  module.HEAPU8[ptr + bytes.length] = 0;
  return ptr;
}

function invoke(module, method, params) {
  const m = toHeap(module, method);
  const p = toHeap(module, JSON.stringify(params));
  let out = 0;
  try {
    out = module._ssokit_call(m, p);
    if (!out) throw new SsoError('internal_error', 'the ssokit core ran out of memory');
    let end = out;
    while (module.HEAPU8[end] !== 0) end++;
    const reply = JSON.parse(decoder.decode(module.HEAPU8.subarray(out, end)));
    if (reply.error) throw new SsoError(reply.error.code, reply.error.message, reply.error.details ?? {});
    return reply.ok;
  } finally {
    module._free(m);
    module._free(p);
    if (out) module._ssokit_free(out);
  }
}
