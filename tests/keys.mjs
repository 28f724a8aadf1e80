// Key pairs for the tests' providers and signers. Node 20 can deadlock when a KeyObject that
// generateKeyPairSync returned is exported (to a JWK): the export holds the key's mutex while it
// allocates, and the garbage collection that allocation may start runs the finished key-generation
// job's destructor, which takes the same mutex. Seen as a test provider that never started (about
// once in 40 starts under load; gdb: ExportJWKEcKey -> GC -> ~KeyGenJob -> mutex). So the pair
// leaves the job encoded (DER) and is read back as KeyObjects of their own.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';

/** generateKeyPairSync(type, options)'s {privateKey, publicKey}, as KeyObjects safe to export. */
export function newKeyPair(type, options = {}) {
  const pair = generateKeyPairSync(type, {
    ...options,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  });
  return {
    privateKey: createPrivateKey({ key: pair.privateKey, format: 'der', type: 'pkcs8' }),
    publicKey: createPublicKey({ key: pair.publicKey, format: 'der', type: 'spki' }),
  };
}
