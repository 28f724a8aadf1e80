// streamone connector (docs/platforms/streamone.md). Calls that need the platform's secret run in Node
// (the server build of the core); in a browser page they reject with SsoError 'server_only'.
//
// Every StreamOne API v3 request is signed with the application's pre-shared key, so login,
// linkToken, clearToken, createWithSso, createUser and call belong on the portal's server.
// parseEnvelope and statusName need no secret and work anywhere.
import { loadPlatformCore as loadCore } from './platform-core.js';  // ssokit-platforms.wasm in a page
import { SsoError } from './errors.js';
import { nowSeconds, runSteps } from './run-steps.js';
import { fetchTransport } from './transport.js';

// camelCase options -> the core's snake_case parameters shared by every call.
function base(options) {
  if (!options || typeof options !== 'object') throw new SsoError('invalid_argument', 'streamone: options are required');
  const { server, application, applicationKey, account, customer, timezone } = options;
  return { server, application, application_key: applicationKey, account, customer, timezone };
}

function rolesList(roles) {
  if (roles === undefined || roles === null) return undefined;
  if (typeof roles === 'string') return roles.split(',').map((r) => r.trim()).filter(Boolean);
  return roles;
}

function run(start, params, options) {
  const { fetch, timeoutMs, now = nowSeconds } = options;
  return runSteps(start, 'streamone.step', { ...params, now: now() }, { fetch, timeoutMs, now });
}

function sessionOf(s) {
  return { id: s.id, key: s.key, user: s.user, timeout: s.timeout };
}

/**
 * Starts a StreamOne session from a single sign-on response (session/createwithsso). With
 * `createUser` (the user/create arguments) an unknown token creates the user with `roles`, links
 * the token and retries once.
 * @returns {Promise<{session: {id: string, key: string, user: any, timeout: number|null}, provisioned: boolean, userId?: string}>}
 */
export async function login(options) {
  const { service, ssoResponse, createUser, roles, replaceToken } = options ?? {};
  const r = await run('streamone.login', {
    ...base(options), service, response: ssoResponse, create_user: createUser, roles: rolesList(roles), replace_token: replaceToken,
  }, options);
  const out = { session: sessionOf(r.session), provisioned: r.provisioned };
  if (r.user_id !== undefined) out.userId = r.user_id;
  return out;
}

/**
 * Links the SSO token in `ssoResponse` to `user` (user/linkssotoken). A user who already has a
 * token for the service is SsoError platform_error (details.platform_code 431) unless
 * `replaceToken`, which clears the old token first.
 * @returns {Promise<{user: string, service: string, linked: true, replaced: boolean}>}
 */
export function linkToken(options) {
  const { user, service, ssoResponse, replaceToken } = options ?? {};
  return run('streamone.link_token', { ...base(options), user, service, response: ssoResponse, replace_token: replaceToken }, options);
}

/**
 * Clears a user's SSO token for a service (user/clearssotoken).
 * @returns {Promise<{user: string, service: string, cleared: true}>}
 */
export function clearToken(options) {
  const { user, service } = options ?? {};
  return run('streamone.clear_token', { ...base(options), user, service }, options);
}

/**
 * session/createwithsso only (no provisioning): an unknown token is SsoError sso_token_unknown.
 * @returns {Promise<{session: {id: string, key: string, user: any, timeout: number|null}}>}
 */
export async function createWithSso(options) {
  const { service, ssoResponse } = options ?? {};
  const r = await run('streamone.create_with_sso', { ...base(options), service, response: ssoResponse }, options);
  return { session: sessionOf(r.session) };
}

/**
 * user/create with the given arguments (the seed does not fix them) and roles.
 * @returns {Promise<{user: any, userId: string}>}
 */
export async function createUser(options) {
  const { createUser: args, roles } = options ?? {};
  const r = await run('streamone.create_user', { ...base(options), create_user: args, roles: rolesList(roles) }, options);
  return { user: r.user, userId: r.user_id };
}

/**
 * Any signed API call: POST {server}/api/{command}/{action} with `args` in the body, within
 * `session` ({id, key}) when given. Resolves to the envelope of a successful answer.
 * @returns {Promise<{status: 0, statusmessage: string, header: object, body: any}>}
 */
export async function call(options) {
  const { command, action, args, session, fetch, timeoutMs, now = nowSeconds } = options ?? {};
  const core = await loadCore();
  const { request, timestamp } = core.call('streamone.request', {
    ...base(options), command, action, arguments: args, session, now: now(),
  });
  const response = await fetchTransport(fetch, { timeoutMs })(request);
  return core.call('streamone.parse_envelope', { response, sent_timestamp: timestamp });
}

/**
 * Reads a StreamOne answer ({status, headers, body}) without any secret: the envelope of a
 * success, or throws the mapped SsoError (sso_token_unknown for 434, platform_error otherwise).
 */
export async function parseEnvelope(response, { sentTimestamp } = {}) {
  const core = await loadCore();
  return core.call('streamone.parse_envelope', { response, sent_timestamp: sentTimestamp });
}

/** The API's name for a status code, e.g. 434 -> 'SSO_TOKEN_UNKNOWN'. */
export async function statusName(status) {
  const core = await loadCore();
  return core.call('streamone.status_name', { status });
}
