// Runs every shared case file (tests/cases/*.json) through both WebAssembly builds in Node: the
// server build (what Node loads) and the page build (what browsers load: no mbedTLS, its own
// SHA-2 and JWK point check, the host's random bytes). tests/unit/cases_test.cpp runs the same
// files natively: all must give identical answers. A case whose method is one of the platforms'
// secret-holding calls runs fully on the server build; the page build must answer it server_only. A
// method that answers a verify effect has it performed by WebCrypto (web/src/verify.js) and
// continued with flow.step; the continuation's result is the method's answer.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { SsoError } from '../../web/src/index.js';
import { loadCoreVariant } from '../../web/src/core.js';
import { performVerify } from '../../web/src/verify.js';

const casesDir = new URL('../cases/', import.meta.url);
const builds = { server: await loadCoreVariant('server'), page: await loadCoreVariant('browser') };
const platformMethod = /^(twentythree|streamone|muvi|org)\./;

async function callWithHost(core, method, params) {
  const reply = core.call(method, params);
  if (!reply || typeof reply !== 'object' || !('verify' in reply)) return reply;
  return (await performVerify(core, reply, () => 0)).result;
}

// The page build answers server_only for a platform method that needs a secret: then that is
// the case's answer there (and only for such methods).
async function pageServerOnly(core, c) {
  if (!platformMethod.test(c.method) || c.error === 'server_only') return false;
  try {
    await callWithHost(core, c.method, c.params ?? {});
    return false;
  } catch (e) {
    return e instanceof SsoError && e.code === 'server_only';
  }
}

for (const [build, core] of Object.entries(builds)) {
for (const file of readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort()) {
  const doc = JSON.parse(readFileSync(new URL(file, casesDir), 'utf8'));
  describe(`${build} build: ${file}`, () => {
    for (const c of doc.cases) {
      test(c.name, async () => {
        assert.ok(('result' in c) !== ('error' in c), 'a case has exactly one of result/error');
        if (build === 'page' && await pageServerOnly(core, c)) return;
        if ('error' in c) {
          await assert.rejects(() => callWithHost(core, c.method, c.params ?? {}), (e) => {
            assert.ok(e instanceof SsoError, `expected SsoError, got ${e}`);
            assert.equal(e.code, c.error, e.message);
            for (const [key, value] of Object.entries(c.details ?? {})) assert.deepEqual(e.details[key], value, `details.${key}`);
            for (const word of c.message_contains ?? []) assert.ok(e.message.includes(word), `"${e.message}" does not say "${word}"`);
            return true;
          });
        } else {
          assert.deepStrictEqual(await callWithHost(core, c.method, c.params ?? {}), c.result);
        }
      });
    }
  });
}
}
