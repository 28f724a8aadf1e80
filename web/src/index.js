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
  discoveryRequest, processDiscovery, discover, buildAuthorizationUrl, processPushedAuthorization, callbackState, parseCallback,
  tokenRequest, refreshTokenRequest, processTokenResponse, validateIdToken, decodeJwt,
  userinfoRequest, processUserinfo, userinfo, mapProfile, profileRequest, processProfile, fetchProfile, buildLogoutUrl,
  revocationRequest, processRevocation, revoke,
} from './steps.js';
// The video platform connectors and runSteps are 'ssokit/platforms' (src/platforms.js): a page
// that imports only this entry has no reference to their WebAssembly build, so bundlers emit none.
