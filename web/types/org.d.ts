// Types of the org connector (web/src/org.js): organization SSO (docs/platforms/org.md).

/** Limits on waiting out a 429 (Retry-After): at most 2 retries and 60 s each; lower values are allowed. */
export interface OrgRetryOptions {
  maxRetries?: number;
  maxWait?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** How to wait (milliseconds); defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export interface OrgLoginUrlOptions extends OrgRetryOptions {
  /** The organization API, e.g. "https://api.example.com" (http only on a loopback host). */
  base: string;
  /** The e-mail the person typed; its domain picks the organization. */
  email?: string;
  /** Or the organization's slug, to get its login URL without asking the platform. */
  slug?: string;
  /** The public sign-in lookup; default "/api/auth/identify". */
  identifyPath?: string;
}

export type OrgLoginRoute =
  | { method: 'sso'; loginUrl: string; slug: string; provider?: string; email?: string; domain?: string }
  | { method: 'any'; loginUrl: string; slug: string; provider?: string; email: string; domain: string }
  | { method: 'password'; email: string; domain: string }
  /** With `slug`: only the URL (the platform was not asked, so no method). */
  | { method?: undefined; loginUrl: string; slug: string };

/** Where an e-mail signs in: 'sso' (never show a password form), 'any' (SSO offered) or 'password'. */
export function loginUrl(options: OrgLoginUrlOptions): Promise<OrgLoginRoute>;

/** `{base}/api/auth/sso/callback`: the one redirect URI every organization registers at its IdP. */
export function callbackUrl(base: string): Promise<string>;

export interface OrgAdminOptions extends OrgRetryOptions {
  base: string;
  organizationId: string;
  /** A personal access token of the organization owner (X-Api-Key). Keep it on the server. */
  apiKey: string;
  /** Send the key as "Authorization: Bearer" instead of "X-Api-Key". */
  bearer?: boolean;
}

export interface OrgSsoSettings {
  /** okta, azure, google, oidc, ... */
  provider: string;
  /** https, without /.well-known/... (the platform appends it). */
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
}

/** The settings the IdP application needs (one shared callback for every organization). */
export interface OrgIdpSettings {
  signInRedirectUri: string;
  grantType: 'authorization_code';
  responseType: 'code';
  scopes: string[];
}

export interface OrgReply {
  message: string;
  /** The platform's own `data`, as it sent it (never a client secret). */
  data: any;
}

export interface OrgAdmin {
  /** Saves, then runs the SSO test of what was saved (sso_test_failed with details.saved when it fails); `force` skips the test. */
  setSso(settings: OrgSsoSettings & { force?: boolean }): Promise<OrgReply & { idp: OrgIdpSettings; ssoTest?: { valid: true; message: string }; forced?: true }>;
  /** Only with `force: true`: with authRequired sso it locks every member out. */
  deleteSso(options: { force: true }): Promise<OrgReply>;
  /** Rejects with SsoError 'sso_test_failed' when the platform cannot reach the IdP. */
  testSso(): Promise<{ valid: true; message: string; data: any }>;
  addDomain(domain: string | { domain: string }): Promise<OrgReply & { txtRecord: { type: 'TXT'; name: string; value: string } | null }>;
  verifyDomain(domainId: string | { domainId: string }): Promise<OrgReply & { verified: boolean }>;
  /** Raising authRequired to 'sso' runs the SSO test first (rejects 'sso_test_failed') unless `force`. */
  setSecurity(settings: { authRequired: 'any' | 'mfa' | 'sso'; requireMfa?: boolean; force?: boolean }): Promise<
    OrgReply & { ssoTest?: { valid: true; message: string }; forced?: true }
  >;
}

/** The administration client of one organization (Node only; in a page it rejects 'server_only'). */
export function admin(options: OrgAdminOptions): OrgAdmin;
