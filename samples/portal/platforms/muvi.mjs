// StreamHub's "Watch on our Muvi store" link (docs/platforms/muvi.md): server routes for
// startPortal({ routes }) (samples/portal/server.mjs).
//
//   GET  /platforms/muvi        {available: true, label}: the page shows the link only when this answers
//   POST /platforms/muvi/login  {id_token, access_token?} -> {url, expiresAt}: the store's auto-login link
//
// The page is never trusted: the ID token is validated here, in Node, against the provider's JWKS
// (issuer and audience checked). When it carries no e-mail (providers often keep profile claims
// for user-info), the provider's user-info endpoint is asked with the access token, and its `sub`
// must be the ID token's. An e-mail the provider says is unverified is refused: the store knows
// viewers by e-mail, so an unverified address could open someone else's store account. Then the
// viewer is registered on the store, or found by e-mail (muvi.ensureUser), and the signed
// Thirdpartylogin link is returned; the page navigates there. The store's auth token and the JWT
// secret stay in this process.
//
//   import { muviRoutes } from './platforms/muvi.mjs';
//   const portal = await startPortal({ routes: muviRoutes({ store, authToken, jwtSecret }) });
import { discover, validateIdToken, userinfo, SsoError } from '../../../web/src/index.js';
import { muvi } from '../../../web/src/platforms.js';

const MAX_BODY = 16 * 1024;
const PROVIDER_CACHE_SECONDS = 600;
const JSON_TYPE = 'application/json; charset=utf-8';

// HTTP status for an error code: the viewer's sign-in (401), the request (400), the store or the
// provider (502), anything else (500).
function statusFor(code) {
  if (code.startsWith('id_token_') || code === 'login_required' || code === 'userinfo_sub_mismatch') return 401;
  if (code === 'invalid_argument' || code === 'access_denied') return 400;
  if (['platform_error', 'network_error', 'timeout', 'http_error', 'invalid_response', 'discovery_failed'].includes(code)) return 502;
  return 500;
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new SsoError('invalid_argument', 'the request body is too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new SsoError('invalid_argument', 'the request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

/**
 * @param {object} options
 * @param {string} options.store the Muvi store's base URL (https://<store domain>)
 * @param {string} options.authToken the store's authToken (a secret: from the environment)
 * @param {string} options.jwtSecret the JWT secret shared with the store (at least 32 bytes)
 * @param {string} [options.issuer] the OpenID provider; default: the portal's (its /config.json)
 * @param {string} [options.clientId] the ID tokens' audience; default: the portal's client
 * @param {string} [options.referrerUrl] the store page to land on; default: the store's home page
 * @param {number} [options.ttl] seconds the link is valid (default 60)
 * @param {string} [options.label] the link's text
 * @param {typeof fetch} [options.fetch] for the store and the provider
 * @returns {Array<{path: string, handle: Function}>}
 */
export function muviRoutes(options = {}) {
  const { store, authToken, jwtSecret, referrerUrl, ttl, label = 'Watch on our Muvi store', fetch: fetchImpl } = options;
  if (!store || !authToken || !jwtSecret) {
    throw new SsoError('invalid_argument', 'muviRoutes needs store, authToken and jwtSecret');
  }
  const doFetch = fetchImpl ?? globalThis.fetch.bind(globalThis);
  let provider = null;  // {issuer, metadata, jwks, fetchedAt}

  async function providerFor(issuer, { refreshKeys = false } = {}) {
    const now = Math.floor(Date.now() / 1000);
    if (!provider || provider.issuer !== issuer || now - provider.fetchedAt > PROVIDER_CACHE_SECONDS || refreshKeys) {
      const metadata = await discover(issuer, { fetch: doFetch });
      const r = await doFetch(metadata.jwks_uri, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
      if (!r.ok) throw new SsoError('http_error', `the provider's JWKS answered HTTP ${r.status}`);
      provider = { issuer, metadata, jwks: await r.json(), fetchedAt: now };
    }
    return provider;
  }

  async function viewerFrom(body, issuer, clientId) {
    if (typeof body?.id_token !== 'string' || !body.id_token) {
      throw new SsoError('login_required', 'no ID token was sent: sign in again');
    }
    let p = await providerFor(issuer);
    let validated;
    try {
      validated = await validateIdToken({ idToken: body.id_token, jwks: p.jwks, issuer, clientId });
    } catch (e) {
      if (e.code !== 'id_token_key_not_found') throw e;
      // The provider may have rotated its keys since they were fetched: once more, fresh.
      p = await providerFor(issuer, { refreshKeys: true });
      validated = await validateIdToken({ idToken: body.id_token, jwks: p.jwks, issuer, clientId });
    }
    const { claims } = validated;
    let { email, email_verified: verified } = claims;
    let name = claims.name ?? [claims.given_name, claims.family_name].filter(Boolean).join(' ');
    if (!email && typeof body.access_token === 'string' && body.access_token) {
      const info = await userinfo({ provider: p.metadata, accessToken: body.access_token, sub: claims.sub, fetch: doFetch });
      ({ email, email_verified: verified } = info);
      name ||= info.name ?? [info.given_name, info.family_name].filter(Boolean).join(' ');
    }
    if (typeof email !== 'string' || !email) {
      throw new SsoError('invalid_argument', 'the provider gave no e-mail address for this viewer (scope "email"): the store needs one');
    }
    if (verified === false) {
      throw new SsoError('access_denied', 'the provider has not verified this e-mail address: verify it there first, then try again');
    }
    return { email, name: typeof name === 'string' ? name : '' };
  }

  async function login(req, res, ctx) {
    const answer = (status, body) => ctx.send(status, JSON_TYPE, JSON.stringify(body), { 'cache-control': 'no-store' });
    if (req.method !== 'POST') return ctx.send(405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'POST' });
    // Only the portal's own pages: a browser always sends Origin on a cross-site POST, and a JSON
    // content type cannot come from a plain form.
    if (req.headers.origin && req.headers.origin !== ctx.origin) {
      return answer(403, { error: { code: 'access_denied', message: 'requests from other sites are refused' } });
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return answer(415, { error: { code: 'invalid_argument', message: 'send the ID token as JSON' } });
    }
    try {
      const issuer = options.issuer ?? ctx.config.issuer;
      const clientId = options.clientId ?? ctx.config.clientId;
      if (!issuer || !clientId) throw new SsoError('invalid_argument', 'the portal has no OpenID provider configured');
      const viewer = await viewerFrom(await readJson(req), issuer, clientId);
      const { userUuid } = await muvi.ensureUser({ store, authToken, email: viewer.email, name: viewer.name, fetch: doFetch });
      const link = await muvi.loginUrl({ store, jwtSecret, userUuid, email: viewer.email, name: viewer.name, referrerUrl, ttl });
      return answer(200, { url: link.url, expiresAt: link.expiresAt });
    } catch (e) {
      const code = e instanceof SsoError ? e.code : 'internal_error';
      // Core messages never hold a token or secret; anything else is not passed on.
      const message = e instanceof SsoError ? e.message : 'the Muvi link could not be made';
      return answer(statusFor(code), { error: { code, message } });
    }
  }

  return [
    {
      path: '/platforms/muvi',
      handle: (req, res, ctx) => ctx.send(200, JSON_TYPE, JSON.stringify({ available: true, label }), { 'cache-control': 'no-store' }),
    },
    { path: '/platforms/muvi/login', handle: login },
  ];
}
