// The two WebAssembly builds: pages get ssokit-core (no secret-holding platform calls), Node gets
// ssokit-server. A platform call that needs a secret answers server_only in the browser build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadCore, loadCoreVariant } from '../../web/src/core.js';

test('the browser build refuses secret-holding platform calls with server_only', async () => {
  const browser = await loadCoreVariant('browser');
  for (const method of ['streamone.login', 'muvi.login_url', 'twentythree.get_token', 'org.set_sso']) {
    assert.throws(() => browser.call(method, {}), (e) => e.code === 'server_only' && /portal's server/.test(e.message), method);
  }
  // Not a platform method: still an ordinary unknown-method error.
  assert.throws(() => browser.call('no.such_method', {}), (e) => e.code === 'invalid_argument');
  // The shared core is the same in both (base64url.encode: a tool method, on the page-tools build).
  const server = await loadCoreVariant('server');
  assert.equal((await loadCoreVariant('page-tools')).call('base64url.encode', { hex: '00ff10' }), 'AP8Q');
  assert.equal(server.call('base64url.encode', { hex: '00ff10' }), 'AP8Q');
});

test('Node loads the server build, which knows the platform calls', async () => {
  const server = await loadCore();
  assert.throws(() => server.call('no.such_method', {}), (e) => e.code === 'invalid_argument');
  assert.throws(() => server.call('streamone.no_such_call', {}), (e) => e.code === 'invalid_argument' && /unknown method/.test(e.message));
});

// core.js instantiates the builds without emscripten's glue: it provides exactly these imports.
test('every build imports only what core.js provides, and exports what it calls', () => {
  const provided = ['env.abort', 'env.emscripten_resize_heap', 'env.getentropy'];
  for (const build of ['core', 'server', 'fallback', 'platforms', 'page-tools']) {
    const module = new WebAssembly.Module(readFileSync(new URL(`../../web/dist/ssokit-${build}.wasm`, import.meta.url)));
    const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
    for (const name of imports) assert.ok(provided.includes(name), `ssokit-${build}.wasm imports ${name}`);
    // Pages give the random bytes: only the builds with a generator of their own draw from getentropy.
    assert.equal(imports.includes('env.getentropy'), build === 'server' || build === 'fallback', build);
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    for (const name of ['memory', '__wasm_call_ctors', 'malloc', 'free', 'ssokit_call', 'ssokit_free']) {
      assert.ok(exports.includes(name), `ssokit-${build}.wasm exports no ${name}`);
    }
  }
});

test('the core grows its memory for a large input, refuses it, and keeps answering', async () => {
  const page = await loadCoreVariant('browser');
  // 40 MiB: more than the initial memory, so malloc has the host grow it (emscripten_resize_heap).
  assert.throws(() => page.call('client.check', { client: { client_id: 'x'.repeat(40 << 20) } }),
    (e) => e.code === 'invalid_argument' && /larger than 1048576 bytes/.test(e.message));
  assert.equal(page.call('callback.is_response', { url: 'https://portal.example/cb?code=c&state=s' }), true);
  assert.equal(page.call('callback.is_response', { url: 'https://portal.example/cb' }), false);
});

test('loadCoreVariant rejects an unknown variant', () => {
  assert.throws(() => loadCoreVariant('mobile'), (e) => e.code === 'invalid_argument');
});

test('the page build has no generator: randomness is the host\'s bytes, used as given', async () => {
  const page = await loadCoreVariant('browser');
  const tools = await loadCoreVariant('page-tools');
  const server = await loadCoreVariant('server');
  // Without `random` the page build refuses (no CTR_DRBG in it); the server build draws its own.
  assert.throws(() => tools.call('random.token', {}), (e) => e.code === 'invalid_argument' && /random/.test(e.message));
  assert.match(server.call('random.token', {}), /^[A-Za-z0-9_-]{43}$/);
  // With the host's bytes both builds use exactly them: state, nonce and verifier in that order.
  const bytes = Array.from({ length: 96 }, (_, i) => i);
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  const b64 = (part) => Buffer.from(part).toString('base64url');
  const params = {
    client: { issuer: 'https://login.example.com', client_id: 'portal', redirect_uri: 'https://portal.example.com/cb', scope: 'openid' },
    provider: { issuer: 'https://login.example.com', authorization_endpoint: 'https://login.example.com/auth', token_endpoint: 'https://login.example.com/token',
      jwks_uri: 'https://login.example.com/jwks', code_challenge_methods_supported: ['S256'] },
    now: 1700000000, random: hex,
  };
  for (const core of [page, server]) {
    const { transaction } = core.call('authorize.build', params);
    assert.equal(transaction.state, b64(bytes.slice(0, 32)));
    assert.equal(transaction.nonce, b64(bytes.slice(32, 64)));
    assert.equal(transaction.code_verifier, b64(bytes.slice(64, 96)));
  }
  // Too few bytes: an error, never a repeat of what was given.
  assert.throws(() => page.call('authorize.build', { ...params, random: hex.slice(0, 190) }), (e) => e.code === 'invalid_argument');
});

test('the page build is a public client: confidential client authentication answers unsupported there', async () => {
  const page = await loadCoreVariant('browser');
  const server = await loadCoreVariant('server');
  const provider = { issuer: 'https://login.example.com', authorization_endpoint: 'https://login.example.com/auth',
    token_endpoint: 'https://login.example.com/token', jwks_uri: 'https://login.example.com/jwks' };
  const base = { client_id: 'portal', issuer: 'https://login.example.com', redirect_uri: 'https://portal.example.com/cb', scope: 'openid' };
  // A valid stored transaction, taken from the shared cases.
  const { transaction } = JSON.parse(readFileSync(new URL('../cases/oauth.json', import.meta.url), 'utf8'))
    .cases.find((c) => c.method === 'token.code_request').params;
  const params = (client) => ({ client, provider, transaction, code: 'c', now: 1700000000 });
  for (const auth of ['client_secret_basic', 'client_secret_post', 'client_secret_jwt']) {
    const confidential = params({ ...base, client_secret: 'secret', auth });
    assert.throws(() => page.call('token.code_request', confidential),
      (e) => e.code === 'unsupported' && /public client/.test(e.message) && !e.message.includes('secret\''), auth);
    assert.equal(server.call('token.code_request', confidential).method, 'POST', auth);
  }
  // A public client's request is the same in both builds.
  assert.deepEqual(page.call('token.code_request', params(base)), server.call('token.code_request', params(base)));
});

// The page build leaves out the low-level tool methods (tests/wasm/page-tools.mjs); every method a
// page module calls must still be in it, and the test-only page-tools build has both.
test('the page build holds every method web/src calls and none of the tool methods', async () => {
  const { TOOL_METHODS } = await import('./page-tools.mjs');
  const { readdirSync } = await import('node:fs');
  const page = await loadCoreVariant('browser');
  const tools = await loadCoreVariant('page-tools');
  const known = (core, method) => {
    try {
      core.call(method, {});
      return true;
    } catch (e) {
      return !/unknown method/.test(e.message);
    }
  };
  const src = new URL('../../web/src/', import.meta.url);
  const called = new Set();
  for (const f of readdirSync(src).filter((n) => n.endsWith('.js'))) {
    for (const m of readFileSync(new URL(f, src), 'utf8').matchAll(/call\('([a-z_0-9]+(?:\.[a-z_0-9]+)?)'/g)) called.add(m[1]);
  }
  assert.ok(called.size > 30, `found the page modules' calls (${called.size})`);
  for (const method of called) {
    assert.ok(!TOOL_METHODS.includes(method), `${method} is called by web/src: it must not be a tool method`);
    // A platform's secret-holding call answers server_only in the page build: known, not missing.
    assert.ok(known(page, method), `${method}: missing from the page build`);
  }
  for (const method of TOOL_METHODS) {
    assert.equal(known(page, method), false, `${method}: still in the page build`);
    assert.equal(known(tools, method), true, `${method}: missing from the page-tools build`);
  }
});

test('the npm package ships no page-tools build', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../web/package.json', import.meta.url), 'utf8'));
  assert.ok(!pkg.files.some((f) => f.includes('page-tools')), 'web/package.json files');
  assert.ok(!Object.values(pkg.exports).some((v) => JSON.stringify(v).includes('page-tools')), 'web/package.json exports');
});

// The video platforms' browser-safe calls are in ssokit-platforms.wasm (what web/src's platform
// modules load in a page), not in ssokit-core.wasm (what createSsoClient loads).
test('the platforms build answers the browser-safe platform calls; the page build points to it', async () => {
  const page = await loadCoreVariant('browser');
  const platforms = await loadCoreVariant('platforms');
  const envelope = { response: { status: 200, headers: [], body: '{"header":{"status":0,"statusmessage":"OK"},"body":null}' } };
  assert.equal(platforms.call('streamone.parse_envelope', envelope).status, 0);
  assert.deepEqual(platforms.call('twentythree.validate_return_url', { return_url: '/x' }), { return_url: '/x' });
  for (const method of ['streamone.parse_envelope', 'twentythree.validate_return_url', 'org.login_url']) {
    assert.throws(() => page.call(method, envelope), (e) => e.code === 'server_only' && /ssokit-platforms\.wasm/.test(e.message), method);
  }
  // The secret-holding calls stay out of both.
  assert.throws(() => platforms.call('streamone.login', {}), (e) => e.code === 'server_only' && /portal's server/.test(e.message));
  assert.equal(page.platforms, false);
  assert.equal(platforms.platforms, true);
});
