// The sign effect in JavaScript (Node only, reached through "#node-host" so page bundles do not
// carry it): the core puts `sign` entries on a request ({alg, key, input, header | form_field},
// ssokit/http.hpp) and the fetch transport completes them with WebCrypto just before sending. Keys are imported once (PKCS#8 PEM or a private JWK) and never
// leave this module; a browser page never holds one (createSsoClient refuses privateKey there).
import { SsoError } from './errors.js';
import { applySignatures } from './sign-entries.js';

const ALGS = {
  RS256: { kty: 'RSA', importAs: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, params: { name: 'RSASSA-PKCS1-v1_5' } },
  PS256: { kty: 'RSA', importAs: { name: 'RSA-PSS', hash: 'SHA-256' }, params: { name: 'RSA-PSS', saltLength: 32 } },
  // WebCrypto's ECDSA signature is already r||s (IEEE P1363), as JWS wants.
  ES256: { kty: 'EC', importAs: { name: 'ECDSA', namedCurve: 'P-256' }, params: { name: 'ECDSA', hash: 'SHA-256' } },
};

const unusable = (why) => new SsoError('invalid_argument',
  `the private key cannot be used: ${why} (a PEM PKCS#8 private key or a private JWK: RSA or EC P-256)`);

function subtle() {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new SsoError('unsupported', 'WebCrypto (crypto.subtle) is not available to sign requests');
  return s;
}

// PEM PKCS#8 text or a JWK (object or JSON text) -> {format, data, kty, kid}.
function readKey(key) {
  let jwk = key;
  if (typeof key === 'string') {
    const text = key.trim();
    if (text.startsWith('{')) {
      try { jwk = JSON.parse(text); } catch { throw unusable('the JWK is not valid JSON'); }
    } else {
      const match = /^-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END PRIVATE KEY-----$/.exec(text);
      if (!match) throw unusable('it is neither a PEM PKCS#8 private key ("BEGIN PRIVATE KEY") nor a JWK');
      let der;
      try { der = Uint8Array.from(atob(match[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0)); } catch { throw unusable('the PEM is not base64'); }
      return { format: 'pkcs8', data: der, kty: pkcs8KeyType(der), kid: '' };
    }
  }
  if (!jwk || typeof jwk !== 'object') throw unusable('expected a PEM string or a JWK');
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC') throw unusable('the JWK\'s kty must be RSA or EC');
  if (typeof jwk.d !== 'string') throw unusable('the JWK has no private part ("d")');
  const { kid, alg, use, key_ops, ...members } = jwk;  // WebCrypto is strict about alg/use/key_ops
  return { format: 'jwk', data: members, kty: jwk.kty, kid: typeof kid === 'string' ? kid : '' };
}

// The algorithm OID in the PKCS#8 PrivateKeyInfo: rsaEncryption or id-ecPublicKey.
function pkcs8KeyType(der) {
  const has = (oid) => {
    outer: for (let i = 0; i + oid.length <= Math.min(der.length, 64); i++) {
      for (let j = 0; j < oid.length; j++) if (der[i + j] !== oid[j]) continue outer;
      return true;
    }
    return false;
  };
  if (has([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01])) return 'RSA';
  if (has([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01])) return 'EC';
  throw unusable('the PKCS#8 key is neither RSA nor EC');
}

/**
 * A signer over named keys ({client: pemOrJwk, dpop: ...}). `keyInfo(name)` gives {kty, kid,
 * alg} (alg: RS256 for RSA, ES256 for EC) for the core's client config.
 */
export function createSigner(keys = {}) {
  const held = new Map();
  for (const [name, key] of Object.entries(keys)) if (key !== undefined && key !== null) held.set(name, { ...readKey(key), imported: new Map() });
  return {
    has: (name) => held.has(name),
    keyInfo(name) {
      const k = held.get(name);
      return k ? { kty: k.kty, kid: k.kid, alg: k.kty === 'RSA' ? 'RS256' : 'ES256' } : null;
    },
    // Imported once per algorithm; a key that WebCrypto refuses fails here, before anything is sent.
    async importFor(name, alg) {
      const k = held.get(name);
      const spec = ALGS[alg];
      if (!k) throw new SsoError('invalid_argument', `the request must be signed with the "${String(name).slice(0, 20)}" key but no such key is configured (privateKey)`);
      if (!spec) throw new SsoError('unsupported', `this host does not sign with ${String(alg).slice(0, 20)}`);
      if (spec.kty !== k.kty) throw new SsoError('invalid_argument', `${alg} needs an ${spec.kty} key; the configured key is ${k.kty}`);
      if (!k.imported.has(alg)) {
        k.imported.set(alg, subtle().importKey(k.format, k.data, spec.importAs, false, ['sign'])
          .catch(() => { throw unusable('WebCrypto cannot import it'); }));
      }
      return k.imported.get(alg);
    },
    async sign({ alg, key, input }) {
      const cryptoKey = await this.importFor(key, alg);
      return new Uint8Array(await subtle().sign(ALGS[alg].params, cryptoKey, new TextEncoder().encode(input)));
    },
    /** The request with its sign entries completed (what the fetch transport calls). */
    complete(request) {
      return completeSignatures(request, this);
    },
  };
}

/** The request with its `sign` entries completed (header or form field); never sent unsigned. */
export async function completeSignatures(request, signer) {
  return applySignatures(request, (entry) => {
    if (!signer) {
      throw new SsoError('invalid_argument', `the request must be signed with the "${String(entry.key).slice(0, 20)}" key but no key is configured ` +
        '(for client assertions: privateKey, on a server only)');
    }
    return signer.sign(entry);
  });
}
