// The C API 1.0 from C (tests/c/capi_device.c) against the real oidc-provider: the step-by-step
// device sign-in with progress and session-change callbacks, storage callbacks and a transport
// callback of the program's own (libcurl, response headers handed in), under valgrind memcheck;
// the cancel callback; and four threads sharing one client under helgrind (calls on a client are
// serialized, as ssokit.h documents). This test plays the viewer who confirms on the phone.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startProvider } from './harness.mjs';
import { runApprovingDevice } from './device-approval.mjs';

const program = fileURLToPath(new URL('../../build/bin/ssokit_capi_device', import.meta.url));
const suppressions = fileURLToPath(new URL('../c/helgrind.supp', import.meta.url));

let provider;
before(async () => { provider = await startProvider({}); });
after(async () => { await provider?.stop(); });

// Runs the program (under `wrapper`), confirming the code as the viewer once "Visit:" appears.
function run(mode, { wrapper = [], confirm = true } = {}) {
  return runApprovingDevice([...wrapper, program, provider.issuer, 'ssokit-native', mode], { approve: confirm, timeoutMs: 120000, label: mode });
}

const helgrind = ['valgrind', '--tool=helgrind', '--error-exitcode=99', '-q', `--suppressions=${suppressions}`];
const memcheck = ['valgrind', '--error-exitcode=99', '--leak-check=full', '--errors-for-leak-kinds=definite,indirect', '-q'];

describe('C API against the provider', { concurrency: true }, () => {
  test('step device sign-in: progress events, session changes, storage and transport callbacks (memcheck)', async () => {
    const r = await run('steps', { wrapper: memcheck });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^status: ok$/m);
    const events = [...r.stdout.matchAll(/^event: (\w+) (\d+)$/gm)].map((m) => m[1]);
    assert.equal(events[0], 'code');
    assert.ok(events.includes('pending') || events.indexOf('done') === 1, events.join(','));
    assert.equal(events.at(-1), 'done');
    assert.match(r.stdout, /^event: code [1-9]\d*$/m, 'CODE carries the lifetime in seconds');
    assert.deepEqual([...r.stdout.matchAll(/^session: (\S+)$/gm)].map((m) => m[1]), ['signed-in', 'signed-out']);
    assert.equal(/^subject: (\S+)$/m.exec(r.stdout)[1], provider.accountIdFor('viewer@example.com'));
    assert.ok(Number(/^stored writes: (\d+)$/m.exec(r.stdout)[1]) >= 1, 'the session went through store_write');
    assert.ok(Number(/^responses with headers: (\d+)$/m.exec(r.stdout)[1]) >= 3, 'discovery, code, token through the callback');
    assert.doesNotMatch(r.stderr, /Invalid read|Invalid write|definitely lost/);
  });

  test('the cancel callback stops the blocking device sign-in with cancelled (memcheck)', async () => {
    const r = await run('cancel', { wrapper: memcheck, confirm: false });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^cancelled: cancelled$/m);
    assert.match(r.stdout, /^status: ok$/m);
  });

  test('four threads sharing one client: no data race (helgrind)', async () => {
    const r = await run('threads', { wrapper: helgrind });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^thread failures: 0$/m);
    assert.match(r.stdout, /^status: ok$/m);
    assert.doesNotMatch(r.stderr, /Possible data race|lock order/);
  });

  // Issue 13: with the session in the client's own memory (no storage callbacks), readers calling
  // ssokit_access_token() and ssokit_session() while another thread's refresh replaces the session.
  test('four threads, the session in memory, one of them refreshing: no data race (helgrind)', async () => {
    const r = await run('threads-memory', { wrapper: helgrind });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^thread failures: 0$/m);
    assert.match(r.stdout, /^refreshes: 4$/m);
    assert.equal(/^stored writes: (\d+)$/m.exec(r.stdout)[1], '0', 'no storage callback: the session stays in memory');
    assert.match(r.stdout, /^status: ok$/m);
    assert.doesNotMatch(r.stderr, /Possible data race|lock order/);
  });
});
