// The hostile provider: an OpenID provider on 127.0.0.1 that misbehaves on purpose, one way per
// scenario, in each way the OpenID Foundation's relying-party conformance tests check and more.
// Each scenario is its own issuer (http://127.0.0.1:PORT/<slug>), so cases run side by side.
// /authorize approves at once (no login page) and redirects to the redirect_uri; /token checks
// PKCE and answers with what the scenario says. The happy path ("ok") is a correct provider, so
// every failure a test sees comes from the one thing its scenario breaks.
//
// Scenario fields: name, expect (the error code, or null for a sign-in that must succeed),
// flow ('login' | 'refresh' | 'device'), early (fails before the browser step), slow (needs short
// timeouts), streams (a huge endless body whose sent size the test bounds), clientSecret (a
// confidential client), maxAge (sign-in with max_age), trust (the client's trusted audiences:
// --trusted-audience, trustedAudiences). Hooks: discovery(doc, ctx), authorize(p),
// header(h), claims(c), signer, jwks(keys), token(body) -> body | {status, body | raw, type},
// refreshClaims(c), userinfo(u), device(body), idToken(jwt) -> jwt, and routes: {'/token':
// (req, res, ctx) => void} that take a route over entirely (huge, slow, redirecting answers).
import { createServer } from 'node:http';
import { createHash, createHmac, randomBytes, sign, constants } from 'node:crypto';
import { newKeyPair } from '../../keys.mjs';

const b64u = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const MiB = 1024 * 1024;
export const CLIENT_SECRET = 'hostile-client-secret-0123456789abcdef';  // 38 bytes: enough for HS256
const WRONG_SECRET = 'not-the-client-secret-0123456789abcdef';

const rsa = newKeyPair('rsa', { modulusLength: 2048 });
const rsaOther = newKeyPair('rsa', { modulusLength: 2048 });  // in no JWKS
const rsaSecond = newKeyPair('rsa', { modulusLength: 2048 });
const rsaPss = newKeyPair('rsa', { modulusLength: 2048 });
const rsaWeak = newKeyPair('rsa', { modulusLength: 1024 });  // below RFC 7518's 2048 bits
const ec = newKeyPair('ec', { namedCurve: 'P-256' });
const ecOther = newKeyPair('ec', { namedCurve: 'P-256' });  // in no JWKS
const ec384 = newKeyPair('ec', { namedCurve: 'P-384' });
const jwk = (pair, extra) => ({ ...pair.publicKey.export({ format: 'jwk' }), ...extra });

const RSA_JWK = jwk(rsa, { kid: 'rsa-1', use: 'sig', alg: 'RS256' });
const EC_JWK = jwk(ec, { kid: 'ec-1', use: 'sig', alg: 'ES256' });
const EC384_JWK = jwk(ec384, { kid: 'ec384-1', use: 'sig', alg: 'ES384' });
const PSS_JWK = jwk(rsaPss, { kid: 'ps-1', use: 'sig', alg: 'PS256' });

const p1363 = (key) => ({ key, dsaEncoding: 'ieee-p1363' });
// How an ID token gets its signature.
const signers = {
  RS256: (input) => sign('sha256', input, rsa.privateKey),
  RS384: (input) => sign('sha384', input, rsa.privateKey),
  wrong_key: (input) => sign('sha256', input, rsaOther.privateKey),
  weak_key: (input) => sign('sha256', input, rsaWeak.privateKey),
  PS256: (input) => sign('sha256', input, { key: rsaPss.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  ES256: (input) => sign('sha256', input, p1363(ec.privateKey)),
  ES256_wrong_key: (input) => sign('sha256', input, p1363(ecOther.privateKey)),
  ES256_der: (input) => sign('sha256', input, { key: ec.privateKey, dsaEncoding: 'der' }),
  ES384: (input) => sign('sha384', input, p1363(ec384.privateKey)),
  HS256: (input) => createHmac('sha256', CLIENT_SECRET).update(input).digest(),
  HS256_wrong_secret: (input) => createHmac('sha256', WRONG_SECRET).update(input).digest(),
  // The classic key-confusion attack: HMAC keyed with the RSA public key the client already has.
  HS256_public_key: (input) => createHmac('sha256', rsa.publicKey.export({ type: 'spki', format: 'pem' })).update(input).digest(),
  none: () => Buffer.alloc(0),
};

function jws(header, claims, signer) {
  // A string header or payload is sent as is (raw JSON such as duplicate members, or not JSON).
  const input = `${b64u(header)}.${b64u(claims)}`;
  return `${input}.${signers[signer](Buffer.from(input)).toString('base64url')}`;
}

// OIDC Core 3.1.3.6: the left half of the hash (the alg's hash) of the access token or code.
function halfHash(value, alg) {
  const bits = /384$/.test(alg) ? 'sha384' : /512$/.test(alg) ? 'sha512' : 'sha256';
  const digest = createHash(bits).update(value).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

// Replaces one part of a compact JWS.
const withPart = (jwt, index, value) => jwt.split('.').map((p, i) => (i === index ? value : p)).join('.');

// ---- answers that take a route over ----------------------------------------------------------

// A body far over the SDK's 1 MiB cap. `declared`: with a Content-Length (the client can refuse
// at once); else chunked and endless up to `cap`, so only the client hanging up ends it early.
function hugeBody({ declared = false, size = 4 * MiB, cap = 64 * MiB } = {}) {
  return (req, res, ctx) => {
    const total = declared ? size : cap;
    const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    if (declared) headers['content-length'] = String(total);
    res.writeHead(200, headers);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    chunk.write('{"padding":"');
    let sent = 0;
    const finish = ctx.streamStarted();
    res.on('close', () => finish(sent));
    const pump = () => {
      // Bounded by `total`; waits for 'drain' when the client reads slower than we write.
      while (sent < total && !res.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!res.write(piece)) { res.once('drain', pump); return; }
      }
      if (!res.destroyed) res.end();
    };
    pump();
  };
}

// Accepts the request and never answers (the connection is dropped after 30 s at the latest).
function silent() {
  return (req, res) => {
    const timer = setTimeout(() => res.destroy(), 30000);
    res.on('close', () => clearTimeout(timer));
  };
}

// Sends the headers and then one byte every 200 ms, for 30 s at most.
function trickle() {
  return (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"access_token":"');
    let left = 150;
    const timer = setInterval(() => {
      if (--left <= 0 || res.destroyed) { clearInterval(timer); res.destroy(); return; }
      res.write('a');
    }, 200);
    res.on('close', () => clearInterval(timer));
  };
}

function redirectAway(path) {
  return (req, res) => {
    res.writeHead(302, { location: `http://example.invalid${path}`, 'content-type': 'text/plain' });
    res.end('moved');
  };
}

function raw(status, body, type = 'application/json') {
  return (req, res) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
}

const html500 = '<!doctype html><html><head><title>500 Internal Server Error</title></head><body><h1>Oops</h1></body></html>';

// ---- the scenarios ------------------------------------------------------------------------------

const twoAudiences = (c) => ({ ...c, aud: [c.aud, 'another-client'] });

export const scenarios = [
  // Happy paths: a correct provider, and the variations a correct client must accept.
  { name: 'ok', expect: null },
  { name: 'ES256 signed', expect: null, header: (h) => ({ ...h, alg: 'ES256', kid: 'ec-1' }), signer: 'ES256' },
  { name: 'ES384 signed', expect: null, header: (h) => ({ ...h, alg: 'ES384', kid: 'ec384-1' }), signer: 'ES384' },
  { name: 'PS256 signed', expect: null, header: (h) => ({ ...h, alg: 'PS256', kid: 'ps-1' }), signer: 'PS256' },
  { name: 'no kid with one key for the alg', expect: null, header: ({ kid, ...h }) => h },
  { name: 'HS256 with the client secret', expect: null, clientSecret: CLIENT_SECRET, header: () => ({ alg: 'HS256' }), signer: 'HS256' },
  { name: 'endpoints on another origin', expect: null, discovery: (d, ctx) => ctx.moveEndpoints(d) },
  { name: 'wrong c_hash ignored in the code flow', expect: null, claims: (c) => ({ ...c, c_hash: 'AAAAAAAAAAAAAAAAAAAAAA' }) },
  { name: 'max_age with a fresh auth_time', expect: null, maxAge: 600 },
  { name: 'refresh ok', expect: null, flow: 'refresh' },
  { name: 'device ok', expect: null, flow: 'device' },

  // Discovery.
  { name: 'discovery issuer mismatch', expect: 'discovery_issuer_mismatch', early: true, discovery: (d) => ({ ...d, issuer: d.issuer + '-evil' }) },
  { name: 'discovery not JSON', expect: 'discovery_failed', early: true, routes: { '/.well-known/openid-configuration': raw(200, '<html>hello</html>', 'text/html') } },
  { name: 'discovery 404', expect: 'discovery_failed', early: true, routes: { '/.well-known/openid-configuration': raw(404, '{"error":"not_found"}') } },
  { name: 'discovery without authorization_endpoint', expect: 'discovery_failed', early: true, discovery: ({ authorization_endpoint, ...d }) => d },
  { name: 'discovery token_endpoint on plain http to a remote host', expect: 'discovery_failed', early: true, discovery: (d) => ({ ...d, token_endpoint: 'http://example.invalid/token' }) },
  { name: 'discovery jwks_uri on plain http to a remote host', expect: 'discovery_failed', early: true, discovery: (d) => ({ ...d, jwks_uri: 'http://example.invalid/jwks' }) },
  { name: 'discovery redirect to a non-loopback host', expect: 'discovery_failed', early: true, routes: { '/.well-known/openid-configuration': redirectAway('/.well-known/openid-configuration') } },
  { name: 'huge discovery response', expect: 'invalid_response', early: true, routes: { '/.well-known/openid-configuration': hugeBody({ declared: true }) } },
  { name: 'silent discovery', expect: 'timeout', early: true, slow: true, routes: { '/.well-known/openid-configuration': silent() } },

  // The authorization response (the callback).
  { name: 'state mismatch', expect: 'state_mismatch', authorize: (p) => ({ ...p, state: p.state + 'x' }) },
  { name: 'state missing', expect: 'state_missing', authorize: ({ state, ...p }) => p },
  { name: 'RFC 9207 iss mismatch', expect: 'iss_mismatch', authorize: (p) => ({ ...p, iss: 'http://127.0.0.1:1/evil' }) },
  { name: 'RFC 9207 iss missing', expect: 'iss_mismatch', authorize: ({ iss, ...p }) => p },
  { name: 'authorization error', expect: 'authorization_error', authorize: ({ state, iss }) => ({ error: 'temporarily_unavailable', error_description: 'try later', state, iss }) },
  { name: 'the viewer said no', expect: 'access_denied', authorize: ({ state, iss }) => ({ error: 'access_denied', error_description: 'the viewer said no', state, iss }) },
  { name: 'callback repeats code', expect: 'invalid_response', authorize: (p) => ({ ...p, code: [p.code, 'second-code'] }) },
  { name: 'callback without code', expect: 'invalid_response', authorize: ({ code, ...p }) => p },

  // The token endpoint: OAuth error bodies and broken answers.
  { name: 'token 400 invalid_grant', expect: 'token_error', token: () => ({ status: 400, body: { error: 'invalid_grant', error_description: 'code expired' } }) },
  { name: 'token 401 invalid_client', expect: 'token_error', token: () => ({ status: 401, body: { error: 'invalid_client' } }) },
  // Issue 16 item 5: an error_description that would rewrite the terminal (CR, OSC title, erase line).
  { name: 'token error_description with terminal escapes', expect: 'token_error', token: () => ({ status: 400, body: { error: 'invalid_grant', error_description: 'expired\r\u001b]0;pwned\u0007\u001b[2K\u009b2J' } }) },
  { name: 'token error body not JSON', expect: 'http_error', token: () => ({ status: 400, raw: 'Bad Request', type: 'text/plain' }) },
  { name: 'token 500 HTML page', expect: 'http_error', token: () => ({ status: 500, raw: html500, type: 'text/html' }) },
  { name: 'token 200 with an error body', expect: 'token_error', token: () => ({ status: 200, body: { error: 'server_error' } }) },
  { name: 'token broken JSON', expect: 'invalid_response', token: () => ({ status: 200, raw: '{"access_token": "abc", ' }) },
  { name: 'token response a JSON array', expect: 'invalid_response', token: (b) => ({ status: 200, body: [b] }) },
  { name: 'token response duplicate member', expect: 'invalid_response', token: (b) => ({ status: 200, raw: JSON.stringify(b).replace(/^\{/, '{"access_token":"other",') }) },
  { name: 'token_type missing', expect: 'invalid_response', token: ({ token_type, ...b }) => b },
  { name: 'token_type not Bearer', expect: 'invalid_response', token: (b) => ({ ...b, token_type: 'mac' }) },
  { name: 'access_token missing', expect: 'invalid_response', token: ({ access_token, ...b }) => b },
  { name: 'id_token missing', expect: 'id_token_missing', token: ({ id_token, ...b }) => b },
  { name: 'id_token not a string', expect: 'invalid_response', token: (b) => ({ ...b, id_token: 42 }) },
  { name: 'token redirect to a non-loopback host', expect: 'http_error', routes: { '/token': redirectAway('/token') } },
  { name: 'huge token response', expect: 'invalid_response', streams: true, routes: { '/token': hugeBody() } },
  { name: 'trickling token response', expect: 'timeout', slow: true, routes: { '/token': trickle() } },

  // The JWKS.
  { name: 'JWKS 500', expect: 'http_error', routes: { '/jwks': raw(500, html500, 'text/html') } },
  { name: 'JWKS not JSON', expect: 'invalid_response', routes: { '/jwks': raw(200, 'keys: none') } },
  { name: 'JWKS without keys', expect: 'invalid_response', routes: { '/jwks': raw(200, '{"keys":{}}') } },
  { name: 'JWKS redirect to a non-loopback host', expect: 'http_error', routes: { '/jwks': redirectAway('/jwks') } },
  { name: 'huge JWKS response', expect: 'invalid_response', routes: { '/jwks': hugeBody({ declared: true }) } },

  // Malformed JWS.
  { name: 'JWS with 2 parts', expect: 'id_token_malformed', idToken: (t) => t.split('.').slice(0, 2).join('.') },
  { name: 'JWS with 5 parts (JWE)', expect: 'id_token_malformed', idToken: () => [b64u({ alg: 'RSA-OAEP', enc: 'A256GCM' }), 'a', 'b', 'c', 'd'].join('.') },
  { name: 'bad base64url in header', expect: 'id_token_malformed', idToken: (t) => withPart(t, 0, t.split('.')[0].slice(0, -2) + '+/') },
  { name: 'bad base64url in payload', expect: 'id_token_malformed', idToken: (t) => withPart(t, 1, t.split('.')[1] + '==') },
  { name: 'bad base64url in signature', expect: 'id_token_malformed', idToken: (t) => withPart(t, 2, '!' + t.split('.')[2].slice(1)) },
  { name: 'header not JSON', expect: 'id_token_malformed', header: () => 'alg=RS256' },
  { name: 'payload not JSON', expect: 'id_token_malformed', claims: () => 'sub=user-1' },
  { name: 'payload a JSON array', expect: 'id_token_malformed', claims: (c) => JSON.stringify([c]) },
  { name: 'empty signature', expect: 'id_token_signature_invalid', idToken: (t) => withPart(t, 2, '') },
  { name: 'duplicate JSON members in the JWS header', expect: 'id_token_malformed', header: () => '{"alg":"RS256","kid":"rsa-1","alg":"RS256"}' },
  { name: 'duplicate claim in the payload', expect: 'id_token_malformed', claims: (c) => JSON.stringify(c).replace(/^\{/, '{"sub":"someone-else",') },
  { name: 'unknown crit', expect: 'id_token_malformed', header: (h) => ({ ...h, crit: ['urn:example:unknown'], 'urn:example:unknown': true }) },
  { name: 'typ at+jwt', expect: 'id_token_malformed', header: (h) => ({ ...h, typ: 'at+jwt' }) },
  { name: 'kid not a string', expect: 'id_token_malformed', header: (h) => ({ ...h, kid: 1 }) },

  // Algorithms and keys.
  { name: 'alg none', expect: 'id_token_alg_not_allowed', header: () => ({ alg: 'none' }), signer: 'none' },
  { name: 'alg None capitalised', expect: 'id_token_alg_not_allowed', header: () => ({ alg: 'None' }), signer: 'none' },
  { name: 'HS256 signed with the RSA public key', expect: 'id_token_alg_not_allowed', header: (h) => ({ ...h, alg: 'HS256' }), signer: 'HS256_public_key' },
  { name: 'HS256 with a wrong client secret', expect: 'id_token_signature_invalid', clientSecret: CLIENT_SECRET, header: () => ({ alg: 'HS256' }), signer: 'HS256_wrong_secret' },
  { name: 'bad RS256 signature', expect: 'id_token_signature_invalid', signer: 'wrong_key' },
  { name: 'bad ES256 signature', expect: 'id_token_signature_invalid', header: (h) => ({ ...h, alg: 'ES256', kid: 'ec-1' }), signer: 'ES256_wrong_key' },
  { name: 'ES256 with a DER signature', expect: 'id_token_signature_invalid', header: (h) => ({ ...h, alg: 'ES256', kid: 'ec-1' }), signer: 'ES256_der' },
  { name: 'unknown kid', expect: 'id_token_key_not_found', header: (h) => ({ ...h, kid: 'rsa-unknown' }) },
  {
    name: 'no kid with several keys',
    expect: 'id_token_key_not_found',
    header: ({ kid, ...h }) => h,
    jwks: (keys) => [...keys, jwk(rsaSecond, { kid: 'rsa-2', use: 'sig', alg: 'RS256' })],
  },
  { name: 'key with use enc', expect: 'id_token_key_not_found', jwks: (keys) => keys.map((k) => (k.kid === 'rsa-1' ? { ...k, use: 'enc' } : k)) },
  { name: 'RSA key below 2048 bits', expect: 'id_token_key_not_found', header: (h) => ({ ...h, kid: 'weak-1' }), signer: 'weak_key', jwks: (keys) => [...keys, jwk(rsaWeak, { kid: 'weak-1', use: 'sig', alg: 'RS256' })] },
  { name: 'JWKS with duplicate kid', expect: 'id_token_key_not_found', jwks: (keys) => [...keys, jwk(rsaSecond, { kid: 'rsa-1', use: 'sig', alg: 'RS256' })] },
  { name: 'header alg differs from the JWK alg', expect: 'id_token_key_not_found', header: (h) => ({ ...h, alg: 'RS384' }), signer: 'RS384' },

  // ID token claims (OIDC Core 3.1.3.7).
  { name: 'wrong iss', expect: 'id_token_iss_mismatch', claims: (c) => ({ ...c, iss: c.iss + '/other' }) },
  { name: 'iss missing', expect: 'id_token_iss_mismatch', claims: ({ iss, ...c }) => c },
  { name: 'wrong aud', expect: 'id_token_aud_mismatch', claims: (c) => ({ ...c, aud: 'another-client' }) },
  // OIDC Core 3.1.3.7 step 3: an extra audience must be one the client trusts; the azp rules
  // (steps 4, 5) are tested with the second audience trusted.
  { name: 'extra audience the client does not trust', expect: 'id_token_aud_mismatch', claims: (c) => ({ ...twoAudiences(c), azp: c.aud }) },
  { name: 'extra audience the client trusts', expect: null, trust: ['another-client'], claims: (c) => ({ ...twoAudiences(c), azp: c.aud }) },
  { name: 'multiple audiences without azp', expect: 'id_token_azp_mismatch', trust: ['another-client'], claims: twoAudiences },
  { name: 'multiple audiences with wrong azp', expect: 'id_token_azp_mismatch', trust: ['another-client'], claims: (c) => ({ ...twoAudiences(c), azp: 'another-client' }) },
  { name: 'single audience with wrong azp', expect: 'id_token_azp_mismatch', claims: (c) => ({ ...c, azp: 'another-client' }) },
  { name: 'wrong nonce', expect: 'id_token_nonce_mismatch', claims: (c) => ({ ...c, nonce: 'not-the-nonce' }) },
  { name: 'nonce missing', expect: 'id_token_nonce_mismatch', claims: ({ nonce, ...c }) => c },
  { name: 'expired', expect: 'id_token_expired', claims: (c) => ({ ...c, iat: c.iat - 7200, exp: c.iat - 3600 }) },
  { name: 'exp missing', expect: 'id_token_expired', claims: ({ exp, ...c }) => c },
  { name: 'iat missing', expect: 'id_token_iat_invalid', claims: ({ iat, ...c }) => c },
  { name: 'iat in the future', expect: 'id_token_iat_invalid', claims: (c) => ({ ...c, iat: c.iat + 3600, exp: c.exp + 3600 }) },
  { name: 'nbf in the future', expect: 'id_token_not_yet_valid', claims: (c) => ({ ...c, nbf: c.iat + 3600 }) },
  { name: 'sub missing', expect: 'id_token_sub_missing', claims: ({ sub, ...c }) => c },
  { name: 'wrong at_hash', expect: 'invalid_response', claims: (c) => ({ ...c, at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' }) },
  { name: 'auth_time missing with max_age', expect: 'login_required', maxAge: 600, claims: ({ auth_time, ...c }) => c },
  { name: 'auth_time older than max_age', expect: 'login_required', maxAge: 600, claims: (c) => ({ ...c, auth_time: c.iat - 3600 }) },

  // User-info.
  { name: 'userinfo sub mismatch', expect: 'userinfo_sub_mismatch', userinfo: (u) => ({ ...u, sub: 'someone-else' }) },
  { name: 'userinfo without sub', expect: 'invalid_response', userinfo: ({ sub, ...u }) => u },
  { name: 'userinfo 401', expect: 'token_error', routes: { '/userinfo': raw(401, '{"error":"invalid_token"}') } },
  { name: 'userinfo not JSON', expect: 'invalid_response', routes: { '/userinfo': raw(200, 'sub=user-1', 'text/plain') } },
  { name: 'userinfo redirect to a non-loopback host', expect: 'http_error', routes: { '/userinfo': redirectAway('/userinfo') } },
  { name: 'huge userinfo response', expect: 'invalid_response', routes: { '/userinfo': hugeBody({ size: 2 * MiB, cap: 2 * MiB }) } },
  { name: 'silent userinfo', expect: 'timeout', slow: true, routes: { '/userinfo': silent() } },

  // Refresh (OIDC Core 12.2): the refreshed ID token is about the same user from the same issuer.
  // The provider has answered (the old refresh token may be spent), so the session ends:
  // login_required, with the cause in the details.
  { name: 'refreshed ID token with another sub', expect: 'login_required', flow: 'refresh', refreshClaims: (c) => ({ ...c, sub: 'someone-else' }) },
  { name: 'refreshed ID token with another iss', expect: 'login_required', flow: 'refresh', refreshClaims: (c) => ({ ...c, iss: c.iss + '/other' }) },
  { name: 'refreshed ID token with an untrusted extra audience', expect: 'login_required', flow: 'refresh', refreshClaims: (c) => ({ ...twoAudiences(c), azp: c.aud }) },
  { name: 'refreshed ID token with a trusted extra audience', expect: null, flow: 'refresh', trust: ['another-client'], refreshClaims: (c) => ({ ...twoAudiences(c), azp: c.aud }) },

  // Device authorization (RFC 8628).
  { name: 'device response without device_code', expect: 'invalid_response', flow: 'device', device: ({ device_code, ...d }) => d },
  { name: 'device interval not an integer', expect: 'invalid_response', flow: 'device', device: (d) => ({ ...d, interval: '5' }) },
  { name: 'device verification_uri on plain http to a remote host', expect: 'invalid_response', flow: 'device', device: (d) => ({ ...d, verification_uri: 'http://example.invalid/activate' }) },
  // Issue 16 item 5: a user_code that would write its own "Visit:" line and hide what follows.
  { name: 'device user_code that writes its own lines', expect: 'invalid_response', flow: 'device', device: (d) => ({ ...d, user_code: 'WDJB-MJHT\nVisit: http://evil.example/activate\u001b[8m' }) },
];

export const slugOf = (name) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

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

const nowSeconds = () => Math.floor(Date.now() / 1000);

export async function startProvider() {
  const bySlug = new Map(scenarios.map((s) => [slugOf(s.name), s]));
  const codes = new Map();    // code -> {slug, client_id, redirect_uri, nonce, challenge}
  const tokens = new Map();   // access token -> slug
  const refresh = new Map();  // refresh token -> {slug, client_id}
  const streams = new Map();  // slug -> {active, sent: [bytes per finished stream], waiters}
  let origin;
  let altOrigin;

  function streamStats(slug) {
    if (!streams.has(slug)) streams.set(slug, { active: 0, sent: [], waiters: [] });
    return streams.get(slug);
  }

  // An ID token and the token response around it, as the scenario shapes them.
  function tokenResponse(slug, scenario, issuer, { client_id, nonce, refreshing = false }) {
    const now = nowSeconds();
    const access = randomBytes(16).toString('base64url');
    tokens.set(access, slug);
    const header = scenario.header ? scenario.header({ alg: 'RS256', kid: 'rsa-1' }) : { alg: 'RS256', kid: 'rsa-1' };
    const alg = typeof header === 'object' ? header.alg : 'RS256';
    let claims = { iss: issuer, sub: 'user-1', aud: client_id, exp: now + 300, iat: now, auth_time: now - 5, at_hash: halfHash(access, alg) };
    if (nonce) claims.nonce = nonce;
    if (refreshing) {
      if (scenario.refreshClaims) claims = scenario.refreshClaims(claims);
    } else if (scenario.claims) {
      claims = scenario.claims(claims);
    }
    let idToken = jws(header, claims, scenario.signer ?? 'RS256');
    if (scenario.idToken && !refreshing) idToken = scenario.idToken(idToken);
    const refreshToken = randomBytes(16).toString('base64url');
    refresh.set(refreshToken, { slug, client_id });
    let body = { access_token: access, token_type: 'Bearer', expires_in: 300, refresh_token: refreshToken, id_token: idToken };
    if (scenario.token && !refreshing) body = scenario.token(body);
    return body;
  }

  async function handle(req, res) {
    const send = (status, body, type = 'application/json') => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(text);
    };
    const url = new URL(req.url, origin);
    const [, slug, ...rest] = url.pathname.split('/');
    const scenario = bySlug.get(slug);
    if (!scenario) return send(404, { error: 'not_found' });
    const issuer = `${origin}/${slug}`;
    const route = '/' + rest.join('/');
    const ctx = {
      // Token, user-info and JWKS on the second server (another origin), same paths.
      moveEndpoints: (d) => ({
        ...d,
        token_endpoint: `${altOrigin}/${slug}/token`,
        userinfo_endpoint: `${altOrigin}/${slug}/userinfo`,
        jwks_uri: `${altOrigin}/${slug}/jwks`,
      }),
      streamStarted: () => {
        const stats = streamStats(slug);
        stats.active += 1;
        return (bytes) => {
          stats.active -= 1;
          stats.sent.push(bytes);
          if (stats.active === 0) for (const w of stats.waiters.splice(0)) w();
        };
      },
    };
    const takeover = scenario.routes?.[route];
    if (takeover) return takeover(req, res, ctx);

    if (route === '/.well-known/openid-configuration') {
      const doc = {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        jwks_uri: `${issuer}/jwks`,
        end_session_endpoint: `${issuer}/logout`,
        device_authorization_endpoint: `${issuer}/device`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'PS256', 'ES256', 'ES384', 'HS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
        grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        authorization_response_iss_parameter_supported: true,
      };
      return send(200, scenario.discovery ? scenario.discovery(doc, ctx) : doc);
    }
    if (route === '/jwks') {
      const keys = [RSA_JWK, EC_JWK, EC384_JWK, PSS_JWK];
      return send(200, { keys: scenario.jwks ? scenario.jwks(keys) : keys });
    }
    if (route === '/authorize') {
      const p = Object.fromEntries(url.searchParams);
      const code = randomBytes(16).toString('base64url');
      codes.set(code, { slug, client_id: p.client_id, redirect_uri: p.redirect_uri, nonce: p.nonce, challenge: p.code_challenge });
      let out = { code, state: p.state, iss: issuer };
      if (scenario.authorize) out = scenario.authorize(out);
      const target = new URL(p.redirect_uri);
      for (const [k, v] of Object.entries(out)) {
        for (const one of [v].flat()) if (one !== undefined) target.searchParams.append(k, one);
      }
      res.writeHead(302, { location: target.href });
      return res.end();
    }
    if (route === '/device' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const deviceCode = randomBytes(16).toString('base64url');
      codes.set(deviceCode, { slug, device: true });
      let body = { device_code: deviceCode, user_code: 'HOST-ILE1', verification_uri: `${issuer}/activate`, expires_in: 60, interval: 1 };
      if (scenario.device) body = scenario.device(body);
      return send(200, body);
    }
    if (route === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const grantType = form.get('grant_type');
      if (grantType === 'refresh_token') {
        const grant = refresh.get(form.get('refresh_token'));
        refresh.delete(form.get('refresh_token'));
        if (!grant || grant.slug !== slug) return send(400, { error: 'invalid_grant' });
        return send(200, tokenResponse(slug, scenario, issuer, { client_id: grant.client_id, refreshing: true }));
      }
      if (grantType === 'urn:ietf:params:oauth:grant-type:device_code') {
        const grant = codes.get(form.get('device_code'));
        codes.delete(form.get('device_code'));
        if (!grant?.device || grant.slug !== slug) return send(400, { error: 'invalid_grant' });
        return send(200, tokenResponse(slug, scenario, issuer, { client_id: form.get('client_id') ?? clientIdOf(req) }));
      }
      const grant = codes.get(form.get('code'));
      codes.delete(form.get('code'));
      const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (!grant || grant.device || grant.slug !== slug || grant.challenge !== challenge || grant.redirect_uri !== form.get('redirect_uri')) {
        return send(400, { error: 'invalid_grant' });
      }
      const body = tokenResponse(slug, scenario, issuer, { client_id: grant.client_id, nonce: grant.nonce });
      if (body.status) return send(body.status, body.raw ?? body.body, body.type);
      return send(200, body);
    }
    if (route === '/userinfo') {
      const auth = req.headers.authorization ?? '';
      if (tokens.get(auth.replace(/^Bearer /, '')) !== slug) return send(401, { error: 'invalid_token' });
      let info = { sub: 'user-1', given_name: 'Hedda', family_name: 'Hostile', email: 'hedda@example.com' };
      if (scenario.userinfo) info = scenario.userinfo(info);
      return send(200, info);
    }
    return send(404, { error: 'not_found' });
  }

  const listener = (req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'server_error', error_description: String(e.message) }));
      }
    });
  };
  const server = createServer(listener);
  const alt = createServer(listener);  // the same provider on a second origin
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise((resolve) => alt.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  altOrigin = `http://127.0.0.1:${alt.address().port}`;
  return {
    origin,
    issuerFor: (name) => `${origin}/${slugOf(name)}`,
    // Resolves with the byte counts of the scenario's huge streams finished since the last call,
    // once none is still running (waits 10 s at most).
    async streamsSettled(name) {
      const stats = streamStats(slugOf(name));
      if (stats.active > 0) {
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, 10000);
          stats.waiters.push(() => { clearTimeout(timer); resolve(); });
        });
      }
      return stats.sent.splice(0);
    },
    async stop() {
      for (const s of [server, alt]) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
    },
  };
}

// A confidential client authenticates with HTTP Basic: its client_id is in the header.
function clientIdOf(req) {
  const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  return decodeURIComponent(Buffer.from(m[1], 'base64').toString().split(':')[0]);
}
