// The fallback page build (ssokit/fallback, ssokit-fallback.wasm: mbedTLS inside, for browsers
// without WebCrypto): the Wycheproof signature files through its verifier (verify.native) with the
// verdicts every other verifier gives, the shared cases with the answers of the other builds, and
// the package entry that makes it the core createSsoClient uses.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { loadCoreVariant } from '../../web/src/core.js';
import { SsoError } from '../../web/src/errors.js';
import { FILES, expected } from './wycheproof-vectors.mjs';

const core = await loadCoreVariant('fallback');
const page = await loadCoreVariant('page-tools');  // the page build with jws.verify_raw (page-tools.mjs)

// A method whose answer comes from a verify effect's continuation: the fallback core continues it
// itself and hands back the continuation's step ({result}), as performVerify does for the others.
const continued = (method, reply) =>
  ['id_token.validate', 'jws.verify', 'jws.verify_raw', 'userinfo.process'].includes(method) && reply && typeof reply === 'object' && 'result' in reply
    ? reply.result : reply;
const valid = (params) => continued('jws.verify_raw', core.call('jws.verify_raw', params)).valid;

// The fallback build has no Ed25519 (mbedTLS 2.28 has none and libsodium is built natively only):
// an EdDSA signature never verifies there (docs/ARCHITECTURE.md); its cases run on every other verifier.
const EDDSA = /eddsa|ed25519|ed448|x25519/i;

test('the fallback build never accepts an EdDSA signature, not even a valid one', () => {
  const name = 'ed25519_test.json';
  const doc = JSON.parse(readFileSync(new URL(`../vectors/wycheproof/${name}`, import.meta.url), 'utf8'));
  let validOnes = 0;
  for (const g of doc.testGroups) {
    for (const t of g.tests) {
      assert.equal(valid(FILES[name](g, t)), false, `${name} tcId ${t.tcId}`);
      if (t.result === 'valid') validOnes += 1;
    }
  }
  assert.ok(validOnes > 0);
});

describe('Wycheproof through the fallback build (mbedTLS in WebAssembly)', () => {
  for (const name of Object.keys(FILES).filter((n) => !EDDSA.test(n))) {
    test(name, async () => {
      const doc = JSON.parse(readFileSync(new URL(`../vectors/wycheproof/${name}`, import.meta.url), 'utf8'));
      let count = 0;
      for (const g of doc.testGroups) {
        for (const t of g.tests) {
          count += 1;
          assert.equal(valid(FILES[name](g, t)), expected(name, g, t), `${name} tcId ${t.tcId} (${t.result}, ${t.comment})`);
        }
      }
      assert.equal(count, doc.numberOfTests, 'not every vector ran');
    });
  }
});

test('the fallback build answers its verify effects itself; the page build hands them to the host', () => {
  const doc = JSON.parse(readFileSync(new URL('../vectors/wycheproof/ecdsa_secp256r1_sha256_p1363_test.json', import.meta.url), 'utf8'));
  const g = doc.testGroups[0];
  const t = g.tests.find((x) => x.result === 'valid');
  const params = FILES['ecdsa_secp256r1_sha256_p1363_test.json'](g, t);
  assert.equal(valid(params), true);
  assert.equal('verify' in core.call('jws.verify_raw', params), false);
  assert.ok('verify' in page.call('jws.verify_raw', params), 'the page build asks the host (WebCrypto)');
  assert.throws(() => page.call('verify.native', {}), (e) => e instanceof SsoError && e.code === 'invalid_argument');
});

const casesDir = new URL('../cases/', import.meta.url);
for (const file of readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort()) {
  const doc = JSON.parse(readFileSync(new URL(file, casesDir), 'utf8'));
  describe(`fallback build: ${file}`, () => {
    for (const c of doc.cases.filter((x) => !EDDSA.test(x.name) && !EDDSA.test(JSON.stringify(x.params ?? {})))) {
      test(c.name, () => {
        let got;
        try {
          got = { result: continued(c.method, core.call(c.method, c.params ?? {})) };
        } catch (e) {
          assert.ok(e instanceof SsoError, `expected SsoError, got ${e}`);
          got = { error: e.code };
        }
        // A page build: the platforms' secret-holding calls answer server_only (builds.test.mjs).
        if (got.error === 'server_only' && /^(twentythree|streamone|muvi|org)\./.test(c.method)) return;
        if ('error' in c) assert.equal(got.error, c.error, JSON.stringify(got));
        else assert.deepStrictEqual(got.result, c.result);
      });
    }
  });
}

test('ssokit/fallback makes the fallback build the core of createSsoClient', async () => {
  const fallback = await import('../../web/src/fallback.js');
  const shared = await fallback.loadCore();
  const doc = JSON.parse(readFileSync(new URL('../vectors/wycheproof/rsa_signature_2048_sha256_test.json', import.meta.url), 'utf8'));
  const g = doc.testGroups[0];
  const t = g.tests.find((x) => x.result === 'valid');
  assert.deepEqual(shared.call('jws.verify_raw', FILES['rsa_signature_2048_sha256_test.json'](g, t)).result, { valid: true });
  assert.equal(typeof fallback.createSsoClient, 'function');
});
