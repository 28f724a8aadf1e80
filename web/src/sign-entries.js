// Completes a request's `sign` entries (ssokit/http.hpp SignRequest: {alg, key, input, header |
// form_field}) with the signatures a host makes: the header or form field gets input.signature.
// Shared by the Node-only client-assertion signer (sign.js) and the page's DPoP key (dpop.js), so
// a page bundle carries this and dpop.js but never sign.js.
import { SsoError } from './errors.js';

/** The JWS algorithms the JavaScript hosts sign with. */
export const SIGN_ALGS = ['RS256', 'PS256', 'ES256'];

const JWS_INPUT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export const base64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * The request with the entries `sign(entry)` answers completed; an entry it answers with null
 * stays in `sign` for another signer (the fetch transport refuses to send one unsigned).
 */
export async function applySignatures(request, sign) {
  const entries = request.sign;
  if (!Array.isArray(entries) || entries.length === 0) return request;
  const headers = Array.isArray(request.headers) ? [...request.headers] : Object.entries(request.headers ?? {});
  let body = request.body ?? '';
  const left = [];
  for (const entry of entries) {
    if (!SIGN_ALGS.includes(entry.alg)) throw new SsoError('unsupported', `the request asks for a signature with ${String(entry.alg).slice(0, 20)}, which this host does not make`);
    if (!entry.header === !entry.form_field) throw new SsoError('invalid_argument', 'a signature entry needs exactly one of header and form_field');
    if (!JWS_INPUT.test(entry.input ?? '')) throw new SsoError('invalid_argument', 'a signature entry\'s input is not a JWS signing input');
    const signature = await sign(entry);
    if (!signature) { left.push(entry); continue; }
    const jws = `${entry.input}.${base64url(signature)}`;
    if (entry.header) headers.push([entry.header, jws]);
    else body += `${body ? '&' : ''}${encodeURIComponent(entry.form_field)}=${encodeURIComponent(jws)}`;
  }
  const { sign: _done, ...rest } = request;
  const out = { ...rest, headers };
  if (body !== '' || request.body !== undefined) out.body = body;
  if (left.length) out.sign = left;
  return out;
}
