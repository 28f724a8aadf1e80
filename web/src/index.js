// ssokit for browsers and Node.
import { loadCore } from './core.js';
import { hostRandom } from './random.js';

export { SsoError } from './errors.js';
export { loadCore };

/**
 * A PKCE pair (RFC 7636, S256). With a verifier, the pair for it; without, a fresh one.
 * @param {string} [verifier]
 */
export async function pkce(verifier) {
  const core = await loadCore();
  const r = core.call('pkce', verifier === undefined ? { random: hostRandom(32) } : { verifier });
  return { codeVerifier: r.code_verifier, codeChallenge: r.code_challenge, codeChallengeMethod: r.code_challenge_method };
}

export { createSsoClient } from './client.js';
export { completePopupCallback } from './popup.js';
export {
  memoryStorage, webStorage, indexedDbStorage, customStorage, resolveStorage,
} from './storage.js';
export { fetchTransport } from './transport.js';
export {
  discoveryRequest, processDiscovery, discover, buildAuthorizationUrl, callbackState, parseCallback,
  tokenRequest, refreshTokenRequest, processTokenResponse, validateIdToken, decodeJwt,
  userinfoRequest, processUserinfo, userinfo, mapProfile, profileRequest, processProfile, fetchProfile, buildLogoutUrl,
  revocationRequest, processRevocation, revoke,
} from './steps.js';
export { runSteps } from './run-steps.js';
// Video platform connectors (docs/platforms/).
export * as twentythree from './twentythree.js';
export * as streamone from './streamone.js';
export * as muvi from './muvi.js';
export * as org from './org.js';
