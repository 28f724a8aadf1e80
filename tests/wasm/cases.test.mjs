// Runs every shared case (tests/cases/*.json: single calls and transcripts) through both
// WebAssembly builds in Node: the server build (what Node loads) and the page build (what browsers
// load: no mbedTLS, its own SHA-2 and JWK point check, the host's random bytes).
// tests/unit/cases_test.cpp runs the same cases natively and tests/c/capi_cases_test.cpp through
// the C API, with the same rules (tests/unit/case_runner.hpp): all must give identical answers.
// A case whose method is one of the platforms' secret-holding calls runs fully on the server
// build; the page build must answer it server_only. A single call that answers a verify effect has
// it performed by WebCrypto (web/src/verify.js) and continued with flow.step; a transcript scripts
// every request, response and verify answer itself. The page build leaves the low-level tool
// methods out (tests/wasm/page-tools.mjs): there a case calling one must answer "unknown method",
// and every case runs in full on ssokit-page-tools.wasm, the page build with those methods. The
// platforms' calls are not in ssokit-core.wasm either (ssokit-platforms.wasm, which page-tools
// includes): there they answer server_only.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { SsoError } from '../../web/src/index.js';
import { loadCoreVariant } from '../../web/src/core.js';
import { performVerify } from '../../web/src/verify.js';
import { isToolMethod, unknownMethod } from './page-tools.mjs';

const casesDir = new URL('../cases/', import.meta.url);
const builds = {
  server: await loadCoreVariant('server'), page: await loadCoreVariant('browser'), 'page-tools': await loadCoreVariant('page-tools'),
};
const pageLike = (build) => build !== 'server';
const platformMethod = /^(twentythree|streamone|muvi|org)\./;

async function callWithHost(core, method, params) {
  const reply = core.call(method, params);
  if (!reply || typeof reply !== 'object' || !('verify' in reply)) return reply;
  return (await performVerify(core, reply, () => 0)).result;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// Asserts that `got` holds every member `expected` lists (objects member by member; arrays and
// values exactly), as case_runner.hpp's mismatch().
function assertIncludes(got, expected, path) {
  if (!isObject(expected)) {
    assert.deepStrictEqual(got, expected, path);
    return;
  }
  assert.ok(isObject(got), `${path}: expected an object, got ${JSON.stringify(got)}`);
  for (const [key, value] of Object.entries(expected)) {
    assert.ok(key in got, `${path}/${key}: missing (expected ${JSON.stringify(value)})`);
    assertIncludes(got[key], value, `${path}/${key}`);
  }
}

// The machine's request is the scripted one: only the members the step lists.
function assertRequest(got, expected, at) {
  for (const key of ['method', 'url', 'body']) {
    if (key in expected) assert.deepStrictEqual(got[key], expected[key], `${at}${key}`);
  }
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    const found = (got.headers ?? []).filter(([n]) => n.toLowerCase() === name.toLowerCase()).at(-1);
    if (value === null) assert.equal(found, undefined, `${at}header ${name} must be absent`);
    else assert.equal(found?.[1], value, `${at}header ${name}`);
  }
  if (expected.form) {
    const fields = new URLSearchParams(got.body ?? '');
    for (const [name, value] of Object.entries(expected.form)) {
      if (value === null) assert.equal(fields.has(name), false, `${at}form field ${name} must be absent`);
      else assert.equal(fields.get(name), value, `${at}form field ${name}`);
    }
  }
}

// A call with `remaining` scripted steps still to come: an error now fails the test, not the case.
function advance(call, remaining) {
  try {
    return call();
  } catch (e) {
    if (remaining > 0 && e instanceof SsoError) {
      assert.fail(`the machine failed before the script ended (${remaining} steps left): ${e.code}: ${e.message}`);
    }
    throw e;
  }
}

// Plays a transcript; returns the step machine's result (or throws the last step's error).
function play(core, t) {
  const params = t.params ?? {};
  let now = params.now ?? 0;
  let reply = advance(() => core.call(t.method, params), t.steps.length);
  t.steps.forEach((step, n) => {
    const remaining = t.steps.length - n - 1;
    const at = `step ${n}: `;
    if ('now' in step) now = step.now;
    if ('request' in step) {
      assert.ok(reply.request, `${at}expected a request, got ${JSON.stringify(reply).slice(0, 400)}`);
      assertRequest(reply.request, step.request, at);
      assert.equal(reply.wait_seconds ?? 0, step.wait_seconds ?? 0, `${at}wait_seconds`);
      reply = advance(() => core.call('flow.step', { state: reply.state, response: step.response, now }), remaining);
    } else {
      assert.ok('verify' in step, `${at}a step has a request or a verify`);
      assert.ok(reply.verify, `${at}expected a verify effect, got ${JSON.stringify(reply).slice(0, 400)}`);
      assertIncludes(reply.verify, step.verify, `${at}verify`);
      reply = advance(() => core.call('flow.step', { state: reply.state, verified: step.verified, now }), remaining);
    }
  });
  assert.ok(!reply.request && !reply.verify && 'result' in reply, `the script ended but the machine goes on: ${JSON.stringify(reply).slice(0, 400)}`);
  return reply.result;
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

function assertError(e, c) {
  if (e instanceof assert.AssertionError) throw e;
  assert.ok(e instanceof SsoError, `expected SsoError, got ${e}`);
  assert.equal(e.code, c.error, e.message);
  for (const [key, value] of Object.entries(c.details ?? {})) assert.deepEqual(e.details[key], value, `details.${key}`);
  for (const word of c.message_contains ?? []) assert.ok(e.message.includes(word), `"${e.message}" does not say "${word}"`);
  return true;
}

// The page build is a public client (sdk/src/oauth/client_auth_public.cpp): a case that gives the
// client a secret, a private key or a confidential method answers unsupported there (and only such).
function confidentialClient(c) {
  const client = c.params?.client;
  return !!client && (!!client.client_secret || !!client.private_key_alg || (client.auth && client.auth !== 'none'));
}
async function pagePublicOnly(core, c) {
  if (!confidentialClient(c) || c.error === 'unsupported') return false;
  try {
    await callWithHost(core, c.method, c.params ?? {});
    return false;
  } catch (e) {
    return e instanceof SsoError && e.code === 'unsupported' && /public client/.test(e.message);
  }
}

for (const [build, core] of Object.entries(builds)) {
for (const file of readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort()) {
  const doc = JSON.parse(readFileSync(new URL(file, casesDir), 'utf8'));
  describe(`${build} build: ${file}`, () => {
    test('the file has cases', () => assert.ok(Array.isArray(doc.cases) && doc.cases.length > 0));
    for (const c of doc.cases ?? []) {
      test(c.name, async () => {
        assert.ok(('result' in c) !== ('error' in c), 'a case has exactly one of result/error');
        assert.ok(!('steps' in c), "a case with steps belongs in the file's transcripts");
        if (build === 'page' && platformMethod.test(c.method)) {
          // ssokit-core.wasm has no platform calls (ssokit-platforms.wasm, page-tools has them).
          assert.throws(() => core.call(c.method, c.params ?? {}), (e) => e.code === 'server_only' && /not in the page build/.test(e.message));
          return;
        }
        if (build === 'page' && isToolMethod(c.method)) {
          assert.throws(() => core.call(c.method, c.params ?? {}), unknownMethod, 'left out of the page build');
          return;  // the case itself runs on the page-tools build
        }
        if (pageLike(build) && await pageServerOnly(core, c)) return;
        if (pageLike(build) && await pagePublicOnly(core, c)) return;
        if ('error' in c) {
          await assert.rejects(() => callWithHost(core, c.method, c.params ?? {}), (e) => assertError(e, c));
        } else {
          assert.deepStrictEqual(await callWithHost(core, c.method, c.params ?? {}), c.result);
        }
      });
    }
    for (const t of doc.transcripts ?? []) {
      test(`transcript: ${t.name}`, () => {
        assert.ok(('result' in t) !== ('error' in t), 'a transcript has exactly one of result/error');
        assert.ok(Array.isArray(t.steps) && t.steps.length > 0, 'steps: a non-empty array');
        if (build === 'page' && (isToolMethod(t.method) || platformMethod.test(t.method))) {
          assert.throws(() => core.call(t.method, t.params ?? {}), (e) => unknownMethod(e) || (e.code === 'server_only' && /not in the page build/.test(e.message)), 'left out of the page build');
          return;
        }
        if (pageLike(build) && confidentialClient(t)) {
          // The page build is a public client: the machine's first call already refuses.
          assert.throws(() => core.call(t.method, t.params ?? {}), (e) => e.code === 'unsupported' && /public client/.test(e.message));
          return;
        }
        if ('error' in t) {
          // The error must come from the last step: play() fails on an earlier one.
          assert.throws(() => play(core, t), (e) => assertError(e, t));
        } else {
          assertIncludes(play(core, t), t.result, 'result');
        }
      });
    }
  });
}
}
