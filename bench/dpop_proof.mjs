// The cost of a DPoP proof (RFC 9449) in Node: the core's part (dpop.proof through the wasm
// call interface, with 16 host random bytes for the jti) plus the ES256 signature with a non-extractable WebCrypto key, as a page does.
//   node bench/dpop_proof.mjs [iterations=2000]
import { loadCore } from '../web/src/core.js';
import { hostRandom } from '../web/src/random.js';

const iterations = Number(process.argv[2] ?? 2000);
const core = await loadCore();
const { subtle } = globalThis.crypto;
const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
const { kty, crv, x, y } = await subtle.exportKey('jwk', pair.publicKey);
const key = { alg: 'ES256', jwk: { kty, crv, x, y } };
const b64 = (bytes) => Buffer.from(bytes).toString('base64url');

async function proof() {
  const sign = core.call('dpop.proof', { key, method: 'GET', url: 'https://api.example.com/v1/items?page=2', now: 1800000000, access_token: 'access-token-value', random: hostRandom(16) });
  const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, new TextEncoder().encode(sign.input));
  return `${sign.input}.${b64(signature)}`;
}

for (let i = 0; i < 200; i++) await proof();  // warm-up
let t = performance.now();
for (let i = 0; i < iterations; i++) core.call('dpop.proof', { key, method: 'GET', url: 'https://api.example.com/v1/items', now: 1800000000, random: hostRandom(16) });
const build = ((performance.now() - t) * 1000) / iterations;
t = performance.now();
for (let i = 0; i < iterations; i++) await proof();
const whole = ((performance.now() - t) * 1000) / iterations;
console.log(JSON.stringify({ node: process.version, iterations, core_proof_us: Number(build.toFixed(1)), signed_proof_us: Number(whole.toFixed(1)) }));
