// Writes bench/fixtures/id-tokens.json: one JWKS and an ID token per algorithm (RS256, PS256,
// ES256), valid for years, shared by the native verification benchmark (jose_bench.cpp) and the
// WebAssembly/Node one (verify_bench.mjs) so all three verify the very same bytes.
// Run: node bench/make-token-fixtures.mjs
import { generateKeyPairSync, sign, constants } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const b64u = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const issuer = 'https://id.example.com';
const claims = { iss: issuer, sub: 'bench-user', aud: 'bench-client', iat: 1700000000, exp: 4000000000, nonce: 'bench-nonce' };

const signers = {
  RS256: { kid: 'rsa', sign: (i) => sign('sha256', i, rsa.privateKey) },
  PS256: { kid: 'rsa-pss', sign: (i) => sign('sha256', i, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }) },
  ES256: { kid: 'ec', sign: (i) => sign('sha256', i, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }) },
};
const tokens = {};
for (const [alg, s] of Object.entries(signers)) {
  const input = `${b64u({ alg, kid: s.kid, typ: 'JWT' })}.${b64u(claims)}`;
  tokens[alg] = `${input}.${s.sign(Buffer.from(input)).toString('base64url')}`;
}
const rsaJwk = rsa.publicKey.export({ format: 'jwk' });
const jwks = {
  keys: [
    { ...rsaJwk, kid: 'rsa', use: 'sig', alg: 'RS256' },
    { ...rsaJwk, kid: 'rsa-pss', use: 'sig', alg: 'PS256' },
    { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec', use: 'sig', alg: 'ES256' },
  ],
};
const out = { issuer, client_id: 'bench-client', nonce: 'bench-nonce', now: 1800000000, jwks, tokens,
  spki: { rsa: rsa.publicKey.export({ type: 'spki', format: 'pem' }), ec: ec.publicKey.export({ type: 'spki', format: 'pem' }) } };
writeFileSync(new URL('./fixtures/id-tokens.json', import.meta.url), JSON.stringify(out, null, 1) + '\n');
