// Types of the twentythree connector (web/src/twentythree.js).
import type { HttpRequest } from '../index';

/** The site's OAuth 1.0a "super" credentials (Settings -> API & Application). Keep them on the server. */
export interface Credentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

export interface SiteOptions {
  /** The video site's base URL, e.g. https://videos.example.com (https; http only for loopback). */
  site: string;
  credentials: Credentials;
  /** 'json' (default: format=json&raw=1) or 'xml' (the API's default format). */
  format?: 'json' | 'xml';
  /** 'POST' (default) or 'GET'. */
  method?: 'POST' | 'GET';
  /** Where the OAuth parameters go: 'header' (default), 'body' (POST) or 'query' (GET). */
  oauthIn?: 'header' | 'body' | 'query';
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
}

/** A relative path on the site, else SsoError 'invalid_return_url'. Browser-safe. */
export function validateReturnUrl(returnUrl: string): Promise<string>;

/** {site}/api/session/redeem-token?session_token=... Browser-safe. */
export function redeemUrl(options: { site: string; sessionToken: string }): Promise<string>;

/** {site}/api/user/redeem-login-token?login_token=... Browser-safe. */
export function redeemLoginUrl(options: { site: string; loginToken: string }): Promise<string>;

/**
 * /api/session/get-token for a visitor the portal signed in: where to send the browser (within
 * 15 minutes). Node only: 'server_only' in a page. Errors: invalid_return_url, invalid_argument,
 * invalid_url, platform_error (details.platform_code: invalid_signature, permission_denied,
 * invalid_input, no_such_user, user_already_exists, token_required), http_error,
 * invalid_response, network_error, timeout.
 */
export function getToken(options: SiteOptions & {
  returnUrl: string;
  /** Only an address your identity provider verified (see the back-end login warning). */
  email?: string;
  fullName?: string;
}): Promise<{ redirectUrl: string; returnUrl: string; expiresAt: number }>;

/**
 * Back-end login as an existing user (/api/user/get-login-token). Can grant administrator rights:
 * requires allowBackendLogin: true (else 'invalid_argument'). Node only.
 */
export function getLoginToken(options: SiteOptions & {
  userId: string | number;
  returnUrl?: string;
  allowBackendLogin: true;
}): Promise<{ redirectUrl: string; returnUrl?: string; userId: string; expiresAt: number }>;

/** Any TwentyThree API request signed with OAuth 1.0a HMAC-SHA1, for your own fetch. Node only. */
export function signRequest(options: {
  url: string;
  method?: 'GET' | 'POST';
  params?: Record<string, string> | Array<[string, string]>;
  oauthIn?: 'header' | 'body' | 'query';
  credentials: Credentials;
  now?: () => number;
}): Promise<HttpRequest>;
