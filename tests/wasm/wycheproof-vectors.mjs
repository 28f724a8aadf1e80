// The Wycheproof signature files through the WebAssembly core's verify rules (jws.verify_raw)
// and the WebCrypto verifier (web/src/verify.js), unchanged in Node (tests/wasm/wycheproof.test.mjs)
// and in Chromium (tests/e2e/wycheproof.test.mjs). tests/unit/wycheproof_test.cpp runs the same
// files through the native verifier (mbedTLS). The decisions (which vectors are accepted) are
// the same in all three and live in `expected` below.
import { performVerify } from '../../web/src/verify.js';

const rsa = (scheme) => (g, t) => ({
  scheme, hash: g.sha, n: g.publicKey.modulus, e: g.publicKey.publicExponent, message: t.msg, signature: t.sig,
});
const ecdsa = (curve, size) => (g, t) => {
  const point = g.publicKey.uncompressed;
  return { scheme: 'ecdsa_p1363', hash: g.sha, curve, x: point.slice(2, 2 + 2 * size), y: point.slice(2 + 2 * size),
           message: t.msg, signature: t.sig };
};

/** file name -> the jws.verify_raw parameters of one vector. */
export const FILES = {
  'rsa_signature_2048_sha256_test.json': rsa('rsa_pkcs1'),
  'rsa_signature_3072_sha256_test.json': rsa('rsa_pkcs1'),
  'rsa_signature_4096_sha384_test.json': rsa('rsa_pkcs1'),
  'rsa_signature_4096_sha512_test.json': rsa('rsa_pkcs1'),
  'rsa_pss_2048_sha256_mgf1_32_test.json': rsa('rsa_pss'),
  'rsa_pss_3072_sha256_mgf1_32_test.json': rsa('rsa_pss'),
  'rsa_pss_2048_sha384_mgf1_48_test.json': rsa('rsa_pss'),
  'rsa_pss_4096_sha512_mgf1_64_test.json': rsa('rsa_pss'),
  'ecdsa_secp256r1_sha256_p1363_test.json': ecdsa('P-256', 32),
  'ecdsa_secp384r1_sha384_p1363_test.json': ecdsa('P-384', 48),
  'ecdsa_secp521r1_sha512_p1363_test.json': ecdsa('P-521', 66),
  'ed25519_test.json': (g, t) => ({ scheme: 'ed25519', x: g.publicKey.pk, message: t.msg, signature: t.sig }),
  'hmac_sha256_test.json': (g, t) => ({ scheme: 'hmac', hash: 'SHA-256', key: t.key, message: t.msg, signature: t.tag }),
};

/**
 * What every verifier must answer: "valid" verifies; "invalid" does not; "acceptable" (RSA
 * PKCS#1 v1.5 MissingNull only) is rejected; a truncated HMAC tag never verifies.
 */
export function expected(name, g, t) {
  if (name.startsWith('hmac_')) return t.result === 'valid' && g.tagSize === 256;
  return t.result === 'valid';
}

/** Verdicts of one file: tcId -> accepted, with the core `core` and the WebCrypto verifier. */
export async function verdicts(core, name, doc) {
  const params = FILES[name];
  const out = {};
  for (const g of doc.testGroups) {
    for (const t of g.tests) {
      const reply = core.call('jws.verify_raw', params(g, t));
      out[t.tcId] = 'verify' in reply ? (await performVerify(core, reply, () => 0)).result.valid : reply.valid;
    }
  }
  return out;
}
