// Types of the React bindings (web/src/react.js), imported as 'ssokit/react'.
/**
 * React bindings: `<SsoProvider>`, `useSso()` and `<RequireSignIn>`.
 * @packageDocumentation
 * @module ssokit/react
 */
import type { ReactNode } from 'react';
import type { LoginOptions, LogoutOptions, PublicSession, Profile, SignInResult, SsoClient, SsoClientOptions, SsoError } from '../index.js';

export type SsoStatus = 'loading' | 'signed-in' | 'signed-out' | 'error';

export interface SsoState {
  status: SsoStatus;
  session: PublicSession | null;
  profile: Profile | null;
  /** The failure of the last callback or start-up (e.g. access_denied after Cancel), else null. */
  error: SsoError | Error | null;
  /** The client, once created (null while loading). */
  client: SsoClient | null;
  login(options?: LoginOptions): Promise<{ url: string }>;
  logout(options?: LogoutOptions): Promise<{ url: string | null }>;
  getAccessToken(): Promise<string>;
}

export interface SsoProviderProps {
  /** createSsoClient's options (or pass `client`). */
  options?: SsoClientOptions;
  /** A client (or the promise of one) the app made itself; not closed on unmount. */
  client?: SsoClient | Promise<SsoClient>;
  /** After the callback completed: default replaces the address with result.returnTo. */
  onRedirectCallback?: (result: SignInResult) => void;
  children?: ReactNode;
}

export function SsoProvider(props: SsoProviderProps): ReactNode;
/** The nearest <SsoProvider>'s state; throws SsoError invalid_argument outside one. */
export function useSso(): SsoState;

export interface RequireSignInProps {
  children?: ReactNode;
  /** Shown while loading, while the sign-in starts, and after a failed sign-in (default null). */
  fallback?: ReactNode;
  /** Start the sign-in when signed out (default true). */
  redirect?: boolean;
  loginOptions?: LoginOptions;
}

export function RequireSignIn(props: RequireSignInProps): ReactNode;
