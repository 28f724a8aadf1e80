// A StreamOne API v3 simulator (StreamOne API v3 documentation, "Single Sign-On"): POST /api/{command}/{action}
// with the signed query parameters, the {"header":{"status","statusmessage"},"body"} envelope, and
// the single sign-on actions session/createwithsso, user/linkssotoken, user/clearssotoken,
// user/create, plus session/delete to exercise session signing. It verifies every signature
// (application key, or application key + session key within a session) and the timestamp window,
// and keeps users, their SSO tokens (one per user per service) and sessions.
//
// SSO responses: the simulator stands in for the SSO service as well. A response it accepts is
// ssoResponse(service, token) = "sso1." + base64url(JSON {service, token}); anything else is
// SSO_RESPONSE_INVALID (433).
//
// Test hooks: failNext(status | 'not-json' | {http, body}, {action}) makes the next matching request
// answer that; readOnly = true answers API_IN_READONLY_MODE to every writing action; after
// rateLimitAfter failed authentications every request is RATE_LIMITED.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

export const STATUS = {
  OK: 0,
  INTERNAL_ERROR: 1,
  TIMESTAMP_OUT_OF_RANGE: 2,
  AUTHENTICATION_FAILED: 3,
  ACCESS_DENIED: 4,
  INVALID_ACTION: 5,
  INPUT_ERROR: 6,
  UNKNOWN_PARAMETER: 7,
  RATE_LIMITED: 8,
  INVALID_TIMEZONE: 9,
  API_IN_READONLY_MODE: 10,
  SESSION_INVALID: 281,
  SESSION_NOT_FOUND: 282,
  USER_NOT_FOUND: 310,
  USER_USERNAME_ALREADY_EXISTS: 316,
  SSO_SERVICE_NOT_FOUND: 430,
  USER_ALREADY_HAS_SSO_TOKEN: 431,
  USER_HAS_NO_SSO_TOKEN: 432,
  SSO_RESPONSE_INVALID: 433,
  SSO_TOKEN_UNKNOWN: 434,
};
export const STATUS_NAME = Object.fromEntries(Object.entries(STATUS).map(([name, code]) => [code, name]));

const MESSAGES = {
  1: 'Internal error', 2: 'Timestamp out of range', 3: 'Authentication failed', 4: 'Access denied',
  5: 'Invalid action', 6: 'Input error', 7: 'Unknown parameter', 8: 'Rate limited', 9: 'Invalid timezone',
  10: 'API is in read-only mode', 281: 'Session invalid', 282: 'Session not found', 310: 'User not found',
  316: 'Username already exists', 430: 'Single sign-on service not found',
  431: 'User already has a token for this single sign-on service',
  432: 'User has no token for this single sign-on service', 433: 'Single sign-on response is invalid',
  434: 'Single sign-on token is unknown',
};

const KNOWN_PARAMETERS = new Set(['api', 'format', 'account', 'customer', 'timezone', 'authentication_type', 'user',
  'application', 'timestamp', 'session', 'signature']);
const WRITING_ACTIONS = new Set(['session/createwithsso', 'session/delete', 'user/create', 'user/linkssotoken',
  'user/clearssotoken']);
const MAX_BODY = 64 * 1024;

/** The SSO response a user would bring back from `service`, carrying `token`. */
export function ssoResponse(service, token) {
  return 'sso1.' + Buffer.from(JSON.stringify({ service, token })).toString('base64url');
}

function readSsoResponse(text) {
  if (typeof text !== 'string' || !text.startsWith('sso1.')) return null;
  try {
    const v = JSON.parse(Buffer.from(text.slice(5), 'base64url').toString('utf8'));
    return typeof v.service === 'string' && typeof v.token === 'string' && v.token ? v : null;
  } catch {
    return null;
  }
}

/** The signature the API expects: lowercase hex HMAC-SHA1. */
export function sign(key, text) {
  return createHmac('sha1', key).update(text).digest('hex');
}

function sameText(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

class ApiError extends Error {
  constructor(status, message) {
    super(message ?? MESSAGES[status] ?? 'Error');
    this.status = status;
  }
}

/**
 * @param {object} [options]
 * @param {Record<string, {key: string, tokens?: string[]}>} [options.applications] id -> pre-shared key and role tokens
 * @param {string[]} [options.services] the SSO services the API knows
 * @param {number} [options.clockOffsetSeconds] the server's clock minus the real one
 * @param {number} [options.timestampWindow] accepted |timestamp - server time|, seconds
 * @param {boolean} [options.headerTime] put the server's time in the envelope header ("timestamp")
 * @param {boolean} [options.sendDate] send the HTTP Date header (default true)
 * @param {number} [options.rateLimitAfter] failed authentications before RATE_LIMITED
 * @param {number} [options.sessionTimeout] seconds
 */
export async function start(options = {}) {
  const sim = {
    applications: options.applications ?? { portal: { key: 'portal-psk', tokens: ['user-sso-token'] } },
    services: new Set(options.services ?? ['idp']),
    clockOffsetSeconds: options.clockOffsetSeconds ?? 0,
    timestampWindow: options.timestampWindow ?? 300,
    headerTime: options.headerTime ?? false,
    sendDate: options.sendDate ?? true,
    rateLimitAfter: options.rateLimitAfter ?? 20,
    sessionTimeout: options.sessionTimeout ?? 3600,
    readOnly: false,
    failedAuthentications: 0,
    users: new Map(),      // id -> {id, username, roles, arguments, tokens: Map(service -> token)}
    sessions: new Map(),   // id -> {id, key, user, timeout}
    log: [],               // {path, status, query, arguments} per request, for assertions
    pending: [],           // failNext hooks
  };
  sim.now = () => Math.floor(Date.now() / 1000) + sim.clockOffsetSeconds;
  sim.failNext = (what, { action } = {}) => { sim.pending.push({ what, action }); };
  sim.addUser = ({ id, username, key, roles = [], tokens = {} }) => {
    const user = { id: id ?? newId('U'), username: username ?? id, key, roles, arguments: {}, tokens: new Map(Object.entries(tokens)) };
    sim.users.set(user.id, user);
    return user;
  };
  sim.userWithToken = (service, token) => [...sim.users.values()].find((u) => u.tokens.get(service) === token);

  const server = http.createServer((req, res) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const answer = size > MAX_BODY ? envelope(sim, STATUS.INPUT_ERROR, 'Request too large') : handle(sim, req, Buffer.concat(chunks).toString('utf8'));
      if (!sim.sendDate) res.sendDate = false;
      else res.setHeader('Date', new Date(sim.now() * 1000).toUTCString());
      res.writeHead(answer.http ?? 200, { 'Content-Type': answer.contentType ?? 'application/json' });
      res.end(answer.text);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  sim.url = `http://127.0.0.1:${server.address().port}`;
  sim.stop = () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); });
  return sim;
}

function newId(prefix) {
  return prefix + randomBytes(6).toString('base64url');
}

function envelope(sim, status, message, body = null, extraHeader = {}) {
  const header = { status, statusmessage: message ?? MESSAGES[status] ?? 'OK', apiversion: 3, ...extraHeader };
  if (sim.headerTime) header.timestamp = sim.now();
  return { text: JSON.stringify({ header, body }) };
}

function handle(sim, req, rawBody) {
  const url = new URL(req.url, 'http://simulator');
  const match = /^\/api\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
  const action = match ? `${match[1]}/${match[2]}` : url.pathname;
  const entry = { path: url.pathname, action, query: url.search, arguments: rawBody, status: null };
  sim.log.push(entry);
  const hook = sim.pending.findIndex((h) => !h.action || h.action === action);
  if (hook >= 0) {
    const [{ what }] = sim.pending.splice(hook, 1);
    entry.status = what;
    if (what === 'not-json') return { text: '<html>Service Unavailable</html>', contentType: 'text/html' };
    if (typeof what === 'object') return { http: what.http, text: what.body ?? '', contentType: 'text/plain' };
    return envelope(sim, what);
  }
  try {
    if (req.method !== 'POST') throw new ApiError(STATUS.INVALID_ACTION, 'Use POST');
    if (!match) throw new ApiError(STATUS.INVALID_ACTION);
    const auth = authenticate(sim, url, rawBody);
    if (sim.readOnly && WRITING_ACTIONS.has(action)) throw new ApiError(STATUS.API_IN_READONLY_MODE);
    const args = Object.fromEntries(new URLSearchParams(rawBody));
    const { body, header } = dispatch(sim, action, args, auth);
    entry.status = 0;
    return envelope(sim, 0, 'OK', body, header);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    entry.status = e.status;
    return envelope(sim, e.status, e.message);
  }
}

// The API's authentication: known parameters only, the actor's signature over path + "?" + the
// query without signature + "&" + the body (exactly as received), then the timestamp window.
function authenticate(sim, url, rawBody) {
  if (sim.failedAuthentications >= sim.rateLimitAfter) throw new ApiError(STATUS.RATE_LIMITED);
  const q = url.searchParams;
  for (const name of q.keys()) if (!KNOWN_PARAMETERS.has(name)) throw new ApiError(STATUS.UNKNOWN_PARAMETER, `Unknown parameter: ${name}`);
  if (q.get('api') !== '3' || q.get('format') !== 'json') throw new ApiError(STATUS.INPUT_ERROR, 'Only api=3 and format=json are supported');
  if (q.has('account') && q.has('customer')) throw new ApiError(STATUS.INPUT_ERROR, 'Give either account or customer');
  if (q.has('timezone') && !validTimezone(q.get('timezone'))) throw new ApiError(STATUS.INVALID_TIMEZONE);

  const type = q.get('authentication_type');
  const fail = (message) => {
    sim.failedAuthentications++;
    return new ApiError(STATUS.AUTHENTICATION_FAILED, message);
  };
  if (type !== 'application' && type !== 'user') throw fail('Unknown authentication type');
  const actorId = q.get(type);
  let key;
  let application = null;
  if (type === 'application') {
    application = sim.applications[actorId];
    key = application?.key;
  } else {
    key = sim.users.get(actorId)?.key;
  }
  if (!key) throw fail('Unknown actor');
  let session = null;
  if (q.has('session')) {
    if (type !== 'application') throw fail('Sessions need application authentication');
    session = sim.sessions.get(q.get('session'));
    if (!session) throw new ApiError(STATUS.SESSION_NOT_FOUND);
    key += session.key;
  }
  const rawQuery = url.search.slice(1);
  const pairs = rawQuery.split('&');
  const signatures = pairs.filter((p) => p.startsWith('signature='));
  if (signatures.length !== 1) throw fail('Missing signature');
  const signed = url.pathname + '?' + pairs.filter((p) => !p.startsWith('signature=')).join('&') + '&' + rawBody;
  if (!sameText(signatures[0].slice('signature='.length), sign(key, signed))) throw fail('Signature mismatch');

  const timestamp = Number(q.get('timestamp'));
  if (!/^\d+$/.test(q.get('timestamp') ?? '') || Math.abs(timestamp - sim.now()) > sim.timestampWindow) {
    throw new ApiError(STATUS.TIMESTAMP_OUT_OF_RANGE);
  }
  return { type, actorId, application, session };
}

function validTimezone(name) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function need(args, name) {
  if (typeof args[name] !== 'string' || args[name] === '') throw new ApiError(STATUS.INPUT_ERROR, `Missing argument: ${name}`);
  return args[name];
}

function requireToken(auth, token) {
  if (!auth.application?.tokens?.includes(token)) throw new ApiError(STATUS.ACCESS_DENIED);
}

function service(sim, args) {
  const name = need(args, 'service');
  if (!sim.services.has(name)) throw new ApiError(STATUS.SSO_SERVICE_NOT_FOUND);
  return name;
}

// The token in a valid response for `name`; 433 otherwise.
function ssoToken(args, name) {
  const parsed = readSsoResponse(need(args, 'response'));
  if (!parsed || parsed.service !== name) throw new ApiError(STATUS.SSO_RESPONSE_INVALID);
  return parsed.token;
}

function user(sim, args) {
  const found = sim.users.get(need(args, 'user'));
  if (!found) throw new ApiError(STATUS.USER_NOT_FOUND);
  return found;
}

function dispatch(sim, action, args, auth) {
  switch (action) {
    case 'session/createwithsso': {
      const name = service(sim, args);
      const token = ssoToken(args, name);
      const owner = sim.userWithToken(name, token);
      if (!owner) throw new ApiError(STATUS.SSO_TOKEN_UNKNOWN);
      const session = { id: newId('S'), key: randomBytes(16).toString('hex'), user: owner.id, timeout: sim.sessionTimeout };
      sim.sessions.set(session.id, session);
      return { body: { ...session } };
    }
    case 'user/linkssotoken': {
      requireToken(auth, 'user-sso-token');
      const target = user(sim, args);
      const name = service(sim, args);
      const token = ssoToken(args, name);
      if (target.tokens.has(name)) throw new ApiError(STATUS.USER_ALREADY_HAS_SSO_TOKEN);
      target.tokens.set(name, token);
      return { body: null };
    }
    case 'user/clearssotoken': {
      requireToken(auth, 'user-sso-token');
      const target = user(sim, args);
      const name = service(sim, args);
      if (!target.tokens.has(name)) throw new ApiError(STATUS.USER_HAS_NO_SSO_TOKEN);
      target.tokens.delete(name);
      return { body: null };
    }
    case 'user/create': {
      // The seed leaves user/create's arguments open; the simulator needs a username and keeps
      // the rest (roles: comma-separated) so tests can see what was sent.
      const username = need(args, 'username');
      if ([...sim.users.values()].some((u) => u.username === username)) throw new ApiError(STATUS.USER_USERNAME_ALREADY_EXISTS);
      const created = sim.addUser({ username, roles: args.roles ? args.roles.split(',') : [] });
      created.arguments = args;
      return { body: { id: created.id, username, roles: created.roles } };
    }
    case 'session/delete': {
      if (!auth.session) throw new ApiError(STATUS.SESSION_NOT_FOUND, 'No session given');
      sim.sessions.delete(auth.session.id);
      return { body: null, header: { sessiontimeout: 0 } };
    }
    default:
      throw new ApiError(STATUS.INVALID_ACTION);
  }
}
