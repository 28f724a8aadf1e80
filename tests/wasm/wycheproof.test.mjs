// Project Wycheproof vectors through the WebAssembly core's verify rules and Node's WebCrypto
// (tests/wasm/wycheproof-vectors.mjs), the same files and decisions as
// tests/unit/wycheproof_test.cpp (native, mbedTLS) and tests/e2e/wycheproof.test.mjs (Chromium):
// "valid" verifies, "invalid" does not, "acceptable" (RSA PKCS#1 MissingNull only) is rejected,
// truncated HMAC tags are rejected. A missing vectors directory FAILS the run, never skips it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { loadCore, loadCoreVariant } from '../../web/src/core.js';
import { FILES, expected, verdicts } from './wycheproof-vectors.mjs';

const dir = new URL('../vectors/wycheproof/', import.meta.url);
// Both builds' verify rules: the server build Node loads and the page build browsers load (its
// core code as ssokit-page-tools.wasm: the page build plus jws.verify_raw, tests/wasm/page-tools.mjs).
const builds = { server: await loadCore(), page: await loadCoreVariant('page-tools') };

function load(name) {
  const url = new URL(name, dir);
  assert.ok(existsSync(url), `Wycheproof vectors not found: ${url.pathname} (the copy in tests/vectors/wycheproof)`);
  return JSON.parse(readFileSync(url, 'utf8'));
}

for (const [build, core] of Object.entries(builds)) {
for (const name of Object.keys(FILES)) {
  test(`${build} build: ${name}`, async () => {
    const doc = load(name);
    const got = await verdicts(core, name, doc);
    const tally = { valid: 0, invalid: 0, acceptable: 0, rejectedByDesign: 0 };
    let count = 0;
    for (const g of doc.testGroups) {
      for (const t of g.tests) {
        count += 1;
        const want = expected(name, g, t);
        assert.equal(got[t.tcId], want, `${name} tcId ${t.tcId} (${t.result}, ${t.comment})`);
        if (t.result === 'acceptable') {
          assert.ok(t.flags.includes('MissingNull'), `new kind of acceptable vector in ${name}: decide and document`);
          tally.acceptable += 1;
        } else if (t.result === 'valid' && !want) tally.rejectedByDesign += 1;
        else tally[t.result] += 1;
      }
    }
    assert.equal(count, doc.numberOfTests, 'not every vector ran');
    console.log(`[wycheproof/webcrypto-node, ${build} build] ${name}: ${JSON.stringify(tally)}`);
  });
}
}
