// The callback page's warm-up (web/src/warm.js) must run the validation path it is there to
// compile: its made-up tokens have to pass the core's key rules and reach the verify effect on
// both builds a page can load, and it must never throw or verify anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCoreVariant } from '../../web/src/core.js';
import { warmValidation } from '../../web/src/warm.js';

for (const variant of ['browser', 'server']) {
  test(`warmValidation reaches the verify effect for EC and RSA keys (${variant} build)`, async () => {
    const core = await loadCoreVariant(variant);
    const calls = [];
    const spy = {
      call(method, params) {
        try {
          const reply = core.call(method, params);
          calls.push({ method, params, reply });
          return reply;
        } catch (e) {
          calls.push({ method, params, error: e.code });
          throw e;
        }
      },
    };
    assert.doesNotThrow(() => warmValidation(spy));
    const validations = calls.filter((c) => c.method === 'id_token.validate');
    assert.equal(validations.length, 2);
    assert.deepEqual(validations.map((c) => c.reply?.verify?.alg), ['ES256', 'RS256']);
    // Each verify effect is answered "not verified": the flow ends in the signature error.
    const steps = calls.filter((c) => c.method === 'flow.step');
    assert.equal(steps.length, 2);
    for (const step of steps) {
      assert.equal(step.params.verified, false);
      assert.equal(step.error, 'id_token_signature_invalid');
    }
  });
}
