// A provider double: an OpenID provider on 127.0.0.1 that misbehaves on purpose, one way per
// scenario. Each scenario is its own issuer (http://127.0.0.1:PORT/<scenario>), so tests can run
// side by side. /authorize approves at once (no login page) and redirects to the redirect_uri;
// /token checks PKCE and then answers with what the scenario says. The happy path ("ok") is
// a correct provider, so every failure a test sees comes from the one thing its scenario breaks.
import { createServer } from 'node:http';
import { createHash, createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

const b64u = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaOther = generateKeyPairSync('rsa', { modulusLength: 2048 });  // not in the JWKS
const rsaSecond = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = (pair, extra) => ({ ...pair.publicKey.export({ format: 'jwk' }), ...extra });

const RSA_JWK = jwk(rsa, { kid: 'rsa-1', use: 'sig', alg: 'RS256' });
const EC_JWK = jwk(ec, { kid: 'ec-1', use: 'sig', alg: 'ES256' });

// How an ID token gets its signature.
const signers = {
  RS256: (input) => sign('sha256', Buffer.from(input), rsa.privateKey),
  wrong_key: (input) => sign('sha256', Buffer.from(input), rsaOther.privateKey),
  ES256: (input) => sign('sha256', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }),
  ES256_der: (input) => sign('sha256', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'der' }),
  none: () => Buffer.alloc(0),
  // The classic key-confusion attack: HMAC keyed with the RSA public key the client already has.
  HS256_public_key: (input) => createHmac('sha256', rsa.publicKey.export({ type: 'spki', format: 'pem' })).update(input).digest(),
};

function jws(header, claims, signer) {
  // A string header is sent as is (to test raw JSON such as duplicate members).
  const input = `${b64u(header)}.${b64u(claims)}`;
  return `${input}.${signers[signer](input).toString('base64url')}`;
}

// Each scenario changes one thing and names the error code a correct client must report.
// Hooks: discovery(doc), authorize(params, issuer) -> redirect params, header(h), claims(c),
// signer, jwks(keys), token(body) -> body | {status, raw}, userinfo(u).
export const scenarios = {
  ok: { expect: null },
  es256: { expect: null, header: (h) => ({ ...h, alg: 'ES256', kid: 'ec-1' }), signer: 'ES256' },
  discovery_issuer_mismatch: { expect: 'discovery_issuer_mismatch', discovery: (d) => ({ ...d, issuer: d.issuer + '-evil' }) },
  state_mismatch: { expect: 'state_mismatch', authorize: (p) => ({ ...p, state: p.state + 'x' }) },
  state_missing: { expect: 'state_missing', authorize: ({ state, ...p }) => p },
  iss_mismatch: { expect: 'iss_mismatch', authorize: (p) => ({ ...p, iss: 'http://127.0.0.1:1/evil' }) },
  iss_missing: { expect: 'iss_mismatch', authorize: ({ iss, ...p }) => p },
  authorization_error: { expect: 'authorization_error', authorize: ({ state, iss }) => ({ error: 'access_denied', error_description: 'the viewer said no', state, iss }) },
  token_error: { expect: 'token_error', token: () => ({ status: 400, body: { error: 'invalid_grant', error_description: 'code expired' } }) },
  token_broken_json: { expect: 'invalid_response', token: () => ({ status: 200, raw: '{"access_token": "abc", ' }) },
  token_type_missing: { expect: 'invalid_response', token: ({ token_type, ...b }) => b },
  id_token_missing: { expect: 'id_token_missing', token: ({ id_token, ...b }) => b },
  wrong_signature_key: { expect: 'id_token_signature_invalid', signer: 'wrong_key' },
  alg_none: { expect: 'id_token_alg_not_allowed', header: () => ({ alg: 'none' }), signer: 'none' },
  hs256_with_public_key: { expect: 'id_token_alg_not_allowed', header: (h) => ({ ...h, alg: 'HS256' }), signer: 'HS256_public_key' },
  es256_der_signature: { expect: 'id_token_signature_invalid', header: (h) => ({ ...h, alg: 'ES256', kid: 'ec-1' }), signer: 'ES256_der' },
  unknown_kid: { expect: 'id_token_key_not_found', header: (h) => ({ ...h, kid: 'rsa-unknown' }) },
  no_kid_two_keys: {
    expect: 'id_token_key_not_found',
    header: ({ kid, ...h }) => h,
    jwks: (keys) => [...keys, jwk(rsaSecond, { kid: 'rsa-2', use: 'sig', alg: 'RS256' })],
  },
  key_use_enc: { expect: 'id_token_key_not_found', jwks: (keys) => keys.map((k) => (k.kid === 'rsa-1' ? { ...k, use: 'enc' } : k)) },
  unknown_crit: { expect: 'id_token_malformed', header: (h) => ({ ...h, crit: ['urn:example:unknown'], 'urn:example:unknown': true }) },
  duplicate_header_member: { expect: 'id_token_malformed', header: () => '{"alg":"RS256","kid":"rsa-1","alg":"RS256"}' },
  malformed_parts: { expect: 'id_token_malformed', token: (b) => ({ ...b, id_token: b.id_token.split('.').slice(0, 2).join('.') }) },
  iss_wrong: { expect: 'id_token_iss_mismatch', claims: (c) => ({ ...c, iss: c.iss + '/other' }) },
  aud_wrong: { expect: 'id_token_aud_mismatch', claims: (c) => ({ ...c, aud: 'another-client' }) },
  aud_array_without_azp: { expect: 'id_token_azp_mismatch', claims: (c) => ({ ...c, aud: [c.aud, 'another-client'] }) },
  aud_array_wrong_azp: { expect: 'id_token_azp_mismatch', claims: (c) => ({ ...c, aud: [c.aud, 'another-client'], azp: 'another-client' }) },
  nonce_wrong: { expect: 'id_token_nonce_mismatch', claims: (c) => ({ ...c, nonce: 'not-the-nonce' }) },
  nonce_missing: { expect: 'id_token_nonce_mismatch', claims: ({ nonce, ...c }) => c },
  expired: { expect: 'id_token_expired', claims: (c) => ({ ...c, iat: c.iat - 7200, exp: c.iat - 3600 }) },
  iat_missing: { expect: 'id_token_iat_invalid', claims: ({ iat, ...c }) => c },
  iat_future: { expect: 'id_token_iat_invalid', claims: (c) => ({ ...c, iat: c.iat + 3600, exp: c.exp + 3600 }) },
  nbf_future: { expect: 'id_token_not_yet_valid', claims: (c) => ({ ...c, nbf: c.iat + 3600 }) },
  sub_missing: { expect: 'id_token_sub_missing', claims: ({ sub, ...c }) => c },
  userinfo_sub_mismatch: { expect: 'userinfo_sub_mismatch', userinfo: (u) => ({ ...u, sub: 'someone-else' }) },
};

function readBody(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
      if (body.length > limit) { reject(new Error('body too large')); req.destroy(); }
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export async function startDouble() {
  const codes = new Map();  // code -> {scenario, client_id, redirect_uri, nonce, challenge}
  const tokens = new Map(); // access token -> scenario
  const server = createServer(async (req, res) => {
    const send = (status, body, headers = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
      res.end(text);
    };
    try {
      const url = new URL(req.url, origin);
      const [, name, ...rest] = url.pathname.split('/');
      const scenario = scenarios[name];
      if (!scenario) return send(404, { error: 'not_found' });
      const issuer = `${origin}/${name}`;
      const route = '/' + rest.join('/');
      if (route === '/.well-known/openid-configuration') {
        const doc = {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          userinfo_endpoint: `${issuer}/userinfo`,
          jwks_uri: `${issuer}/jwks`,
          end_session_endpoint: `${issuer}/logout`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256', 'ES256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
          authorization_response_iss_parameter_supported: true,
        };
        return send(200, scenario.discovery ? scenario.discovery(doc) : doc);
      }
      if (route === '/jwks') {
        const keys = [RSA_JWK, EC_JWK];
        return send(200, { keys: scenario.jwks ? scenario.jwks(keys) : keys });
      }
      if (route === '/authorize') {
        const p = Object.fromEntries(url.searchParams);
        const code = randomBytes(16).toString('base64url');
        codes.set(code, { name, client_id: p.client_id, redirect_uri: p.redirect_uri, nonce: p.nonce, challenge: p.code_challenge });
        let out = { code, state: p.state, iss: issuer };
        if (scenario.authorize) out = scenario.authorize(out, issuer);
        const target = new URL(p.redirect_uri);
        for (const [k, v] of Object.entries(out)) if (v !== undefined) target.searchParams.set(k, v);
        res.writeHead(302, { location: target.href });
        return res.end();
      }
      if (route === '/token' && req.method === 'POST') {
        const form = new URLSearchParams(await readBody(req));
        const grant = codes.get(form.get('code'));
        codes.delete(form.get('code'));
        const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
        if (!grant || grant.name !== name || grant.challenge !== challenge || grant.redirect_uri !== form.get('redirect_uri')) {
          return send(400, { error: 'invalid_grant' });
        }
        const now = Math.floor(Date.now() / 1000);
        let claims = { iss: issuer, sub: 'user-1', aud: grant.client_id, exp: now + 300, iat: now, nonce: grant.nonce };
        if (scenario.claims) claims = scenario.claims(claims);
        const header = scenario.header ? scenario.header({ alg: 'RS256', kid: 'rsa-1' }) : { alg: 'RS256', kid: 'rsa-1' };
        const access = randomBytes(16).toString('base64url');
        tokens.set(access, name);
        let body = { access_token: access, token_type: 'Bearer', expires_in: 300, id_token: jws(header, claims, scenario.signer ?? 'RS256') };
        if (scenario.token) body = scenario.token(body);
        if (body.status) return send(body.status, body.raw ?? body.body);
        return send(200, body);
      }
      if (route === '/userinfo') {
        const auth = req.headers.authorization ?? '';
        if (tokens.get(auth.replace(/^Bearer /, '')) !== name) return send(401, { error: 'invalid_token' });
        let info = { sub: 'user-1', given_name: 'Dora', family_name: 'Double', email: 'dora@example.com' };
        if (scenario.userinfo) info = scenario.userinfo(info);
        return send(200, info);
      }
      return send(404, { error: 'not_found' });
    } catch (e) {
      return send(500, { error: 'server_error', error_description: String(e.message) });
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    issuerFor: (name) => `${origin}/${name}`,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
