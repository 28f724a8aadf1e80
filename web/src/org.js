// org connector (docs/platforms/org.md): organization SSO. loginUrl() is browser-safe: it asks the
// platform's public sign-in lookup where an e-mail signs in. admin() holds the organization's API
// key and runs in Node (the server build of the core); in a browser page its calls reject with
// SsoError 'server_only'. A 429 is waited out for the platform's Retry-After (at most 60 s, at
// most 2 retries), then rate_limited with details.retry_after.
import { loadPlatformCore as loadCore } from './platform-core.js';  // ssokit-platforms.wasm in a page
import { driveSteps } from './drive.js';
import { fetchTransport } from './transport.js';
import { nowSeconds } from './run-steps.js';

const MAX_WAIT_SECONDS = 60;

// An org step machine through the one driver (drive.js), which waits out step.wait_seconds (429
// retries); the request budget is the operation's state's.
async function drive(startMethod, params, { fetch, timeoutMs, sleep, signal } = {}) {
  const core = await loadCore();
  return driveSteps(core.call(startMethod, params), {
    send: fetchTransport(fetch, { timeoutMs }),
    step: (state, response) => core.call('org.step', { state, response, now: nowSeconds() }),
    sleep,
    signal,
    maxWaitSeconds: MAX_WAIT_SECONDS,
  });
}

function limits({ maxRetries, maxWait }) {
  const out = {};
  if (maxRetries !== undefined) out.max_retries = maxRetries;
  if (maxWait !== undefined) out.max_wait = maxWait;
  return out;
}

/**
 * Where an e-mail signs in. `{ method: 'sso', loginUrl }`: the organization requires SSO, never show
 * a password form; `{ method: 'any', loginUrl }`: SSO is offered (redirect), other methods are
 * allowed; `{ method: 'password' }`: no SSO for this domain. With `slug` instead of `email`:
 * `{ loginUrl, slug }`, the organization's login URL without asking the platform.
 * @param {{base: string, email?: string, slug?: string, fetch?: typeof fetch, identifyPath?: string,
 *   maxRetries?: number, maxWait?: number, timeoutMs?: number, sleep?: (ms: number) => Promise<void>}} options
 */
export async function loginUrl({ base, email, slug, fetch, identifyPath, maxRetries, maxWait, timeoutMs, sleep } = {}) {
  const params = { base, ...limits({ maxRetries, maxWait }) };
  if (email !== undefined) params.email = email;
  if (slug !== undefined) params.slug = slug;
  if (identifyPath !== undefined) params.identify_path = identifyPath;
  const r = await drive('org.login_url', params, { fetch, timeoutMs, sleep });
  const out = r.method === undefined ? {} : { method: r.method };
  if (r.login_url !== undefined) out.loginUrl = r.login_url;
  for (const key of ['slug', 'provider', 'email', 'domain']) if (r[key] !== undefined) out[key] = r[key];
  return out;
}

/** `{base}/api/auth/sso/callback`: the one redirect URI every organization registers at its IdP. */
export async function callbackUrl(base) {
  const core = await loadCore();
  return core.call('org.callback_url', { base }).callback_url;
}

/**
 * The administration client of one organization (Node only: the API key is a secret).
 * @param {{base: string, organizationId: string, apiKey: string, bearer?: boolean, fetch?: typeof fetch,
 *   maxRetries?: number, maxWait?: number, timeoutMs?: number, sleep?: (ms: number) => Promise<void>}} options
 */
export function admin({ base, organizationId, apiKey, bearer = false, fetch, maxRetries, maxWait, timeoutMs, sleep } = {}) {
  const common = { base, organization_id: organizationId, api_key: apiKey, bearer, ...limits({ maxRetries, maxWait }) };
  const run = (method, params = {}) => drive(method, { ...common, ...params }, { fetch, timeoutMs, sleep });
  return {
    /**
     * PUT settings/sso, checked first, then the SSO test of what was saved (the lock-out guard:
     * sso_test_failed with details.saved when it fails; `force: true` skips the test).
     * Resolves {message, data, idp: {signInRedirectUri, grantType, responseType, scopes}, ssoTest?, forced?}.
     */
    async setSso({ provider, issuerUrl, clientId, clientSecret, force = false } = {}) {
      const r = await run('org.sso_set', { provider, issuer_url: issuerUrl, client_id: clientId, client_secret: clientSecret, force });
      const { idp } = r;
      const out = {
        message: r.message,
        data: r.data,
        idp: { signInRedirectUri: idp.sign_in_redirect_uri, grantType: idp.grant_type, responseType: idp.response_type, scopes: idp.scopes },
      };
      if (r.sso_test) out.ssoTest = r.sso_test;
      if (r.forced) out.forced = true;
      return out;
    },
    /** DELETE settings/sso, only with `force: true` (with authRequired sso it locks everybody out). Resolves {message, data}. */
    async deleteSso({ force = false } = {}) {
      return run('org.sso_delete', { force });
    },
    /** POST settings/sso/test. Resolves {valid: true, message, data}; rejects sso_test_failed. */
    async testSso() {
      return run('org.sso_test');
    },
    /** POST domains. Resolves {message, data, txtRecord: {type, name, value} | null}. */
    async addDomain(domain) {
      const r = await run('org.domain_add', { domain: typeof domain === 'object' && domain ? domain.domain : domain });
      return { message: r.message, data: r.data, txtRecord: r.txt_record };
    },
    /** POST domains/{domainId}/verify. Resolves {message, data, verified}. */
    async verifyDomain(domainId) {
      return run('org.domain_verify', { domain_id: typeof domainId === 'object' && domainId ? domainId.domainId : domainId });
    },
    /**
     * PUT settings/security. Raising authRequired to 'sso' runs the SSO test first and rejects with
     * sso_test_failed unless it passes; `force: true` skips that guard. Resolves {message, data, ssoTest?, forced?}.
     */
    async setSecurity({ authRequired, requireMfa = false, force = false } = {}) {
      const r = await run('org.security', { auth_required: authRequired, require_mfa: requireMfa, force });
      const out = { message: r.message, data: r.data };
      if (r.sso_test) out.ssoTest = r.sso_test;
      if (r.forced) out.forced = true;
      return out;
    },
  };
}
