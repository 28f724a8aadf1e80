// The sign effect in Node (web/src/sign.js): `sign` entries completed with WebCrypto by the fetch
// transport, checked with node:crypto; a request that cannot be signed is never fetched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verify, constants } from 'node:crypto';
import { newKeyPair } from '../keys.mjs';
import { createSigner, completeSignatures } from '../../web/src/sign.js';
import { fetchTransport } from '../../web/src/transport.js';

const b64 = (s) => Buffer.from(s).toString('base64url');
const input = `${b64('{"alg":"RS256","typ":"JWT"}')}.${b64('{"iss":"client","jti":"x"}')}`;
const rsa = newKeyPair('rsa', { modulusLength: 2048 });
const ec = newKeyPair('ec', { namedCurve: 'P-256' });
const pem = (pair) => pair.privateKey.export({ type: 'pkcs8', format: 'pem' });
const jwk = (pair, kid) => ({ ...pair.privateKey.export({ format: 'jwk' }), kid });

function verifies(pair, alg, jws) {
  const dot = jws.lastIndexOf('.');
  if (jws.slice(0, dot) !== input) return false;
  const signature = Buffer.from(jws.slice(dot + 1), 'base64url');
  const data = Buffer.from(input);
  if (alg === 'RS256') return verify('sha256', data, pair.publicKey, signature);
  if (alg === 'PS256') return verify('sha256', data, { key: pair.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
  return verify('sha256', data, { key: pair.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
}

const formRequest = (alg, key = 'client') => ({
  method: 'POST', url: 'https://idp.example/token', headers: [['Content-Type', 'application/x-www-form-urlencoded']],
  body: 'grant_type=refresh_token&refresh_token=abc', sign: [{ alg, key, input, form_field: 'client_assertion' }],
});

// A fetch stand-in that records what it was asked to send.
function recordingFetch() {
  const sent = [];
  const fetchImpl = async (url, init) => { sent.push({ url, ...init }); return new Response('{}', { status: 200 }); };
  return { sent, fetchImpl };
}

for (const [alg, pair, name] of [['RS256', rsa, 'rsa'], ['PS256', rsa, 'rsa'], ['ES256', ec, 'ec']]) {
  for (const form of ['pem', 'jwk']) {
    test(`${alg} from a ${form} key: the form field is added and verifies`, async () => {
      const key = form === 'pem' ? pem(pair) : jwk(pair, `${name}-1`);
      const signer = createSigner({ client: key });
      assert.deepEqual(signer.keyInfo('client'), { kty: name === 'rsa' ? 'RSA' : 'EC', kid: form === 'jwk' ? `${name}-1` : '', alg: name === 'rsa' ? 'RS256' : 'ES256' });
      const { sent, fetchImpl } = recordingFetch();
      await fetchTransport(fetchImpl, { signer })(formRequest(alg));
      assert.equal(sent.length, 1);
      const body = new URLSearchParams(sent[0].body);
      assert.equal(body.get('grant_type'), 'refresh_token');
      const jws = body.get('client_assertion');
      assert.ok(verifies(pair, alg, jws));
      assert.ok(!verifies(pair, alg, jws.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))));
    });
  }
}

test('a header entry goes into the header', async () => {
  const signer = createSigner({ dpop: pem(ec) });
  const out = await completeSignatures({ method: 'GET', url: 'https://idp.example/userinfo', headers: [], sign: [{ alg: 'ES256', key: 'dpop', input, header: 'DPoP' }] }, signer);
  assert.equal(out.sign, undefined);
  assert.equal(out.body, undefined, 'a request without a body gets none (fetch refuses a body on GET, even an empty one)');
  const [name, value] = out.headers[0];
  assert.equal(name, 'DPoP');
  assert.ok(verifies(ec, 'ES256', value));
});

test('a request the host cannot sign is never fetched', async () => {
  const { sent, fetchImpl } = recordingFetch();
  await assert.rejects(fetchTransport(fetchImpl)(formRequest('RS256')), { code: 'invalid_argument' });
  const send = fetchTransport(fetchImpl, { signer: createSigner({ client: pem(rsa) }) });
  await assert.rejects(send(formRequest('RS256', 'dpop')), { code: 'invalid_argument' });
  await assert.rejects(send(formRequest('ES256')), { code: 'invalid_argument' });
  await assert.rejects(send(formRequest('HS512')), { code: 'unsupported' });
  await assert.rejects(send({ ...formRequest('RS256'), sign: [{ alg: 'RS256', key: 'client', input: 'not an input', form_field: 'x' }] }), { code: 'invalid_argument' });
  assert.equal(sent.length, 0);
  await send({ method: 'GET', url: 'https://idp.example/jwks', headers: [] });
  assert.equal(sent.length, 1);
});

test('unusable keys are refused without echoing them', () => {
  const { d, ...publicOnly } = jwk(rsa);
  for (const key of ['-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleQ==\n-----END PRIVATE KEY-----', 'secret-key-text', publicOnly, { kty: 'oct', k: 'c2VjcmV0', d: 'x' }]) {
    assert.throws(() => createSigner({ client: key }), (e) => e.code === 'invalid_argument' && !e.message.includes('c2VjcmV0') && !e.message.includes('secret-key-text'));
  }
});
