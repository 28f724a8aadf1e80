// The host's random bytes for the core (sans-I/O: the page build has no generator of its own).
// Each call that needs randomness gets fresh crypto.getRandomValues output as `random` (hex).

// authorize.build draws state, nonce and the PKCE verifier: 32 bytes each.
export const AUTHORIZE_RANDOM_BYTES = 96;

/**
 * `size` bytes from crypto.getRandomValues, as hex. Undefined where there is none (Node 18 without
 * the global): the server build Node loads then draws from its own generator.
 */
export function hostRandom(size) {
  if (typeof globalThis.crypto?.getRandomValues !== 'function') return undefined;
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(size));
  let hex = '';
  for (const b of bytes) hex += (b < 16 ? '0' : '') + b.toString(16);
  return hex;
}
