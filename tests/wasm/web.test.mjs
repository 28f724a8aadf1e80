// The web package's public entry points in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pkce, SsoError } from '../../web/src/index.js';

test('pkce() with the RFC 7636 Appendix B verifier', async () => {
  const pair = await pkce('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
  assert.deepStrictEqual(pair, {
    codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
  });
});

test('pkce() without a verifier makes a fresh 43-character one each time', async () => {
  const a = await pkce();
  const b = await pkce();
  assert.match(a.codeVerifier, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a.codeVerifier, b.codeVerifier);
  assert.deepStrictEqual(await pkce(a.codeVerifier), a);
});

test('pkce() rejects a malformed verifier with SsoError invalid_argument', async () => {
  await assert.rejects(pkce('short'), (e) => e instanceof SsoError && e.code === 'invalid_argument');
});
