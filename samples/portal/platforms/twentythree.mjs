// The portal as a TwentyThree site's "remote login page" (docs/platforms/twentythree.md): routes for
// startPortal({ routes }).
//
//   const routes = twentythreeRoutes({ site, credentials, issuer, clientId });
//   const portal = await startPortal({ routes });
//   // in the site's backend: Settings -> Access -> "Single sign-on or Paywall", remote login URL
//   //   <portal>/twentythree/login   (register <portal>/twentythree/callback with the OpenID provider)
//
// The flow: the site sends a stranger to /twentythree/login?return_url=/...; that page
// (public/twentythree-login.html/.js) signs the viewer in with OpenID Connect, then POSTs the ID
// token (and the access token, for user-info) to /twentythree/session. This server never trusts
// the page: it validates the ID token itself (signature with the provider's JWKS, iss, aud, exp),
// takes the e-mail and name from it or from user-info (same sub), accepts each ID token once, asks
// the site for a session token with get-token (the super credentials stay here), and answers the
// redeem URL the page navigates to. The site then sets its cookie and redirects to return_url.
//
// Options: site (the TwentyThree site's base URL), credentials ({consumerKey, consumerSecret,
// accessToken, accessTokenSecret}), issuer and clientId (the OpenID provider and this page's client;
// each may be a function, read per request, when it is known only after start-up), scope,
// format ('json' | 'xml'), fetch (for the provider and the site).
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { discover, validateIdToken, userinfo, SsoError } from '../../../web/src/index.js';
import { twentythree } from '../../../web/src/platforms.js';

const PAGE = fileURLToPath(new URL('../public/twentythree-login.html', import.meta.url));
const MAX_BODY = 16 * 1024;
const METADATA_TTL = 3600;

const read = (v) => (typeof v === 'function' ? v() : v);
const now = () => Math.floor(Date.now() / 1000);

// Where each error belongs: the viewer's input or sign-in (400), the site or the provider (502).
const UPSTREAM = new Set(['platform_error', 'http_error', 'invalid_response', 'network_error', 'timeout', 'discovery_failed',
  'discovery_issuer_mismatch']);

export function twentythreeRoutes(options) {
  const { site, credentials, scope = 'openid profile email', format = 'json' } = options;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  let cache = null;           // { issuer, metadata, jwks, fetchedAt }
  const used = new Map();     // sha256(id_token) -> exp: each ID token gets one redeem URL

  async function provider(forceJwks = false) {
    const issuer = read(options.issuer);
    if (!issuer) throw new SsoError('invalid_argument', 'the portal has no OpenID provider configured');
    if (!cache || cache.issuer !== issuer || now() - cache.fetchedAt > METADATA_TTL) {
      const metadata = await discover(issuer, { fetch: fetchImpl });
      cache = { issuer, metadata, jwks: null, fetchedAt: now() };
    }
    if (!cache.jwks || forceJwks) {
      const r = await fetchImpl(cache.metadata.jwks_uri, { signal: AbortSignal.timeout(10_000) });
      if (!r.ok) throw new SsoError('http_error', `the provider's JWKS answered HTTP ${r.status}`, { status: r.status });
      cache.jwks = await r.json();
    }
    return cache;
  }

  async function validate(idToken) {
    const clientId = read(options.clientId);
    let p = await provider();
    try {
      return (await validateIdToken({ idToken, jwks: p.jwks, issuer: p.issuer, clientId })).claims;
    } catch (e) {
      if (!(e instanceof SsoError) || e.code !== 'id_token_key_not_found') throw e;
      p = await provider(true);  // the provider rotated its keys
      return (await validateIdToken({ idToken, jwks: p.jwks, issuer: p.issuer, clientId })).claims;
    }
  }

  function spend(idToken, exp) {
    for (const [k, e] of used) if (e < now()) used.delete(k);
    const key = createHash('sha256').update(idToken).digest('base64url');
    if (used.has(key)) throw new SsoError('invalid_argument', 'this sign-in was already used; sign in again');
    used.set(key, exp);
  }

  async function readJson(req) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY) throw new SsoError('invalid_argument', 'the request body is too large');
      chunks.push(chunk);
    }
    try {
      const value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (value && typeof value === 'object' && !Array.isArray(value)) return value;
    } catch { /* answered below */ }
    throw new SsoError('invalid_argument', 'the request body must be a JSON object');
  }

  // POST {id_token, access_token?, return_url} -> {redirect_url}.
  async function session(req, res, ctx) {
    const reply = (status, body) => ctx.send(status, 'application/json; charset=utf-8', JSON.stringify(body));
    if (req.method !== 'POST') return ctx.send(405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'POST' });
    // Only this portal's own page may ask (a cross-site form or fetch carries another Origin).
    if (req.headers.origin !== ctx.origin) {
      return reply(403, { error: { code: 'access_denied', message: 'requests must come from the portal page' } });
    }
    try {
      const body = await readJson(req);
      if (typeof body.id_token !== 'string' || typeof body.return_url !== 'string') {
        throw new SsoError('invalid_argument', 'id_token and return_url are required');
      }
      const returnUrl = await twentythree.validateReturnUrl(body.return_url);
      const claims = await validate(body.id_token);
      let profile = claims;
      if ((!claims.email || !(claims.name || claims.given_name)) && typeof body.access_token === 'string') {
        const p = await provider();
        const info = await userinfo({ provider: p.metadata, accessToken: body.access_token, sub: claims.sub, fetch: fetchImpl });
        profile = { ...info, ...claims };
      }
      spend(body.id_token, claims.exp ?? now() + 3600);
      // Only a verified e-mail: with the site's back-end login setting it can pick a user account.
      const email = profile.email_verified === true && typeof profile.email === 'string' ? profile.email : undefined;
      const fullName = profile.name || [profile.given_name, profile.family_name].filter(Boolean).join(' ') || undefined;
      const { redirectUrl } = await twentythree.getToken({
        site: read(site), credentials: read(credentials), format, returnUrl, email, fullName, fetch: fetchImpl,
      });
      return reply(200, { redirect_url: redirectUrl });
    } catch (e) {
      const code = e instanceof SsoError ? e.code : 'internal_error';
      const message = e instanceof SsoError ? e.message : 'the portal could not complete the sign-in';
      return reply(UPSTREAM.has(code) ? 502 : code === 'internal_error' ? 500 : 400, { error: { code, message } });
    }
  }

  async function page(req, res, ctx) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return ctx.send(405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
    }
    const html = await readFile(PAGE);
    return ctx.send(200, 'text/html; charset=utf-8', req.method === 'HEAD' ? undefined : html, {
      'referrer-policy': 'no-referrer',  // the callback URL carries the code
    });
  }

  function config(req, res, ctx) {
    return ctx.send(200, 'application/json; charset=utf-8', JSON.stringify({
      issuer: read(options.issuer),
      clientId: read(options.clientId),
      redirectUri: `${ctx.origin}/twentythree/callback`,
      scope,
    }));
  }

  return [
    { path: '/twentythree/login', handle: page },
    { path: '/twentythree/callback', handle: page },
    { path: '/twentythree/config.json', handle: config },
    { path: '/twentythree/session', handle: session },
  ];
}
