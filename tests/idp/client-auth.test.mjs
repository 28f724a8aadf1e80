// Client authentication (RFC 6749 2.3.1, OIDC Core 9, RFC 7523) end to end against oidc-provider:
// none, client_secret_basic, client_secret_post, client_secret_jwt and private_key_jwt (RS256,
// PS256, ES256, keys made at test time) for sign-in, refresh, revocation and the device flow,
// through the CLI (the C++ SsoClient), the C API (tests/c/capi_device.c) and the web package in
// Node; the default method from discovery; a method the client is not registered for.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newKeyPair } from '../keys.mjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './run-cli.mjs';
import { startProvider, completeAuthorization, completeDeviceAuthorization } from './harness.mjs';
import { runApprovingDevice } from './device-approval.mjs';
// The web package (WebAssembly build) is imported by its tests only.
const createSsoClient = async (options) => (await import('../../web/src/index.js')).createSsoClient(options);

const SECRET = 'client-auth-secret-for-tests-only-0123456789abcdef';  // > 32 bytes for HS256
const rsa = newKeyPair('rsa', { modulusLength: 2048 });
const ec = newKeyPair('ec', { namedCurve: 'P-256' });
const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' });
const ecPem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' });
const rsaJwk = { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'ca-rsa' };
const ecJwk = { ...ec.privateKey.export({ format: 'jwk' }), kid: 'ca-ec' };
const publicJwk = (pair, kid) => ({ ...pair.publicKey.export({ format: 'jwk' }), kid });

const base = {
  application_type: 'native',
  redirect_uris: ['http://127.0.0.1/callback'],
  grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
  response_types: ['code'],
};
// One client per method (the provider checks the registered one); the key clients pin the alg.
const CLIENTS = [
  { ...base, client_id: 'ca-none', token_endpoint_auth_method: 'none' },
  { ...base, client_id: 'ca-basic', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic' },
  { ...base, client_id: 'ca-post', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_post' },
  { ...base, client_id: 'ca-jwt', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_jwt' },
  { ...base, client_id: 'ca-rs256', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS256', jwks: { keys: [publicJwk(rsa, 'ca-rsa')] } },
  { ...base, client_id: 'ca-ps256', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'PS256', jwks: { keys: [publicJwk(rsa, 'ca-rsa')] } },
  { ...base, client_id: 'ca-es256', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [publicJwk(ec, 'ca-ec')] } },
];

let idp;
let dir;
let files;
before(async () => {
  idp = await startProvider({ extraClients: CLIENTS });
  dir = mkdtempSync(join(tmpdir(), 'ssokit-client-auth-'));
  files = { rsaPem: join(dir, 'rsa.pem'), ecJwk: join(dir, 'ec.jwk.json') };
  writeFileSync(files.rsaPem, rsaPem, { mode: 0o600 });
  writeFileSync(files.ecJwk, JSON.stringify(ecJwk), { mode: 0o600 });
});
after(async () => {
  await idp?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Each case: the client, the CLI's credentials (args, env), the web package's options.
const CASES = [
  { method: 'none', client: 'ca-none', args: [], env: {}, js: {} },
  { method: 'client_secret_basic', client: 'ca-basic', args: [], env: { SSOKIT_CLIENT_SECRET: SECRET }, js: { clientSecret: SECRET } },
  { method: 'client_secret_post', client: 'ca-post', args: [], env: { SSOKIT_CLIENT_SECRET: SECRET }, js: { clientSecret: SECRET } },
  { method: 'client_secret_jwt', client: 'ca-jwt', args: [], env: { SSOKIT_CLIENT_SECRET: SECRET }, js: { clientSecret: SECRET } },
  { method: 'private_key_jwt', alg: 'RS256', client: 'ca-rs256', args: () => ['--private-key', files.rsaPem], env: {}, js: { privateKey: rsaPem } },
  { method: 'private_key_jwt', alg: 'PS256', client: 'ca-ps256', args: ['--private-key-alg', 'PS256'], env: { SSOKIT_PRIVATE_KEY: JSON.stringify(rsaJwk) }, js: { privateKey: rsaJwk, privateKeyAlg: 'PS256' } },
  { method: 'private_key_jwt', alg: 'ES256', client: 'ca-es256', args: () => ['--private-key', files.ecJwk], env: {}, js: { privateKey: ecPem, privateKeyId: 'ca-ec' } },
];
const label = (c) => `${c.method}${c.alg ? ` ${c.alg}` : ''}`;
const argsOf = (c) => (typeof c.args === 'function' ? c.args() : c.args);
const SECRETS = [SECRET, rsaJwk.d, ecJwk.d, rsaPem.split('\n')[1], ecPem.split('\n')[1]];
const leaks = (text) => SECRETS.filter((s) => text.includes(s));

async function cliLogin(issuer, c, extra = []) {
  let browsing;
  const result = await runCli(['login', '--issuer', issuer, '--client-id', c.client, '--timeout', '30', ...extra], {
    env: c.env,
    onStderrLine: (line) => {
      if (line.startsWith('Open: ')) browsing = completeAuthorization(line.slice(6), { follow: true });
    },
  });
  if (browsing) await browsing.catch(() => {});
  return result;
}

async function cliDevice(c, extra) {
  let confirming;
  const result = await runCli(['device', '--issuer', idp.issuer, '--client-id', c.client, '--no-qr', '--timeout', '60', ...extra], {
    env: c.env,
    timeoutMs: 90000,
    onStderrLine: (line) => {
      if (line.startsWith('Visit: ') && !confirming) confirming = completeDeviceAuthorization(line.slice(7));
    },
  });
  assert.ok(confirming, `no Visit: line: ${result.stderr}`);
  await confirming;
  return result;
}

describe('CLI (C++ SsoClient)', { concurrency: 2 }, () => {
  for (const c of CASES) {
    test(`${label(c)}: sign-in, refresh, revoke and device`, async () => {
      const store = join(dir, `cli-${c.client}.json`);
      const auth = ['--auth-method', c.method, ...argsOf(c)];
      const login = await cliLogin(idp.issuer, c, [...auth, '--store', store]);
      assert.equal(login.code, 0, login.stderr);
      assert.equal(login.json.claims.aud, c.client);
      assert.ok(login.json.refresh_token);
      const refresh = await runCli(['refresh', '--issuer', idp.issuer, '--client-id', c.client, '--store', store, ...auth], { env: c.env });
      assert.equal(refresh.code, 0, refresh.stderr);
      assert.notEqual(refresh.json.refresh_token, login.json.refresh_token, 'rotated');
      const revoke = await runCli(['revoke', '--issuer', idp.issuer, '--client-id', c.client, '--store', store, ...auth], { env: c.env });
      assert.equal(revoke.code, 0, revoke.stderr);
      assert.equal(revoke.json.revoked, 'refresh_token');
      const device = await cliDevice(c, auth);
      assert.equal(device.code, 0, device.stderr);
      assert.equal(device.json.claims.aud, c.client);
      for (const r of [login, refresh, revoke, device]) assert.deepEqual(leaks(r.stdout + r.stderr), []);
    });
  }

  test('without --auth-method: the first method of discovery that the credentials allow', async () => {
    // oidc-provider lists client_secret_basic, client_secret_jwt, client_secret_post, private_key_jwt,
    // none: a key alone gives private_key_jwt, no credentials give none.
    const key = await cliLogin(idp.issuer, CASES[4], argsOf(CASES[4]));
    assert.equal(key.code, 0, key.stderr);
    const none = await cliLogin(idp.issuer, CASES[0]);
    assert.equal(none.code, 0, none.stderr);
    // A secret gives client_secret_basic, which ca-jwt is not registered for ...
    const basic = await cliLogin(idp.issuer, CASES[3]);
    assert.equal(basic.code, 1);
    assert.equal(basic.json.error.code, 'token_error');
    // ... unless the provider lists client_secret_jwt first.
    const jwtFirst = await startProvider({ extraClients: CLIENTS, clientAuthMethods: ['client_secret_jwt', 'client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] });
    try {
      const jwt = await cliLogin(jwtFirst.issuer, CASES[3]);
      assert.equal(jwt.code, 0, jwt.stderr);
      assert.equal(jwt.json.claims.aud, 'ca-jwt');
    } finally {
      await jwtFirst.stop();
    }
  });

  // oidc-provider takes client_secret_basic and client_secret_post for one another, so the
  // mismatch it refuses is a secret sent to a client registered for client_secret_jwt.
  test('a method the client is not registered for: the provider\'s error comes back', async () => {
    const r = await cliLogin(idp.issuer, CASES[3], ['--auth-method', 'client_secret_basic']);
    assert.equal(r.code, 1);
    assert.equal(r.json.error.code, 'token_error');
    assert.match(r.json.error.message, /invalid_client/);
    assert.deepEqual(leaks(r.stdout + r.stderr), []);
  });

  test('bad names and keys fail before any request, without echoing the key', async () => {
    const unknown = await runCli(['refresh', '--issuer', idp.issuer, '--client-id', 'ca-basic', '--store', join(dir, 'none.json'), '--auth-method', 'client_secret_magic']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.json.error.code, 'invalid_argument');
    const badKey = await runCli(['refresh', '--issuer', idp.issuer, '--client-id', 'ca-rs256', '--store', join(dir, 'none.json')],
      { env: { SSOKIT_PRIVATE_KEY: JSON.stringify({ ...rsaJwk, p: ecJwk.d }) } });
    assert.equal(badKey.code, 1);
    assert.equal(badKey.json.error.code, 'invalid_argument');
    assert.deepEqual(leaks(badKey.stdout + badKey.stderr), []);
    const wrongAlg = await runCli(['refresh', '--issuer', idp.issuer, '--client-id', 'ca-es256', '--store', join(dir, 'none.json'), '--private-key', files.ecJwk, '--private-key-alg', 'PS256']);
    assert.equal(wrongAlg.json.error.code, 'invalid_argument');
    // private_key_jwt without a key.
    const noKey = await cliLogin(idp.issuer, { ...CASES[0], client: 'ca-rs256' }, ['--auth-method', 'private_key_jwt']);
    assert.equal(noKey.json.error.code, 'invalid_argument');
  });
});

// The C API: the step device sign-in (device authorization + token polls), access token, sign-out.
const capiProgram = fileURLToPath(new URL('../../build/bin/ssokit_capi_device', import.meta.url));
function runCapi(clientId, extra) {
  return runApprovingDevice([capiProgram, idp.issuer, clientId, 'steps', extra], { credentials: {}, approvalMayFail: true, timeoutMs: 90000, label: '' });
}
const member = (name, value) => `${JSON.stringify(name)}:${JSON.stringify(value)}`;

describe('C API', { concurrency: 2 }, () => {
  const capiCases = [
    ['client_secret_post', 'ca-post', [member('auth_method', 'client_secret_post'), member('client_secret', SECRET)]],
    ['client_secret_jwt', 'ca-jwt', [member('auth_method', 'client_secret_jwt'), member('client_secret', SECRET)]],
    ['private_key_jwt PS256 (JWK)', 'ca-ps256', [member('auth_method', 'private_key_jwt'), member('private_key', JSON.stringify(rsaJwk)), member('private_key_alg', 'PS256')]],
    ['private_key_jwt ES256 (PEM, default method)', 'ca-es256', [member('private_key', ecPem)]],
  ];
  for (const [name, clientId, extra] of capiCases) {
    test(`${name}: step device sign-in`, async () => {
      const r = await runCapi(clientId, extra.join(','));
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^status: ok$/m);
      assert.deepEqual(leaks(r.stdout + r.stderr), []);
    });
  }
  test('an unknown auth_method fails at ssokit_client_new', async () => {
    const r = await runCapi('ca-basic', member('auth_method', 'secret_in_url'));
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /invalid_argument/);
  });
});

describe('web package in Node', { concurrency: 2 }, () => {
  for (const c of CASES) {
    test(`${label(c)}: sign-in, refresh, device and revoke`, async () => {
      const sso = await createSsoClient({
        issuer: idp.issuer, clientId: c.client, redirectUri: 'http://127.0.0.1:7893/callback', crossTab: false,
        clientAuth: c.method, ...c.js,
      });
      const { url } = await sso.login({ redirect: false });
      const signedIn = await sso.handleRedirectCallback(await completeAuthorization(url));
      assert.equal(signedIn.claims.aud, c.client);
      const refreshed = await sso.refresh();
      assert.ok(refreshed.tokens.access_token);
      await sso.revoke();
      assert.equal(await sso.isAuthenticated(), false);
      let confirming;
      const device = await sso.deviceLogin({ onCode: (code) => { confirming = completeDeviceAuthorization(code.verificationUriComplete); } });
      await confirming;
      assert.equal(device.claims.aud, c.client);
      await sso.revoke();
      sso.close();
    });
  }

  test('default method from discovery; unknown names and page use refused at creation', async () => {
    const sso = await createSsoClient({ issuer: idp.issuer, clientId: 'ca-es256', redirectUri: 'http://127.0.0.1:7893/callback', crossTab: false, privateKey: ecJwk });
    const { url } = await sso.login({ redirect: false });
    assert.equal((await sso.handleRedirectCallback(await completeAuthorization(url))).claims.aud, 'ca-es256');
    sso.close();
    await assert.rejects(createSsoClient({ issuer: idp.issuer, clientId: 'ca-basic', redirectUri: 'http://127.0.0.1:7893/callback', clientAuth: 'client_secret_magic' }),
      { code: 'invalid_argument' });
    await assert.rejects(createSsoClient({ issuer: idp.issuer, clientId: 'ca-es256', redirectUri: 'http://127.0.0.1:7893/callback', privateKey: ecJwk, privateKeyAlg: 'RS256' }),
      { code: 'invalid_argument' });
    globalThis.document = {};
    try {
      await assert.rejects(createSsoClient({ issuer: idp.issuer, clientId: 'ca-es256', redirectUri: 'http://127.0.0.1:7893/callback', privateKey: ecPem }),
        (e) => e.code === 'invalid_argument' && /browser page/.test(e.message) && leaks(e.message).length === 0);
    } finally {
      delete globalThis.document;
    }
  });
});
