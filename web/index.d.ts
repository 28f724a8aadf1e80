// Type declarations for the ssokit web package.
/**
 * The `ssokit` web package: sign-in with OpenID Connect for portal pages and Node
 * (`createSsoClient`) and the low-level steps and core (`loadCore`); the video platforms'
 * connectors are `ssokit/platforms`. Generated into docs/api/ by tools/apidoc.
 * @packageDocumentation
 * @module ssokit
 */

/** The stable error codes shared by the CLI, the C API and JavaScript. */
export type SsoErrorCode =
  | 'invalid_argument' | 'invalid_url' | 'invalid_return_url' | 'state_missing' | 'state_mismatch'
  | 'transaction_not_found' | 'iss_mismatch' | 'authorization_error' | 'discovery_failed'
  | 'discovery_issuer_mismatch' | 'network_error' | 'timeout' | 'http_error' | 'invalid_response'
  | 'token_error' | 'id_token_missing' | 'id_token_malformed' | 'id_token_alg_not_allowed'
  | 'id_token_key_not_found' | 'id_token_signature_invalid' | 'id_token_iss_mismatch'
  | 'id_token_aud_mismatch' | 'id_token_azp_mismatch' | 'id_token_expired' | 'id_token_iat_invalid'
  | 'id_token_not_yet_valid' | 'id_token_nonce_mismatch' | 'id_token_sub_missing'
  | 'userinfo_sub_mismatch' | 'login_required' | 'refresh_failed' | 'device_code_expired'
  | 'access_denied' | 'storage_error' | 'storage_tampered' | 'platform_error' | 'sso_token_unknown'
  | 'cancelled' | 'internal_error' | 'server_only' | 'sso_test_failed' | 'rate_limited'
  | 'unsupported';

export class SsoError extends Error {
  readonly code: SsoErrorCode;
  /** Machine-readable context, e.g. the provider's `error`. Never contains tokens. */
  readonly details: Record<string, unknown>;
  constructor(code: SsoErrorCode, message: string, details?: Record<string, unknown>);
}

export interface PkcePair {
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: 'S256';
}

/** A PKCE pair (RFC 7636, S256): for the given verifier, or a fresh random one. */
export function pkce(verifier?: string): Promise<PkcePair>;

export interface CoreOptions {
  /** The .wasm bytes, if the app loads them itself. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to fetch the .wasm from (default: next to the package's JS, resolvable by bundlers). */
  wasmUrl?: string | URL;
}

/** The low-level core: every protocol step as a JSON call. */
export interface Core {
  call(method: string, params?: Record<string, unknown>): any;
}
export function loadCore(options?: CoreOptions): Promise<Core>;

/**
 * Where the SDK keeps pending sign-ins and the session: string values under string keys.
 * A custom adapter's methods may be synchronous or return promises.
 */
export interface SsoStorage {
  get(key: string): string | null | undefined | Promise<string | null | undefined>;
  set(key: string, value: string): void | Promise<void>;
  remove(key: string): void | Promise<void>;
}

/** The adapters the package makes: always asynchronous, failures are SsoError('storage_error'). */
export interface SsoStorageAdapter {
  readonly kind: 'memory' | 'session' | 'local' | 'web' | 'indexeddb' | 'custom';
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
}

/**
 * 'memory': this page only (lost on reload; the smallest exposure to XSS).
 * 'session': sessionStorage (this tab, survives reloads and the redirect to the provider).
 * 'local': localStorage (every tab, survives restarts). 'indexeddb': IndexedDB (every tab, async).
 * Asking for one this environment lacks throws SsoError('storage_error'): no silent fallback.
 */
export type StorageChoice = 'memory' | 'session' | 'local' | 'indexeddb' | SsoStorage;

export function memoryStorage(): SsoStorageAdapter;
/** A Web Storage area (sessionStorage, localStorage, or anything with getItem/setItem/removeItem). */
export function webStorage(area: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>, kind?: 'session' | 'local' | 'web'): SsoStorageAdapter;
export function indexedDbStorage(options?: { dbName?: string; storeName?: string; indexedDB?: IDBFactory }): SsoStorageAdapter;
export function customStorage(adapter: SsoStorage): SsoStorageAdapter;
export function resolveStorage(choice?: StorageChoice): SsoStorageAdapter;

/** The subset of the Web Locks API (navigator.locks) the client uses. */
export interface LockManagerLike {
  request<T>(name: string, callback: (lock: unknown) => Promise<T> | T): Promise<T>;
}

/** The canonical profile (see docs/profile-mapping.md). */
export interface Profile {
  userId: string;
  /** Every field is present; one the provider did not send is null (groups: []). */
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  membershipStatus: string | null;
  membershipType: string | null;
  groups: string[];
  [extra: string]: unknown;
}

export interface SsoClientOptions {
  issuer: string;
  clientId: string;
  redirectUri: string;
  /** Default 'openid profile email'. Add 'offline_access' (with prompt: 'consent') for refresh tokens. */
  scope?: string;
  /** Confidential clients only (server side): refused with invalid_argument in a page (where `document` exists). */
  clientSecret?: string;
  /** Default: the first of the provider's token_endpoint_auth_methods_supported that the credentials allow. Only 'none' runs in a page. */
  clientAuth?: ClientAuthMethod;
  /** private_key_jwt (Node only; refused with invalid_argument in a page): a PEM PKCS#8 private key or a private JWK. */
  privateKey?: string | JsonWebKey;
  /** The client assertion's kid (default: the JWK's kid). */
  privateKeyId?: string;
  /** RS256 (RSA default), PS256 or ES256 (EC P-256). */
  privateKeyAlg?: 'RS256' | 'PS256' | 'ES256';
  /** Where the session (tokens) is kept: 'memory' (default), 'session', 'local', 'indexeddb' or a custom adapter. */
  storage?: StorageChoice;
  /** Where pending sign-ins are kept (default: 'session' in browsers, 'memory' where sessionStorage is missing). */
  transactionStorage?: StorageChoice;
  /**
   * Sends the flows' requests (discovery, token, user-info...). Default: the global fetch; in Node
   * node:http / node:https while the process has not started fetch's undici (a first request
   * ~25 ms sooner), else the global fetch (and the process's undici dispatcher: proxies, mocks).
   * `sso.fetch` always uses this or the global fetch: it returns a fetch Response.
   */
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Current time in unix seconds (tests inject it). */
  clock?: () => number;
  /**
   * A preset name ('oidc', 'okta', 'entra', 'google', 'auth0', 'salesforce', 'yourmembership',
   * 'webcastcloud', 'novi', 'imis', 'wordpress') or a mapping object (docs/profile-mapping.md).
   */
  profileMapping?: string | Record<string, unknown>;
  /**
   * Extra profile request after user-info (membership platforms): GET with the access token as
   * Bearer; its JSON answer is the mapping's "profile" document (paths `profile:/...`, or plain
   * paths after user-info and the claims). https, or http on a loopback host.
   */
  profileEndpoint?: string;
  /**
   * Fetch user-info after the ID token (default true). false: no user-info request, e.g. when
   * the access token is for another API (RFC 8707 resource indicators); the profile then comes
   * from the ID token. A signed user-info answer (application/jwt) is verified with the provider's keys.
   */
  fetchUserinfo?: boolean;
  /** Refresh when the access token expires within this many seconds (default 60). */
  refreshLeeway?: number;
  /** Allowed ID-token clock skew in seconds (default 60). */
  clockSkew?: number;
  /**
   * The ID-token algorithms accepted (default: every one but HS256). An unknown name is
   * invalid_argument here; a provider offering none of them fails login() before it navigates.
   */
  allowedAlgs?: JwsAlgorithm[];
  /**
   * Audiences besides clientId that an ID token may name (OIDC Core 3.1.3.7 step 3); an ID token
   * with any other extra audience is refused (id_token_aud_mismatch). Default: none.
   */
  trustedAudiences?: string[];
  /** How to send the browser to a URL (default: location.assign). */
  navigate?: (url: string) => void | Promise<void>;
  /** Discovery cache lifetime in seconds (default 3600). */
  metadataTtl?: number;
  /** Prefix of the storage keys and name of the cross-tab channel (default 'ssokit'). */
  storageKey?: string;
  /** Announce session changes to other tabs on BroadcastChannel('ssokit:<storageKey>') (default true). */
  crossTab?: boolean;
  /** Lock manager for refreshes (default navigator.locks; without it, a lock within this page). */
  locks?: LockManagerLike | null;
  /**
   * Push the authorization request (RFC 9126) and send the browser with client_id and request_uri
   * only. Pushed anyway when the provider has a pushed_authorization_request_endpoint (default false).
   */
  par?: boolean;
  /**
   * DPoP (RFC 9449): bind the tokens to a key this client holds, so a stolen access or refresh
   * token is useless without it (default false; on anyway when discovery says
   * `dpop_bound_access_tokens`). Each sign-in (login, deviceLogin) makes a new ECDSA P-256 key pair
   * with WebCrypto, its private key non-extractable; the authorization request names it
   * (`dpop_jkt`), every token request carries a proof signed with it, and `token_type` must be
   * `DPoP`. In a browser the key pair is kept in IndexedDB (database `ssokit-keys`, store `dpop`,
   * under `storageKey`), in Node in this client's memory. A refresh uses the session's key; a
   * DPoP session whose key is gone is `login_required` (and removed); sign-out and revoke forget
   * the key. Call the app's API with {@link SsoClient.fetch}.
   */
  dpop?: boolean;
  wasmBinary?: ArrayBuffer | Uint8Array;
  wasmUrl?: string | URL;
  /**
   * Start discovery when the client is created, so the first login() does not wait for it
   * (default false). A failure is reported by the first call that needs the provider.
   */
  warmUp?: boolean;
  /**
   * Refresh the access token refreshLeeway seconds before it expires, without waiting for
   * getAccessToken() (default false). With a shared storage ('local', 'indexeddb') one tab
   * refreshes for all (under the refresh lock); failures are the refreshFailed event.
   */
  autoRefresh?: boolean;
}

/** The client's events and what their listeners get (sso.on(name, listener)). */
export interface SsoEvents {
  /** Sign-in, refresh or sign-out, here or in another tab that shares the session. */
  sessionChanged: PublicSession | null;
  /** A refresh stored new tokens (here or in a tab sharing the session). */
  tokenRefreshed: { expiresAt: number };
  /** The access token is within refreshLeeway seconds of expiry (each tab with the session). */
  tokenExpiring: { expiresAt: number; expiresIn: number };
  /** A refresh failed; login_required means the session ended. */
  refreshFailed: { code: SsoErrorCode; message: string };
  /** The session ended: logout() here, a refused refresh token, or another tab (other_tab). */
  signedOut: { reason: 'logout' | 'refresh_refused' | 'other_tab' };
}

export interface CheckSessionOptions {
  /** How long to wait for the provider's answer in the hidden frame (default 10000 ms). */
  timeoutMs?: number;
  /** When the frame gets no answer (the provider refuses framing): redirect the page with prompt=none instead (default false). */
  redirect?: boolean;
  /** Where the redirect fallback comes back to (default: this page's path). */
  returnTo?: string;
}

export interface LoginOptions {
  /** Same-origin relative path to return to after sign-in (default '/'). */
  returnTo?: string;
  prompt?: string;
  loginHint?: string;
  maxAge?: number;
  acrValues?: string;
  uiLocales?: string;
  extraParams?: Record<string, string> | [string, string][];
  /** Navigate to the provider (default true); false only returns the URL. */
  redirect?: boolean;
}

export interface PopupLoginOptions extends Omit<LoginOptions, 'redirect'> {
  /** Sign in in a popup; call from a click handler. The popup's callback page calls completePopupCallback(). */
  popup: true;
  /** window.open features (default a centred 500x650 popup). */
  popupFeatures?: string;
  /** Give up after this long (default 300000 ms): SsoError('timeout'). */
  popupTimeoutMs?: number;
}

export interface SignInResult {
  profile: Profile;
  claims: Record<string, unknown>;
  returnTo: string;
}

/** The JWS algorithms ssokit verifies (WebCrypto; Ed25519 needs a browser with WebCrypto Ed25519). */
export type JwsAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512'
  | 'EdDSA' | 'Ed25519' | 'HS256';

export interface PublicSession {
  profile: Profile;
  claims: Record<string, unknown>;
  /** Access-token expiry, unix seconds (0: unknown). */
  expiresAt: number;
}

export interface LogoutOptions {
  postLogoutRedirectUri?: string;
  state?: string;
  /** Navigate to the provider's logout page (default true). */
  redirect?: boolean;
  /** Only forget the session here (and in the other tabs); no provider logout URL. */
  localOnly?: boolean;
}

/** What to show for a device sign-in (RFC 8628). */
export interface DeviceCode {
  userCode: string;
  verificationUri: string;
  /** The verification URL with the code in it, when the provider gives one (best for a QR code). */
  verificationUriComplete?: string;
  /** Seconds until the code expires. */
  expiresIn: number;
}

export interface DeviceLoginOptions {
  /** Called once with the code to show; polling starts right away. */
  onCode?: (code: DeviceCode) => void;
  /** Aborting rejects with SsoError code 'cancelled'. */
  signal?: AbortSignal;
  /** Overrides the client's scope for this sign-in. */
  scope?: string;
}

export interface SsoClient {
  /** Device authorization grant (RFC 8628): errors access_denied, device_code_expired, cancelled. */
  deviceLogin(options?: DeviceLoginOptions): Promise<{ profile: Profile; claims: Record<string, unknown> }>;
  /** Redirect sign-in: stores the pending sign-in and navigates (unless redirect: false). */
  login(options?: LoginOptions & { popup?: false }): Promise<{ url: string }>;
  /** Popup sign-in: resolves with the completed sign-in. Closing the popup: SsoError('cancelled'). */
  login(options: PopupLoginOptions): Promise<SignInResult & { url: string }>;
  /**
   * Completes the sign-in from the callback URL (default: location.href). Resolves to null when
   * the URL carries no authorization response (no code, error or state). Provider refusals:
   * access_denied (the user cancelled), login_required (prompt: 'none' needs the user).
   */
  handleRedirectCallback(url?: string): Promise<SignInResult | null>;
  /** True when `url` (default: location.href) is this client's redirect URI carrying an authorization response. */
  isCallback(url?: string): boolean;
  getAccessToken(): Promise<string>;
  /**
   * `fetch()` for the app's own API with the session's access token, refreshed first when due:
   * `Authorization: DPoP <token>` and a fresh DPoP proof (`htm`, `htu`, `iat`, `jti`, `ath`, the
   * server's remembered `DPoP-Nonce`) for a DPoP-bound session, `Authorization: Bearer <token>`
   * otherwise. A `401` with `WWW-Authenticate: DPoP error="use_dpop_nonce"` is retried once with the
   * server's new nonce (a second challenge is returned as it is). Resolves to the Response;
   * rejects with `login_required` when nobody is signed in (or the session's DPoP key is gone).
   * A body that can be read once (a stream) cannot be re-sent for the nonce retry.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Refreshes now (skipped when another tab just did); concurrent callers share one refresh. A refresh whose answer cannot be validated ends the session: SsoError login_required, details.cause says why. */
  refresh(): Promise<unknown>;
  getProfile(): Promise<Profile | null>;
  getSession(): Promise<PublicSession | null>;
  isAuthenticated(): Promise<boolean>;
  /** Forgets the session in every tab and returns (and by default opens) the provider's logout URL. */
  logout(options?: LogoutOptions): Promise<{ url: string | null }>;
  /** Ends the session: forgets it (in every tab) first, then revokes its refresh token (or access token) at the provider (RFC 7009). Same on every host. */
  revoke(): Promise<void>;
  /**
   * Silent check at the provider (prompt=none in a hidden iframe): a fresh session, or
   * login_required (details.error from the provider, or details.reason 'check_session_timeout').
   * Resolves to null when it redirected (redirect: true).
   */
  checkSession(options?: CheckSessionOptions): Promise<SignInResult | null>;
  /** Subscribes to an event; returns an unsubscribe function. */
  on<K extends keyof SsoEvents>(event: K, listener: (value: SsoEvents[K]) => void): () => void;
  /** on('sessionChanged', listener). */
  onSessionChange(listener: (session: PublicSession | null) => void): () => void;
  discover(): Promise<ProviderMetadata>;
  /** Stops listening to other tabs. */
  close(): void;
}

export function createSsoClient(options: SsoClientOptions): Promise<SsoClient>;

/**
 * For the callback page of a popup sign-in: posts the URL to the opener (same origin only) and
 * closes the popup. Returns false when the page is not a popup.
 */
export function completePopupCallback(url?: string): boolean;

// ---- transport ---------------------------------------------------------------------------------

/** An HTTP request built by the core. */
export interface HttpRequest {
  method: 'GET' | 'POST' | string;
  url: string;
  headers: [string, string][];
  body?: string;
  idempotent?: boolean;
}

/** An HTTP response handed back to the core. */
export interface HttpResponse {
  status: number;
  headers: [string, string][] | Record<string, string>;
  body: string;
}

/**
 * Sends core requests with fetch (no redirects followed, no credentials, 1 MiB cap, timeout).
 * Without `fetchImpl`: the global fetch, or in Node node:http while undici has not started.
 */
export function fetchTransport(fetchImpl?: typeof fetch, options?: { timeoutMs?: number }): (request: HttpRequest) => Promise<HttpResponse>;

// ---- low-level steps ---------------------------------------------------------------------------

/** The provider's discovery document as validated by the core (OpenID field names). */
export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint?: string;
  userinfo_endpoint?: string;
  jwks_uri?: string;
  end_session_endpoint?: string;
  revocation_endpoint?: string;
  device_authorization_endpoint?: string;
  [field: string]: unknown;
}

/** A pending authorization (state, nonce, PKCE verifier, return path): keep it as is until the callback. */
export interface Transaction {
  v: 1;
  state: string;
  code_verifier: string;
  redirect_uri: string;
  return_to: string;
  issuer: string;
  client_id: string;
  nonce?: string;
  max_age?: number;
  created_at: number;
  expires_at: number;
}

/** Client authentication at the token, device and revocation endpoints. */
export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt';

export interface ClientSettings {
  issuer: string;
  clientId: string;
  redirectUri: string;
  scope?: string;
  clientSecret?: string;
  clientAuth?: ClientAuthMethod;
  clockSkew?: number;
  allowedAlgs?: string[];
  trustedAudiences?: string[];
  /** Push the authorization request (RFC 9126) even when the provider does not offer it. */
  par?: boolean;
}

export interface TokenSet {
  tokenType: string;
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  scope?: string;
  expiresIn?: number;
  /** Unix seconds. */
  expiresAt?: number;
}

export interface JsonWebKeySet { keys: Record<string, unknown>[] }

export interface FetchOptions { fetch?: typeof fetch; timeoutMs?: number }

export function discoveryRequest(issuer: string): Promise<HttpRequest>;
export function processDiscovery(issuer: string, response: HttpResponse): Promise<ProviderMetadata>;
export function discover(issuer: string, options?: FetchOptions): Promise<ProviderMetadata>;

export function buildAuthorizationUrl(options: {
  client: ClientSettings;
  provider: ProviderMetadata;
  returnTo?: string;
  scope?: string;
  prompt?: string;
  loginHint?: string;
  maxAge?: number;
  acrValues?: string;
  uiLocales?: string;
  extraParams?: Record<string, string> | [string, string][];
  now?: number;
}): Promise<{ url: string; transaction: Transaction; push?: HttpRequest }>;
/** RFC 9126: the response to `push` -> the authorization URL (client_id and request_uri only); authorization_error when refused. */
export function processPushedAuthorization(options: {
  client: ClientSettings;
  provider: ProviderMetadata;
  response: HttpResponse;
}): Promise<string>;

export function callbackState(url: string): Promise<string>;
export function parseCallback(options: { url: string; transaction: Transaction; provider: ProviderMetadata; now?: number }): Promise<{ code: string; state: string }>;

export function tokenRequest(options: { client: ClientSettings; provider: ProviderMetadata; transaction: Transaction; code: string }): Promise<HttpRequest>;
export function refreshTokenRequest(options: { client: ClientSettings; provider: ProviderMetadata; refreshToken: string; scope?: string }): Promise<HttpRequest>;
export function processTokenResponse(response: HttpResponse, options?: { now?: number }): Promise<TokenSet>;

export function validateIdToken(options: {
  idToken: string;
  jwks: JsonWebKeySet;
  issuer: string;
  clientId: string;
  nonce?: string;
  maxAge?: number;
  clockSkew?: number;
  allowedAlgs?: string[];
  /** Audiences besides clientId the token may name (OIDC Core 3.1.3.7 step 3). */
  trustedAudiences?: string[];
  clientSecret?: string;
  now?: number;
}): Promise<{ header: Record<string, unknown>; claims: Record<string, unknown> }>;

/** NOT verified: for display and debugging only. */
export function decodeJwt(jwt: string): Promise<{ header: Record<string, unknown>; payload: Record<string, unknown> }>;

export function userinfoRequest(options: { provider: ProviderMetadata; accessToken: string }): Promise<HttpRequest>;
/** For a signed answer (application/jwt): the provider's keys and who must have signed it for whom. */
export interface SignedUserinfoOptions {
  jwks?: JsonWebKeySet;
  issuer?: string;
  clientId?: string;
  clockSkew?: number;
  allowedAlgs?: string[];
  clientSecret?: string;
  now?: number;
}
export function processUserinfo(response: HttpResponse, options: { sub: string } & SignedUserinfoOptions): Promise<Record<string, unknown>>;
export function userinfo(options: { provider: ProviderMetadata; accessToken: string; sub: string } & SignedUserinfoOptions & FetchOptions): Promise<Record<string, unknown>>;

export function mapProfile(options: {
  claims: Record<string, unknown>;
  userinfo?: Record<string, unknown>;
  /** The extra profile request's answer (see fetchProfile). */
  profile?: Record<string, unknown> | unknown[];
  mapping?: string | Record<string, unknown>;
  now?: number;
}): Promise<Profile>;

/** The extra profile request: GET `url` with the access token as Bearer. */
export function profileRequest(options: { url: string; accessToken: string }): Promise<HttpRequest>;
/** The profile endpoint's answer: a JSON object or array; http_error / invalid_response otherwise. */
export function processProfile(response: HttpResponse, options: { url: string }): Promise<Record<string, unknown> | unknown[]>;
/** profileRequest + fetch + processProfile. */
export function fetchProfile(options: { url: string; accessToken: string } & FetchOptions): Promise<Record<string, unknown> | unknown[]>;

export function buildLogoutUrl(options: {
  provider: ProviderMetadata;
  idTokenHint?: string;
  postLogoutRedirectUri?: string;
  state?: string;
  clientId?: string;
  uiLocales?: string;
}): Promise<string>;

export function revocationRequest(options: { client: ClientSettings; provider: ProviderMetadata; token: string; tokenTypeHint?: 'access_token' | 'refresh_token' }): Promise<HttpRequest>;
export function processRevocation(response: HttpResponse): Promise<void>;
export function revoke(options: { client: ClientSettings; provider: ProviderMetadata; token: string; tokenTypeHint?: 'access_token' | 'refresh_token' } & FetchOptions): Promise<void>;

// The video platform connectors and runSteps: 'ssokit/platforms' (types/platforms.d.ts).
