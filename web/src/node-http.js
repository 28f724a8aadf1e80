// Node only (reached through "#node-host"): the transport's default exchange in Node, over
// node:http / node:https instead of the global fetch. Node's fetch loads and starts undici on its
// first call, about 25 ms of a fresh process before the first request leaves (BENCHMARKS.md,
// issue 14); node:http is already part of the process. Only while undici has not started: once
// the process has used fetch, or set an undici global dispatcher (a proxy, a mock agent), its
// requests go through fetch and so wherever it configured them. Passing `fetch` in the options
// always uses that.
import { request as httpRequest } from 'node:http';

let httpsRequest = null;  // node:https (and tls) only once an https URL is asked for
const decoder = new TextDecoder();  // as fetch's text(): UTF-8, a leading BOM dropped

// The answer's headers as fetch lists them: lower-case names, a repeated header's values joined
// with ", " (RFC 9110 5.3), Set-Cookie lines kept apart.
function headerPairs(raw) {
  const pairs = [];
  const at = new Map();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name !== 'set-cookie' && at.has(name)) pairs[at.get(name)][1] += `, ${raw[i + 1]}`;
    else at.set(name, pairs.push([name, raw[i + 1]]) - 1);
  }
  return pairs;
}

/**
 * True while undici has no global dispatcher: neither a fetch call (Node's fetch sets its own on
 * first use) nor setGlobalDispatcher() has happened in this process.
 */
export function stockNetwork() {
  return globalThis[Symbol.for('undici.globalDispatcher.1')] === undefined;
}

/**
 * Sends one HttpRequest ({method, url, headers: [[name, value]], body?}) and reads at most
 * `maxBytes` of the answer: {status, headers: [[name, value]], body}. Redirects are not
 * followed (like fetch's redirect: 'manual'); `signal` aborts the whole exchange.
 */
export async function nodeExchange(request, signal, { maxBytes, tooLarge }) {
  const url = new URL(request.url);
  let send = httpRequest;
  if (url.protocol === 'https:') send = httpsRequest ??= (await import('node:https')).request;
  else if (url.protocol !== 'http:') throw new TypeError(`${url.protocol} URLs cannot be fetched`);
  const headers = {};
  for (const [name, value] of request.headers ?? []) {
    const key = String(name).toLowerCase();
    headers[key] = key in headers ? [].concat(headers[key], String(value)) : String(value);
  }
  // What fetch would send when the core did not say: Accept, a User-Agent (some gateways refuse
  // requests without one) and the length of a body, so it is never sent chunked.
  headers.accept ??= '*/*';
  headers['user-agent'] ??= 'ssokit';
  const body = request.body ?? '';
  if (body !== '' || !['GET', 'HEAD'].includes(request.method)) headers['content-length'] ??= String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = send(url, { method: request.method, headers, signal }, (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        res.destroy();
        reject(tooLarge());
        return;
      }
      const chunks = [];
      let size = 0;
      res.on('data', (chunk) => {
        size += chunk.length;
        if (size > maxBytes) {
          res.destroy();
          reject(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () => {
        resolve({ status: res.statusCode, headers: headerPairs(res.rawHeaders), body: decoder.decode(Buffer.concat(chunks, size)) });
      });
    });
    req.on('error', reject);
    req.end(body === '' ? undefined : body);
  });
}
