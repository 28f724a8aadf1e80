// The two WebAssembly builds: pages get ssokit-core (no secret-holding platform calls), Node gets
// ssokit-server. A platform call that needs a secret answers server_only in the browser build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore, loadCoreVariant } from '../../web/src/core.js';

test('the browser build refuses secret-holding platform calls with server_only', async () => {
  const browser = await loadCoreVariant('browser');
  for (const method of ['streamone.login', 'muvi.login_url', 'twentythree.get_token', 'org.set_sso']) {
    assert.throws(() => browser.call(method, {}), (e) => e.code === 'server_only' && /portal's server/.test(e.message), method);
  }
  // Not a platform method: still an ordinary unknown-method error.
  assert.throws(() => browser.call('no.such_method', {}), (e) => e.code === 'invalid_argument');
  // The shared core is the same in both.
  const server = await loadCoreVariant('server');
  assert.equal(browser.call('base64url.encode', { hex: '00ff10' }), 'AP8Q');
  assert.equal(server.call('base64url.encode', { hex: '00ff10' }), 'AP8Q');
});

test('Node loads the server build, which knows the platform calls', async () => {
  const server = await loadCore();
  assert.throws(() => server.call('no.such_method', {}), (e) => e.code === 'invalid_argument');
  assert.throws(() => server.call('streamone.no_such_call', {}), (e) => e.code === 'invalid_argument' && /unknown method/.test(e.message));
});

test('loadCoreVariant rejects an unknown variant', () => {
  assert.throws(() => loadCoreVariant('mobile'), (e) => e.code === 'invalid_argument');
});
