// Low-level steps for integrators who drive the flow themselves (in the spirit of
// oauth4webapi): each is a thin wrapper over one core call. The `...Request` functions return an
// HttpRequest {method, url, headers, body?} to send (fetchTransport() does it); the `process...`
// functions take the HttpResponse {status, headers, body} and validate it. Provider metadata and
// the pending transaction are the core's own JSON objects (keep them as they are); the other
// inputs and outputs are camelCase.
import { discoveryFetchFailed } from './checks.js';
import { loadCore } from './core.js';
import { fetchTransport } from './transport.js';
import { performVerify } from './verify.js';
import { hostRandom, AUTHORIZE_RANDOM_BYTES } from './random.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const call = async (method, params) => (await loadCore()).call(method, params);

function clientJson(c = {}) {
  const out = { issuer: c.issuer, client_id: c.clientId, redirect_uri: c.redirectUri };
  if (c.scope !== undefined) out.scope = c.scope;
  if (c.clientSecret) out.client_secret = c.clientSecret;
  if (c.clientAuth) out.auth = c.clientAuth;
  if (c.clockSkew !== undefined) out.clock_skew = c.clockSkew;
  if (c.allowedAlgs) out.allowed_algs = c.allowedAlgs;
  if (c.trustedAudiences) out.trusted_audiences = c.trustedAudiences;
  if (c.par) out.par = true;
  return out;
}

function tokensOut(t) {
  const out = { tokenType: t.token_type, accessToken: t.access_token };
  if (t.refresh_token) out.refreshToken = t.refresh_token;
  if (t.id_token) out.idToken = t.id_token;
  if (t.scope) out.scope = t.scope;
  if (t.expires_in !== undefined) out.expiresIn = t.expires_in;
  if (t.expires_at !== undefined) out.expiresAt = t.expires_at;
  return out;
}

/** The discovery request for an issuer (its /.well-known/openid-configuration). */
export const discoveryRequest = (issuer) => call('discovery.request', { issuer });

/** Validates a discovery response: the metadata, whose issuer must equal `issuer` exactly. */
export const processDiscovery = (issuer, response) => call('discovery.process', { issuer, response });

/** discoveryRequest + fetch + processDiscovery. */
export async function discover(issuer, { fetch, timeoutMs } = {}) {
  const send = fetchTransport(fetch, { timeoutMs });
  const request = await discoveryRequest(issuer);
  const response = await send(request).catch((e) => { throw discoveryFetchFailed(e, request.url); });
  return processDiscovery(issuer, response);
}

/**
 * The authorization URL (PKCE S256, state, nonce when openid) and the transaction to keep until
 * the callback. Options: returnTo, scope, prompt, loginHint, maxAge, acrValues, uiLocales, extraParams.
 * With `push` in the answer (client.par, or a provider with a pushed_authorization_request_endpoint)
 * `url` is empty: send `push` and hand its response to processPushedAuthorization for the URL.
 */
export async function buildAuthorizationUrl({ client, provider, now = nowSeconds(), ...o }) {
  const options = {};
  if (o.returnTo !== undefined) options.return_to = o.returnTo;
  if (o.scope !== undefined) options.scope = o.scope;
  if (o.prompt !== undefined) options.prompt = o.prompt;
  if (o.loginHint !== undefined) options.login_hint = o.loginHint;
  if (o.maxAge !== undefined) options.max_age = o.maxAge;
  if (o.acrValues !== undefined) options.acr_values = o.acrValues;
  if (o.uiLocales !== undefined) options.ui_locales = o.uiLocales;
  if (o.extraParams !== undefined) options.extra = o.extraParams;
  return call('authorize.build', { client: clientJson(client), provider, options, now, random: hostRandom(AUTHORIZE_RANDOM_BYTES) });
}

/** RFC 9126: the pushed request's response -> the authorization URL (client_id and request_uri only). */
export async function processPushedAuthorization({ client, provider, response }) {
  return (await call('authorize.pushed', { client: clientJson(client), provider, response })).url;
}

/** The `state` of a callback URL, to find its transaction. */
export const callbackState = (url) => call('callback.state', { url });

/** Checks a callback URL against its transaction (state, RFC 9207 iss, provider errors): {code, state}. */
export const parseCallback = ({ url, transaction, provider, now = nowSeconds() }) =>
  call('callback.process', { url, transaction, provider, now });

/** The authorization-code token request (with the PKCE verifier from the transaction). */
export const tokenRequest = ({ client, provider, transaction, code }) =>
  call('token.code_request', { client: clientJson(client), provider, transaction, code });

/** The refresh-token request. */
export async function refreshTokenRequest({ client, provider, refreshToken, scope }) {
  const params = { client: clientJson(client), provider, refresh_token: refreshToken };
  if (scope !== undefined) params.scope = scope;
  return call('token.refresh_request', params);
}

/** Validates a token response: the token set (camelCase; expiresAt in unix seconds). */
export async function processTokenResponse(response, { now = nowSeconds() } = {}) {
  return tokensOut(await call('token.process', { response, now }));
}

/**
 * Validates an ID token's signature (with the provider's JWK set) and claims: {header, claims}.
 * Options: issuer, clientId, nonce, maxAge, clockSkew, allowedAlgs, trustedAudiences (audiences
 * besides clientId the token may name), clientSecret (HMAC), now.
 */
export async function validateIdToken({ idToken, jwks, issuer, clientId, nonce, maxAge, clockSkew, allowedAlgs, trustedAudiences, clientSecret, now = nowSeconds() }) {
  const expect = { issuer, client_id: clientId, now };
  if (nonce !== undefined) expect.nonce = nonce;
  if (maxAge !== undefined) expect.max_age = maxAge;
  if (clockSkew !== undefined) expect.clock_skew = clockSkew;
  if (allowedAlgs !== undefined) expect.allowed_algs = allowedAlgs;
  if (trustedAudiences !== undefined) expect.trusted_audiences = trustedAudiences;
  if (clientSecret !== undefined) expect.client_secret = clientSecret;
  const core = await loadCore();
  const step = await performVerify(core, core.call('id_token.validate', { id_token: idToken, jwks, expect }), () => now);
  return step.result;
}

/** A JWT's header and payload, NOT verified (for display and debugging only). */
export const decodeJwt = (jwt) => call('jwt.decode', { jwt });

/** The user-info request (Bearer access token). */
export const userinfoRequest = ({ provider, accessToken }) => call('userinfo.request', { provider, access_token: accessToken });

/**
 * Validates a user-info response; its `sub` must be the ID token's: the claims. A signed answer
 * (application/jwt, OIDC Core 5.3.2) needs `jwks`, `issuer` and `clientId` (and takes clockSkew,
 * allowedAlgs, clientSecret, now): verified with WebCrypto, iss and aud checked when present.
 */
export async function processUserinfo(response, { sub, jwks, issuer, clientId, clockSkew, allowedAlgs, clientSecret, now = nowSeconds() }) {
  if (jwks === undefined) return call('userinfo.process', { response, sub });
  const expect = { issuer, client_id: clientId, now };
  if (clockSkew !== undefined) expect.clock_skew = clockSkew;
  if (allowedAlgs !== undefined) expect.allowed_algs = allowedAlgs;
  if (clientSecret !== undefined) expect.client_secret = clientSecret;
  const core = await loadCore();
  const first = core.call('userinfo.process', { response, sub, jwks, expect });
  if (!first.verify) return first.claims;  // a JSON answer
  return (await performVerify(core, first, () => now)).result.claims;
}

/** userinfoRequest + fetch + processUserinfo. */
export async function userinfo({ provider, accessToken, sub, fetch, timeoutMs, ...verify }) {
  const send = fetchTransport(fetch, { timeoutMs });
  return processUserinfo(await send(await userinfoRequest({ provider, accessToken })), { sub, ...verify });
}

/**
 * The canonical profile from ID-token claims, user-info and the extra profile request's answer
 * (`profile`), by a preset name or a mapping object.
 */
export async function mapProfile({ claims, userinfo: info, profile, mapping = 'oidc', now = nowSeconds() }) {
  const params = { claims, mapping, now };
  if (info) params.userinfo = info;
  if (profile) params.profile = profile;
  return call('profile.map', params);
}

/** The extra profile request (GET `url`, Bearer access token; https, or http on loopback). */
export const profileRequest = ({ url, accessToken }) => call('profile.request', { url, access_token: accessToken });

/** Checks the profile endpoint's answer: the JSON object or array (http_error / invalid_response otherwise). */
export const processProfile = (response, { url }) => call('profile.process', { url, response });

/** profileRequest + fetch + processProfile. */
export async function fetchProfile({ url, accessToken, fetch, timeoutMs }) {
  const send = fetchTransport(fetch, { timeoutMs });
  return processProfile(await send(await profileRequest({ url, accessToken })), { url });
}

/** The provider's end-session URL (RP-initiated logout). */
export async function buildLogoutUrl({ provider, idTokenHint, postLogoutRedirectUri, state, clientId, uiLocales }) {
  const params = { provider };
  if (idTokenHint) params.id_token_hint = idTokenHint;
  if (postLogoutRedirectUri) params.post_logout_redirect_uri = postLogoutRedirectUri;
  if (state) params.state = state;
  if (clientId) params.client_id = clientId;
  if (uiLocales) params.ui_locales = uiLocales;
  return call('logout.url', params);
}

/** The token revocation request (RFC 7009). */
export async function revocationRequest({ client, provider, token, tokenTypeHint }) {
  const params = { client: clientJson(client), provider, token };
  if (tokenTypeHint) params.token_type_hint = tokenTypeHint;
  return call('revocation.request', params);
}

/** Validates a revocation response (200 means revoked or already invalid). */
export async function processRevocation(response) {
  await call('revocation.process', { response });
}

/** revocationRequest + fetch + processRevocation. */
export async function revoke({ client, provider, token, tokenTypeHint, fetch, timeoutMs }) {
  const send = fetchTransport(fetch, { timeoutMs });
  await processRevocation(await send(await revocationRequest({ client, provider, token, tokenTypeHint })));
}
