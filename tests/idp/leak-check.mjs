// Known secrets and the texts they must stay out of (tests/idp/secret-leak.test.mjs).
//
//   const secrets = new Secrets();
//   secrets.add('client_secret', value);
//   assertClean('CLI stderr', text, secrets, { allow: ['access_token'] });
//
// A secret is looked for as is and in every encoding a request or a log could carry it in:
// percent-encoded (encodeURIComponent and RFC 3986 strict), form-encoded, base64 and base64url.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

const MIN_LENGTH = 6;  // shorter values would match ordinary text

const strict = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function encodedForms(value) {
  const forms = new Set([
    value,
    encodeURIComponent(value),
    strict(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    Buffer.from(value).toString('base64'),
    Buffer.from(value).toString('base64url'),
  ]);
  return [...forms].filter((f) => f.length >= MIN_LENGTH);
}

export class Secrets {
  #labels = new Map();  // value -> label

  add(label, value) {
    if (typeof value !== 'string' || value.length < MIN_LENGTH) return;
    if (!this.#labels.has(value)) this.#labels.set(value, label);
  }

  get size() {
    return this.#labels.size;
  }

  labels() {
    return new Set(this.#labels.values());
  }

  /** [{label, form}] for every secret found in `text`, except those whose label is in `allow`. */
  find(text, allow = []) {
    const found = [];
    for (const [value, label] of this.#labels) {
      if (allow.includes(label)) continue;
      for (const form of encodedForms(value)) {
        if (text.includes(form)) {
          found.push({ label, at: text.indexOf(form) });
          break;
        }
      }
    }
    return found;
  }
}

/** Fails when `text` holds a secret (other than the allowed labels); names where and which. */
export function assertClean(where, text, secrets, { allow = [] } = {}) {
  const value = typeof text === 'string' ? text : JSON.stringify(text) ?? String(text);
  const found = secrets.find(value, allow);
  assert.deepEqual(found.map((f) => f.label), [],
    `${where} leaks ${found.map((f) => `${f.label} (near "${value.slice(Math.max(0, f.at - 40), f.at)}")`).join(', ')}`);
}

/** Every printable face of an error: message, details, String(), JSON, util.inspect (with stack). */
export function errorTexts(e) {
  return {
    message: String(e?.message),
    details: JSON.stringify(e?.details ?? {}),
    string: String(e),
    json: JSON.stringify(e),
    inspect: inspect(e, { depth: 8 }),
  };
}

export function assertErrorClean(where, e, secrets) {
  for (const [face, text] of Object.entries(errorTexts(e))) assertClean(`${where}: error ${face}`, text, secrets);
}

/**
 * A CLI run: stderr except the `Open:` line, which carries the authorization URL (state, nonce and
 * code challenge by design, DESIGN.md); that line may hold state and nonce, nothing else. stdout
 * may hold what the command's contract prints on success (`allowStdout`); an error JSON on stdout
 * may hold nothing.
 */
export function assertCliClean(where, r, secrets, { allowStdout = [] } = {}) {
  const lines = r.stderr.split('\n');
  const open = lines.filter((l) => l.startsWith('Open: '));
  const rest = lines.filter((l) => !l.startsWith('Open: ')).join('\n');
  assertClean(`${where}: stderr`, rest, secrets);
  for (const line of open) assertClean(`${where}: Open: line`, line, secrets, { allow: ['state', 'nonce'] });
  assertClean(`${where}: stdout`, r.stdout, secrets, { allow: r.code === 0 ? allowStdout : [] });
  if (r.code !== 0) assert.ok(r.json?.error?.code, `${where}: an error JSON on stdout: ${r.stdout}`);
}
