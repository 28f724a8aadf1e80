// A small loopback resource server that takes DPoP-bound access tokens (RFC 9449 7), for the
// tests of `sso.fetch`, `SsoClient::authorized_request` and the C equivalent. It checks what a
// real resource server checks: `Authorization: DPoP <token>`, one DPoP proof (typ dpop+jwt, an
// asymmetric alg, a public jwk, the signature, htm, htu without query and fragment, iat within
// 60 s, a jti never seen before, ath = SHA-256 of the token), that the token is bound to the
// proof's key (oidc-provider's AccessToken.jkt), and with `requireNonce` its own DPoP-Nonce
// (401 + WWW-Authenticate: DPoP error="use_dpop_nonce"). CORS lets a page on another loopback
// origin call it. Every answer is kept in `requests` for the tests to look at.
import http from 'node:http';
import { createHash, createPublicKey, randomBytes, verify as verifySignature } from 'node:crypto';

const b64url = (buffer) => Buffer.from(buffer).toString('base64url');
const sha256 = (text) => createHash('sha256').update(text).digest();

// RFC 7638: the members that define the key, in lexicographic order.
export function jwkThumbprint(jwk) {
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
    : jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return b64url(sha256(JSON.stringify(members)));
}

const ALGS = {
  ES256: { hash: 'sha256', dsaEncoding: 'ieee-p1363' },
  ES384: { hash: 'sha384', dsaEncoding: 'ieee-p1363' },
  RS256: { hash: 'sha256' },
  PS256: { hash: 'sha256', padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 },
};

function decodePart(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

// The proof's verdict: null when it is good, else why not (a short reason for the test's eyes).
function checkProof(proof, { method, htu, accessToken, seenJtis, now }) {
  const parts = proof.split('.');
  if (parts.length !== 3) return 'not a JWS';
  let header;
  let claims;
  try {
    header = decodePart(parts[0]);
    claims = decodePart(parts[1]);
  } catch {
    return 'not JSON';
  }
  if (header.typ !== 'dpop+jwt') return 'typ';
  const alg = ALGS[header.alg];
  if (!alg) return 'alg';
  if (!header.jwk || header.jwk.d !== undefined || header.jwk.p !== undefined) return 'jwk';
  const key = createPublicKey({ key: header.jwk, format: 'jwk' });
  const signed = verifySignature(alg.hash, Buffer.from(`${parts[0]}.${parts[1]}`),
    { key, dsaEncoding: alg.dsaEncoding, padding: alg.padding, saltLength: alg.saltLength },
    Buffer.from(parts[2], 'base64url'));
  if (!signed) return 'signature';
  if (claims.htm !== method) return 'htm';
  if (claims.htu !== htu) return 'htu';
  if (typeof claims.iat !== 'number' || Math.abs(now - claims.iat) > 60) return 'iat';
  if (typeof claims.jti !== 'string' || claims.jti.length < 12) return 'jti';
  if (seenJtis.has(claims.jti)) return 'jti replayed';
  if (claims.ath !== b64url(sha256(accessToken))) return 'ath';
  return { jkt: jwkThumbprint(header.jwk), claims };
}

/**
 * Starts the API on 127.0.0.1. Routes: GET|POST /api/me (the token's subject and the proof's
 * claims as JSON). Options: `idp` (the provider from startProvider: tokens are looked up in it),
 * `requireNonce` (the API's own DPoP-Nonce), `nonceEveryTime` (hostile: a fresh nonce is asked
 * for on every request, so a client that retries more than once loops).
 * @returns {Promise<{url: string, origin: string, requests: object[], stop: () => Promise<void>}>}
 */
export async function startDpopApi({ idp, requireNonce = false, nonceEveryTime = false } = {}) {
  const requests = [];
  const seenJtis = new Set();
  let nonce = b64url(randomBytes(16));
  let origin = '';

  const refuse = (res, status, error, description, extra = {}) => {
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'WWW-Authenticate': `DPoP error="${error}", error_description="${description}", algs="ES256 RS256 PS256"`,
      ...extra,
    });
    res.end(JSON.stringify({ error, error_description: description }));
  };

  const server = http.createServer(async (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Expose-Headers', 'DPoP-Nonce, WWW-Authenticate');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': 'Authorization, DPoP, Content-Type',
        'Access-Control-Max-Age': '60',
      });
      res.end();
      return;
    }
    const path = new URL(req.url, origin).pathname;
    const record = { method: req.method, path, status: 0, reason: '' };
    requests.push(record);
    const done = (status, reason) => { record.status = status; record.reason = reason; };
    let body = '';
    for await (const chunk of req) body += chunk;
    record.body = body;
    if (path !== '/api/me') {
      done(404, 'no route');
      res.writeHead(404).end();
      return;
    }
    const authorization = req.headers.authorization ?? '';
    const match = /^DPoP (\S+)$/.exec(authorization);
    const proofs = req.headersDistinct?.dpop ?? (req.headers.dpop ? [req.headers.dpop] : []);
    if (!match) {
      done(401, authorization.startsWith('Bearer ') ? 'bearer' : 'no token');
      refuse(res, 401, 'invalid_token', 'a DPoP-bound access token is required');
      return;
    }
    if (proofs.length !== 1) {
      done(401, 'proofs');
      refuse(res, 401, 'invalid_dpop_proof', 'exactly one DPoP proof is required');
      return;
    }
    const accessToken = match[1];
    const verdict = checkProof(proofs[0], {
      method: req.method, htu: `${origin}${path}`, accessToken, seenJtis, now: Math.floor(Date.now() / 1000),
    });
    if (typeof verdict === 'string') {
      done(401, verdict);
      refuse(res, 401, 'invalid_dpop_proof', `the DPoP proof is not acceptable (${verdict})`);
      return;
    }
    seenJtis.add(verdict.claims.jti);
    record.jti = verdict.claims.jti;
    record.nonce = verdict.claims.nonce;
    if (requireNonce && (nonceEveryTime || verdict.claims.nonce !== nonce)) {
      nonce = b64url(randomBytes(16));
      done(401, 'nonce');
      refuse(res, 401, 'use_dpop_nonce', 'a DPoP nonce from this server is required', { 'DPoP-Nonce': nonce });
      return;
    }
    const token = idp ? await idp.provider.AccessToken.find(accessToken) : undefined;
    if (!token) {
      done(401, 'unknown token');
      refuse(res, 401, 'invalid_token', 'the access token is not known or has expired');
      return;
    }
    if (token.jkt !== verdict.jkt) {
      done(401, 'key');
      refuse(res, 401, 'invalid_token', 'the access token is bound to another key');
      return;
    }
    done(200, 'ok');
    res.writeHead(200, { 'Content-Type': 'application/json', ...(requireNonce ? { 'DPoP-Nonce': nonce } : {}) });
    res.end(JSON.stringify({ sub: token.accountId, method: req.method, body, htu: verdict.claims.htu, jkt: verdict.jkt }));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: `${origin}/api/me`,
    requests,
    async stop() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
