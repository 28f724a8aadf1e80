// Runs every shared case file (tests/cases/*.json) through the WebAssembly build in Node.
// tests/unit/cases_test.cpp runs the same files natively: both must give identical answers. A
// method that answers a verify effect has it performed by WebCrypto (web/src/verify.js) and
// continued with flow.step; the continuation's result is the method's answer.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { loadCore, SsoError } from '../../web/src/index.js';
import { performVerify } from '../../web/src/verify.js';

const casesDir = new URL('../cases/', import.meta.url);
const core = await loadCore();

async function callWithHost(method, params) {
  const reply = core.call(method, params);
  if (!reply || typeof reply !== 'object' || !('verify' in reply)) return reply;
  return (await performVerify(core, reply, () => 0)).result;
}

for (const file of readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort()) {
  const doc = JSON.parse(readFileSync(new URL(file, casesDir), 'utf8'));
  describe(file, () => {
    for (const c of doc.cases) {
      test(c.name, async () => {
        assert.ok(('result' in c) !== ('error' in c), 'a case has exactly one of result/error');
        if ('error' in c) {
          await assert.rejects(() => callWithHost(c.method, c.params ?? {}), (e) => {
            assert.ok(e instanceof SsoError, `expected SsoError, got ${e}`);
            assert.equal(e.code, c.error, e.message);
            for (const [key, value] of Object.entries(c.details ?? {})) assert.deepEqual(e.details[key], value, `details.${key}`);
            for (const word of c.message_contains ?? []) assert.ok(e.message.includes(word), `"${e.message}" does not say "${word}"`);
            return true;
          });
        } else {
          assert.deepStrictEqual(await callWithHost(c.method, c.params ?? {}), c.result);
        }
      });
    }
  });
}
