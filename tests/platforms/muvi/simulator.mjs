// A Muvi One (Classic) store, as far as Muvi's help article "How to Integrate SSO (Single Sign On)" describes it, on
// http://127.0.0.1:<free port>:
//
//   POST /en/rest/RegisterUser   authToken*, email*, name   -> {code:200,status:"OK",msg:"Register Success",email,name,user_uuid}
//        errors (status "Failed"): 407 Oauth Token required!, 408 Invalid Oauth Token!,
//        417 A valid email or name required!, 421 Error in registration., 422 This email id already exists!
//   POST /en/rest/GetUserUuid    authToken*, email*         -> {code:200,status:"OK",msg:"Success",user_uuid}
//        errors (status "Failure"): 682 No data found., 757 Email required., 408 Invalid authToken
//   GET  /en/user/Thirdpartylogin?access_token=<JWT>  verifies the HS256 JWT with the shared secret,
//        signs the viewer in (cookie muvi_session) and redirects to referrer_url (the home page when
//        it is empty). A bad signature, another alg, an expired token, missing claims or an unknown
//        user get a 401 page instead (reason in data-reason and in state.loginFailures).
//   GET  / and other /en/... pages: who is signed in (<body data-muvi-user="email">).
//
// Parameters are read from the form body and, as the seed's RegisterUser example shows them, from
// the query string (the body wins). The seed gives no HTTP status for errors: every answer is 200
// with the code in the body. Codes that a well-behaved client cannot cause (407 and 757: it
// refuses to send without a token or an e-mail; 421: a store-side failure) are reachable through
// forceCode(endpoint, code), which applies to the endpoint's next request.
//
//   const store = await start({ authToken, jwtSecret });
//   ... store.url, store.state.users, store.state.logins, store.forceCode('RegisterUser', 421) ...
//   await store.stop();
import { createServer } from 'node:http';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const AUTH_TOKEN = 'muvi-store-auth-token-for-tests';
export const JWT_SECRET = 'muvi-shared-jwt-secret-for-tests-0123456789';

const MAX_BODY = 64 * 1024;
const REGISTER_MESSAGES = {
  407: 'Oauth Token required!',
  408: 'Invalid Oauth Token!',
  417: 'A valid email or name required!',
  421: 'Error in registration.',
  422: 'This email id already exists!',
};
const LOOKUP_MESSAGES = { 682: 'No data found.', 757: 'Email required.', 408: 'Invalid authToken' };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function sameText(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function b64urlJson(part) {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const escapeHtml = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/**
 * @param {object} [options]
 * @param {string} [options.authToken] the store's authToken (Settings > Advanced)
 * @param {string} [options.jwtSecret] the JWT secret shared with the third party
 * @param {Array<{email: string, name?: string, user_uuid?: string}>} [options.users] registered already
 * @param {'any'|'object'|'array'} [options.payloadForm='any'] which JWT payload shapes Thirdpartylogin accepts
 * @param {number} [options.clockSkew=60] seconds of leeway on iat/exp
 * @param {number} [options.maxLifetime=3600] longest exp - iat accepted
 * @param {() => number} [options.now] unix seconds
 */
export async function start(options = {}) {
  const {
    authToken = AUTH_TOKEN, jwtSecret = JWT_SECRET, payloadForm = 'any', clockSkew = 60, maxLifetime = 3600,
    now = () => Math.floor(Date.now() / 1000),
  } = options;
  const state = {
    users: new Map(),       // lower-cased e-mail -> {user_uuid, email, name}
    requests: [],           // {method, path, query, params, contentType}
    logins: [],             // successful auto-logins {user_uuid, email, name, referrer_url, form, session}
    loginFailures: [],      // {reason}
    sessions: new Map(),    // cookie value -> e-mail
  };
  const forced = new Map(); // endpoint -> code for its next request
  const newUuid = () => randomBytes(7).toString('hex').slice(0, 13);
  const addUser = ({ email, name = '', user_uuid = newUuid() }) => {
    const user = { user_uuid, email, name };
    state.users.set(email.toLowerCase(), user);
    return user;
  };
  for (const u of options.users ?? []) addUser(u);

  let origin = '';
  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) {
        res.writeHead(e.status ?? 500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${e.message}\n`);
      } else {
        res.destroy();
      }
    });
  });

  function json(res, code, status, msg, extra = {}) {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ code, status, msg, ...extra }));
  }

  function html(res, status, body, headers = {}) {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Muvi store</title></head>${body}</html>`);
  }

  async function restParams(req, url) {
    const params = Object.fromEntries(url.searchParams);
    const contentType = String(req.headers['content-type'] ?? '');
    const body = await readBody(req);
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
    }
    state.requests.push({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), params, contentType });
    return params;
  }

  function takeForced(endpoint) {
    const code = forced.get(endpoint);
    forced.delete(endpoint);
    return code;
  }

  function registerUser(res, p) {
    const fail = (code) => json(res, code, 'Failed', REGISTER_MESSAGES[code]);
    const code = takeForced('RegisterUser');
    if (code) return fail(code);
    if (!p.authToken) return fail(407);
    if (!sameText(p.authToken, authToken)) return fail(408);
    const email = String(p.email ?? '').trim();
    if (!EMAIL.test(email) || (p.name !== undefined && !String(p.name).trim())) return fail(417);
    if (state.users.has(email.toLowerCase())) return fail(422);
    const user = addUser({ email, name: p.name ?? '' });
    return json(res, 200, 'OK', 'Register Success', { email: user.email, name: user.name, user_uuid: user.user_uuid });
  }

  function getUserUuid(res, p) {
    const fail = (code) => json(res, code, 'Failure', LOOKUP_MESSAGES[code]);
    const code = takeForced('GetUserUuid');
    if (code) return fail(code);
    if (!p.authToken || !sameText(p.authToken, authToken)) return fail(408);
    const email = String(p.email ?? '').trim();
    if (!email) return fail(757);
    const user = state.users.get(email.toLowerCase());
    if (!user) return fail(682);
    return json(res, 200, 'OK', 'Success', { user_uuid: user.user_uuid });
  }

  // The claims of a verified token, or {reason}.
  function verify(token) {
    const parts = String(token ?? '').split('.');
    if (parts.length !== 3) return { reason: 'malformed' };
    const header = b64urlJson(parts[0]);
    if (!header || typeof header !== 'object' || header.alg !== 'HS256') return { reason: 'alg_not_hs256' };
    const expected = createHmac('sha256', jwtSecret).update(`${parts[0]}.${parts[1]}`).digest();
    if (!/^[A-Za-z0-9_-]+$/.test(parts[2])) return { reason: 'bad_signature' };
    const signature = Buffer.from(parts[2], 'base64url');
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return { reason: 'bad_signature' };
    const payload = b64urlJson(parts[1]);
    let user;
    let iat;
    let exp;
    let form;
    if (Array.isArray(payload) && payloadForm !== 'object') {
      // The seed's example token: [{issuer_claim, audience_claim, issuedat_claim, expire_claim, data: [user]}].
      const c = payload[0];
      if (payload.length !== 1 || !c || typeof c !== 'object' || !Array.isArray(c.data) || c.data.length !== 1) return { reason: 'missing_claims' };
      if (typeof c.issuer_claim !== 'string' || typeof c.audience_claim !== 'string') return { reason: 'missing_claims' };
      [user, iat, exp, form] = [c.data[0], c.issuedat_claim, c.expire_claim, 'array'];
    } else if (payload && typeof payload === 'object' && !Array.isArray(payload) && payloadForm !== 'array') {
      [user, iat, exp, form] = [payload, payload.iat, payload.exp, 'object'];
    } else {
      return { reason: 'payload_form' };
    }
    if (!user || typeof user !== 'object') return { reason: 'missing_claims' };
    for (const k of ['user_uuid', 'email', 'name', 'referrer_url']) {
      if (typeof user[k] !== 'string') return { reason: 'missing_claims' };
    }
    if (!Number.isInteger(iat) || !Number.isInteger(exp)) return { reason: 'missing_claims' };
    const t = now();
    if (t > exp + clockSkew) return { reason: 'expired' };
    if (iat > t + clockSkew) return { reason: 'iat_in_future' };
    if (exp - iat > maxLifetime) return { reason: 'lifetime_too_long' };
    const known = state.users.get(user.email.toLowerCase());
    if (!known || known.user_uuid !== user.user_uuid) return { reason: 'unknown_user' };
    return { user, form };
  }

  function thirdPartyLogin(res, url) {
    const checked = verify(url.searchParams.get('access_token'));
    if (checked.reason) {
      state.loginFailures.push({ reason: checked.reason });
      return html(res, 401, `<body data-reason="${escapeHtml(checked.reason)}"><h1>Login failed</h1><p>${escapeHtml(checked.reason)}</p></body>`);
    }
    const { user, form } = checked;
    const session = randomBytes(16).toString('hex');
    state.sessions.set(session, user.email.toLowerCase());
    state.logins.push({ user_uuid: user.user_uuid, email: user.email, name: user.name, referrer_url: user.referrer_url, form, session });
    // The home page when the referrer is empty (seed) or not one of the store's own pages.
    let target = '/';
    try {
      if (user.referrer_url && new URL(user.referrer_url).origin === origin) target = user.referrer_url;
    } catch { /* not a URL: home */ }
    res.writeHead(302, {
      location: target,
      'set-cookie': `muvi_session=${session}; Path=/; HttpOnly; SameSite=Lax`,
      'cache-control': 'no-store',
    });
    res.end();
  }

  function page(req, res, url) {
    const cookie = /(?:^|;\s*)muvi_session=([0-9a-f]+)/.exec(String(req.headers.cookie ?? ''));
    const email = cookie ? state.sessions.get(cookie[1]) : undefined;
    const user = email ? state.users.get(email) : undefined;
    const who = user ? `Signed in as ${escapeHtml(user.name || user.email)} (${escapeHtml(user.email)})` : 'Not signed in';
    return html(res, 200, `<body data-muvi-user="${escapeHtml(user?.email ?? '')}" data-path="${escapeHtml(url.pathname)}"><h1>Muvi store</h1><p id="who">${who}</p></body>`);
  }

  async function handle(req, res) {
    const url = new URL(req.url, origin || 'http://127.0.0.1');
    const rest = { '/en/rest/RegisterUser': registerUser, '/en/rest/GetUserUuid': getUserUuid }[url.pathname];
    if (rest) {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain; charset=utf-8' });
        return res.end('method not allowed\n');
      }
      return rest(res, await restParams(req, url));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      return res.end('method not allowed\n');
    }
    if (url.pathname === '/en/user/Thirdpartylogin') return thirdPartyLogin(res, url);
    if (url.pathname === '/' || url.pathname.startsWith('/en/')) return page(req, res, url);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    return res.end('not found\n');
  }

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
  origin = `http://127.0.0.1:${server.address().port}`;

  let stopped;
  return {
    url: origin,
    authToken,
    jwtSecret,
    state,
    addUser,
    /** The next request to `endpoint` ('RegisterUser' | 'GetUserUuid') answers this documented code. */
    forceCode(endpoint, code) {
      const table = endpoint === 'RegisterUser' ? REGISTER_MESSAGES : endpoint === 'GetUserUuid' ? LOOKUP_MESSAGES : null;
      if (!table || !table[code]) throw new Error(`${endpoint} has no documented code ${code}`);
      forced.set(endpoint, code);
    },
    /** Who a muvi_session cookie value belongs to (e-mail), if anyone. */
    sessionUser(cookieValue) {
      return state.sessions.get(cookieValue);
    },
    stop() {
      stopped ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
        for (const s of sockets) s.destroy();
      });
      return stopped;
    },
  };
}
