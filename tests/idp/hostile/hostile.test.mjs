// The hostile provider suite: every way tests/idp/hostile/provider.mjs misbehaves, run natively
// through the CLI (`ssokit login` / `refresh` / `device`: libcurl, loopback listener, C++
// SsoClient) and through WebAssembly in Node (createSsoClient: fetch). Each case asserts the
// exact error code from DESIGN.md both ways (CLI {"error":{"code"}} with exit 1, SsoError.code)
// and that no session was stored (after a refresh: the stored session is the one from before).
//
// Cases (test names; "<case> -> <code>"):
//   happy paths: ok, ES256 signed, ES384 signed, PS256 signed, no kid with one key for the alg,
//     HS256 with the client secret, endpoints on another origin, wrong c_hash ignored in the code
//     flow, max_age with a fresh auth_time, refresh ok, device ok
//   discovery: discovery issuer mismatch, discovery not JSON, discovery 404, discovery without
//     authorization_endpoint, discovery token_endpoint on plain http to a remote host, discovery
//     jwks_uri on plain http to a remote host, discovery redirect to a non-loopback host, huge
//     discovery response, silent discovery
//   callback: state mismatch, state missing, RFC 9207 iss mismatch, RFC 9207 iss missing,
//     authorization error, callback repeats code, callback without code, replayed callback
//   token endpoint: token 400 invalid_grant, token 401 invalid_client, token error body not JSON,
//     token 500 HTML page, token 200 with an error body, token broken JSON, token response a JSON
//     array, token response duplicate member, token_type missing, token_type not Bearer,
//     access_token missing, id_token missing, id_token not a string, token redirect to a
//     non-loopback host, huge token response, trickling token response
//   JWKS: JWKS 500, JWKS not JSON, JWKS without keys, JWKS redirect to a non-loopback host, huge
//     JWKS response
//   malformed JWS: JWS with 2 parts, JWS with 5 parts (JWE), bad base64url in header, bad
//     base64url in payload, bad base64url in signature, header not JSON, payload not JSON,
//     payload a JSON array, empty signature, duplicate JSON members in the JWS header, duplicate
//     claim in the payload, unknown crit, typ at+jwt, kid not a string
//   algorithms and keys: alg none, alg None capitalised, HS256 signed with the RSA public key,
//     HS256 with a wrong client secret, bad RS256 signature, bad ES256 signature, ES256 with a DER
//     signature, unknown kid, no kid with several keys, key with use enc, RSA key below 2048 bits,
//     JWKS with duplicate kid, header alg differs from the JWK alg
//   claims: wrong iss, iss missing, wrong aud, multiple audiences without azp, multiple audiences
//     with wrong azp, single audience with wrong azp, wrong nonce, nonce missing, expired, exp
//     missing, iat missing, iat in the future, nbf in the future, sub missing, wrong at_hash,
//     auth_time missing with max_age, auth_time older than max_age
//   user-info: userinfo sub mismatch, userinfo without sub, userinfo 401, userinfo not JSON,
//     userinfo redirect to a non-loopback host, huge userinfo response, silent userinfo
//   refresh: refreshed ID token with another sub, refreshed ID token with another iss
//   device: device response without device_code, device interval not an integer, device
//     verification_uri on plain http to a remote host, device user_code that writes its own lines
//   terminal: token error_description with terminal escapes (and in every CLI case: no control
//     character the provider wrote reaches stderr)
//
// Slow cases use a 2 s limit (CLI --timeout 2, JS timeoutMs 2000); cases run concurrently.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../run-cli.mjs';
import { startProvider, scenarios, slugOf } from './provider.mjs';
import { createSsoClient, SsoError } from '../../../web/src/index.js';

const CLIENT_ID = 'hostile-client';
const SESSION_KEY = 'ssokit.session';
const SLOW_SECONDS = 2;
// A huge endless body is cut off by the client at 1 MiB; what the provider got to send before
// that stays far below its 64 MiB cap (socket buffers add a few MiB at most).
const MAX_STREAMED = 16 * 1024 * 1024;
const CONCURRENCY = 6;

let provider;
let dir;
before(async () => {
  provider = await startProvider();
  dir = mkdtempSync(join(tmpdir(), 'ssokit-hostile-'));
});
after(async () => {
  await provider?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const describeCase = (s) => `${s.name} -> ${s.expect ?? (s.flow === 'refresh' ? 'refreshed' : 'signed in')}`;

// The provider's /authorize answers with a redirect at once: follow it by hand to the client.
async function approve(authorizationUrl) {
  const res = await fetch(authorizationUrl, { redirect: 'manual' });
  assert.equal(res.status, 302, 'the provider redirects back at once');
  return res.headers.get('location');
}

// ---- WebAssembly in Node -------------------------------------------------------------------

async function wasmRun(scenario) {
  const stored = new Map();
  const storage = {
    get: async (k) => stored.get(k) ?? null,
    set: async (k, v) => { stored.set(k, v); },
    remove: async (k) => { stored.delete(k); },
  };
  const session = () => (stored.has(SESSION_KEY) ? JSON.parse(stored.get(SESSION_KEY)) : null);
  const sso = await createSsoClient({
    issuer: provider.issuerFor(scenario.name),
    clientId: CLIENT_ID,
    clientSecret: scenario.clientSecret,
    redirectUri: 'http://127.0.0.1:7/callback',
    trustedAudiences: scenario.trust,
    storage,
    crossTab: false,
    timeoutMs: scenario.slow ? SLOW_SECONDS * 1000 : undefined,
  });
  const signIn = async () => {
    const { url } = await sso.login({ redirect: false, maxAge: scenario.maxAge });
    return sso.handleRedirectCallback(await approve(url));
  };
  let before = null;
  try {
    if (scenario.flow === 'refresh') {
      await signIn();
      before = session();
      await sso.refresh();
    } else if (scenario.flow === 'device') {
      await sso.deviceLogin({ onCode: () => {} });
    } else {
      await signIn();
    }
    return { ok: true, before, session: session() };
  } catch (error) {
    return { ok: false, error, before, session: session() };
  } finally {
    sso.close();
  }
}

// ---- the native CLI ------------------------------------------------------------------------

function storedSession(storePath) {
  if (!existsSync(storePath)) return null;
  const doc = JSON.parse(readFileSync(storePath, 'utf8'));
  return doc[SESSION_KEY] ? JSON.parse(doc[SESSION_KEY]) : null;
}

// `ssokit login`: approves in place of a browser once the Open: line appears, and keeps what the
// loopback listener answered the browser.
async function cliLogin(scenario, storePath) {
  let page;
  const args = ['login', '--issuer', provider.issuerFor(scenario.name), '--client-id', CLIENT_ID,
    '--timeout', String(scenario.slow ? SLOW_SECONDS : 20), '--store', storePath];
  if (scenario.maxAge !== undefined) args.push('--max-age', String(scenario.maxAge));
  args.push(...trustArgs(scenario));
  const env = scenario.clientSecret ? { SSOKIT_CLIENT_SECRET: scenario.clientSecret } : {};
  const result = await runCli(args, {
    env,
    onStderrLine: (line) => {
      const m = /^Open: (\S+)$/.exec(line);
      if (m && !page) {
        page = approve(m[1]).then((callback) => fetch(callback)).then(async (r) => ({ status: r.status, body: await r.text() }));
        page.catch(() => {});
      }
    },
  });
  return { ...result, page: page ? await page.catch((error) => ({ error })) : undefined };
}

const trustArgs = (scenario) => (scenario.trust ?? []).flatMap((aud) => ['--trusted-audience', aud]);

async function cliRun(scenario) {
  const storePath = join(dir, `${slugOf(scenario.name)}.json`);
  rmSync(storePath, { force: true });
  const common = ['--issuer', provider.issuerFor(scenario.name), '--client-id', CLIENT_ID, '--store', storePath,
    ...trustArgs(scenario)];
  if (scenario.flow === 'refresh') {
    const login = await cliLogin(scenario, storePath);
    assert.equal(login.code, 0, `the sign-in before the refresh failed: ${login.stderr}`);
    const before = storedSession(storePath);
    const result = await runCli(['refresh', ...common]);
    return { ...result, before, session: storedSession(storePath) };
  }
  if (scenario.flow === 'device') {
    const result = await runCli(['device', ...common, '--no-qr']);
    return { ...result, session: storedSession(storePath) };
  }
  const result = await cliLogin(scenario, storePath);
  return { ...result, session: storedSession(storePath) };
}

// ---- assertions ------------------------------------------------------------------------------

async function checkStreams(scenario) {
  if (!scenario.streams) return;
  const sent = await provider.streamsSettled(scenario.name);
  assert.ok(sent.length > 0, 'the huge body was streamed');
  for (const bytes of sent) assert.ok(bytes < MAX_STREAMED, `the client read on to ${bytes} bytes instead of stopping at its cap`);
}

function checkNoNewSession(r, scenario) {
  if (r.before && scenario.expect === 'login_required') {
    // The provider answered the refresh: its refresh token may be spent, so the session ended.
    assert.equal(r.session, null, 'a refresh that could not be validated ends the session');
  } else if (r.before) {
    assert.ok(r.session, 'the session from before the refresh is still there');
    assert.equal(r.session.tokens.access_token, r.before.tokens.access_token, 'the refused refresh did not replace the stored tokens');
  } else {
    assert.equal(r.session, null, 'no session after a failed sign-in');
  }
}

function checkNewSession(r, scenario) {
  assert.ok(r.session, 'a session is stored');
  assert.equal(r.session.claims.sub, 'user-1');
  if (scenario.flow === 'refresh') {
    assert.notEqual(r.session.tokens.access_token, r.before.tokens.access_token, 'the refresh stored the new tokens');
  } else {
    assert.equal(r.session.profile.email, 'hedda@example.com');
  }
}

describe('hostile provider through WebAssembly (createSsoClient)', { concurrency: CONCURRENCY }, () => {
  for (const scenario of scenarios) {
    test(describeCase(scenario), async () => {
      const r = await wasmRun(scenario);
      if (scenario.expect === null) {
        assert.ok(r.ok, r.error && `${r.error.code}: ${r.error.message}`);
        checkNewSession(r, scenario);
      } else {
        assert.ok(!r.ok, 'the sign-in must fail');
        assert.ok(r.error instanceof SsoError, String(r.error?.stack ?? r.error));
        assert.equal(r.error.code, scenario.expect, r.error.message);
        checkNoNewSession(r, scenario);
      }
      await checkStreams(scenario);
    });
  }

  test('replayed callback -> transaction_not_found', async () => {
    const sso = await createSsoClient({ issuer: provider.issuerFor('ok'), clientId: CLIENT_ID, redirectUri: 'http://127.0.0.1:7/callback', crossTab: false });
    const { url } = await sso.login({ redirect: false });
    const callback = await approve(url);
    await sso.handleRedirectCallback(callback);
    await assert.rejects(sso.handleRedirectCallback(callback), (e) => e.code === 'transaction_not_found');
  });
});

describe('hostile provider through the native CLI (ssokit login, refresh, device)', { concurrency: CONCURRENCY }, () => {
  for (const scenario of scenarios) {
    test(describeCase(scenario), async () => {
      const r = await cliRun(scenario);
      // Issue 16 item 5: whatever the provider wrote, the terminal gets no escape, CR or C1 control.
      assert.doesNotMatch(r.stderr, /[\u001b\r\u0080-\u009f]/, 'a control character reached stderr');
      if (scenario.expect === null) {
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.json.claims.sub, 'user-1');
        if (scenario.flow === 'login' || !scenario.flow) assert.match(r.page.body, /Signed in/);
        checkNewSession(r, scenario);
      } else {
        assert.equal(r.code, 1, `expected failure, got: ${r.stderr}`);
        assert.ok(r.json?.error, `no JSON error on stdout: ${r.stdout}`);
        assert.equal(r.json.error.code, scenario.expect, r.json.error.message);
        if (!scenario.flow || scenario.flow === 'login') {
          if (scenario.early) {
            assert.equal(r.page, undefined, 'the failure comes before any browser step');
          } else {
            assert.equal(r.page?.status, 400, 'the browser is told the sign-in failed');
            assert.match(r.page.body, new RegExp(scenario.expect), 'the browser page names the error');
          }
        }
        checkNoNewSession(r, scenario);
      }
      await checkStreams(scenario);
    });
  }
});
