// The one JavaScript step driver (web/src/drive.js) over the real core: the request budget is the
// state envelope's, waits go through setTimeout (or the given sleep) and an AbortSignal cancels,
// verify effects are answered, and a finished operation's state is the bare envelope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driveSteps, waitOrCancel } from '../../web/src/drive.js';
import { loadPlatformCore } from '../../web/src/platform-core.js';
import { SsoError } from '../../web/src/index.js';

const store = 'https://store.example.com';
const muviAnswer = (code, extra = {}) => ({
  status: 200, headers: [['Content-Type', 'application/json']], body: JSON.stringify({ code, msg: 'm', ...extra }),
});
const params = { store, auth_token: 'muvi-auth-token-of-the-drive-test', email: 'viewer@example.com', name: 'Vera' };

// A muvi.get_user_uuid run (one lookup), with the states it went through.
async function lookUpUser(core, { first, sleep, signal } = {}) {
  const states = [];
  const sent = [];
  const result = await driveSteps(first ?? core.call('muvi.get_user_uuid', params), {
    send: async (request) => { sent.push(request); return muviAnswer(200, { user_uuid: 'u-1' }); },
    step: (state, response) => {
      const next = core.call('muvi.step', { state, response, now: 1_700_000_000 });
      states.push(next.state);
      return next;
    },
    sleep,
    signal,
  });
  return { result, states, sent };
}

test('the driver runs a platform machine and its done state holds no secret', async () => {
  const core = await loadPlatformCore();
  const first = core.call('muvi.get_user_uuid', params);
  assert.equal(first.state.v, 1);
  assert.equal(first.state.machine, 'muvi.get_user_uuid');
  assert.equal(first.state.budget, 1);
  const { result, states, sent } = await lookUpUser(core, { first });
  assert.deepEqual(result, { user_uuid: 'u-1' });
  assert.equal(sent.length, 1);
  assert.deepEqual(states.at(-1), { v: 1, machine: 'muvi.get_user_uuid', phase: 'done' });
  assert.ok(!JSON.stringify(states.at(-1)).includes(params.auth_token));
});

test('the budget is the state\'s: a state with none left is refused by the core', async () => {
  const core = await loadPlatformCore();
  const first = core.call('muvi.ensure_user', params);
  first.state.budget = 0;
  await assert.rejects(
    driveSteps(first, {
      send: async () => muviAnswer(422),
      step: (state, response) => core.call('muvi.step', { state, response, now: 1_700_000_000 }),
    }),
    (e) => e instanceof SsoError && e.code === 'internal_error' && /request budget/.test(e.message),
  );
});

test('a step\'s wait_seconds is waited, and an AbortSignal cancels the wait', async () => {
  const waits = [];
  const waiting = { state: {}, request: { method: 'GET', url: 'https://x.example/', headers: [] }, wait_seconds: 3 };
  const done = await driveSteps(waiting, {
    send: async () => ({ status: 200, headers: [], body: '' }),
    step: () => ({ state: {}, result: 'ok' }),
    sleep: async (ms) => { waits.push(ms); },
  });
  assert.equal(done, 'ok');
  assert.deepEqual(waits, [3000]);

  const controller = new AbortController();
  let sent = 0;
  const run = driveSteps(waiting, {
    send: async () => { sent++; return { status: 200, headers: [], body: '' }; },
    step: () => ({ state: {}, result: 'ok' }),
    signal: controller.signal,
    cancelledMessage: 'stopped by the test',
  });
  setTimeout(() => controller.abort(), 20);
  await assert.rejects(run, (e) => e instanceof SsoError && e.code === 'cancelled' && e.message === 'stopped by the test');
  assert.equal(sent, 0);
  await assert.rejects(waitOrCancel(10, AbortSignal.abort()), (e) => e.code === 'cancelled');
});

test('a verify effect goes to verify, and a machine without one is an internal error', async () => {
  const verifying = { state: { n: 1 }, verify: { alg: 'RS256' } };
  const result = await driveSteps(verifying, {
    send: async () => { throw new Error('no request expected'); },
    step: () => { throw new Error('no response expected'); },
    verify: async (step) => ({ state: step.state, result: 'verified' }),
  });
  assert.equal(result, 'verified');
  await assert.rejects(driveSteps(verifying, { send: async () => ({}), step: () => ({}) }), (e) => e.code === 'internal_error');
});

test('a transport error is retried only when retryWait says how long', async () => {
  const request = { method: 'POST', url: 'https://id.example/token', headers: [] };
  let tries = 0;
  const waits = [];
  const result = await driveSteps({ state: {}, request }, {
    send: async () => { if (++tries < 3) throw new SsoError('network_error', 'offline'); return { status: 200, headers: [], body: '' }; },
    step: () => ({ state: {}, result: tries }),
    retryWait: (e, backoff) => (backoff ? backoff * 2 : 5),
    sleep: async (ms) => { waits.push(ms); },
  });
  assert.equal(result, 3);
  assert.deepEqual(waits, [5000, 10000]);
  await assert.rejects(
    driveSteps({ state: {}, request }, { send: async () => { throw new SsoError('network_error', 'offline'); }, step: () => ({}) }),
    (e) => e.code === 'network_error',
  );
});
