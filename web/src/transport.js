// fetch transport: carries the core's HttpRequest values and returns HttpResponse values.
import { SsoError } from './errors.js';

const MAX_BODY_BYTES = 1 << 20;  // same cap as the native transport

/**
 * @param {typeof fetch} fetchImpl
 * @param {{timeoutMs?: number}} options
 */
export function fetchTransport(fetchImpl = globalThis.fetch, { timeoutMs = 30000 } = {}) {
  if (typeof fetchImpl !== 'function') throw new SsoError('invalid_argument', 'no fetch implementation available; pass options.fetch');
  return async function send(request) {
    let response;
    try {
      response = await fetchImpl(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: 'manual',  // OAuth endpoints are never followed blindly
        credentials: 'omit',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const origin = safeOrigin(request.url);
      if (e && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
        throw new SsoError('timeout', `no answer from ${origin} within ${timeoutMs} ms`);
      }
      throw new SsoError('network_error', `could not reach ${origin}: ${e && e.message ? e.message : e}`);
    }
    const body = await response.text();
    if (body.length > MAX_BODY_BYTES) {
      throw new SsoError('invalid_response', `the response from ${safeOrigin(request.url)} is larger than ${MAX_BODY_BYTES} bytes`);
    }
    return { status: response.status, headers: [...response.headers], body };
  };
}

// Never put a query string in a message: it can carry codes or tokens.
function safeOrigin(url) {
  try {
    const u = new URL(url);
    return u.origin + u.pathname;
  } catch {
    return 'the provider';
  }
}
