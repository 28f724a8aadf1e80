// ID-token validation in WebAssembly (the full validation: id_token.validate's parse and key
// selection, the signature through the host's WebCrypto verifier, the claims in flow.step; older
// builds verify inside the wasm) beside Node's own crypto.verify and WebCrypto's subtle.verify of the same
// signatures, in one run. The native rate comes from build/bin/ssokit_bench
// --benchmark_filter=ValidateIdToken; the same measures in Chromium from bench/verify_browser.mjs.
//
//   node bench/verify_bench.mjs [--dist DIR] [--cold N]
//
// --dist: the build to measure (default web/dist), e.g. a copy of an older build to compare in the
// same run. It measures the browser build, ssokit-core.wasm (what a page validates with).
// Per alg:
// - wasm_validate_id_token: steady rate in one instance (CPU ms per call is the figure to compare
//   on a loaded machine: wall time there includes waiting for a core);
// - wasm_first_validation: the first validation of a fresh Node process (median of --cold N,
//   default 5): what a sign-in waits, before V8 has optimized the code and with no cached state;
// - node_crypto_verify and webcrypto_verify: the signature alone with a key imported once;
//   webcrypto_import_and_verify: importing the JWK and verifying (what an optional WebCrypto
//   verifier would pay per sign-in).
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createPublicKey, verify, constants } from 'node:crypto';
import { resolve } from 'node:path';
import { ALGS, rate, rateSync, validate, validateParams, webCryptoMeasures } from './verify_common.mjs';
import { loadCore } from '../web/src/core.js';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const dist = resolve(option('--dist', new URL('../web/dist', import.meta.url).pathname));
const coldRuns = Number(option('--cold', 5));
const coldChild = option('--cold-child', null);

const f = JSON.parse(readFileSync(new URL('./fixtures/id-tokens.json', import.meta.url), 'utf8'));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function loadModule() {
  return loadCore({ wasmBinary: readFileSync(`${dist}/ssokit-core.wasm`) });
}

if (coldChild) {
  // Child process: one validation right after loading the core.
  const module = await loadModule();
  const params = validateParams(f, coldChild);
  const c0 = cpu();
  const t0 = performance.now();
  await validate(module, params);
  console.log(JSON.stringify({ ms: performance.now() - t0, cpu_ms: cpu() - c0 }));
  process.exit(0);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function firstValidation(alg) {
  const runs = [];
  for (let i = 0; i < coldRuns; i++) {
    const out = execFileSync(process.execPath, [new URL(import.meta.url).pathname, '--dist', dist, '--cold-child', alg],
      { encoding: 'utf8' });
    runs.push(JSON.parse(out));
  }
  return { ms: +median(runs.map((r) => r.ms)).toFixed(3), cpu_ms: +median(runs.map((r) => r.cpu_ms)).toFixed(3), runs: coldRuns };
}

const keys = { rsa: createPublicKey(f.spki.rsa), ec: createPublicKey(f.spki.ec) };
const nodeVerify = {
  RS256: (input, sig) => verify('sha256', input, keys.rsa, sig),
  PS256: (input, sig) => verify('sha256', input, { key: keys.rsa, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig),
  ES256: (input, sig) => verify('sha256', input, { key: keys.ec, dsaEncoding: 'ieee-p1363' }, sig),
};

const module = await loadModule();
const results = {};
for (const alg of ALGS) {
  const params = validateParams(f, alg);
  if (!(await validate(module, params)).claims) throw new Error(`the ${alg} fixture does not validate`);
  const token = f.tokens[alg];
  const dot = token.lastIndexOf('.');
  const input = Buffer.from(token.slice(0, dot));
  const sig = Buffer.from(token.slice(dot + 1), 'base64url');
  if (!nodeVerify[alg](input, sig)) throw new Error(`Node rejects the ${alg} fixture`);
  results[alg] = {
    wasm_validate_id_token: await rate(() => validate(module, params), { cpu }),
    wasm_first_validation: firstValidation(alg),
    node_crypto_verify: rateSync(() => nodeVerify[alg](input, sig), { cpu }),
    ...(await webCryptoMeasures(f, alg, { cpu })),
  };
}
console.log(JSON.stringify({ node: process.version, dist, results }, null, 2));
