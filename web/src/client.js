// createSsoClient: the high-level sign-in client. Every protocol decision is made by the
// WebAssembly core (the same code as natively); this file only moves requests with fetch and
// keeps state in the chosen storage.
import { loadCore } from './core.js';
import { SsoError } from './errors.js';
import { resolveStorage } from './storage.js';
import { fetchTransport } from './transport.js';

const MAX_FLOW_REQUESTS = 8;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * @param {object} options see index.d.ts (SsoClientOptions)
 */
export async function createSsoClient(options = {}) {
  const {
    issuer, clientId, redirectUri, scope = 'openid profile email', clientSecret, clientAuth,
    storage = 'memory', transactionStorage, fetch: fetchImpl, timeoutMs, clock = nowSeconds,
    profileMapping = 'oidc', fetchUserinfo = true, refreshLeeway = 60, clockSkew, allowedAlgs,
    navigate, wasmBinary, wasmUrl, storageKey = 'ssokit', metadataTtl = 3600,
  } = options;
  if (!issuer || !clientId || !redirectUri) {
    throw new SsoError('invalid_argument', 'createSsoClient needs issuer, clientId and redirectUri');
  }
  const core = await loadCore({ wasmBinary, wasmUrl });
  const send = fetchTransport(fetchImpl ?? globalThis.fetch?.bind(globalThis), { timeoutMs });
  const sessions = resolveStorage(storage);
  const pending = resolveStorage(transactionStorage ?? storage);
  const client = { issuer, client_id: clientId, redirect_uri: redirectUri, scope };
  if (clientSecret) client.client_secret = clientSecret;
  if (clientAuth) client.auth = clientAuth;
  if (clockSkew !== undefined) client.clock_skew = clockSkew;
  if (allowedAlgs) client.allowed_algs = allowedAlgs;
  const sessionKey = `${storageKey}.session`;
  const txKey = (state) => `${storageKey}.tx.${state}`;
  const latestTxKey = `${storageKey}.tx.latest`;
  const listeners = new Set();

  let provider = null;
  let providerFetchedAt = 0;
  let jwksCache = { jwks: null, fetchedAt: 0 };
  let refreshing = null;

  async function discover() {
    if (provider && clock() - providerFetchedAt < metadataTtl) return provider;
    const request = core.call('discovery.request', { issuer });
    const response = await send(request);
    provider = core.call('discovery.process', { issuer, response });
    providerFetchedAt = clock();
    return provider;
  }

  async function runFlow(step) {
    for (let i = 0; i < MAX_FLOW_REQUESTS && !('result' in step); i++) {
      const response = await send(step.request);
      step = core.call('flow.step', { state: step.state, response, now: clock() });
    }
    if (!('result' in step)) throw new SsoError('internal_error', 'the flow did not finish within its request budget');
    if (step.result.jwks) jwksCache = { jwks: step.result.jwks, fetchedAt: step.result.jwks_fetched_at };
    return step.result.session;
  }

  function flowOptions() {
    return { fetch_userinfo: fetchUserinfo, profile_mapping: profileMapping, jwks: jwksCache.jwks, jwks_fetched_at: jwksCache.fetchedAt };
  }

  async function readSession() {
    const text = await sessions.get(sessionKey);
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      await sessions.remove(sessionKey);
      throw new SsoError('storage_error', 'the stored session is unreadable; sign in again');
    }
  }

  async function writeSession(session) {
    if (session) await sessions.set(sessionKey, JSON.stringify(session));
    else await sessions.remove(sessionKey);
    for (const listener of listeners) {
      try { listener(session ? publicSession(session) : null); } catch { /* a listener's error is its own */ }
    }
  }

  function publicSession(s) {
    return { profile: s.profile, claims: s.claims, expiresAt: s.tokens.expires_at ?? 0 };
  }

  return {
    /** Builds the authorization URL, stores the pending sign-in, and redirects (browsers). */
    async login({ returnTo = '/', prompt, loginHint, maxAge, acrValues, uiLocales, extraParams, redirect = true } = {}) {
      const metadata = await discover();
      const opts = { return_to: returnTo };
      if (prompt) opts.prompt = prompt;
      if (loginHint) opts.login_hint = loginHint;
      if (maxAge !== undefined) opts.max_age = maxAge;
      if (acrValues) opts.acr_values = acrValues;
      if (uiLocales) opts.ui_locales = uiLocales;
      if (extraParams) opts.extra = extraParams;
      const { url, transaction } = core.call('authorize.build', { client, provider: metadata, options: opts, now: clock() });
      await pending.set(txKey(transaction.state), JSON.stringify(transaction));
      // Remembered so a callback with a tampered state can be told apart from a replay.
      await pending.set(latestTxKey, transaction.state);
      if (redirect) {
        if (navigate) await navigate(url);
        else if (globalThis.location && typeof globalThis.location.assign === 'function') globalThis.location.assign(url);
      }
      return { url };
    },

    /** Completes the sign-in from the URL the provider redirected to. */
    async handleRedirectCallback(url = globalThis.location?.href) {
      const metadata = await discover();
      const state = core.call('callback.state', { url });
      const stored = await pending.get(txKey(state));
      const latest = await pending.get(latestTxKey);
      if (!stored && latest) {
        // A sign-in is pending but this callback's state is not its own: altered or mixed up.
        // The pending sign-in is spent too, so a forged callback cannot be retried against it.
        await pending.remove(latestTxKey);
        if (await pending.get(txKey(latest))) {
          await pending.remove(txKey(latest));
          throw new SsoError('state_mismatch',
            "the callback's state does not match the pending sign-in; the response was altered or belongs to another sign-in: start again");
        }
      }
      if (!stored) {
        throw new SsoError('transaction_not_found',
          'no pending sign-in matches this callback: it was already used, expired, or started in another browser');
      }
      await pending.remove(txKey(state));  // single use, even if what follows fails
      if (latest === state) await pending.remove(latestTxKey);
      let transaction;
      try { transaction = JSON.parse(stored); } catch { throw new SsoError('storage_error', 'the pending sign-in is unreadable; start again'); }
      const step = core.call('signin.start', { client, provider: metadata, transaction, url, options: flowOptions(), now: clock() });
      const session = await runFlow(step);
      await writeSession(session);
      return { profile: session.profile, claims: session.claims, returnTo: session.return_to };
    },

    /** An access token valid for at least `refreshLeeway` seconds, refreshing when needed. */
    async getAccessToken() {
      const session = await readSession();
      if (!session) throw new SsoError('login_required', 'nobody is signed in');
      const expiresAt = session.tokens.expires_at ?? 0;
      if (!expiresAt || clock() + refreshLeeway < expiresAt) return session.tokens.access_token;
      return (await this.refresh()).tokens.access_token;
    },

    /** Refreshes now. Concurrent callers share one refresh. */
    refresh() {
      refreshing ??= (async () => {
        try {
          const session = await readSession();
          if (!session) throw new SsoError('login_required', 'nobody is signed in');
          if (!session.tokens.refresh_token) {
            throw new SsoError('login_required', 'the session has no refresh token and its access token expired; sign in again');
          }
          const metadata = await discover();
          let fresh;
          try {
            fresh = await runFlow(core.call('refresh.start', { client, provider: metadata, session, options: flowOptions(), now: clock() }));
          } catch (e) {
            if (e instanceof SsoError && e.code === 'login_required') await writeSession(null);
            throw e;
          }
          await writeSession(fresh);
          return fresh;
        } finally {
          refreshing = null;
        }
      })();
      return refreshing;
    },

    async getProfile() {
      const session = await readSession();
      return session ? session.profile : null;
    },

    async getSession() {
      const session = await readSession();
      return session ? publicSession(session) : null;
    },

    async isAuthenticated() {
      return (await readSession()) !== null;
    },

    /** Forgets the session locally and returns (and, by default, navigates to) the provider's logout URL. */
    async logout({ postLogoutRedirectUri, state, redirect = true, localOnly = false } = {}) {
      const session = await readSession();
      await writeSession(null);
      if (localOnly) return { url: null };
      const metadata = await discover();
      const params = { provider: metadata, client_id: clientId };
      if (session?.tokens?.id_token) params.id_token_hint = session.tokens.id_token;
      if (postLogoutRedirectUri) params.post_logout_redirect_uri = postLogoutRedirectUri;
      if (state) params.state = state;
      const url = core.call('logout.url', params);
      if (redirect) {
        if (navigate) await navigate(url);
        else if (globalThis.location && typeof globalThis.location.assign === 'function') globalThis.location.assign(url);
      }
      return { url };
    },

    /** Revokes the refresh token (or the access token) at the provider (RFC 7009). */
    async revoke() {
      const session = await readSession();
      if (!session) return;
      const metadata = await discover();
      const token = session.tokens.refresh_token || session.tokens.access_token;
      const hint = session.tokens.refresh_token ? 'refresh_token' : 'access_token';
      const request = core.call('revocation.request', { client, provider: metadata, token, token_type_hint: hint });
      core.call('revocation.process', { response: await send(request) });
    },

    /** Called with the public session (or null) whenever it changes. Returns an unsubscribe function. */
    onSessionChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** The discovered provider metadata. */
    discover,
  };
}
