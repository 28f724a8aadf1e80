// createSsoClient: the high-level sign-in client. Every protocol decision is made by the
// WebAssembly core (the same code as natively); this file only moves requests with fetch, keeps
// state in the chosen storage and keeps the tabs of one origin in step.
//
// Across tabs: every session change is announced on BroadcastChannel('ssokit:<storageKey>'); the
// other clients re-read storage and call their onSessionChange listeners (with localStorage, the
// browser's 'storage' event tells them too). A sign-out clears the
// session in every tab, even where storage is per tab (memory, sessionStorage). A refresh runs
// under a lock (Web Locks when the browser has them, else a lock within this JavaScript realm):
// the holder re-reads the stored session first and skips the refresh if another tab did it.
import { loadCore } from './core.js';
import { SsoError } from './errors.js';
import { defaultTransactionStorage, isSharedAcrossTabs, resolveStorage } from './storage.js';
import { driveSteps } from './drive.js';
import { fetchTransport } from './transport.js';
import { performVerify } from './verify.js';
import { warmValidationSoon } from './warm.js';
import { waitForPopupCallback, openPopup, isSigninPopup, reportPopupCallbackNotCompleted } from './popup.js';
import { checkOptionNames, discoveryFetchFailed } from './checks.js';
import { createEvents, createExpiryTimer } from './events.js';
import { callbackFromHiddenFrame, handOffToParent, isCheckFrame } from './check-session.js';
import { hostRandom, AUTHORIZE_RANDOM_BYTES } from './random.js';
import { measure, timingStart } from './timing.js';
import { createDpopKey, dpopKeyStore, sameKey, signDpop } from './dpop.js';

// Randomness for the proofs' jti in every step of a flow (the page build has no generator).
const flowRandom = () => ({ random: hostRandom(64) });
// fetch() upper-cases these method names itself; a DPoP proof's htm must be what is sent.
const FETCH_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const nowSeconds = () => Math.floor(Date.now() / 1000);

// Fallback lock when navigator.locks is missing (Node, old browsers): serializes the clients of
// this realm only. Keyed by lock name; each entry is the tail of a promise chain.
const realmLocks = new Map();
function realmLock(name, fn) {
  const previous = realmLocks.get(name) ?? Promise.resolve();
  const run = previous.then(() => fn());
  const tail = run.then(() => {}, () => {});
  realmLocks.set(name, tail);
  tail.then(() => { if (realmLocks.get(name) === tail) realmLocks.delete(name); });
  return run;
}

function defaultLocks() {
  const locks = globalThis.navigator?.locks;
  return locks && typeof locks.request === 'function' ? locks : null;
}

/**
 * @param {object} options see index.d.ts (SsoClientOptions)
 */
export async function createSsoClient(options = {}) {
  const started = timingStart();
  checkOptionNames(options);
  const {
    issuer, clientId, redirectUri, scope = 'openid profile email', clientSecret, clientAuth,
    storage = 'memory', transactionStorage, fetch: fetchImpl, timeoutMs, clock = nowSeconds,
    profileMapping = 'oidc', profileEndpoint, fetchUserinfo = true, refreshLeeway = 60, clockSkew, allowedAlgs,
    trustedAudiences,
    navigate, wasmBinary, wasmUrl, storageKey = 'ssokit', metadataTtl = 3600,
    crossTab = true, locks = defaultLocks(), warmUp = false, autoRefresh = false, par = false,
    privateKey, privateKeyId, privateKeyAlg, dpop = false,
  } = options;
  // A secret in a page is readable by every script on it (RFC 9700 2.5; RFC 8252 8.5): pages are
  // public clients with PKCE. Confidential clients belong to the portal's server (Node, no DOM).
  if (clientSecret && typeof globalThis.document !== 'undefined') {
    throw new SsoError('invalid_argument', 'clientSecret cannot be used in a browser page: register the page as a public client (PKCE), ' +
      'or do the token exchange on the portal\'s server');
  }
  // The same for a private key (private_key_jwt): a server's credential, never a page's.
  if (privateKey && typeof globalThis.document !== 'undefined') {
    throw new SsoError('invalid_argument', 'privateKey cannot be used in a browser page: register the page as a public client (PKCE), ' +
      'or do the token exchange on the portal\'s server');
  }
  // The key stays here, with the fetch transport that signs the client assertion (sign.js); the
  // core only learns its algorithm and kid.
  let signer = null;
  if (privateKey) {
    const { createSigner } = await import('#node-host');
    if (!createSigner) throw new SsoError('invalid_argument', 'privateKey is for a server (Node) only');
    signer = createSigner({ client: privateKey });
  }
  // The flows' requests: fetchImpl, or the transport's default (node:http in Node). sso.fetch
  // gives the app a fetch Response, so it always goes through fetch.
  const send = fetchTransport(fetchImpl, { timeoutMs, signer });
  const rawFetch = fetchImpl ?? globalThis.fetch?.bind(globalThis);
  // warmUp: the discovery document travels while the WebAssembly compiles.
  let early = warmUp ? prefetchDiscovery(send, issuer) : null;
  const core = await loadCore({ wasmBinary, wasmUrl });
  const sessions = resolveStorage(storage);
  const pending = transactionStorage ? resolveStorage(transactionStorage) : defaultTransactionStorage();
  const client = { issuer, client_id: clientId, redirect_uri: redirectUri, scope };
  if (clientSecret) client.client_secret = clientSecret;
  if (clientAuth) client.auth = clientAuth;
  if (signer) {
    const info = signer.keyInfo('client');
    client.private_key_alg = privateKeyAlg ?? info.alg;
    if (privateKeyId ?? info.kid) client.private_key_id = privateKeyId ?? info.kid;
    // A key that cannot make this alg fails now, not at the first token request.
    await signer.importFor('client', client.private_key_alg);
  } else if (privateKeyAlg || privateKeyId) {
    throw new SsoError('invalid_argument', 'privateKeyAlg and privateKeyId need privateKey');
  }
  if (clockSkew !== undefined) client.clock_skew = clockSkew;
  if (allowedAlgs) client.allowed_algs = allowedAlgs;
  if (trustedAudiences) client.trusted_audiences = trustedAudiences;  // OIDC Core 3.1.3.7 step 3
  if (par) client.par = true;
  if (dpop) client.dpop = true;
  // Issuer, redirect URI and algorithm names now, not at the first sign-in (invalid_url, invalid_argument).
  core.call('client.check', { client });
  const sessionKey = `${storageKey}.session`;
  const txKey = (state) => `${storageKey}.tx.${state}`;
  const latestTxKey = `${storageKey}.tx.latest`;
  const refreshLockName = `ssokit:${storageKey}:refresh`;
  const events = createEvents();
  const sharedSessions = isSharedAcrossTabs(sessions);

  let provider = null;
  let providerFetchedAt = 0;
  let keys = { jwks: null, jwks_fetched_at: 0, jwks_unknown_kid_at: 0 };  // the core's, from the last flow
  let refreshing = null;
  let lastAnnounced;  // the stored text the listeners were last told about (undefined: never)

  // ---- DPoP (RFC 9449): the key of each sign-in, the servers' nonces ------------------------
  // A pending sign-in's key is kept under its transaction's name until the callback, a session's
  // under its thumbprint (so per-tab sessions of one origin keep their own keys).
  const dpopKeys = dpopKeyStore();
  let dpopNonces = {};  // origin -> the last DPoP-Nonce it gave (the core's, from flows and resource calls)
  const pendingDpopName = (state) => `${storageKey}.tx.${state}`;
  const sessionDpopName = (session) => `${storageKey}.session.${core.call('dpop.thumbprint', { jwk: session.dpop.jwk })}`;
  const dpopWanted = (metadata) => core.call('dpop.wanted', { client, provider: metadata }).wanted;
  const dpopKeyGone = () => new SsoError('login_required', 'the DPoP key this session is bound to is gone (site data cleared?); sign in again');

  /** The session's key ({privateKey, key}), or null for a Bearer session or a key that is gone. */
  async function sessionDpopKey(session) {
    if (!session?.dpop) return null;
    const record = await dpopKeys.get(sessionDpopName(session));
    return sameKey(record, session.dpop) ? record : null;
  }

  async function forgetDpopKey(session) {
    if (session?.dpop) await dpopKeys.remove(sessionDpopName(session)).catch(() => {});
  }

  // A finished sign-in's key becomes its session's (written before the session itself).
  async function keepSessionKey(session, dpopKey) {
    if (dpopKey && session.dpop) await dpopKeys.set(sessionDpopName(session), dpopKey);
  }

  // sso.fetch: the app's request with the session's access token (DPoP: and a fresh proof), sent
  // with fetch; a resource server's use_dpop_nonce challenge is answered by one retry.
  async function authorizedFetch(input, init = {}) {
    let session = await readSession();
    if (!session) throw new SsoError('login_required', 'nobody is signed in');
    if (isDue(session)) session = await refreshSession(false);
    const dpopKey = await sessionDpopKey(session);
    if (session.dpop && !dpopKey) {
      await writeSession(null, { reason: 'refresh_refused' });
      throw dpopKeyGone();
    }
    const isRequest = typeof Request === 'function' && input instanceof Request;
    let method = String(init.method ?? (isRequest ? input.method : 'GET'));
    if (FETCH_METHODS.includes(method.toUpperCase())) method = method.toUpperCase();
    // The proof's htu is absolute: a page's relative URL is resolved as fetch resolves it.
    const url = new URL(isRequest ? input.url : String(input), globalThis.location?.href).href;
    // The core decides (resource.response): at most one retry, on a use_dpop_nonce challenge.
    for (let attempt = 1; ; attempt++) {
      const built = core.call('resource.request', { session, request: { method, url }, nonces: dpopNonces, now: clock(), ...flowRandom() });
      const signed = await signDpop(built, dpopKey?.privateKey);
      const headers = new Headers(init.headers ?? (isRequest ? input.headers : undefined));
      for (const [name, value] of signed.headers) headers.set(name, value);
      const response = await rawFetch(isRequest ? input.clone() : input, { ...init, method, headers });
      const seen = { status: response.status, headers: [...response.headers], body: '' };
      const answer = core.call('resource.response', { session, url, response: seen, attempt, nonces: dpopNonces });
      dpopNonces = answer.nonces;
      if (!answer.retry) return response;
      await response.body?.cancel().catch(() => {});
    }
  }

  const withLock = (fn) => (locks ? locks.request(refreshLockName, fn) : realmLock(refreshLockName, fn));

  // ---- cross-tab announcements ------------------------------------------------------------
  let channel = null;
  if (crossTab && typeof globalThis.BroadcastChannel === 'function') {
    channel = new globalThis.BroadcastChannel(`ssokit:${storageKey}`);
    channel.onmessage = (event) => { onAnnouncement(event.data).catch(() => {}); };
    channel.unref?.();  // Node: an idle client must not keep the process alive (after onmessage, which refs)
  }
  // localStorage also tells the other tabs itself ('storage' event). The browser fires it even when
  // the writing tab navigates away at once (logout), where a channel message can be lost with the page.
  let storageListener = null;
  if (crossTab && sessions.kind === 'local' && typeof globalThis.addEventListener === 'function') {
    storageListener = (event) => {
      if (event.key !== sessionKey && event.key !== null) return;  // null: the whole area was cleared
      notify(event.newValue ?? null, event.newValue ? parseSession(event.newValue) : null, 'other_tab');
    };
    globalThis.addEventListener('storage', storageListener);
  }

  async function onAnnouncement(message) {
    if (!message || typeof message !== 'object') return;
    if (message.type === 'signed_out') {
      // Per-tab storage still holds this tab's copy: a sign-out anywhere ends it here too.
      // (Shared storage is already clear; removing again could drop a newer sign-in.)
      if (!sharedSessions) {
        const mine = await readSession().catch(() => null);
        await sessions.remove(sessionKey);
        await forgetDpopKey(mine);
      }
      const text = sharedSessions ? await sessions.get(sessionKey) : null;
      notify(text, text ? parseSession(text) : null, 'other_tab');
    } else if (message.type === 'updated' && sharedSessions) {
      const text = await sessions.get(sessionKey);
      const session = text ? parseSession(text) : null;
      notify(text, session, 'other_tab');
      if (message.event === 'tokenRefreshed' && session) events.emit('tokenRefreshed', { expiresAt: session.tokens.expires_at ?? 0 });
    } else if (message.type === 'refresh_failed' && sharedSessions && typeof message.code === 'string') {
      events.emit('refreshFailed', { code: message.code, message: String(message.message ?? '') });
    }
  }

  function announce(type, extra = {}) {
    try { channel?.postMessage({ type, ...extra }); } catch { /* a closed channel: nothing to tell */ }
  }

  // The access token's expiry: tokenExpiring, and with autoRefresh a refresh (under the lock, so
  // with a shared storage one tab refreshes and the others see its tokens).
  const expiry = createExpiryTimer({
    clock,
    leeway: refreshLeeway,
    onDue(expiresAt) {
      events.emit('tokenExpiring', { expiresAt, expiresIn: expiresAt - clock() });
      if (autoRefresh) refreshSession(false).catch(() => { /* reported as refreshFailed */ });
    },
  });

  // `reason` of a sign-out: 'logout', 'refresh_refused', or 'other_tab' (learned from another tab).
  function notify(text, session, reason) {
    if (text === lastAnnounced) return;
    const hadSession = !!lastAnnounced;
    lastAnnounced = text;
    expiry.schedule(session?.tokens?.expires_at ?? 0);
    events.emit('sessionChanged', session ? publicSession(session) : null);
    if (!session && hadSession) events.emit('signedOut', { reason: reason ?? 'logout' });
  }

  // ---- provider and flows -------------------------------------------------------------------
  // Concurrent callers (warmUp, then an early login()) share one request.
  let discovering = null;
  function discover() {
    if (provider && clock() - providerFetchedAt < metadataTtl) return Promise.resolve(provider);
    discovering ??= (async () => {
      try {
        const request = core.call('discovery.request', { issuer });
        // The prefetched answer only if it was for exactly this request (the core validates it).
        const prefetched = early && early.url === request.url ? early.response : null;
        early = null;
        const response = await (prefetched ?? send(request)).catch((e) => { throw discoveryFetchFailed(e, request.url); });
        provider = core.call('discovery.process', { issuer, response });
        providerFetchedAt = clock();
        return provider;
      } finally {
        discovering = null;
      }
    })();
    return discovering;
  }

  // `dpopKey`: the flow's key ({privateKey}), which signs its requests' DPoP proofs.
  // The one driver (drive.js) with the flow's effects: DPoP proofs on each request, the ID token's
  // and a signed user-info's signatures checked with WebCrypto. The budget is the flow state's.
  function flowDriver(dpopKey, more = {}) {
    return {
      send: async (request) => send(await signDpop(request, dpopKey?.privateKey)),
      step: (state, response) => core.call('flow.step', { state, response, now: clock(), ...flowRandom() }),
      verify: (step) => performVerify(core, step, clock, flowRandom),
      ...more,
    };
  }

  async function runFlow(step, dpopKey = null) {
    const result = await driveSteps(step, flowDriver(dpopKey));
    keepKeys(result);
    return result.session;
  }

  function keepKeys(result) {
    if (result.jwks) keys = { jwks: result.jwks, jwks_fetched_at: result.jwks_fetched_at, jwks_unknown_kid_at: result.jwks_unknown_kid_at };
    if (result.dpop_nonces && typeof result.dpop_nonces === 'object') dpopNonces = { ...dpopNonces, ...result.dpop_nonces };
  }

  // `dpopKey`: a new sign-in's key (a refresh takes the session's own from the session).
  function flowOptions(dpopKey = null) {
    const options = { fetch_userinfo: fetchUserinfo, profile_mapping: profileMapping, ...keys, dpop_nonces: dpopNonces };
    if (dpopKey) options.dpop = dpopKey.key;
    if (profileEndpoint) options.profile_endpoint = profileEndpoint;  // the extra profile request
    return options;
  }

  function parseSession(text) {
    try {
      const session = JSON.parse(text);
      if (session && typeof session === 'object' && session.tokens && typeof session.tokens === 'object') return session;
    } catch { /* fall through */ }
    return null;
  }

  async function readSession() {
    const text = await sessions.get(sessionKey);
    if (!text) return null;
    const session = parseSession(text);
    if (!session) {
      await sessions.remove(sessionKey);
      throw new SsoError('storage_error', 'the stored session is unreadable; sign in again');
    }
    return session;
  }

  async function writeSession(session, { event, reason } = {}) {
    const text = session ? JSON.stringify(session) : null;
    const previous = await readSession().catch(() => null);
    if (text) await sessions.set(sessionKey, text);
    else await sessions.remove(sessionKey);
    // Sign-out, a refused refresh or a new sign-in: the replaced session's key goes with it.
    if (previous?.dpop && !(session?.dpop && sameKey({ key: previous.dpop }, session.dpop))) await forgetDpopKey(previous);
    notify(text, session, reason);
    announce(session ? 'updated' : 'signed_out', event ? { event } : {});
  }

  function publicSession(s) {
    return { profile: s.profile, claims: s.claims, expiresAt: s.tokens.expires_at ?? 0 };
  }

  const isDue = (session) => !core.call('session.fresh', { session, now: clock(), leeway: refreshLeeway }).fresh;

  // One refresh per tab at a time (concurrent callers share it), and one per origin under the
  // lock. `force`: refresh even if the token is not due (an explicit refresh()).
  function refreshSession(force) {
    refreshing ??= (async () => {
      try {
        const seen = await readSession();
        if (!seen) throw new SsoError('login_required', 'nobody is signed in');
        return await withLock(async () => {
          const current = await readSession();
          if (!current) throw new SsoError('login_required', 'nobody is signed in (signed out in another tab)');
          // Another tab refreshed while this one waited for the lock: use its result.
          if (current.tokens.access_token !== seen.tokens.access_token) return current;
          if (!force && !isDue(current)) return current;
          if (!current.tokens.refresh_token) {
            throw new SsoError('login_required', 'the session has no refresh token and its access token expired; sign in again');
          }
          const metadata = await discover();
          let fresh;
          try {
            // A DPoP-bound refresh token is useless without its key.
            const dpopKey = await sessionDpopKey(current);
            if (current.dpop && !dpopKey) throw dpopKeyGone();
            fresh = await runFlow(core.call('refresh.start', {
              client, provider: metadata, session: current, options: flowOptions(), now: clock(), ...flowRandom(),
            }), dpopKey);
          } catch (e) {
            const code = e instanceof SsoError ? e.code : 'internal_error';
            events.emit('refreshFailed', { code, message: e.message });
            announce('refresh_failed', { code, message: e.message });
            if (code === 'login_required') await writeSession(null, { reason: 'refresh_refused' });
            throw e;
          }
          await writeSession(fresh, { event: 'tokenRefreshed' });
          events.emit('tokenRefreshed', { expiresAt: fresh.tokens.expires_at ?? 0 });
          return fresh;
        });
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  function go(url) {
    if (navigate) return navigate(url);
    if (globalThis.location && typeof globalThis.location.assign === 'function') globalThis.location.assign(url);
    return undefined;
  }

  const sso = {
    /**
     * Builds the authorization URL, stores the pending sign-in, and redirects (browsers).
     * With `popup: true` the provider opens in a popup instead, and this resolves with the
     * completed sign-in once the popup's callback page called completePopupCallback().
     */
    async login({
      returnTo = '/', prompt, loginHint, maxAge, acrValues, uiLocales, extraParams, redirect = true,
      popup = false, popupFeatures, popupTimeoutMs,
    } = {}) {
      // Opened before the first await: browsers allow popups only within the click's task.
      const win = popup ? openPopup(popupFeatures) : null;
      try {
        const metadata = await discover();
        // DPoP: a new key for every sign-in; the code is bound to it (dpop_jkt).
        const dpopKey = dpopWanted(metadata) ? await createDpopKey() : null;
        const opts = { return_to: returnTo };
        if (dpopKey) opts.dpop_jwk = dpopKey.key.jwk;
        if (prompt) opts.prompt = prompt;
        if (loginHint) opts.login_hint = loginHint;
        if (maxAge !== undefined) opts.max_age = maxAge;
        if (acrValues) opts.acr_values = acrValues;
        if (uiLocales) opts.ui_locales = uiLocales;
        if (extraParams) opts.extra = extraParams;
        const built = core.call('authorize.build', { client, provider: metadata, options: opts, now: clock(), random: hostRandom(AUTHORIZE_RANDOM_BYTES) });
        const { transaction } = built;
        // RFC 9126: the parameters are pushed; the browser gets client_id and request_uri only.
        const url = built.push
          ? core.call('authorize.pushed', { client, provider: metadata, response: await send(await signDpop(built.push, dpopKey?.privateKey)) }).url
          : built.url;
        if (dpopKey) await dpopKeys.set(pendingDpopName(transaction.state), dpopKey);
        await pending.set(txKey(transaction.state), JSON.stringify(transaction));
        // Remembered so a callback with a tampered state can be told apart from a replay.
        await pending.set(latestTxKey, transaction.state);
        if (win) {
          win.location.href = url;
          const callbackUrl = await waitForPopupCallback(win, { redirectUri, timeoutMs: popupTimeoutMs });
          return { url, ...(await sso.handleRedirectCallback(callbackUrl)) };
        }
        if (redirect) await go(url);
        return { url };
      } finally {
        try { win?.close(); } catch { /* already closed */ }
      }
    },

    /**
     * Completes the sign-in from the URL the provider redirected to. Resolves to null when the
     * URL carries no authorization response (no code, error or state): not a callback.
     */
    async handleRedirectCallback(url = globalThis.location?.href) {
      if (!core.call('callback.is_response', { url: String(url ?? '') })) return null;
      // In checkSession()'s hidden frame the parent page completes the sign-in.
      if (isCheckFrame()) { handOffToParent(String(url)); return null; }
      const metadata = await discover();
      // Which pending sign-in this is, and what it spends, is the core's decision (callback.match).
      const state = core.call('callback.state', { url });
      const { key } = core.call('callback.pending_key', { state });
      const stored = key ? await pending.get(`${storageKey}.${key}`) : null;
      const latest = await pending.get(latestTxKey);
      const match = core.call('callback.match', { state, ...(stored ? { stored } : {}), ...(latest ? { latest } : {}) });
      // The pending sign-in's DPoP key, read before its entries go (its name is the transaction's).
      const dpopKey = key && !match.error ? await dpopKeys.get(`${storageKey}.${key}`) : null;
      for (const name of match.remove) {
        await pending.remove(`${storageKey}.${name}`);
        await dpopKeys.remove(`${storageKey}.${name}`).catch(() => {});
      }
      if (match.error) {
        if (match.error.code === 'transaction_not_found' && isSigninPopup()) {
          // The provider sent the popup to a callback page that handles the response itself: the
          // pending sign-in lives in the opener. Say so here and in the opener's login().
          reportPopupCallbackNotCompleted();
          throw new SsoError('invalid_argument',
            'this sign-in popup reached the callback page, which called handleRedirectCallback(): call ' +
            'completePopupCallback() first on the callback page (it hands the response to the page that opened the popup)',
            { reason: 'popup_callback_not_completed' });
        }
        throw new SsoError(match.error.code, match.error.message);
      }
      const { transaction } = match;
      if (!dpopKey && dpopWanted(metadata)) {
        throw new SsoError('login_required', 'the DPoP key of this sign-in is gone (site data cleared?); sign in again');
      }
      const step = core.call('signin.start', { client, provider: metadata, transaction, url, options: flowOptions(dpopKey), now: clock(), ...flowRandom() });
      warmValidationSoon(core);  // while the code exchange is on the network
      const session = await runFlow(step, dpopKey);
      await keepSessionKey(session, dpopKey);
      await writeSession(session);
      return { profile: session.profile, claims: session.claims, returnTo: session.return_to };
    },

    /** True when `url` (default: this page) is this client's redirect URI carrying an authorization response. */
    isCallback(url = globalThis.location?.href) {
      return core.call('callback.is_response', { url: String(url ?? ''), redirect_uri: redirectUri });
    },

    /**
     * Device authorization grant (RFC 8628), for TVs and players: asks the provider for a user
     * code, calls onCode({ userCode, verificationUri, verificationUriComplete, expiresIn }) once
     * (show it, and a QR code of verificationUriComplete ?? verificationUri; polling starts right
     * away), waits the provider's interval between polls (+5 s on slow_down), and completes the
     * sign-in like handleRedirectCallback. Errors: access_denied (declined), device_code_expired,
     * cancelled (signal aborted).
     */
    async deviceLogin({ onCode, signal, scope: deviceScope } = {}) {
      const stopIfCancelled = () => {
        if (signal?.aborted) throw new SsoError('cancelled', 'the device sign-in was cancelled');
      };
      stopIfCancelled();
      const metadata = await discover();
      const deviceClient = deviceScope ? { ...client, scope: deviceScope } : client;
      const dpopKey = dpopWanted(metadata) ? await createDpopKey() : null;  // a new key per sign-in
      const request = core.call('device.start', { client: deviceClient, provider: metadata, now: clock() });
      const device = core.call('device.process', { response: await send(request), now: clock() });
      stopIfCancelled();
      onCode?.({
        userCode: device.user_code,
        verificationUri: device.verification_uri,
        verificationUriComplete: device.verification_uri_complete,
        expiresIn: device.expires_in,
      });
      const first = core.call('device.flow_start', { client: deviceClient, provider: metadata, device, options: flowOptions(dpopKey), now: clock(), ...flowRandom() });
      // The driver waits each poll's interval (the signal cancels); on network trouble the core
      // says whether and how long to wait (RFC 8628 3.5). The core stops polling at the expiry.
      const result = await driveSteps(first, flowDriver(dpopKey, {
        signal,
        cancelledMessage: 'the device sign-in was cancelled',
        retryWait: (e, backoff, step) => core.call('device.retry', {
          failure: e.code, backoff, interval: step.wait_seconds ?? 0, now: clock(), expires_at: device.expires_at,
        }).wait,
      }));
      keepKeys(result);
      const session = result.session;
      await keepSessionKey(session, dpopKey);
      await writeSession(session);
      return { profile: session.profile, claims: session.claims };
    },

    /** An access token valid for at least `refreshLeeway` seconds, refreshing when needed. */
    async getAccessToken() {
      const session = await readSession();
      if (!session) throw new SsoError('login_required', 'nobody is signed in');
      if (!isDue(session)) return session.tokens.access_token;
      return (await refreshSession(false)).tokens.access_token;
    },

    /**
     * fetch() with the session's access token: `Authorization: DPoP <token>` and a fresh DPoP proof
     * for a DPoP-bound session (else Bearer), refreshed first when due. A resource server's
     * `401 WWW-Authenticate: DPoP error="use_dpop_nonce"` is retried once with its DPoP-Nonce
     * (remembered per origin). Resolves to the Response; login_required when nobody is signed in.
     */
    fetch: authorizedFetch,

    /** Refreshes now (unless another tab just did). Concurrent callers share one refresh. */
    refresh() {
      return refreshSession(true);
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

    /** Forgets the session (in every tab) and returns (and, by default, navigates to) the provider's logout URL. */
    async logout({ postLogoutRedirectUri, state, redirect = true, localOnly = false } = {}) {
      const session = await readSession().catch(() => null);
      await writeSession(null);
      if (localOnly) return { url: null };
      // What follows the forgetting is the core's plan (signout.plan), as on every host.
      const plan = core.call('signout.plan', {
        client, provider: await discover(), session, logout: true, now: clock(),
        ...(postLogoutRedirectUri ? { post_logout_redirect_uri: postLogoutRedirectUri } : {}), ...(state ? { state } : {}),
      });
      const url = plan.logout_url;
      if (url && redirect) await go(url);
      return { url };
    },

    /**
     * Ends the session: forgets it (in every tab) first, always, then revokes its refresh token (or
     * access token) at the provider (RFC 7009). The same on every host.
     */
    async revoke() {
      const session = await readSession().catch(() => null);
      if (!session) return;
      const dpopKey = await sessionDpopKey(session).catch(() => null);  // held here for a proof, gone from the store
      await writeSession(null);
      const plan = core.call('signout.plan', { client, provider: await discover(), session, revoke: true, now: clock() });
      if (plan.revoke) core.call('revocation.process', { response: await send(await signDpop(plan.revoke, dpopKey?.privateKey)) });
    },

    /**
     * Asks the provider, without leaving the page, whether the user is still signed in there
     * (prompt=none in a hidden iframe): resolves like handleRedirectCallback with a fresh session,
     * or rejects with login_required (details.error: the provider's answer, or details.reason
     * 'check_session_timeout' when no answer came within timeoutMs, 10 s: a provider that refuses
     * to be framed). With redirect: true that last case sends the whole page to the provider with
     * prompt=none instead (the answer then comes to the callback page) and resolves to null.
     */
    async checkSession({ timeoutMs = 10000, redirect = false, returnTo = globalThis.location?.pathname ?? '/' } = {}) {
      const { url } = await sso.login({ prompt: 'none', redirect: false, returnTo });
      let callbackUrl;
      try {
        callbackUrl = await callbackFromHiddenFrame(url, { redirectUri, timeoutMs });
      } catch (e) {
        if (redirect && e instanceof SsoError && e.details?.reason === 'check_session_timeout') {
          await go(url);
          return null;
        }
        throw e;
      }
      return sso.handleRedirectCallback(callbackUrl);
    },

    /** Subscribes to one of the client's events (events.js); returns an unsubscribe function. */
    on(name, listener) {
      return events.on(name, listener);
    },

    /** on('sessionChanged', listener): the public session (or null) whenever it changes, here or in another tab. */
    onSessionChange(listener) {
      return events.on('sessionChanged', listener);
    },

    /** The discovered provider metadata. */
    discover,

    /** Stops listening to other tabs (the client still works, alone). */
    close() {
      expiry.cancel();
      if (channel) { channel.onmessage = null; channel.close(); channel = null; }
      if (storageListener) { globalThis.removeEventListener('storage', storageListener); storageListener = null; }
    },
  };
  // warmUp: discovery starts now, so the first login() does not wait for it. A failure here is
  // reported by the first call that needs the provider (which tries again).
  if (warmUp) discover().catch(() => {});
  // The state the listeners start from, so an announcement that changes nothing stays quiet.
  lastAnnounced = await sessions.get(sessionKey).catch(() => undefined);
  if (lastAnnounced) expiry.schedule(parseSession(lastAnnounced)?.tokens?.expires_at ?? 0);
  measure('ssokit:create', started);
  return sso;
}

// The discovery request the core builds for `issuer` (OpenID Connect Discovery 1.0 section 4),
// sent before the core has loaded. discover() uses its answer only when the core's own request
// has the same URL; otherwise it is dropped (a failure here is reported by discover() alone).
function prefetchDiscovery(send, issuer) {
  if (typeof issuer !== 'string' || !/^https?:\/\//.test(issuer)) return null;
  const url = `${issuer}${issuer.endsWith('/') ? '' : '/'}.well-known/openid-configuration`;
  const response = send({ method: 'GET', url, headers: [['Accept', 'application/json']], idempotent: true });
  response.catch(() => {});
  return { url, response };
}
