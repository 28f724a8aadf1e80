// Project Wycheproof vectors through the WebAssembly build (`jws.verify_raw`), the same files
// and decisions as tests/unit/wycheproof_test.cpp: "valid" verifies, "invalid" does not,
// "acceptable" (RSA PKCS#1 MissingNull only) is rejected, truncated HMAC tags are rejected.
// A missing vectors directory FAILS the run, never skips it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { loadCore } from '../../web/src/index.js';

const dir = new URL('../vectors/wycheproof/', import.meta.url);
const core = await loadCore();

function load(name) {
  const url = new URL(name, dir);
  assert.ok(existsSync(url), `Wycheproof vectors not found: ${url.pathname} (the copy in tests/vectors/wycheproof)`);
  return JSON.parse(readFileSync(url, 'utf8'));
}

// Runs every vector of a file; params(group, test) gives the jws.verify_raw parameters.
function runFile(name, params, { expectAccept } = {}) {
  test(name, () => {
    const doc = load(name);
    const tally = { valid: 0, invalid: 0, acceptable: 0, rejectedByDesign: 0 };
    let count = 0;
    for (const g of doc.testGroups) {
      for (const t of g.tests) {
        count += 1;
        const { valid } = core.call('jws.verify_raw', params(g, t));
        const want = expectAccept ? expectAccept(g, t) : t.result === 'valid';
        assert.equal(valid, want, `${name} tcId ${t.tcId} (${t.result}, ${t.comment})`);
        if (t.result === 'acceptable') {
          assert.ok(t.flags.includes('MissingNull'), `new kind of acceptable vector in ${name}: decide and document`);
          tally.acceptable += 1;
        } else if (t.result === 'valid' && !want) tally.rejectedByDesign += 1;
        else tally[t.result] += 1;
      }
    }
    assert.equal(count, doc.numberOfTests, 'not every vector ran');
    console.log(`[wycheproof/wasm] ${name}: ${JSON.stringify(tally)}`);
  });
}

const rsa = (scheme) => (g, t) => ({
  scheme, hash: g.sha, n: g.publicKey.modulus, e: g.publicKey.publicExponent, message: t.msg, signature: t.sig,
});
for (const f of ['rsa_signature_2048_sha256_test.json', 'rsa_signature_3072_sha256_test.json',
                 'rsa_signature_4096_sha384_test.json', 'rsa_signature_4096_sha512_test.json']) {
  runFile(f, rsa('rsa_pkcs1'));
}
for (const f of ['rsa_pss_2048_sha256_mgf1_32_test.json', 'rsa_pss_3072_sha256_mgf1_32_test.json']) {
  runFile(f, (g, t) => {
    assert.equal(g.mgfSha, g.sha);
    assert.equal(g.sLen, 32);
    return rsa('rsa_pss')(g, t);
  });
}

const ecdsa = (curve, size) => (g, t) => {
  const point = g.publicKey.uncompressed;
  assert.equal(point.length, 2 + 4 * size);
  return { scheme: 'ecdsa_p1363', hash: g.sha, curve, x: point.slice(2, 2 + 2 * size), y: point.slice(2 + 2 * size),
           message: t.msg, signature: t.sig };
};
runFile('ecdsa_secp256r1_sha256_p1363_test.json', ecdsa('P-256', 32));
runFile('ecdsa_secp384r1_sha384_p1363_test.json', ecdsa('P-384', 48));

// Full-length tags only: a truncated tag never verifies, even when Wycheproof calls it valid.
runFile('hmac_sha256_test.json',
        (g, t) => ({ scheme: 'hmac', hash: 'SHA-256', key: t.key, message: t.msg, signature: t.tag }),
        { expectAccept: (g, t) => t.result === 'valid' && g.tagSize === 256 });
