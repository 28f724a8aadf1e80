// User-info against the real oidc-provider, through the CLI, the C API (tests/c/capi_signin.c)
// and the web package in Node:
// - a client registered with userinfo_signed_response_alg RS256 (features.jwtUserinfo) gets
//   user-info as a signed JWT (application/jwt, OIDC Core 5.3.2): verified with the provider's
//   keys, its claims in the profile; a signature spoilt on the way is invalid_response;
// - --no-userinfo / fetch_userinfo: false / fetchUserinfo: false: no user-info request reaches
//   the provider (an access token for another API, RFC 8707, would be refused there);
// - an access token revoked just before user-info: the error names the provider's error and
//   error_description, never the token.
// A middleware on the provider records each user-info request and the type of its answer.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSsoClient, SsoError } from '../../web/src/index.js';
import { startProvider, completeAuthorization, completeDeviceAuthorization } from './harness.mjs';
import { runCli } from './run-cli.mjs';
import { runApprovingDevice } from './device-approval.mjs';

const REDIRECT = 'http://127.0.0.1:7893/callback';
const SCOPE = 'openid profile email';
const SIGNED = 'ssokit-signed-userinfo';
const capiSignin = fileURLToPath(new URL('../../build/bin/ssokit_capi_signin', import.meta.url));

let idp;
let userinfoPath;
const seen = [];  // { authorization, type }: each user-info request and the content type answered
let revokeNext = false;
let tamperNext = false;

// Records each user-info request; revokes its access token or spoils its answer when asked.
async function watchUserinfo(ctx, next) {
  if (ctx.path !== userinfoPath) return next();
  const authorization = ctx.get('authorization');
  if (revokeNext) {
    revokeNext = false;
    const token = await idp.provider.AccessToken.find(authorization.replace(/^Bearer /i, ''));
    await token?.destroy();  // revoked between the token response and user-info
  }
  await next();
  if (tamperNext && typeof ctx.body === 'string') {
    tamperNext = false;
    const [h, p, s] = ctx.body.split('.');
    ctx.body = `${h}.${p}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
  }
  seen.push({ authorization, type: String(ctx.response.type) });
}

before(async () => {
  idp = await startProvider({
    jwtUserinfo: true,
    middleware: [watchUserinfo],
    extraClients: [{
      client_id: SIGNED,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
      userinfo_signed_response_alg: 'RS256',
    }],
  });
  const discovery = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json();
  userinfoPath = new URL(discovery.userinfo_endpoint).pathname;
});
after(async () => { await idp?.stop(); });

const VERA = 'acct-0001-vera-viewer';

async function jsSignIn(extra) {
  const sso = await createSsoClient({ issuer: idp.issuer, clientId: SIGNED, redirectUri: REDIRECT, scope: SCOPE, ...extra });
  const { url } = await sso.login({ redirect: false });
  const callback = await completeAuthorization(url);
  return { sso, result: () => sso.handleRedirectCallback(callback) };
}

function cliLogin(args) {
  let browsing;
  const run = runCli(['login', '--issuer', idp.issuer, '--scope', SCOPE, '--timeout', '30', ...args], {
    onStderrLine: (line) => {
      if (line.startsWith('Open: ')) browsing = completeAuthorization(line.slice(6), { follow: true });
    },
  });
  return run.then(async (r) => { await browsing; return r; });
}

function cliDevice(args) {
  let approving;
  const run = runCli(['device', '--issuer', idp.issuer, '--scope', SCOPE, '--no-qr', '--timeout', '60', ...args], {
    timeoutMs: 90_000,
    onStderrLine: (line) => {
      const m = /^Visit: (\S+)$/.exec(line);
      if (m && !approving) {
        approving = completeDeviceAuthorization(m[1], { login: 'viewer@example.com', password: 'x' });
        approving.catch(() => {});
      }
    },
  });
  return run.then(async (r) => { await approving?.catch(() => {}); return r; });
}

// The C program's device sign-in, confirmed as the viewer once "Visit:" appears.
function capi(clientId, members) {
  return runApprovingDevice([capiSignin, idp.issuer, clientId, members], { approvalMayFail: true, label: 'capi_signin' });
}

describe('signed user-info (application/jwt)', () => {
  test('the provider answers this client with a signed JWT', async () => {
    const before = seen.length;
    const { result } = await jsSignIn();
    const signedIn = await result();
    assert.equal(seen.length, before + 1);
    assert.equal(seen.at(-1).type, 'application/jwt');
    assert.equal(signedIn.profile.userId, VERA);
    // The ID token carries no email here (conformIdTokenClaims): it came from the verified user-info.
    assert.equal(signedIn.claims.email, undefined);
    assert.equal(signedIn.profile.email, 'viewer@example.com');
  });

  test('web package: a signed user-info whose signature was spoilt is invalid_response', async () => {
    const { sso, result } = await jsSignIn();
    tamperNext = true;
    await assert.rejects(result(), (e) => {
      assert.ok(e instanceof SsoError);
      assert.equal(e.code, 'invalid_response');
      assert.equal(e.details?.reason, 'signature_invalid');
      assert.match(e.message, /signed user-info/);
      return true;
    });
    assert.equal(await sso.isAuthenticated(), false);
  });

  test('CLI: login verifies the signed user-info', { timeout: 60_000 }, async () => {
    const before = seen.length;
    const r = await cliLogin(['--client-id', SIGNED]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(seen.length, before + 1);
    assert.equal(seen.at(-1).type, 'application/jwt');
    assert.equal(r.json.profile.email, 'viewer@example.com');
    assert.equal(r.json.profile.userId, VERA);
  });

  test('CLI: a spoilt signature fails the login with invalid_response', { timeout: 60_000 }, async () => {
    tamperNext = true;
    const r = await cliLogin(['--client-id', SIGNED]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.json.error.code, 'invalid_response');
    assert.match(r.json.error.message, /signed user-info response has a signature that does not verify/);
  });

  test('CLI: device verifies the signed user-info', { timeout: 90_000 }, async () => {
    const before = seen.length;
    const r = await cliDevice(['--client-id', SIGNED]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(seen.length, before + 1);
    assert.equal(seen.at(-1).type, 'application/jwt');
    assert.equal(r.json.profile.email, 'viewer@example.com');
  });

  test('C API: the device sign-in verifies the signed user-info', { timeout: 90_000 }, async () => {
    const before = seen.length;
    const r = await capi(SIGNED, '');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^userinfo sub: ${VERA}$`, 'm'));
    assert.equal(seen.length, before + 1);
    assert.equal(seen.at(-1).type, 'application/jwt');
  });
});

describe('skipping user-info', () => {
  test('web package: fetchUserinfo: false sends no user-info request', async () => {
    const before = seen.length;
    const { result } = await jsSignIn({ fetchUserinfo: false });
    const signedIn = await result();
    assert.equal(seen.length, before, 'no request reached the user-info endpoint');
    assert.equal(signedIn.profile.userId, VERA);
    assert.equal(signedIn.profile.email, null, 'the ID token has no email; user-info was not asked');
  });

  test('CLI: login --no-userinfo sends no user-info request', { timeout: 60_000 }, async () => {
    const before = seen.length;
    const r = await cliLogin(['--client-id', 'ssokit-native', '--no-userinfo']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(seen.length, before, 'no request reached the user-info endpoint');
    assert.equal(r.json.profile.userId, VERA);
    assert.equal(r.json.profile.email, null);
  });

  test('CLI: device --no-userinfo sends no user-info request', { timeout: 90_000 }, async () => {
    const before = seen.length;
    const r = await cliDevice(['--client-id', 'ssokit-native', '--no-userinfo']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(seen.length, before);
    assert.equal(r.json.profile.userId, VERA);
    assert.equal(r.json.profile.email, null);
  });

  test('CLI: login without --no-userinfo does ask (the counter is live)', { timeout: 60_000 }, async () => {
    const before = seen.length;
    const r = await cliLogin(['--client-id', 'ssokit-native']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(seen.length, before + 1);
    assert.equal(seen.at(-1).type, 'application/json');
    assert.equal(r.json.profile.email, 'viewer@example.com');
  });

  test('C API: "fetch_userinfo": false sends no user-info request', { timeout: 90_000 }, async () => {
    const before = seen.length;
    const r = await capi('ssokit-native', '"fetch_userinfo":false');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^userinfo sub: \(none\)$/m);
    assert.match(r.stdout, new RegExp(`^profile userId: ${VERA}$`, 'm'));
    assert.equal(seen.length, before);
  });

  test('C API: a mistyped "fetch_userinfo" or "trusted_audiences" is invalid_argument naming it', async () => {
    for (const [members, name] of [['"fetch_userinfo":"no"', 'fetch_userinfo'], ['"trusted_audiences":"api"', 'trusted_audiences']]) {
      const r = await capi('ssokit-native', members);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, /^error: invalid_argument$/m);
      assert.match(r.stdout, new RegExp(`^message: .*${name}`, 'm'));
    }
  });
});

describe('a refused access token', () => {
  const refusal = (message, details) => {
    assert.match(message, /invalid_token/);
    assert.match(message, /invalid token provided/, 'the provider\'s error_description is in the message');
    assert.equal(details.error, 'invalid_token');
    assert.equal(details.error_description, 'invalid token provided');
    assert.equal(details.status, 401);
  };

  test('web package: the error names the provider\'s error and error_description, not the token', async () => {
    const { sso, result } = await jsSignIn({ clientId: 'ssokit-native' });
    revokeNext = true;
    await assert.rejects(result(), (e) => {
      assert.ok(e instanceof SsoError);
      assert.equal(e.code, 'token_error');
      refusal(e.message, e.details);
      const token = seen.at(-1).authorization.replace(/^Bearer /, '');
      assert.ok(token.length > 10 && !e.message.includes(token) && !JSON.stringify(e.details).includes(token));
      return true;
    });
    assert.equal(await sso.isAuthenticated(), false);
  });

  test('CLI: login exits 1 with token_error naming error and error_description', { timeout: 60_000 }, async () => {
    revokeNext = true;
    const r = await cliLogin(['--client-id', 'ssokit-native']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.json.error.code, 'token_error');  // the CLI prints code and message
    assert.match(r.json.error.message, /invalid_token \(invalid token provided\)/);
    assert.match(r.stderr, /invalid token provided/);
    const token = seen.at(-1).authorization.replace(/^Bearer /, '');
    assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token), 'the access token is never printed');
  });

  test('C API: the device sign-in fails with token_error naming them', { timeout: 90_000 }, async () => {
    revokeNext = true;
    const r = await capi('ssokit-native', '');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /^error: token_error$/m);
    assert.match(r.stdout, /^message: .*invalid_token.*invalid token provided/m);
    const details = JSON.parse(/^details: (.*)$/m.exec(r.stdout)[1]);
    refusal('invalid_token invalid token provided', details);
  });
});

describe('ssokit verify and extra audiences', () => {
  // A token of tests/cases/claims.json: aud [portal-client, other-rp], azp portal-client, signed
  // with the case's key; its exp lies in 2023, so once the audience passes, expiry is what fails.
  const { cases } = JSON.parse(readFileSync(new URL('../cases/claims.json', import.meta.url), 'utf8'));
  const c = cases.find((x) => x.name.startsWith('aud [client, other-rp] with azp = client: the other'));

  test('an untrusted extra audience is id_token_aud_mismatch; --trusted-audience lets it pass', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'ssokit-aud-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const jwks = join(dir, 'jwks.json');
    writeFileSync(jwks, JSON.stringify(c.params.jwks));
    const args = ['verify', c.params.id_token, '--jwks', jwks, '--issuer', c.params.expect.issuer, '--audience', 'portal-client'];
    const refused = await runCli(args);
    assert.equal(refused.code, 1, refused.stderr);
    assert.equal(refused.json.error.code, 'id_token_aud_mismatch');
    assert.match(refused.json.error.message, /other-rp/);
    const trusted = await runCli([...args, '--trusted-audience', 'api', '--trusted-audience', 'other-rp']);
    assert.equal(trusted.code, 1, trusted.stderr);
    assert.equal(trusted.json.error.code, 'id_token_expired', 'the audience passed; the 2023 expiry is next');
  });
});
