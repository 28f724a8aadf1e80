// The test identity provider harness itself: oidc-provider on loopback driven only with fetch
// and the scripted user agent, so other suites can rely on what it does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  startProvider, withProvider, completeAuthorization, completeDeviceAuthorization, completeLogout,
  createCookieJar, clients, CONFIDENTIAL_SECRET,
} from './harness.mjs';

const T = { timeout: 30_000 };
let idp;
let discovery;

before(async () => {
  idp = await startProvider({ accessTokenTtl: 120 });
  discovery = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json();
});
after(async () => {
  await idp?.stop();
});

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function decodeJwt(jwt) {
  const [h, p] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url')), payload: JSON.parse(Buffer.from(p, 'base64url')) };
}

function authorizationRequest({ clientId = 'ssokit-native', redirectUri = 'http://127.0.0.1:49152/callback',
  scope = 'openid profile email groups membership', extra = {} } = {}) {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const state = b64url(randomBytes(16));
  const nonce = b64url(randomBytes(16));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope, state, nonce,
    code_challenge: challenge, code_challenge_method: 'S256', ...extra,
  }).toString();
  return { url: url.href, verifier, state, nonce, redirectUri, clientId };
}

async function postForm(endpoint, fields, headers = {}) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: response.status, json, text };
}

async function signIn(options = {}) {
  const req = authorizationRequest(options);
  const callback = new URL(await completeAuthorization(req.url, { login: options.login, jar: options.jar }));
  assert.equal(callback.origin + callback.pathname, req.redirectUri);
  assert.equal(callback.searchParams.get('state'), req.state);
  assert.equal(callback.searchParams.get('iss'), idp.issuer);
  const code = callback.searchParams.get('code');
  assert.ok(code, `a code in ${callback}`);
  const tokens = await postForm(discovery.token_endpoint, {
    grant_type: 'authorization_code', code, redirect_uri: req.redirectUri,
    code_verifier: req.verifier, client_id: req.clientId,
  }, options.tokenHeaders);
  assert.equal(tokens.status, 200, tokens.text);
  return { req, tokens: tokens.json };
}

test('discovery describes the loopback issuer and its endpoints', T, () => {
  assert.match(idp.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(discovery.issuer, idp.issuer);
  assert.equal(discovery.authorization_response_iss_parameter_supported, true);
  assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
  for (const name of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri',
    'revocation_endpoint', 'end_session_endpoint', 'device_authorization_endpoint']) {
    assert.ok(discovery[name]?.startsWith(idp.issuer), `${name}: ${discovery[name]}`);
  }
  for (const scope of ['openid', 'profile', 'email', 'groups', 'membership', 'offline_access']) {
    assert.ok(discovery.scopes_supported.includes(scope), scope);
  }
  assert.equal(idp.clients.native.client_id, clients.native.client_id);
});

test('code + PKCE sign-in, user-info, refresh with rotation, revocation', T, async () => {
  const { req, tokens } = await signIn();
  assert.equal(tokens.token_type, 'Bearer');
  assert.equal(tokens.expires_in, 120);
  assert.ok(tokens.access_token && tokens.id_token);
  assert.ok(tokens.refresh_token, 'a refresh token without offline_access (issueRefreshToken)');

  const { header, payload } = decodeJwt(tokens.id_token);
  assert.equal(header.alg, 'RS256');
  assert.equal(payload.iss, idp.issuer);
  assert.equal(payload.aud, 'ssokit-native');
  assert.equal(payload.nonce, req.nonce);
  assert.equal(payload.sub, idp.accounts['viewer@example.com'].sub);
  assert.equal(payload.given_name, undefined, 'profile claims come from user-info by default');

  const jwks = await (await fetch(discovery.jwks_uri)).json();
  assert.ok(jwks.keys.some((k) => k.kid === header.kid && !('d' in k)), 'public signing key published');

  const userinfo = await fetch(discovery.userinfo_endpoint, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  assert.equal(userinfo.status, 200);
  const claims = await userinfo.json();
  assert.equal(claims.sub, payload.sub);
  assert.equal(claims.given_name, 'Vera');
  assert.equal(claims.family_name, 'Viewer');
  assert.equal(claims.email, 'viewer@example.com');
  assert.equal(claims.email_verified, true);
  assert.deepEqual(claims.groups, ['subscribers', 'premium']);
  assert.equal(claims.membership_status, 'active');
  assert.equal(claims.membership_type, 'annual');

  const refreshed = await postForm(discovery.token_endpoint, {
    grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'ssokit-native',
  });
  assert.equal(refreshed.status, 200, refreshed.text);
  assert.ok(refreshed.json.access_token && refreshed.json.id_token);
  assert.ok(refreshed.json.refresh_token);
  assert.notEqual(refreshed.json.refresh_token, tokens.refresh_token, 'rotated');

  const reused = await postForm(discovery.token_endpoint, {
    grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'ssokit-native',
  });
  assert.equal(reused.status, 400);
  assert.equal(reused.json.error, 'invalid_grant');

  const revoked = await postForm(discovery.revocation_endpoint, {
    token: refreshed.json.refresh_token, token_type_hint: 'refresh_token', client_id: 'ssokit-native',
  });
  assert.equal(revoked.status, 200, revoked.text);
  const afterRevoke = await postForm(discovery.token_endpoint, {
    grant_type: 'refresh_token', refresh_token: refreshed.json.refresh_token, client_id: 'ssokit-native',
  });
  assert.equal(afterRevoke.json.error, 'invalid_grant');
});

test('the provider refuses a request without PKCE and a wrong code_verifier', T, async () => {
  const noPkce = new URL(authorizationRequest().url);
  noPkce.searchParams.delete('code_challenge');
  noPkce.searchParams.delete('code_challenge_method');
  const denied = new URL(await completeAuthorization(noPkce.href));
  assert.equal(denied.searchParams.get('error'), 'invalid_request');

  const req = authorizationRequest();
  const code = new URL(await completeAuthorization(req.url)).searchParams.get('code');
  const bad = await postForm(discovery.token_endpoint, {
    grant_type: 'authorization_code', code, redirect_uri: req.redirectUri,
    code_verifier: b64url(randomBytes(32)), client_id: 'ssokit-native',
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error, 'invalid_grant');
});

test('any other login signs in as itself with made-up claims', T, async () => {
  const { tokens } = await signIn({ login: 'someone@example.org', scope: 'openid profile' });
  const { payload } = decodeJwt(tokens.id_token);
  assert.equal(payload.sub, 'someone@example.org');
  assert.equal(idp.accountIdFor('someone@example.org'), 'someone@example.org');
  assert.equal(idp.accountIdFor('Viewer@Example.com'), 'acct-0001-vera-viewer');
  const claims = await (await fetch(discovery.userinfo_endpoint, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  })).json();
  assert.equal(claims.given_name, 'Someone');
  assert.equal(claims.email, undefined, 'no email scope, no email claim');
});

test('confidential client authenticates with client_secret_basic', T, async () => {
  const basic = Buffer.from(`ssokit-confidential:${CONFIDENTIAL_SECRET}`).toString('base64');
  const { tokens } = await signIn({
    clientId: 'ssokit-confidential', redirectUri: 'http://127.0.0.1:50000/callback',
    tokenHeaders: { authorization: `Basic ${basic}` },
  });
  assert.ok(tokens.refresh_token);
  // postForm sends client_id in the body too, which client_secret_basic tolerates; without the
  // header the client is not authenticated.
  const req = authorizationRequest({ clientId: 'ssokit-confidential' });
  const code = new URL(await completeAuthorization(req.url)).searchParams.get('code');
  const unauth = await postForm(discovery.token_endpoint, {
    grant_type: 'authorization_code', code, redirect_uri: req.redirectUri,
    code_verifier: req.verifier, client_id: 'ssokit-confidential',
  });
  assert.equal(unauth.status, 401);
  assert.equal(unauth.json.error, 'invalid_client');
});

test('web client: exact redirect URI only; offline_access with prompt=consent', T, async () => {
  const { tokens } = await signIn({
    clientId: 'ssokit-web', redirectUri: 'http://127.0.0.1:8080/callback',
    scope: 'openid offline_access', extra: { prompt: 'consent' },
  });
  assert.ok(tokens.refresh_token);
  assert.match(tokens.scope, /offline_access/);
  const wrongPort = authorizationRequest({ clientId: 'ssokit-web', redirectUri: 'http://127.0.0.1:8081/callback' });
  await assert.rejects(completeAuthorization(wrongPort.url), /400.*redirect_uri/s);
});

test('end session: silent sign-in, logout page, post-logout redirect, session gone', T, async () => {
  // Silent sign-in (prompt=none) is a browser-app feature: oidc-provider refuses it to native
  // clients ("native clients require End-User interaction"), so this uses ssokit-web.
  const web = { clientId: 'ssokit-web', redirectUri: 'http://127.0.0.1:8080/callback' };
  const jar = createCookieJar();
  const { tokens } = await signIn({ ...web, jar });
  const silent = authorizationRequest({ ...web, extra: { prompt: 'none' } });
  const silentUrl = new URL(await completeAuthorization(silent.url, { jar, login: 'nobody-types-this' }));
  assert.ok(silentUrl.searchParams.get('code'), `silent sign-in: ${silentUrl}`);

  const end = new URL(discovery.end_session_endpoint);
  end.search = new URLSearchParams({
    id_token_hint: tokens.id_token, client_id: 'ssokit-web',
    post_logout_redirect_uri: 'http://127.0.0.1:8080/', state: 'bye',
  }).toString();
  const back = new URL(await completeLogout(end.href, { jar }));
  assert.equal(back.origin + back.pathname, 'http://127.0.0.1:8080/');
  assert.equal(back.searchParams.get('state'), 'bye');

  const again = authorizationRequest({ ...web, extra: { prompt: 'none' } });
  const required = new URL(await completeAuthorization(again.url, { jar }));
  assert.equal(required.searchParams.get('error'), 'login_required');
  // The refresh token without offline_access ended with the session.
  const refresh = await postForm(discovery.token_endpoint, {
    grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'ssokit-web',
  });
  assert.equal(refresh.json?.error, 'invalid_grant');
});

test('native post-logout redirect URI matches on any loopback port', T, async () => {
  const jar = createCookieJar();
  const { tokens } = await signIn({ jar });
  const end = new URL(discovery.end_session_endpoint);
  end.search = new URLSearchParams({
    id_token_hint: tokens.id_token, post_logout_redirect_uri: 'http://127.0.0.1:49152/logged-out',
  }).toString();
  assert.equal(await completeLogout(end.href, { jar }), 'http://127.0.0.1:49152/logged-out');
  // Without a post_logout_redirect_uri the provider shows its own success page.
  const plain = await completeLogout(discovery.end_session_endpoint, { jar: createCookieJar() });
  assert.equal(plain.status, 200);
  assert.match(plain.body, /Sign-out Success/);
});

test('device authorization grant with the verification pages', T, async () => {
  const auth = await postForm(discovery.device_authorization_endpoint, {
    client_id: 'ssokit-native', scope: 'openid profile groups',
  });
  assert.equal(auth.status, 200, auth.text);
  const { device_code: deviceCode, user_code: userCode, verification_uri: verificationUri,
    verification_uri_complete: complete } = auth.json;
  assert.ok(deviceCode && userCode && verificationUri && complete);

  const pending = await postForm(discovery.token_endpoint, {
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode, client_id: 'ssokit-native',
  });
  assert.equal(pending.json.error, 'authorization_pending');

  const done = await completeDeviceAuthorization(complete);
  assert.equal(done.status, 200);
  assert.match(done.body, /Success/);

  const tokens = await postForm(discovery.token_endpoint, {
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode, client_id: 'ssokit-native',
  });
  assert.equal(tokens.status, 200, tokens.text);
  assert.ok(tokens.json.access_token && tokens.json.id_token && tokens.json.refresh_token);
  assert.equal(decodeJwt(tokens.json.id_token).payload.sub, idp.accounts['viewer@example.com'].sub);
});

test('device flow by typing the user code at verification_uri', T, async () => {
  const auth = await postForm(discovery.device_authorization_endpoint, { client_id: 'ssokit-native', scope: 'openid' });
  const done = await completeDeviceAuthorization(auth.json.verification_uri, {
    userCode: auth.json.user_code, login: 'lapsed@example.com',
  });
  assert.match(done.body, /Success/);
  await assert.rejects(
    completeDeviceAuthorization(auth.json.verification_uri_complete),
    /provider page .* reports/,
    'a used user code is refused with the page message',
  );
});

test('options: short access tokens, no rotation, profile claims in the ID token', T, async () => {
  await withProvider({ accessTokenTtl: 5, rotateRefreshTokens: false, idTokenProfileClaims: true }, async (other) => {
    const conf = await (await fetch(`${other.issuer}/.well-known/openid-configuration`)).json();
    const req = authorizationRequest({ scope: 'openid profile' });
    const authUrl = req.url.replace(new URL(req.url).origin, other.issuer);
    const code = new URL(await completeAuthorization(authUrl)).searchParams.get('code');
    const tokens = await postForm(conf.token_endpoint, {
      grant_type: 'authorization_code', code, redirect_uri: req.redirectUri,
      code_verifier: req.verifier, client_id: 'ssokit-native',
    });
    assert.equal(tokens.json.expires_in, 5);
    assert.equal(decodeJwt(tokens.json.id_token).payload.given_name, 'Vera');
    const refreshed = await postForm(conf.token_endpoint, {
      grant_type: 'refresh_token', refresh_token: tokens.json.refresh_token, client_id: 'ssokit-native',
    });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal(refreshed.json.refresh_token, tokens.json.refresh_token, 'not rotated');
  });
});

test('serve.mjs prints one JSON line and stops when stdin closes', T, async () => {
  const script = fileURLToPath(new URL('./serve.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, '--access-token-ttl', '60'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const line = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.on('exit', () => reject(new Error(`serve.mjs exited early: ${out}`)));
    });
    const info = JSON.parse(line);
    assert.match(info.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(info.clients.native.client_id, 'ssokit-native');
    const conf = await (await fetch(`${info.issuer}/.well-known/openid-configuration`)).json();
    assert.equal(conf.issuer, info.issuer);
    child.stdin.end();
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
});
