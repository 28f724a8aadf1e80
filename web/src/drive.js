// The one JavaScript driver of the core's step machines (sign-in, refresh, the device flow, every
// platform operation): sends each step's request, answers its verify effect, waits its
// wait_seconds (setTimeout; an AbortSignal cancels: SsoError 'cancelled') and stops at the
// result. The request budget is the state envelope's (the core refuses a step beyond it); the
// driver only bounds its own loop. The native twin is drive_steps (ssokit/native/drive.hpp).
import { SsoError } from './errors.js';

// Every machine's budget ends the loop well before this (the device flow's: a poll a second
// for the code's lifetime, at most 31 days).
const DRIVE_BACKSTOP = 2 * (31 * 24 * 3600 + 64);

/** Waits `ms`, or rejects with SsoError('cancelled', message) as soon as `signal` aborts. */
export function waitOrCancel(ms, signal, message = 'the operation was cancelled') {
  const cancelled = () => new SsoError('cancelled', message);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(cancelled()); return; }
    if (!(ms > 0)) { resolve(); return; }
    const onAbort = () => { clearTimeout(timer); reject(cancelled()); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * @param {object} first the machine's first step {state, request?, verify?, result?, wait_seconds?}
 * @param {{
 *   send: (request: object) => Promise<object>,
 *   step: (state: object, response: object) => object,
 *   verify?: (step: object) => Promise<object>,
 *   signal?: AbortSignal,
 *   sleep?: (ms: number, signal?: AbortSignal) => Promise<void>,
 *   retryWait?: (error: Error, backoff: number, step: object) => number | null,
 *   maxWaitSeconds?: number,
 *   cancelledMessage?: string,
 * }} driver `step` gives the next step for a response; `verify` answers a verify effect (it
 *   returns the step that follows); `retryWait` says whether (seconds) or not (null) to resend
 *   after a transport error.
 * @returns {Promise<any>} the machine's result
 */
export async function driveSteps(first, {
  send, step: next, verify, signal, sleep, retryWait, maxWaitSeconds = 3600, cancelledMessage = 'the operation was cancelled',
}) {
  const wait = sleep ?? ((ms) => waitOrCancel(ms, signal, cancelledMessage));
  const stopIfCancelled = () => {
    if (signal?.aborted) throw new SsoError('cancelled', cancelledMessage);
  };
  let step = first;
  let backoff = 0;
  for (let turn = 0; turn < DRIVE_BACKSTOP; turn++) {
    if ('result' in step) return step.result;
    if (step.verify) {
      if (!verify) throw new SsoError('internal_error', 'this step machine asks for a signature check it cannot take');
      step = await verify(step);
      continue;
    }
    if (!step.request) throw new SsoError('internal_error', 'a step has neither a request nor a result');
    const seconds = Math.min(Math.max(step.wait_seconds ?? 0, backoff), maxWaitSeconds);
    if (seconds > 0) await wait(seconds * 1000, signal);
    stopIfCancelled();
    let response;
    try {
      response = await send(step.request);
    } catch (e) {
      const again = retryWait && e instanceof SsoError ? retryWait(e, backoff, step) : null;
      if (again === null || again === undefined) throw e;
      backoff = again;
      continue;
    }
    backoff = 0;
    stopIfCancelled();
    step = next(step.state, response);
  }
  throw new SsoError('internal_error', 'the operation did not finish within its request budget');
}
