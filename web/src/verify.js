// The host's answer to the core's "verify" effect, with WebCrypto (crypto.subtle, in browsers and
// Node). The core has already decided everything (the alg is allowed, the key was selected and
// fits it, the signature has the alg's length); this only asks WebCrypto whether the raw
// signature verifies. Natively the same effect is answered by mbedTLS (verify_signature).
//
// An effect: { alg: JWS name, jwk: {kty, n, e} | {kty, crv, x, y} | {kty, crv, x} | {kty, k},
// input: base64url, signature: base64url }. A new alg is one more line in ALGS. Ed25519 needs
// WebCrypto's Ed25519 (Chrome 137, Firefox 129, Safari 17, Node 18.4; without it the import fails and
// the signature does not verify).
import { SsoError } from './errors.js';

const ALGS = {
  RS256: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, { name: 'RSASSA-PKCS1-v1_5' }],
  RS384: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, { name: 'RSASSA-PKCS1-v1_5' }],
  RS512: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }, { name: 'RSASSA-PKCS1-v1_5' }],
  // RFC 7518 3.5: MGF1 with the same hash, salt as long as the hash.
  PS256: [{ name: 'RSA-PSS', hash: 'SHA-256' }, { name: 'RSA-PSS', saltLength: 32 }],
  PS384: [{ name: 'RSA-PSS', hash: 'SHA-384' }, { name: 'RSA-PSS', saltLength: 48 }],
  PS512: [{ name: 'RSA-PSS', hash: 'SHA-512' }, { name: 'RSA-PSS', saltLength: 64 }],
  ES256: [{ name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }],
  ES384: [{ name: 'ECDSA', namedCurve: 'P-384' }, { name: 'ECDSA', hash: 'SHA-384' }],
  ES512: [{ name: 'ECDSA', namedCurve: 'P-521' }, { name: 'ECDSA', hash: 'SHA-512' }],
  // RFC 8037 EdDSA with an Ed25519 key, and RFC 9864's fully specified name for the same.
  EdDSA: [{ name: 'Ed25519' }, { name: 'Ed25519' }],
  Ed25519: [{ name: 'Ed25519' }, { name: 'Ed25519' }],
  HS256: [{ name: 'HMAC', hash: 'SHA-256' }, { name: 'HMAC' }],
};

// Imported keys, so that a page validating many tokens with one provider key imports it once.
const MAX_KEYS = 16;
const keys = new Map();

function bytes(base64url) {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function subtle() {
  const s = globalThis.crypto?.subtle;
  if (!s) {
    throw new SsoError('internal_error',
      'WebCrypto (crypto.subtle) is not available here; pages must be served over https (or from a loopback address)');
  }
  return s;
}

async function importKey(alg, jwk) {
  const id = `${alg} ${JSON.stringify(jwk)}`;
  let key = keys.get(id);
  if (!key) {
    key = subtle().importKey('jwk', jwk, ALGS[alg][0], false, ['verify']);
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value);
    keys.set(id, key);
    key.catch(() => keys.delete(id));
  }
  return key;
}

/** Whether the effect's signature verifies; false for anything WebCrypto refuses (bad key material). */
export async function verifySignature({ alg, jwk, input, signature }) {
  if (!Object.hasOwn(ALGS, alg)) return false;
  const s = subtle();
  try {
    const key = await importKey(alg, jwk);
    return await s.verify(ALGS[alg][1], key, bytes(signature), bytes(input));
  } catch {
    return false;
  }
}

/**
 * Performs the verify effects of a step machine's steps until a step asks for something else (a
 * request, or nothing: its result): each answer goes back with flow.step {state, verified, now}
 * and what `more()` adds (a DPoP flow's `random`: the next request's proof needs a jti).
 */
export async function performVerify(core, step, now, more = () => ({})) {
  for (let i = 0; i < 4 && step.verify; i++) {
    step = core.call('flow.step', { state: step.state, verified: await verifySignature(step.verify), now: now(), ...more() });
  }
  return step;
}
