// The host's DPoP key (RFC 9449): a new ECDSA P-256 key pair per sign-in, made by WebCrypto with a
// non-extractable private key, kept in IndexedDB in browsers (a CryptoKey survives structured
// clone, so the private key never leaves WebCrypto) and in memory where there is no IndexedDB
// (Node). The core builds each proof; this file only signs the request's "dpop" sign entries.
// Reached by page bundles (unlike sign.js, the Node-only client-assertion signer).
import { SsoError } from './errors.js';
import { applySignatures } from './sign-entries.js';
import { idbStore } from './storage.js';

const EC = { name: 'ECDSA', namedCurve: 'P-256' };

function subtle() {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new SsoError('unsupported', 'WebCrypto (crypto.subtle) is not available to make a DPoP key (pages need https or a loopback address)');
  return s;
}

/**
 * A new key pair: { privateKey, publicKey, key: {alg: 'ES256', jwk} } (`key`: what the core gets,
 * the public members only).
 */
export async function createDpopKey() {
  const s = subtle();
  const pair = await s.generateKey(EC, false, ['sign']);
  const { kty, crv, x, y } = await s.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, key: { alg: 'ES256', jwk: { kty, crv, x, y } } };
}

/** The request with its "dpop" sign entries signed by `privateKey`; other entries are left for the transport. */
export function signDpop(request, privateKey) {
  return applySignatures(request, async (entry) => {
    if (entry.key !== 'dpop') return null;
    if (entry.alg !== 'ES256') throw new SsoError('unsupported', `the DPoP key signs ES256, not ${String(entry.alg).slice(0, 20)}`);
    if (!privateKey) throw new SsoError('login_required', 'the DPoP key of this session is gone; sign in again');
    return new Uint8Array(await subtle().sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, new TextEncoder().encode(entry.input)));
  });
}

/** Whether a kept key is the one `dpop` ({alg, jwk}, from the session) names. */
export const sameKey = (record, dpop) => !!record && !!dpop && record.key.jwk.x === dpop.jwk?.x && record.key.jwk.y === dpop.jwk?.y;

/**
 * Where the client keeps its DPoP keys: IndexedDB database "ssokit-keys", object store "dpop"
 * (records {privateKey, publicKey, key}), or memory where IndexedDB is missing (Node).
 */
export function dpopKeyStore() {
  let idb = null;
  try { idb = globalThis.indexedDB ?? null; } catch { idb = null; }
  if (idb) return idbStore({ dbName: 'ssokit-keys', storeName: 'dpop', indexedDB: idb, what: 'the DPoP key store:' });
  const map = new Map();
  return {
    async get(name) { return map.get(name) ?? null; },
    async set(name, record) { map.set(name, record); },
    async remove(name) { map.delete(name); },
  };
}
