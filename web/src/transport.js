// fetch transport: carries the core's HttpRequest values and returns HttpResponse values.
import { SsoError } from './errors.js';

const MAX_BODY_BYTES = 1 << 20;  // same cap as the native transport

const isNode = typeof process === 'object' && !!process.versions?.node;
const noFetch = () => new SsoError('invalid_argument', 'no fetch implementation available; pass options.fetch');

/**
 * @param {typeof fetch} [fetchImpl] the fetch to send with. Without one, chosen at the first send:
 *   in Node node:http / node:https while undici has not started (node-http.js: a fresh process's
 *   first request leaves ~25 ms sooner), else the global fetch.
 * @param {{timeoutMs?: number, signer?: object}} options  signer: completes the request's `sign`
 *   entries (sign.js createSigner, Node only); without one such a request fails and is not sent.
 *   sign.js is not imported here, so a page's bundle does not carry it.
 */
export function fetchTransport(fetchImpl, { timeoutMs = 30000, signer = null } = {}) {
  if (fetchImpl != null && typeof fetchImpl !== 'function') throw noFetch();
  let exchange = fetchImpl ? viaFetch(fetchImpl) : null;  // the default one is chosen at the first send
  return async function send(unsigned) {
    let request = unsigned;
    if (request.sign?.length) {
      if (!signer) {
        throw new SsoError('invalid_argument', 'the request must be signed with a key but none is configured ' +
          '(for client assertions: privateKey, on a server only)');
      }
      request = await signer.complete(request);
    }
    const origin = safeOrigin(request.url);
    // The timeout covers the whole exchange: a provider that trickles its body is cut off too.
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      exchange ??= await defaultExchange();
      return await exchange(request, signal, origin);
    } catch (e) {
      if (e instanceof SsoError) throw e;
      if (signal.aborted || (e && (e.name === 'TimeoutError' || e.name === 'AbortError'))) {
        throw new SsoError('timeout', `no answer from ${origin} within ${timeoutMs} ms`);
      }
      throw new SsoError('network_error', `could not reach ${origin}: ${e && e.message ? e.message : e}`);
    }
  };
}

// "#node-host" is imported in Node only: a page's unbundled modules cannot resolve it (no import
// map), and bundles give pages no-node-host.js for it anyway.
async function defaultExchange() {
  const host = isNode ? await import('#node-host') : null;
  if (host?.nodeExchange && host.stockNetwork()) {
    return (request, signal, origin) => host.nodeExchange(request, signal, { maxBytes: MAX_BODY_BYTES, tooLarge: () => tooLarge(origin) });
  }
  if (typeof globalThis.fetch !== 'function') throw noFetch();
  return viaFetch(globalThis.fetch.bind(globalThis));
}

function viaFetch(fetchImpl) {
  return async (request, signal, origin) => {
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',  // OAuth endpoints are never followed blindly
      credentials: 'omit',
      signal,
    });
    const body = await readBody(response, origin);
    return { status: response.status, headers: [...response.headers], body };
  };
}

function tooLarge(origin) {
  return new SsoError('invalid_response', `the response from ${origin} is larger than ${MAX_BODY_BYTES} bytes`);
}

// Reads at most MAX_BODY_BYTES and stops the download there, so a huge or endless answer
// costs no more memory than the cap.
async function readBody(response, origin) {
  const declared = Number(response.headers?.get?.('content-length'));
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    await response.body?.cancel?.().catch(() => {});
    throw tooLarge(origin);
  }
  const reader = response.body?.getReader?.();
  if (!reader) {
    // A fetch stand-in without streams (tests, polyfills): read it whole, then check.
    const text = await response.text();
    if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) throw tooLarge(origin);
    return text;
  }
  const chunks = [];
  let size = 0;
  // Each read returns a non-empty chunk or done; the cap bounds the number of reads with data.
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw tooLarge(origin);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.byteLength; }
  return new TextDecoder().decode(bytes);
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
