// ID-token validation in WebAssembly (the full id_token.validate call: parse, key selection,
// signature, claims) beside Node's own crypto.verify of the same signatures, in one run.
// The native rate comes from build/native/bin/ssokit_bench --benchmark_filter=ValidateIdToken.
// Run: node bench/verify_bench.mjs   (after scripts/bootstrap.sh)
import { readFileSync } from 'node:fs';
import { createPublicKey, verify, constants } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { loadCore } from '../web/src/index.js';

const f = JSON.parse(readFileSync(new URL('./fixtures/id-tokens.json', import.meta.url), 'utf8'));
const core = await loadCore();

function rate(fn, ms = 1000) {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) { fn(); n++; }
  const elapsed = performance.now() - t0;
  return { ops_per_s: Math.round(n / (elapsed / 1000)), ms_per_op: +(elapsed / n).toFixed(3) };
}

const keys = { rsa: createPublicKey(f.spki.rsa), ec: createPublicKey(f.spki.ec) };
const nodeVerify = {
  RS256: (input, sig) => verify('sha256', input, keys.rsa, sig),
  PS256: (input, sig) => verify('sha256', input, { key: keys.rsa, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig),
  ES256: (input, sig) => verify('sha256', input, { key: keys.ec, dsaEncoding: 'ieee-p1363' }, sig),
};

const results = {};
for (const alg of ['RS256', 'PS256', 'ES256']) {
  const token = f.tokens[alg];
  const params = { id_token: token, jwks: f.jwks, expect: { issuer: f.issuer, client_id: f.client_id, nonce: f.nonce, now: f.now } };
  core.call('id_token.validate', params);  // throws if the fixture does not validate
  const dot = token.lastIndexOf('.');
  const input = Buffer.from(token.slice(0, dot));
  const sig = Buffer.from(token.slice(dot + 1), 'base64url');
  if (!nodeVerify[alg](input, sig)) throw new Error(`Node rejects the ${alg} fixture`);
  results[alg] = {
    wasm_validate_id_token: rate(() => core.call('id_token.validate', params)),
    node_crypto_verify_signature_only: rate(() => nodeVerify[alg](input, sig)),
  };
}
console.log(JSON.stringify({ node: process.version, results }, null, 2));
