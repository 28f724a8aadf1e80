// Measures shared by bench/verify_bench.mjs (Node) and bench/verify_browser.mjs (Chromium): ID-token
// validation in the WebAssembly core and signature verification with WebCrypto, on the tokens of
// bench/fixtures/id-tokens.json. Runs unchanged in Node and in a page.
import { verifySignature } from '../web/src/verify.js';

export const ALGS = ['RS256', 'PS256', 'ES256'];

// WebCrypto names for each JWS alg: import parameters, verify parameters, JWK to import.
const WEBCRYPTO = {
  RS256: { kid: 'rsa', importAlg: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verifyAlg: { name: 'RSASSA-PKCS1-v1_5' } },
  PS256: { kid: 'rsa-pss', importAlg: { name: 'RSA-PSS', hash: 'SHA-256' }, verifyAlg: { name: 'RSA-PSS', saltLength: 32 } },
  ES256: { kid: 'ec', importAlg: { name: 'ECDSA', namedCurve: 'P-256' }, verifyAlg: { name: 'ECDSA', hash: 'SHA-256' } },
};

/** The id_token.validate parameters for one fixture token. */
export function validateParams(f, alg) {
  return { id_token: f.tokens[alg], jwks: f.jwks, expect: { issuer: f.issuer, client_id: f.client_id, nonce: f.nonce, now: f.now } };
}

/**
 * The full validation as the product runs it: id_token.validate, then (builds since the verify
 * effect) the signature through WebCrypto (web/src/verify.js, its imported keys kept) and the
 * claims in flow.step. Older builds answer id_token.validate at once (mbedTLS inside the wasm).
 */
export async function validate(module, params) {
  const reply = callCore(module, 'id_token.validate', params);
  if (!reply.verify) return reply;
  const verified = await verifySignature(reply.verify);
  return callCore(module, 'flow.step', { state: reply.state, verified, now: params.expect.now }).result;
}

const encoder = new TextEncoder();

/** One call of the core loaded by web/src/core.js (loadCore): its JSON entry point. */
export function callCore(core, method, params) {
  return core.call(method, params);
}

const round = (x, digits = 3) => +x.toFixed(digits);

function summary(n, elapsed, cpuSpent) {
  const out = { ops_per_s: Math.round(n / (elapsed / 1000)), ms_per_op: round(elapsed / n) };
  if (cpuSpent !== null) out.cpu_ms_per_op = round(cpuSpent / n);
  return out;
}

/**
 * Calls fn for `ms` milliseconds after a warm-up. cpu() (Node: CPU milliseconds of the process)
 * adds the CPU time per operation, the figure to compare on a loaded machine.
 */
export function rateSync(fn, { ms = 1000, warmup = 20, cpu = null } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  let n = 0;
  const c0 = cpu?.();
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    fn();
    n++;
  }
  return summary(n, performance.now() - t0, cpu ? cpu() - c0 : null);
}

/** rateSync for a function that returns a promise (one call at a time). */
export async function rate(fn, { ms = 1000, warmup = 20, cpu = null } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  let n = 0;
  const c0 = cpu?.();
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await fn();
    n++;
  }
  return summary(n, performance.now() - t0, cpu ? cpu() - c0 : null);
}

/** WebCrypto verification of the fixture's signature: a key imported once, and import + verify. */
export async function webCryptoMeasures(f, alg, options) {
  const { subtle } = globalThis.crypto;
  const w = WEBCRYPTO[alg];
  const jwk = f.jwks.keys.find((k) => k.kid === w.kid);
  const token = f.tokens[alg];
  const dot = token.lastIndexOf('.');
  const input = encoder.encode(token.slice(0, dot));
  const sig = base64urlBytes(token.slice(dot + 1));
  const key = await subtle.importKey('jwk', jwk, w.importAlg, false, ['verify']);
  if (!(await subtle.verify(w.verifyAlg, key, sig, input))) throw new Error(`WebCrypto rejects the ${alg} fixture`);
  return {
    webcrypto_verify: await rate(() => subtle.verify(w.verifyAlg, key, sig, input), options),
    webcrypto_import_and_verify: await rate(async () => {
      const k = await subtle.importKey('jwk', jwk, w.importAlg, false, ['verify']);
      return subtle.verify(w.verifyAlg, k, sig, input);
    }, options),
  };
}

function base64urlBytes(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
