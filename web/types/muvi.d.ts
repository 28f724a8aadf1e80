// Types of the muvi connector (web/src/muvi.js). Server side only (Node): every call needs the
// store's auth token or the JWT secret; a browser page gets SsoError 'server_only'.

export interface MuviFetchOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface MuviUserOptions extends MuviFetchOptions {
  /** The store's base URL, https://<store domain> (plain http only for 127.0.0.1/localhost). */
  store: string;
  /** The store's authToken (Muvi admin: Settings > Advanced). A secret. */
  authToken: string;
  email: string;
}

/** POST /en/rest/RegisterUser. Muvi's codes reject as SsoError 'platform_error' with details.platform_code (407, 408, 417, 421, 422). */
export function registerUser(options: MuviUserOptions & { name?: string }): Promise<{ userUuid: string; email: string; name: string }>;

/** POST /en/rest/GetUserUuid. Codes 682 (no such user), 757, 408 reject as 'platform_error'. */
export function getUserUuid(options: MuviUserOptions): Promise<{ userUuid: string }>;

/** RegisterUser; on 422 (e-mail already registered) GetUserUuid. */
export function ensureUser(options: MuviUserOptions & { name?: string }): Promise<{ userUuid: string; created: boolean }>;

export interface MuviLoginUrlOptions {
  store: string;
  /** The JWT secret shared with the store: at least 32 bytes. */
  jwtSecret: string;
  userUuid: string;
  email: string;
  name?: string;
  /** A page of the store (absolute on its origin, or a path); default: the store's home page. */
  referrerUrl?: string;
  /** Seconds the link is valid: 1..300, default 60. */
  ttl?: number;
  /** The seed example's array payload instead of the documented object. */
  arrayPayload?: boolean;
  /** Array payload only; default "ssokit". */
  issuerClaim?: string;
  /** Array payload only; default "enduser". */
  audienceClaim?: string;
  /** More payload members (may not replace the connector's). */
  extraClaims?: Record<string, unknown>;
  /** Unix seconds; default now. */
  now?: number;
}

/** The store's auto-login link /en/user/Thirdpartylogin?access_token=<HS256 JWT>. */
export function loginUrl(options: MuviLoginUrlOptions): Promise<{ url: string; expiresAt: number }>;
