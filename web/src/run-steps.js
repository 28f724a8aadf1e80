// Drives a core step machine with fetch: the platform connectors' multi-request operations
// (start method -> {state, request?, result?} -> send the request -> "<platform>.step" -> ...).
// The same loop as the sign-in flow's, bounded the same way.
import { loadPlatformCore } from './platform-core.js';
import { SsoError } from './errors.js';
import { fetchTransport } from './transport.js';

const MAX_REQUESTS = 16;

/**
 * @param {string} startMethod e.g. 'streamone.login'
 * @param {string} stepMethod e.g. 'streamone.step'
 * @param {object} params the start method's parameters
 * @param {{fetch?: typeof fetch, timeoutMs?: number, now?: () => number}} [options]
 * @returns {Promise<any>} the operation's result
 */
export async function runSteps(startMethod, stepMethod, params, { fetch, timeoutMs, now = nowSeconds } = {}) {
  const core = await loadPlatformCore();  // the platforms' step machines
  const send = fetchTransport(fetch, { timeoutMs });
  let step = core.call(startMethod, params);
  for (let i = 0; i < MAX_REQUESTS && !('result' in step); i++) {
    if (!step.request) throw new SsoError('internal_error', `${startMethod}: a step has neither a request nor a result`);
    const response = await send(step.request);
    step = core.call(stepMethod, { state: step.state, response, now: now() });
  }
  if (!('result' in step)) throw new SsoError('internal_error', `${startMethod} did not finish within ${MAX_REQUESTS} requests`);
  return step.result;
}

export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}
