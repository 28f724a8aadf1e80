// Types of the streamone connector (web/src/streamone.js).
import type { HttpResponse } from '../index';

/** What every StreamOne call needs. The key is the application's pre-shared key: server only. */
export interface StreamOneOptions {
  /** API base URL, e.g. 'https://api.streamone.nl' (http only for loopback tests). */
  server: string;
  /** The application's ID. */
  application: string;
  /** The application's pre-shared key (a secret: keep it on the server). */
  applicationKey: string;
  /** Sent as the `account` parameter; mutually exclusive with `customer`. */
  account?: string;
  customer?: string;
  timezone?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Unix seconds; Date.now() by default. */
  now?: () => number;
}

export interface StreamOneSession {
  id: string;
  /** The session key: requests within the session are signed with applicationKey + key. Secret. */
  key: string;
  /** The user's ID as the API gives it. */
  user: unknown;
  timeout: number | null;
}

export interface LoginOptions extends StreamOneOptions {
  /** The single sign-on service's name in the API. */
  service: string;
  /** The SSO response the user brought back from that service. */
  ssoResponse: string;
  /**
   * Provisioning on demand: the user/create arguments (the seed does not fix them: strings,
   * numbers, booleans or lists). When given, an unknown token (434) creates the user, links the
   * token and retries once.
   */
  createUser?: Record<string, string | number | boolean | null | Array<string | number | boolean>>;
  /** Roles for the created user, sent as the user/create argument `roles` (comma-joined). */
  roles?: string[] | string;
  /** On 431 while linking: clear the user's old token and link the new one. */
  replaceToken?: boolean;
}

export function login(options: LoginOptions): Promise<{ session: StreamOneSession; provisioned: boolean; userId?: string }>;

export function linkToken(options: StreamOneOptions & { user: string; service: string; ssoResponse: string; replaceToken?: boolean }):
  Promise<{ user: string; service: string; linked: true; replaced: boolean }>;

export function clearToken(options: StreamOneOptions & { user: string; service: string }):
  Promise<{ user: string; service: string; cleared: true }>;

export function createWithSso(options: StreamOneOptions & { service: string; ssoResponse: string }):
  Promise<{ session: StreamOneSession }>;

export function createUser(options: StreamOneOptions & { createUser: LoginOptions['createUser']; roles?: string[] | string }):
  Promise<{ user: unknown; userId: string }>;

export interface StreamOneEnvelope {
  status: 0;
  statusmessage: string;
  header: Record<string, unknown>;
  body: unknown;
}

/** Any signed call, optionally within a session. Resolves to the envelope of a success. */
export function call(options: StreamOneOptions & {
  command: string;
  action: string;
  args?: Record<string, string | number | boolean | null | Array<string | number | boolean>>;
  session?: { id: string; key: string };
}): Promise<StreamOneEnvelope>;

/** No secret needed: the envelope of a success, or throws the mapped SsoError. */
export function parseEnvelope(response: HttpResponse, options?: { sentTimestamp?: number }): Promise<StreamOneEnvelope>;

/** The API's name for a status code, e.g. 434 -> 'SSO_TOKEN_UNKNOWN'. */
export function statusName(status: number): Promise<string>;
