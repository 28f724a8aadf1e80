// A TwentyThree video site on 127.0.0.1, following TwentyThree's "Single Sign-on Integration" page and the API's
// public method documentation, for the connector's end-to-end tests.
//
//   const site = await start({ remoteLoginUrl: 'http://127.0.0.1:5000/twentythree/login' });
//   site.url, site.credentials (super), site.adminCredentials (admin level), site.state, ...
//   await site.stop();
//
// What it does:
// - OAuth 1.0a HMAC-SHA1 verification (RFC 5849 3.2), written independently of the connector:
//   parameters from the Authorization header, the form body (POST) or the query (GET; the query
//   string of a POST is not read, as TwentyThree documents); the signature recomputed and compared
//   in constant time; unknown keys or tokens, a wrong signature, a stale timestamp, a reused nonce,
//   another signature method: the always-200 `invalid_signature` envelope.
// - /api/session/get-token (return_url, email, full_name) and /api/user/get-login-token (user_id,
//   return_url) need the "super" level: tokens redeemable once within 15 minutes.
// - /api/session/redeem-token?session_token= and /api/user/redeem-login-token?login_token= set
//   the session cookie and redirect (302) to the return_url; an invalid, used or expired token
//   gets a plain, unstyled error page (403, text/plain).
// - Answers: XML by default; JSON with format=json&raw; format=json alone is `var visual = {...}`
//   (or `var <varname> = ...`). Success and failure are both HTTP 200.
// - Error codes: invalid_signature (above), permission_denied (no OAuth at all, or credentials
//   below "super"), token_required (a consumer key but no oauth_token), invalid_input (a bad
//   return_url or e-mail, a missing or non-numeric user_id), no_such_user (unknown user_id),
//   user_already_exists (and any other code) through a magic e-mail `<code>@error.test` or the
//   failNext(code) hook. failNextHttp(status) answers the next API call with a bare HTTP error.
// - The site itself: any other path shows the page to a visitor with a live session (30 minutes
//   idle, PLATFORMS.md) and sends anyone else to the remote login URL with ?return_url=<path>.
//   With `backendLogin: true` ("Allow back-end login") a get-token e-mail that matches a user
//   account logs that user in (kind "user") instead of an anonymous visitor (kind "visitor").
import { createServer } from 'node:http';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const ERROR_CODES = Object.freeze(['invalid_signature', 'permission_denied', 'invalid_input', 'no_such_user',
  'user_already_exists', 'token_required']);

const LEVELS = ['none', 'anonymous', 'read', 'write', 'admin', 'super'];
const MESSAGES = {
  invalid_signature: 'The API signature is invalid.',
  permission_denied: "You don't have the necessary permissions to perform this action (required level: 'super')",
  invalid_input: 'The input is invalid.',
  no_such_user: 'The user does not exist.',
  user_already_exists: 'A user with this e-mail or username already exists.',
  token_required: 'An access token is required for this method.',
};
const MAX_BODY = 64 * 1024;

const credentialsFor = (prefix, level) => ({
  consumer_key: `${prefix}-consumer-key`,
  consumer_secret: `${prefix}-consumer-secret-${randomBytes(6).toString('hex')}`,
  access_token: `${prefix}-access-token`,
  access_token_secret: `${prefix}-token-secret-${randomBytes(6).toString('hex')}`,
  level,
});

/** RFC 3986 percent-encoding (RFC 5849 3.6): only unreserved characters stay. */
export function oauthEncode(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** application/x-www-form-urlencoded -> [name, value] pairs ('+' is a space). */
function formPairs(text) {
  if (!text) return [];
  return text.split('&').filter(Boolean).map((piece) => {
    const eq = piece.indexOf('=');
    const dec = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
    return eq < 0 ? [dec(piece), ''] : [dec(piece.slice(0, eq)), dec(piece.slice(eq + 1))];
  });
}

/** The Authorization header's OAuth parameters, or null when there is no OAuth header. */
function headerPairs(header) {
  if (!header || !/^OAuth\s/i.test(header)) return null;
  const pairs = [];
  const re = /([A-Za-z0-9_%.~-]+)="([^"]*)"/g;
  let m;
  while ((m = re.exec(header)) !== null) pairs.push([decodeURIComponent(m[1]), decodeURIComponent(m[2])]);
  return pairs;
}

/** RFC 5849 3.4.1: the signature base string. */
export function baseString(method, baseUri, pairs) {
  const normalized = pairs
    .map(([n, v]) => [oauthEncode(n), oauthEncode(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join('&');
  return `${method.toUpperCase()}&${oauthEncode(baseUri)}&${oauthEncode(normalized)}`;
}

export function hmacSha1(base, consumerSecret, tokenSecret) {
  return createHmac('sha1', `${oauthEncode(consumerSecret)}&${oauthEncode(tokenSecret)}`).update(base).digest('base64');
}

const xmlEscape = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]);

/** A relative path on this site, as TwentyThree checks it. */
function isRelativePath(url) {
  return typeof url === 'string' && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')
    && !/[\u0000-\u001f\u007f]/.test(url);
}

function cookieValue(header, name) {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

/**
 * @param {object} [options]
 * @param {string|null} [options.remoteLoginUrl] where unknown visitors are sent (?return_url= appended)
 * @param {boolean} [options.backendLogin=false] the "Allow back-end login" setting
 * @param {Array<{user_id: string, email: string, full_name: string}>} [options.users]
 * @param {number} [options.tokenTtl=900] seconds to redeem a token
 * @param {number} [options.sessionIdle=1800] seconds a session lives unused
 * @param {number} [options.clockSkew=600] accepted OAuth timestamp distance, seconds
 * @param {string} [options.cookieName='session']
 */
export async function start(options = {}) {
  const {
    backendLogin = false,
    users = [{ user_id: '12345', email: 'admin@example.com', full_name: 'Site Admin' }],
    tokenTtl = 900,
    sessionIdle = 1800,
    clockSkew = 600,
    cookieName = 'session',
  } = options;
  let remoteLoginUrl = options.remoteLoginUrl ?? null;
  const superCredentials = credentialsFor('super', 'super');
  const adminCredentials = credentialsFor('admin', 'admin');
  const consumers = [superCredentials, adminCredentials];

  let offset = 0;
  const now = () => Math.floor(Date.now() / 1000) + offset;
  const state = {
    tokens: new Map(),     // token -> {kind: 'session'|'login', return_url, email, full_name, user_id, issued_at, used}
    sessions: new Map(),   // cookie value -> {kind: 'visitor'|'user', email, full_name, user_id, last_used}
    nonces: new Set(),
    requests: [],          // {method, path, code?} for every API call
    redeemed: [],          // tokens redeemed, in order
  };
  const hooks = { failNext: null, failNextHttp: null };

  function answer(res, status, type, body, headers = {}) {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    res.end(body);
  }

  // One envelope in the format asked for. `fields` go in `object` (JSON) or as children (XML).
  function envelope(res, params, { status, code, message, level, endpoint, object, fields }) {
    const get = (n) => params.find(([k]) => k === n)?.[1];
    if (get('format') === 'json') {
      const doc = { status, message, permission_level: level ?? 'none', cached: '0' };
      if (code) doc.code = code;
      if (object) Object.assign(doc, { [object]: fields, p: '1', size: '1' });
      doc.site = { domain: '127.0.0.1', product_key: 'tube', site_id: '123456', site_name: 'Simulated Video Site' };
      doc.endpoint = endpoint;
      const json = JSON.stringify(doc);
      const raw = params.some(([k]) => k === 'raw');
      const varname = /^[A-Za-z_$][\w$]{0,31}$/.test(get('varname') ?? '') ? get('varname') : 'visual';
      return raw ? answer(res, 200, 'application/json; charset=utf-8', json)
        : answer(res, 200, 'text/javascript; charset=utf-8', `var ${varname} = ${json};\n`);
    }
    const attrs = [`status="${status}"`, `permission_level="${level ?? 'none'}"`];
    if (code) attrs.push(`code="${xmlEscape(code)}"`);
    attrs.push(`message="${xmlEscape(message)}"`, 'cached="0"');
    const children = fields ? Object.entries(fields).map(([k, v]) => `  <${k}>${xmlEscape(v)}</${k}>\n`).join('') : '';
    const xml = children ? `<response ${attrs.join(' ')}>\n${children}</response>\n` : `<response ${attrs.join(' ')}/>\n`;
    return answer(res, 200, 'text/xml; charset=utf-8', `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  }

  const fail = (res, params, code, endpoint, level) => {
    res.twentythreeCode = code;
    return envelope(res, params, { status: 'error', code, message: MESSAGES[code] ?? 'Error', level, endpoint });
  };

  /** RFC 5849 3.2. Returns {level} or {error}. */
  function verify(req, url, body) {
    const isPost = req.method === 'POST';
    const requestPairs = isPost ? formPairs(body) : formPairs(url.search.slice(1));
    const fromHeader = headerPairs(req.headers.authorization);
    const inline = requestPairs.filter(([k]) => k.startsWith('oauth_'));
    if (fromHeader && inline.length) return { error: 'invalid_signature' };  // one transmission method only
    const protocol = fromHeader ?? inline;
    const names = protocol.map(([k]) => k);
    if (new Set(names).size !== names.length) return { error: 'invalid_signature' };
    const p = Object.fromEntries(protocol);
    if (!p.oauth_consumer_key) return { error: 'permission_denied', level: 'none' };
    if (!p.oauth_token) return { error: 'token_required', level: 'none' };
    if (p.oauth_signature_method !== 'HMAC-SHA1') return { error: 'invalid_signature' };
    if (p.oauth_version !== undefined && p.oauth_version !== '1.0') return { error: 'invalid_signature' };
    const consumer = consumers.find((c) => c.consumer_key === p.oauth_consumer_key && c.access_token === p.oauth_token);
    if (!consumer) return { error: 'invalid_signature' };
    const timestamp = Number(p.oauth_timestamp);
    if (!/^\d+$/.test(p.oauth_timestamp ?? '') || Math.abs(timestamp - now()) > clockSkew) return { error: 'invalid_signature' };
    if (!p.oauth_nonce) return { error: 'invalid_signature' };
    const signed = [
      ...requestPairs.filter(([k]) => k !== 'oauth_signature'),
      ...(fromHeader ?? []).filter(([k]) => k !== 'oauth_signature' && k !== 'realm'),
    ];
    const expected = Buffer.from(hmacSha1(baseString(req.method, `http://${req.headers.host}${url.pathname}`, signed),
      consumer.consumer_secret, consumer.access_token_secret));
    const given = Buffer.from(p.oauth_signature ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { error: 'invalid_signature' };
    const nonceKey = `${consumer.consumer_key}|${p.oauth_token}|${p.oauth_timestamp}|${p.oauth_nonce}`;
    if (state.nonces.has(nonceKey)) return { error: 'invalid_signature' };  // a replay
    state.nonces.add(nonceKey);
    return { level: consumer.level, params: requestPairs.filter(([k]) => !k.startsWith('oauth_')) };
  }

  function issue(kind, fields) {
    const token = randomBytes(24).toString('base64url');
    state.tokens.set(token, { kind, ...fields, issued_at: now(), used: false });
    return token;
  }

  function getToken(res, params, level) {
    const get = (n) => params.find(([k]) => k === n)?.[1];
    const endpoint = '/api/session/get-token';
    const returnUrl = get('return_url') || '/';
    const email = get('email') || '';
    const magic = /^([a-z_]+)@error\.test$/.exec(email);
    if (magic) return fail(res, params, magic[1], endpoint, level);
    if (!isRelativePath(returnUrl)) return fail(res, params, 'invalid_input', endpoint, level);
    if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) return fail(res, params, 'invalid_input', endpoint, level);
    const token = issue('session', { return_url: returnUrl, email, full_name: get('full_name') || '' });
    return envelope(res, params, {
      status: 'ok', message: 'The session access token is ready to use', level, endpoint,
      object: 'sessiontoken', fields: { access_token: token, return_url: returnUrl },
    });
  }

  function getLoginToken(res, params, level) {
    const get = (n) => params.find(([k]) => k === n)?.[1];
    const endpoint = '/api/user/get-login-token';
    const userId = get('user_id');
    const returnUrl = get('return_url') || '/';
    if (!userId || !/^\d+$/.test(userId)) return fail(res, params, 'invalid_input', endpoint, level);
    if (!isRelativePath(returnUrl)) return fail(res, params, 'invalid_input', endpoint, level);
    const user = users.find((u) => u.user_id === userId);
    if (!user) return fail(res, params, 'no_such_user', endpoint, level);
    const token = issue('login', { return_url: returnUrl, user_id: userId, email: user.email, full_name: user.full_name });
    return envelope(res, params, {
      status: 'ok', message: 'The user login token is ready to use', level, endpoint,
      object: 'logintoken', fields: { login_token: token, return_url: returnUrl, user_id: userId },
    });
  }

  // Redeem: a plain error page for an invalid, used or expired token; else cookie + redirect.
  function redeem(res, url, kind, param) {
    const token = url.searchParams.get(param);
    const entry = token ? state.tokens.get(token) : undefined;
    if (!entry || entry.kind !== kind || entry.used || now() - entry.issued_at > tokenTtl) {
      return answer(res, 403, 'text/plain; charset=utf-8', `The ${param} is invalid, consumed or expired.\n`);
    }
    entry.used = true;
    state.redeemed.push(token);
    let session;
    if (kind === 'login') {
      session = { kind: 'user', user_id: entry.user_id, email: entry.email, full_name: entry.full_name };
    } else {
      const match = backendLogin && entry.email ? users.find((u) => u.email.toLowerCase() === entry.email.toLowerCase()) : null;
      session = match ? { kind: 'user', user_id: match.user_id, email: match.email, full_name: match.full_name }
        : { kind: 'visitor', email: entry.email, full_name: entry.full_name };
    }
    const id = randomBytes(24).toString('base64url');
    state.sessions.set(id, { ...session, last_used: now() });
    return answer(res, 302, 'text/plain; charset=utf-8', 'Redirecting\n', {
      location: entry.return_url,
      'set-cookie': `${cookieName}=${id}; Path=/; HttpOnly; SameSite=Lax`,
    });
  }

  // The video site's own pages.
  function page(req, res, url) {
    const id = cookieValue(req.headers.cookie, cookieName);
    const session = id ? state.sessions.get(id) : undefined;
    if (session && now() - session.last_used <= sessionIdle) {
      session.last_used = now();
      const who = xmlEscape(session.full_name || session.email || 'visitor');
      return answer(res, 200, 'text/html; charset=utf-8', `<!doctype html><html><head><title>Simulated video site</title></head>
<body><h1>Simulated TwentyThree site</h1><p id="viewer" data-kind="${session.kind}" data-email="${xmlEscape(session.email ?? '')}">Signed in as ${who}</p>
<p id="path">${xmlEscape(url.pathname + url.search)}</p></body></html>`);
    }
    if (session) state.sessions.delete(id);
    if (!remoteLoginUrl) return answer(res, 403, 'text/plain; charset=utf-8', 'This site is closed.\n');
    const target = `${remoteLoginUrl}${remoteLoginUrl.includes('?') ? '&' : '?'}return_url=${encodeURIComponent(url.pathname + url.search)}`;
    return answer(res, 302, 'text/plain; charset=utf-8', 'Redirecting\n', { location: target });
  }

  async function readBody(req) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY) throw new Error('body too large');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function api(req, res, url, handler) {
    if (req.method !== 'GET' && req.method !== 'POST') return answer(res, 405, 'text/plain', 'method not allowed\n');
    const body = req.method === 'POST' ? await readBody(req) : '';
    const record = { method: req.method, path: url.pathname };
    state.requests.push(record);
    if (hooks.failNextHttp) {
      const status = hooks.failNextHttp;
      hooks.failNextHttp = null;
      record.http = status;
      return answer(res, status, 'text/html', `<html><body>${status}</body></html>`);
    }
    let params;
    try {
      params = req.method === 'POST' ? formPairs(body) : formPairs(url.search.slice(1));
    } catch {
      record.code = 'invalid_input';
      return fail(res, [], 'invalid_input', url.pathname);
    }
    let checked;
    try {
      checked = verify(req, url, body);
    } catch {
      checked = { error: 'invalid_signature' };  // a malformed Authorization header
    }
    if (checked.error) {
      record.code = checked.error;
      return fail(res, params, checked.error, url.pathname, checked.level);
    }
    if (LEVELS.indexOf(checked.level) < LEVELS.indexOf('super')) {
      record.code = 'permission_denied';
      return fail(res, params, 'permission_denied', url.pathname, checked.level);
    }
    if (hooks.failNext) {
      const code = hooks.failNext;
      hooks.failNext = null;
      record.code = code;
      return fail(res, params, code, url.pathname, checked.level);
    }
    handler(res, checked.params, checked.level);
    record.code = res.twentythreeCode ?? 'ok';
    return undefined;
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      switch (url.pathname) {
        case '/api/session/get-token': return await api(req, res, url, getToken);
        case '/api/user/get-login-token': return await api(req, res, url, getLoginToken);
        case '/api/session/redeem-token': return redeem(res, url, 'session', 'session_token');
        case '/api/user/redeem-login-token': return redeem(res, url, 'login', 'login_token');
        default:
          if (url.pathname.startsWith('/api/')) return answer(res, 404, 'text/plain', 'no such method\n');
          return page(req, res, url);
      }
    } catch (e) {
      if (!res.headersSent) answer(res, 500, 'text/plain', `simulator error: ${e.message}\n`);
      else res.destroy();
      return undefined;
    }
  });
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  const strip = ({ level, ...c }) => c;  // credentials as the connector takes them

  let stopped;
  return {
    url,
    state,
    users,
    /** "super" credentials, snake_case like the core's JSON. */
    credentials: strip(superCredentials),
    /** Valid credentials at the "admin" level: get-token answers permission_denied. */
    adminCredentials: strip(adminCredentials),
    /** Moves the site's clock (token and session expiry). */
    advance(seconds) { offset += seconds; },
    /** The next authenticated API call answers this error code. */
    failNext(code) { hooks.failNext = code; },
    /** The next API call answers a bare HTTP error with this status. */
    failNextHttp(status) { hooks.failNextHttp = status; },
    setRemoteLoginUrl(target) { remoteLoginUrl = target; },
    stop() {
      stopped ??= new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections?.();
        for (const s of sockets) s.destroy();
      });
      return stopped;
    },
  };
}
