// Runs a core step machine with fetch: the platform connectors' multi-request operations
// (start method -> {state, request?, result?} -> send the request -> "<platform>.step" -> ...),
// through the one driver (drive.js); the request budget is the operation's state's.
import { loadPlatformCore } from './platform-core.js';
import { driveSteps } from './drive.js';
import { fetchTransport } from './transport.js';

/**
 * @param {string} startMethod e.g. 'streamone.login'
 * @param {string} stepMethod e.g. 'streamone.step'
 * @param {object} params the start method's parameters
 * @param {{fetch?: typeof fetch, timeoutMs?: number, now?: () => number}} [options]
 * @returns {Promise<any>} the operation's result
 */
export async function runSteps(startMethod, stepMethod, params, { fetch, timeoutMs, now = nowSeconds, signal, sleep } = {}) {
  const core = await loadPlatformCore();  // the platforms' step machines
  return driveSteps(core.call(startMethod, params), {
    send: fetchTransport(fetch, { timeoutMs }),
    step: (state, response) => core.call(stepMethod, { state, response, now: now() }),
    signal,
    sleep,
  });
}

export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}
