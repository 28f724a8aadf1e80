// Type declarations for the ssokit web package.

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
  | 'cancelled' | 'internal_error';

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

/** Where the SDK keeps pending sign-ins and the session. */
export interface SsoStorage {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
}
export function memoryStorage(): SsoStorage;
export function webStorage(area: Storage): SsoStorage;

/** The canonical profile (see docs/profile-mapping.md). */
export interface Profile {
  userId: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  membershipStatus?: string | null;
  membershipType?: string | null;
  groups: string[];
  [extra: string]: unknown;
}

export interface SsoClientOptions {
  issuer: string;
  clientId: string;
  redirectUri: string;
  /** Default 'openid profile email'. Add 'offline_access' (with prompt: 'consent') for refresh tokens. */
  scope?: string;
  /** Confidential clients only (server side); never ship a secret to a browser. */
  clientSecret?: string;
  clientAuth?: 'none' | 'client_secret_basic' | 'client_secret_post';
  /** Session storage: 'memory' (default), 'session', 'local', or a custom adapter. */
  storage?: 'memory' | 'session' | 'local' | SsoStorage;
  /** Storage for pending sign-ins (default: the same as `storage`). */
  transactionStorage?: 'memory' | 'session' | 'local' | SsoStorage;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Current time in unix seconds (tests inject it). */
  clock?: () => number;
  /** A preset name ('oidc', 'okta', 'entra', 'google', 'auth0', 'salesforce', ...) or a mapping object. */
  profileMapping?: string | Record<string, unknown>;
  fetchUserinfo?: boolean;
  /** Refresh when the access token expires within this many seconds (default 60). */
  refreshLeeway?: number;
  /** Allowed ID-token clock skew in seconds (default 60). */
  clockSkew?: number;
  allowedAlgs?: string[];
  /** How to send the browser to a URL (default: location.assign). */
  navigate?: (url: string) => void | Promise<void>;
  /** Discovery cache lifetime in seconds (default 3600). */
  metadataTtl?: number;
  storageKey?: string;
  wasmBinary?: ArrayBuffer | Uint8Array;
  wasmUrl?: string | URL;
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

export interface SignInResult {
  profile: Profile;
  claims: Record<string, unknown>;
  returnTo: string;
}

export interface PublicSession {
  profile: Profile;
  claims: Record<string, unknown>;
  /** Access-token expiry, unix seconds (0: unknown). */
  expiresAt: number;
}

export interface SsoClient {
  login(options?: LoginOptions): Promise<{ url: string }>;
  handleRedirectCallback(url?: string): Promise<SignInResult>;
  getAccessToken(): Promise<string>;
  refresh(): Promise<unknown>;
  getProfile(): Promise<Profile | null>;
  getSession(): Promise<PublicSession | null>;
  isAuthenticated(): Promise<boolean>;
  logout(options?: { postLogoutRedirectUri?: string; state?: string; redirect?: boolean; localOnly?: boolean }): Promise<{ url: string | null }>;
  revoke(): Promise<void>;
  onSessionChange(listener: (session: PublicSession | null) => void): () => void;
  discover(): Promise<Record<string, unknown>>;
}

export function createSsoClient(options: SsoClientOptions): Promise<SsoClient>;
