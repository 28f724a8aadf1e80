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
