// A simulator of the organization API of seed 004 (Enterprise SSO) on 127.0.0.1: organizations with
// slugs, SSO settings, domains verified through a DNS TXT record (DNS simulated by publishTxt),
// the SSO configuration test, the security settings, the public sign-in lookup
// (POST /api/auth/identify), the SSO entry point /api/auth/sso/{slug}/login and the one shared
// /api/auth/sso/callback whose `state` names the organization.
//
// Envelopes as the platform documents them: {success, status, code: "OK", message, data} and
// {success: false, status, code, message, meta: {errors: [{field, error, location}]}}. Every
// documented code is reachable: AUTHENTICATION_REQUIRED (no credential), INVALID_API_KEY (unknown
// X-Api-Key), INSUFFICIENT_PERMISSIONS (a member's key: settings are owner-only), FORBIDDEN (a key
// pinned to another organization), MFA_REQUIRED (a bearer session without MFA in an organization
// that requires it; personal access tokens are not subject to MFA), VALIDATION_ERROR (bad bodies),
// RATE_LIMIT_ERROR (rateLimit()), plus failNext() for any code on the next request.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';

export const ACME_ID = '01HZ3K5R4X9Y2V6QF8TJ7W0CDN';
export const GLOBEX_ID = '01HZ3K5R4X9Y2V6QF8TJ7W0GLX';
export const OWNER_KEY = 'ba_owner_AbCdEf0123456789';
export const MEMBER_KEY = 'ba_member_AbCdEf0123456789';
export const PINNED_KEY = 'ba_pinned_globex_0123456789';     // the owner's token, pinned to globex
export const BEARER_NO_MFA = 'eyJ.owner-session.no-mfa';      // an OAuth access token, MFA not done
export const BEARER_MFA = 'eyJ.owner-session.mfa-done';

const MAX_BODY = 10 * 1024 * 1024;  // "Request bodies are capped at 10 MiB"
const SSO_FIELDS = ['provider', 'issuerUrl', 'clientId', 'clientSecret'];
const HOST_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const EMAIL_RE = /^[^\s@]{1,64}@([^\s@]+)$/;

class ApiError extends Error {
  constructor(status, code, message, errors) {
    super(message);
    this.status = status;
    this.code = code;
    this.errors = errors;
  }
}
const validation = (message, errors = []) => new ApiError(400, 'VALIDATION_ERROR', message, errors);

function newId() {
  // ULID-like: 26 characters of Crockford base32.
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return [...randomBytes(26)].map((b) => alphabet[b % 32]).join('');
}

function defaultOrganizations() {
  return [
    { id: ACME_ID, name: 'Acme Studio', slug: 'acme', members: { owner: 'owner', member: 'member' } },
    { id: GLOBEX_ID, name: 'Globex', slug: 'globex', members: { owner: 'owner' } },
  ].map((o) => ({ ...o, sso: null, domains: [], security: { authRequired: 'any', requireMfa: false } }));
}

function defaultCredentials() {
  return new Map([
    [`key:${OWNER_KEY}`, { user: 'owner' }],
    [`key:${MEMBER_KEY}`, { user: 'member' }],
    [`key:${PINNED_KEY}`, { user: 'owner', pinnedOrg: GLOBEX_ID }],
    [`bearer:${BEARER_NO_MFA}`, { user: 'owner', session: true, mfaDone: false }],
    [`bearer:${BEARER_MFA}`, { user: 'owner', session: true, mfaDone: true }],
  ]);
}

/**
 * @param {{appUrl?: string}} [options]
 * @returns {Promise<object>} {url, stop, state, requests, rateLimit, failNext, publishTxt, setSsoTest, ...}
 */
export async function start({ appUrl = 'http://127.0.0.1:1/app' } = {}) {
  const state = {
    organizations: defaultOrganizations(),
    credentials: defaultCredentials(),
    dns: new Map(),             // TXT records published: name -> value
    ssoTest: { pass: true, message: '' },
    loginStates: new Map(),     // state -> organization id (the shared callback routes by it)
    sessions: [],               // {organizationId, code} established by the callback
    rateLimit: null,            // {remaining, retryAfter}
    failNext: null,             // {status, code, message, errors}
    identifyOverride: null,     // (data) => data, to answer the lookup differently
  };
  const requests = [];

  const server = createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url, 'http://127.0.0.1');
      requests.push({ method: req.method, path: url.pathname, query: url.search, headers: { ...req.headers }, body });
      try {
        if (size > MAX_BODY) throw validation('Request body too large');
        handle(req, res, url, body);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        sendError(res, e);
      }
    });
  });

  function handle(req, res, url, body) {
    if (state.rateLimit && state.rateLimit.remaining > 0) {
      state.rateLimit.remaining--;
      const ra = state.rateLimit.retryAfter;
      const headers = ra === null ? {} : { 'Retry-After': typeof ra === 'function' ? ra() : String(ra) };
      const message = 'Too many requests from this IP, please try again later.';
      return sendJson(res, 429, { success: false, status: 429, code: 'RATE_LIMIT_ERROR', message, meta: { message } }, headers);
    }
    if (state.failNext) {
      const f = state.failNext;
      state.failNext = null;
      throw new ApiError(f.status, f.code, f.message ?? f.code, f.errors ?? []);
    }
    const path = url.pathname;
    let m;
    if (req.method === 'POST' && path === '/api/auth/identify') return identify(res, jsonBody(req, body));
    if (req.method === 'GET' && (m = path.match(/^\/api\/auth\/sso\/([^/]+)\/login$/))) return ssoLogin(res, decodeURIComponent(m[1]));
    if (req.method === 'GET' && path === '/api/auth/sso/callback') return ssoCallback(res, url.searchParams);
    if (req.method === 'GET' && path === '/api/user/organizations') {
      const who = authenticate(req);
      const list = state.organizations.filter((o) => o.members[who.user]).map(({ id, name, slug }) => ({ id, name, slug }));
      return ok(res, 200, 'Organizations fetched successfully', list);
    }
    if ((m = path.match(/^\/api\/user\/organizations\/([^/]+)(\/.*)$/))) return tenant(req, res, decodeURIComponent(m[1]), m[2], body);
    throw new ApiError(404, 'NOT_FOUND', `Route ${req.method} ${path} not found`, []);
  }

  // ---- Public sign-in routing ----

  function identify(res, body) {
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    const match = EMAIL_RE.exec(email);
    if (!match || !HOST_RE.test(match[1].toLowerCase())) {
      throw validation('Validation failed for fields: email', [{ field: 'email', error: 'Invalid email', location: 'body' }]);
    }
    const org = organizationForDomain(match[1].toLowerCase());
    let data = { method: 'password', ssoProvider: null, ssoRedirectUrl: null, hasPasskey: false, allowMagicLink: true };
    if (org) {
      const ssoOnly = org.security.authRequired === 'sso';
      data = {
        method: ssoOnly ? 'sso' : 'password',
        ssoProvider: org.sso.provider,
        ssoRedirectUrl: `/api/auth/sso/${org.slug}/login`,
        hasPasskey: false,
        allowMagicLink: !ssoOnly,
      };
    }
    if (state.identifyOverride) data = state.identifyOverride(data);
    return ok(res, 200, 'Operation completed successfully', data);
  }

  // "The domain must be verified (not pending) and the organization must have SSO configured."
  function organizationForDomain(domain) {
    return state.organizations.find((o) => o.sso && o.domains.some((d) => d.domain === domain && d.status === 'verified'));
  }

  function ssoLogin(res, slug) {
    const org = state.organizations.find((o) => o.slug === slug);
    if (!org || !org.sso) throw new ApiError(404, 'NOT_FOUND', 'No SSO configuration for this organization', []);
    const loginState = randomBytes(16).toString('base64url');
    state.loginStates.set(loginState, org.id);
    const authorize = new URL(`${org.sso.issuerUrl.replace(/\/$/, '')}/authorize`);
    authorize.search = new URLSearchParams({
      client_id: org.sso.clientId,
      redirect_uri: `${baseUrl}/api/auth/sso/callback`,   // one callback for every organization
      response_type: 'code',
      scope: 'openid profile email',
      state: loginState,
    }).toString();
    res.writeHead(302, { Location: authorize.href });
    res.end();
  }

  function ssoCallback(res, params) {
    const orgId = state.loginStates.get(params.get('state') ?? '');
    if (!orgId) {
      throw validation('Unknown or expired SSO state', [{ field: 'state', error: 'Unknown SSO state', location: 'query' }]);
    }
    state.loginStates.delete(params.get('state'));
    state.sessions.push({ organizationId: orgId, code: params.get('code') });
    res.writeHead(302, { Location: appUrl, 'Set-Cookie': 'session=sim; HttpOnly; Path=/' });
    res.end();
  }

  // ---- Tenant routes: /api/user/organizations/{organizationId}/... ----

  function tenant(req, res, orgId, rest, body) {
    const who = authenticate(req);
    const org = state.organizations.find((o) => o.id === orgId);
    if (!org) throw new ApiError(404, 'NOT_FOUND', 'Organization not found', []);
    if (who.pinnedOrg && who.pinnedOrg !== org.id) {
      throw new ApiError(403, 'FORBIDDEN', 'This API key is pinned to another organization', []);
    }
    const role = org.members[who.user];
    if (!role) throw new ApiError(403, 'FORBIDDEN', 'You are not a member of this organization', []);
    // Sessions must complete MFA before tenant-scoped requests succeed; PATs are not subject to MFA.
    if (who.session && !who.mfaDone && (org.security.authRequired === 'mfa' || org.security.requireMfa)) {
      throw new ApiError(403, 'MFA_REQUIRED', 'This organization requires multi-factor authentication', []);
    }
    if (role !== 'owner') {
      throw new ApiError(403, 'INSUFFICIENT_PERMISSIONS', 'SSO and security settings are restricted to the organization owner', []);
    }
    let m;
    if (rest === '/settings/sso' && req.method === 'PUT') return putSso(res, org, jsonBody(req, body));
    if (rest === '/settings/sso' && req.method === 'DELETE') return deleteSso(res, org);
    if (rest === '/settings/sso/test' && req.method === 'POST') return testSso(res, org, body);
    if (rest === '/settings/security' && req.method === 'PUT') return putSecurity(res, org, jsonBody(req, body));
    if (rest === '/domains' && req.method === 'POST') return addDomain(res, org, jsonBody(req, body));
    if ((m = rest.match(/^\/domains\/([^/]+)\/verify$/)) && req.method === 'POST') return verifyDomain(res, org, decodeURIComponent(m[1]));
    throw new ApiError(404, 'NOT_FOUND', `Route ${req.method} ${rest} not found`, []);
  }

  function authenticate(req) {
    const apiKey = req.headers['x-api-key'];
    const authorization = req.headers.authorization;
    if (apiKey !== undefined) {
      const who = state.credentials.get(`key:${apiKey}`);
      if (!who) throw new ApiError(401, 'INVALID_API_KEY', 'Invalid API key', []);
      return who;
    }
    if (authorization !== undefined) {
      const token = /^Bearer (.+)$/.exec(authorization)?.[1];
      const who = token && state.credentials.get(`bearer:${token}`);
      if (!who) throw new ApiError(401, 'INVALID_OR_EXPIRED_TOKEN', 'Invalid or expired token', []);
      return who;
    }
    throw new ApiError(401, 'AUTHENTICATION_REQUIRED', 'Authentication required', []);
  }

  function putSso(res, org, body) {
    const errors = [];
    for (const key of Object.keys(body)) {
      if (!SSO_FIELDS.includes(key)) errors.push({ field: key, error: 'Unknown field', location: 'body' });
    }
    for (const key of SSO_FIELDS) {
      if (typeof body[key] !== 'string' || body[key] === '') errors.push({ field: key, error: 'Required', location: 'body' });
    }
    if (typeof body.issuerUrl === 'string' && body.issuerUrl !== '') {
      let issuer = null;
      try { issuer = new URL(body.issuerUrl); } catch { /* reported below */ }
      if (!issuer || issuer.protocol !== 'https:') errors.push({ field: 'issuerUrl', error: 'Invalid url', location: 'body' });
      else if (issuer.pathname.includes('/.well-known')) {
        errors.push({ field: 'issuerUrl', error: 'Issuer URL must not include /.well-known/...', location: 'body' });
      }
    }
    if (errors.length) throw validation(`Validation failed for fields: ${errors.map((e) => e.field).join(', ')}`, errors);
    org.sso = { provider: body.provider, issuerUrl: body.issuerUrl, clientId: body.clientId, clientSecret: body.clientSecret };
    const { clientSecret, ...visible } = org.sso;
    return ok(res, 200, 'SSO configuration updated', { ...visible, configured: true, updatedAt: new Date().toISOString() });
  }

  function deleteSso(res, org) {
    if (!org.sso) throw new ApiError(404, 'NOT_FOUND', 'SSO is not configured for this organization', []);
    org.sso = null;
    return ok(res, 200, 'SSO configuration removed', null);
  }

  // OIDC discovery against the saved issuer, simulated: setSsoTest decides the outcome.
  function testSso(res, org, body) {
    if (body !== '') throw validation('This endpoint takes no body', [{ field: 'body', error: 'Unexpected body', location: 'body' }]);
    if (!org.sso) throw validation('SSO is not configured for this organization', []);
    if (state.ssoTest.pass) {
      const message = 'SSO configuration is valid';
      return ok(res, 200, message, { success: true, message });
    }
    const message = state.ssoTest.message ||
      `OIDC discovery failed: ${org.sso.issuerUrl.replace(/\/$/, '')}/.well-known/openid-configuration is not reachable`;
    return ok(res, 200, 'SSO configuration test failed', { success: false, message });
  }

  function putSecurity(res, org, body) {
    const errors = [];
    for (const key of Object.keys(body)) {
      if (key !== 'authRequired' && key !== 'requireMfa') errors.push({ field: key, error: 'Unknown field', location: 'body' });
    }
    if (!['any', 'mfa', 'sso'].includes(body.authRequired)) {
      errors.push({ field: 'authRequired', error: 'Must be one of any, mfa, sso', location: 'body' });
    }
    if (typeof body.requireMfa !== 'boolean') errors.push({ field: 'requireMfa', error: 'Must be a boolean', location: 'body' });
    if (!errors.length && body.authRequired === 'sso' && !org.sso) {
      errors.push({ field: 'authRequired', error: 'SSO must be configured before it can be required', location: 'body' });
    }
    if (errors.length) throw validation(`Validation failed for fields: ${errors.map((e) => e.field).join(', ')}`, errors);
    org.security = { authRequired: body.authRequired, requireMfa: body.requireMfa };
    return ok(res, 200, 'Security settings updated', { ...org.security });
  }

  function addDomain(res, org, body) {
    const domain = typeof body.domain === 'string' ? body.domain : '';
    if (!HOST_RE.test(domain)) throw validation('Validation failed for fields: domain', [{ field: 'domain', error: 'Invalid domain', location: 'body' }]);
    if (org.domains.some((d) => d.domain === domain)) {
      throw validation('Domain already added', [{ field: 'domain', error: 'Domain already added to this organization', location: 'body' }]);
    }
    if (state.organizations.some((o) => o.domains.some((d) => d.domain === domain && d.status === 'verified'))) {
      throw validation('Domain is claimed', [{ field: 'domain', error: 'Domain is verified by another organization', location: 'body' }]);
    }
    const record = {
      id: newId(),
      domain,
      status: 'pending',
      txtRecord: { type: 'TXT', name: `_ssokit-verification.${domain}`, value: `ssokit-domain-verification=${randomBytes(12).toString('hex')}` },
      autoJoin: false,
      createdAt: new Date().toISOString(),
    };
    org.domains.push(record);
    return ok(res, 201, 'Domain added', structuredClone(record));
  }

  function verifyDomain(res, org, domainId) {
    const record = org.domains.find((d) => d.id === domainId);
    if (!record) throw new ApiError(404, 'NOT_FOUND', 'Domain not found', []);
    if (state.dns.get(record.txtRecord.name) !== record.txtRecord.value) {
      throw validation('Domain verification failed',
        [{ field: 'domain', error: `DNS TXT record ${record.txtRecord.name} not found or does not match`, location: 'params' }]);
    }
    record.status = 'verified';
    record.verifiedAt = new Date().toISOString();
    return ok(res, 200, 'Domain verified', structuredClone(record));
  }

  // ---- Envelopes ----

  function jsonBody(req, body) {
    if (body === '') return {};
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
      throw validation('Content-Type must be application/json', [{ field: 'content-type', error: 'Unsupported media type', location: 'headers' }]);
    }
    let value;
    try { value = JSON.parse(body); } catch { throw validation('Malformed JSON body', [{ field: 'body', error: 'Invalid JSON', location: 'body' }]); }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw validation('Body must be a JSON object', [{ field: 'body', error: 'Expected an object', location: 'body' }]);
    }
    return value;
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${server.address().port}`;

  return {
    url: baseUrl,
    state,
    requests,
    organization: (id) => state.organizations.find((o) => o.id === id),
    /** The next `count` requests answer 429; retryAfter: seconds, an HTTP date, a function, or null (no header). */
    rateLimit({ count = 1, retryAfter = '1' } = {}) { state.rateLimit = { remaining: count, retryAfter }; },
    /** The next request answers this error envelope (any documented code). */
    failNext(status, code, message, errors) { state.failNext = { status, code, message, errors }; },
    /** Publishes a DNS TXT record (the owner's step between domain-add and domain-verify). */
    publishTxt(name, value) { state.dns.set(name, value); },
    /** The outcome of POST settings/sso/test. */
    setSsoTest(pass, message = '') { state.ssoTest = { pass, message }; },
    stop: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

function ok(res, status, message, data) {
  sendJson(res, status, { success: true, status, code: 'OK', message, data });
}

function sendError(res, e) {
  sendJson(res, e.status, { success: false, status: e.status, code: e.code, message: e.message, meta: { errors: e.errors ?? [] } });
}

function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
