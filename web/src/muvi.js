// muvi connector (docs/platforms/muvi.md): the Muvi store's user API (RegisterUser, GetUserUuid)
// and its signed auto-login link (Thirdpartylogin, HS256 JWT). Every call needs the store's auth
// token or the JWT secret shared with the store, so they run in Node (the server build of the
// core); in a browser page they reject with SsoError 'server_only'.
import { loadPlatformCore as loadCore } from './platform-core.js';  // ssokit-platforms.wasm in a page
import { runSteps, nowSeconds } from './run-steps.js';

const userParams = ({ store, authToken, email, name }) => {
  const p = { store, auth_token: authToken, email };
  if (name !== undefined && name !== null) p.name = name;
  return p;
};

/**
 * Registers a viewer on the store (POST /en/rest/RegisterUser).
 * @returns {Promise<{userUuid: string, email: string, name: string}>}
 */
export async function registerUser({ store, authToken, email, name, fetch, timeoutMs } = {}) {
  const r = await runSteps('muvi.register_user', 'muvi.step', userParams({ store, authToken, email, name }), { fetch, timeoutMs });
  return { userUuid: r.user_uuid, email: r.email, name: r.name };
}

/**
 * Looks a viewer up by e-mail (POST /en/rest/GetUserUuid).
 * @returns {Promise<{userUuid: string}>}
 */
export async function getUserUuid({ store, authToken, email, fetch, timeoutMs } = {}) {
  const r = await runSteps('muvi.get_user_uuid', 'muvi.step', userParams({ store, authToken, email }), { fetch, timeoutMs });
  return { userUuid: r.user_uuid };
}

/**
 * Registers the viewer, or looks the e-mail up when the store already has it (code 422).
 * @returns {Promise<{userUuid: string, created: boolean}>}
 */
export async function ensureUser({ store, authToken, email, name, fetch, timeoutMs } = {}) {
  const r = await runSteps('muvi.ensure_user', 'muvi.step', userParams({ store, authToken, email, name }), { fetch, timeoutMs });
  return { userUuid: r.user_uuid, created: r.created };
}

/**
 * The store's auto-login link: https://<store>/en/user/Thirdpartylogin?access_token=<HS256 JWT>.
 * @returns {Promise<{url: string, expiresAt: number}>}
 */
export async function loginUrl({
  store, jwtSecret, userUuid, email, name, referrerUrl, ttl, arrayPayload, issuerClaim, audienceClaim,
  extraClaims, now = nowSeconds(),
} = {}) {
  const p = { store, jwt_secret: jwtSecret, user_uuid: userUuid, email, now };
  if (name !== undefined) p.name = name;
  if (referrerUrl !== undefined) p.referrer_url = referrerUrl;
  if (ttl !== undefined) p.ttl = ttl;
  if (arrayPayload !== undefined) p.array_payload = arrayPayload;
  if (issuerClaim !== undefined) p.issuer_claim = issuerClaim;
  if (audienceClaim !== undefined) p.audience_claim = audienceClaim;
  if (extraClaims !== undefined) p.extra_claims = extraClaims;
  const r = (await loadCore()).call('muvi.autologin_url', p);
  return { url: r.url, expiresAt: r.expires_at };
}
