// The core's DPoP proofs (RFC 9449: dpop.proof, dpop_jkt, dpop.nonce_challenge, token.process with
// dpop) against the real oidc-provider's checks, driven step by step through the WebAssembly core
// in Node with a non-extractable WebCrypto P-256 key: the code exchange binds the tokens to the
// key, the DPoP-Nonce the provider asks for is used on one retry, user-info takes the token as
// DPoP with ath, and a Bearer answer to a DPoP request is refused.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProvider, completeAuthorization, clients } from './harness.mjs';
import { loadCore } from '../../web/src/core.js';
import { fetchTransport } from '../../web/src/transport.js';
import { startDpopApi } from './dpop-api.mjs';
import { verifySignature } from '../../web/src/verify.js';

const core = await loadCore();
const send = fetchTransport(globalThis.fetch);
const { subtle } = globalThis.crypto;
const now = () => Math.floor(Date.now() / 1000);
const b64 = (bytes) => Buffer.from(bytes).toString('base64url');
const header = (response, name) => response.headers.find(([n]) => n.toLowerCase() === name)?.[1];

async function newKey() {
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const { kty, crv, x, y } = await subtle.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, key: { alg: 'ES256', jwk: { kty, crv, x, y } } };
}

// The host's half of the sign effect: the DPoP header is input + "." + the ES256 signature.
async function withProof(request, dpop, { nonce, accessToken } = {}) {
  const params = { key: dpop.key, method: request.method, url: request.url, now: now() };
  if (nonce) params.nonce = nonce;
  if (accessToken) params.access_token = accessToken;
  const sign = core.call('dpop.proof', params);
  const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, dpop.privateKey, new TextEncoder().encode(sign.input));
  const headers = request.headers.filter(([n]) => !(accessToken && n.toLowerCase() === 'authorization'));
  if (accessToken) headers.push(['Authorization', `DPoP ${accessToken}`]);
  headers.push([sign.header, `${sign.input}.${b64(signature)}`]);
  return { ...request, headers };
}

// Sends with a proof; on a use_dpop_nonce challenge once more with the nonce (one retry).
async function sendWithProof(request, dpop, options = {}) {
  let response = await send(await withProof(request, dpop, options));
  const { nonce } = core.call('dpop.nonce_challenge', { response });
  if (nonce) response = await send(await withProof(request, dpop, { ...options, nonce }));
  return { response, retried: !!nonce };
}

async function signIn(idp, dpop) {
  const provider = core.call('discovery.process', { issuer: idp.issuer, response: await send(core.call('discovery.request', { issuer: idp.issuer })) });
  const client = { issuer: idp.issuer, client_id: 'ssokit-native', redirect_uri: 'http://127.0.0.1/callback', scope: 'openid profile email' };
  const { url, transaction } = core.call('authorize.build', { client, provider, options: { dpop_jwk: dpop.key.jwk }, now: now() });
  assert.equal(new URL(url).searchParams.get('dpop_jkt'), core.call('dpop.thumbprint', { jwk: dpop.key.jwk }));
  const back = await completeAuthorization(url);
  const { code } = core.call('callback.process', { url: back, transaction, provider, now: now() });
  const request = core.call('token.code_request', { client, provider, transaction, code });
  return { provider, client, request };
}

for (const mode of ['optional', 'nonce']) {
  describe(`DPoP ${mode}`, () => {
    let idp;
    before(async () => { idp = await startProvider({ dpop: mode }); });
    after(async () => { await idp?.stop(); });

    test('the code exchange with a proof gives DPoP-bound tokens; user-info takes them with ath', async () => {
      const dpop = await newKey();
      const { provider, request } = await signIn(idp, dpop);
      const { response, retried } = await sendWithProof(request, dpop);
      assert.equal(retried, mode === 'nonce', 'the nonce is asked for exactly when the provider requires one');
      const tokens = core.call('token.process', { response, now: now(), dpop: true });
      assert.equal(tokens.token_type, 'DPoP');
      const userinfo = core.call('userinfo.request', { provider, access_token: tokens.access_token });
      const answer = await sendWithProof(userinfo, dpop, { accessToken: tokens.access_token });
      assert.equal(answer.response.status, 200, answer.response.body);
      // The same token as a Bearer token is refused: it is bound to the key.
      const bearer = await send(userinfo);
      assert.equal(bearer.status, 401);
    });

    test('a proof signed by another key than dpop_jkt named is refused', async () => {
      const dpop = await newKey();
      const { request } = await signIn(idp, dpop);
      const other = await newKey();
      const { response } = await sendWithProof(request, other);
      assert.throws(() => core.call('token.process', { response, now: now(), dpop: true }), (e) => e.code === 'token_error');
    });
  });
}

// The sign-in and refresh step machines with options.dpop, driven as a host drives them: send each
// request (signing its "dpop" entry), feed the answer back, answer verify effects with WebCrypto.
async function runFlow(first, dpop, { seen = [] } = {}) {
  let step = first;
  for (let i = 0; i < 12 && !step.result; i += 1) {
    if (step.verify) {
      step = core.call('flow.step', { state: step.state, verified: await verifySignature(step.verify), now: now() });
      continue;
    }
    let request = step.request;
    seen.push(request);
    for (const entry of request.sign ?? []) {
      assert.equal(entry.key, 'dpop');
      const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, dpop.privateKey, new TextEncoder().encode(entry.input));
      request = { ...request, headers: [...request.headers, [entry.header, `${entry.input}.${b64(signature)}`]] };
    }
    delete request.sign;
    step = core.call('flow.step', { state: step.state, response: await send(request), now: now() });
  }
  return step.result;
}

const proofOf = (request) => {
  const entry = (request.sign ?? []).find((e) => e.key === 'dpop');
  return entry && JSON.parse(Buffer.from(entry.input.split('.')[1], 'base64url'));
};

for (const mode of ['optional', 'nonce']) {
  describe(`DPoP in the sign-in and refresh flows (${mode})`, () => {
    let idp;
    before(async () => { idp = await startProvider({ dpop: mode }); });
    after(async () => { await idp?.stop(); });

    test('tokens bound to the key, user-info with ath, a refresh with the session key; nonce retried once per server', async () => {
      const dpop = await newKey();
      const provider = core.call('discovery.process', { issuer: idp.issuer, response: await send(core.call('discovery.request', { issuer: idp.issuer })) });
      const client = { issuer: idp.issuer, client_id: 'ssokit-native', redirect_uri: 'http://127.0.0.1/callback', scope: 'openid profile email offline_access' };
      assert.equal(core.call('dpop.wanted', { client: { ...client, dpop: true }, provider }).wanted, true);
      assert.equal(core.call('dpop.wanted', { client, provider }).wanted, false);
      const { url, transaction } = core.call('authorize.build', { client, provider, options: { dpop_jwk: dpop.key.jwk, prompt: 'consent' }, now: now() });
      const back = await completeAuthorization(url);
      const seen = [];
      const first = core.call('signin.start', { client, provider, transaction, url: back, options: { dpop: dpop.key }, now: now() });
      const result = await runFlow(first, dpop, { seen });
      assert.equal(result.session.tokens.token_type, 'DPoP');
      assert.deepEqual(result.session.dpop, dpop.key);
      const tokenRequests = seen.filter((r) => r.url === provider.token_endpoint);
      assert.equal(tokenRequests.length, mode === 'nonce' ? 2 : 1, 'one retry with the nonce, only when asked');
      if (mode === 'nonce') {
        assert.equal(proofOf(tokenRequests[0]).nonce, undefined);
        assert.ok(proofOf(tokenRequests[1]).nonce, 'the retry carries the nonce');
        assert.ok(result.dpop_nonces[new URL(provider.token_endpoint).origin], 'the nonce is remembered');
      }
      const userinfo = seen.find((r) => r.url === provider.userinfo_endpoint);
      assert.ok(proofOf(userinfo).ath, 'user-info goes with a proof naming the token');
      assert.ok(userinfo.headers.some(([n, v]) => n === 'Authorization' && v.startsWith('DPoP ')));
      assert.equal(result.session.profile.email !== undefined || result.session.userinfo.sub !== undefined, true);
      const jtis = seen.map(proofOf).filter(Boolean).map((p) => p.jti);
      assert.ok(jtis.length >= 2);
      assert.equal(new Set(jtis).size, jtis.length, 'every proof has its own jti');

      // The refresh takes no key option: the session's own key proves possession.
      const refreshSeen = [];
      const refreshed = await runFlow(core.call('refresh.start', { client, provider, session: result.session, options: { dpop_nonces: result.dpop_nonces }, now: now() }), dpop, { seen: refreshSeen });
      assert.equal(refreshed.session.tokens.token_type, 'DPoP');
      assert.notEqual(refreshed.session.tokens.access_token, result.session.tokens.access_token);
      assert.deepEqual(refreshed.session.dpop, dpop.key);
      assert.equal(refreshSeen.filter((r) => r.url === provider.token_endpoint).length, 1, 'the remembered nonce is used at once: no retry');

      // The refresh with another key than the session's is refused by the provider, and the session is kept.
      const stranger = await newKey();
      await assert.rejects(runFlow(core.call('refresh.start', { client, provider, session: refreshed.session, options: { dpop: stranger.key, dpop_nonces: result.dpop_nonces }, now: now() }), stranger),
        (e) => e.code === 'login_required' || e.code === 'refresh_failed');
    });

    test('DPoP wanted without a key is refused before the code is spent', async () => {
      const provider = core.call('discovery.process', { issuer: idp.issuer, response: await send(core.call('discovery.request', { issuer: idp.issuer })) });
      const client = { issuer: idp.issuer, client_id: 'ssokit-native', redirect_uri: 'http://127.0.0.1/callback', dpop: true };
      const { url, transaction } = core.call('authorize.build', { client, provider, now: now() });
      const back = await completeAuthorization(url);
      assert.throws(() => core.call('signin.start', { client, provider, transaction, url: back, now: now() }), (e) => e.code === 'invalid_argument' && /DPoP key/.test(e.message));
    });
  });
}

// A client registered with dpop_bound_access_tokens (RFC 9449 5.2): the provider requires DPoP.
describe('DPoP required by the provider for the client', () => {
  let idp;
  before(async () => {
    idp = await startProvider({ dpop: 'optional', extraClients: [{ ...clients.native, client_id: 'dpop-only', dpop_bound_access_tokens: true }] });
  });
  after(async () => { await idp?.stop(); });

  async function callbackFor(client, provider, options) {
    const { url, transaction } = core.call('authorize.build', { client, provider, options, now: now() });
    return { transaction, back: await completeAuthorization(url) };
  }

  test('without a proof the provider refuses the code exchange; with one the sign-in is bound', async () => {
    const provider = core.call('discovery.process', { issuer: idp.issuer, response: await send(core.call('discovery.request', { issuer: idp.issuer })) });
    const client = { issuer: idp.issuer, client_id: 'dpop-only', redirect_uri: 'http://127.0.0.1/callback', scope: 'openid' };
    const plain = await callbackFor(client, provider, {});
    await assert.rejects(runFlow(core.call('signin.start', { client, provider, transaction: plain.transaction, url: plain.back, now: now() }), null),
      (e) => e.code === 'token_error' && typeof e.details?.error === 'string');
    const dpop = await newKey();
    const bound = await callbackFor({ ...client, dpop: true }, provider, { dpop_jwk: dpop.key.jwk });
    const result = await runFlow(core.call('signin.start', { client: { ...client, dpop: true }, provider, transaction: bound.transaction, url: bound.back, options: { dpop: dpop.key }, now: now() }), dpop);
    assert.equal(result.session.tokens.token_type, 'DPoP');
  });
});

describe('the loopback resource API (tests/idp/dpop-api.mjs) checks proofs as a resource server does', () => {
  let idp;
  let api;
  before(async () => {
    idp = await startProvider({ dpop: 'optional' });
    api = await startDpopApi({ idp, requireNonce: true });
  });
  after(async () => { await api?.stop(); await idp?.stop(); });

  test('a fresh proof with its nonce passes; a replayed jti, a wrong ath, a Bearer token and another key do not', async () => {
    const dpop = await newKey();
    const { request } = await signIn(idp, dpop);
    const tokens = core.call('token.process', { response: (await sendWithProof(request, dpop)).response, now: now(), dpop: true });
    const get = { method: 'GET', url: `${api.url}?page=2#top`, headers: [] };
    const first = await sendWithProof(get, dpop, { accessToken: tokens.access_token });
    assert.equal(first.retried, true, 'the API asks for its nonce first');
    assert.equal(first.response.status, 200, first.response.body);
    assert.equal(JSON.parse(first.response.body).htu, api.url, 'htu has no query and no fragment');
    // The same proof again: its jti was seen.
    const replay = await withProof(get, dpop, { accessToken: tokens.access_token, nonce: api.requests.at(-1).nonce });
    assert.equal((await send(replay)).status, 200);
    assert.equal((await send(replay)).status, 401);
    assert.equal(api.requests.at(-1).reason, 'jti replayed');
    // A proof made for another token (its ath) does not carry this one.
    const other = await withProof(get, dpop, { accessToken: 'another-token', nonce: api.requests.at(-1).nonce });
    other.headers = other.headers.map(([n, v]) => (n === 'Authorization' ? [n, `DPoP ${tokens.access_token}`] : [n, v]));
    assert.equal((await send(other)).status, 401);
    assert.equal(api.requests.at(-1).reason, 'ath');
    assert.equal((await send({ ...get, headers: [['Authorization', `Bearer ${tokens.access_token}`]] })).status, 401);
    assert.equal(api.requests.at(-1).reason, 'bearer');
    const stranger = await newKey();
    const wrongKey = await sendWithProof(get, stranger, { accessToken: tokens.access_token });
    assert.equal(wrongKey.response.status, 401);
    assert.equal(api.requests.at(-1).reason, 'key');
  });
});

describe('DPoP hostile answers', () => {
  test('a Bearer token_type for a DPoP request is invalid_response', () => {
    const response = { status: 200, headers: [['Content-Type', 'application/json']], body: JSON.stringify({ access_token: 'a', token_type: 'Bearer', expires_in: 60 }) };
    assert.throws(() => core.call('token.process', { response, now: now(), dpop: true }), (e) => e.code === 'invalid_response');
  });
});
