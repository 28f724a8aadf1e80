// Early checks of what a page hands createSsoClient, so a mistake shows when the client is
// created instead of at the first sign-in click. The protocol checks (issuer, redirect URI,
// algorithm names) are the core's (client.check); this file knows the JavaScript option names and
// words a failed discovery fetch, which the browser reports without a reason.
import { SsoError } from './errors.js';

/** Every option createSsoClient reads (index.d.ts, SsoClientOptions). */
export const CLIENT_OPTIONS = [
  'issuer', 'clientId', 'redirectUri', 'scope', 'clientSecret', 'clientAuth', 'storage', 'transactionStorage',
  'fetch', 'timeoutMs', 'clock', 'profileMapping', 'profileEndpoint', 'fetchUserinfo', 'refreshLeeway',
  'clockSkew', 'allowedAlgs', 'trustedAudiences', 'navigate', 'wasmBinary', 'wasmUrl', 'storageKey', 'metadataTtl', 'crossTab',
  'locks', 'warmUp', 'autoRefresh', 'par', 'dpop', 'privateKey', 'privateKeyId', 'privateKeyAlg',
];

// Edit distance, for "did you mean": option names are short, so the table is small.
function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** The known name closest to `name` (case and "url"/"uri" aside), or null when none is close. */
export function closestName(name, known) {
  const plain = (s) => s.toLowerCase().replace(/url$/, 'uri').replace(/[_-]/g, '');
  let best = null;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = distance(plain(name), plain(candidate));
    if (d < bestDistance) { best = candidate; bestDistance = d; }
  }
  return best;
}

/** invalid_argument for an option name createSsoClient does not know (a typo would be ignored). */
export function checkOptionNames(options) {
  if (!options || typeof options !== 'object') {
    throw new SsoError('invalid_argument', 'createSsoClient needs an options object: { issuer, clientId, redirectUri }');
  }
  for (const name of Object.keys(options)) {
    if (CLIENT_OPTIONS.includes(name)) continue;
    const guess = closestName(name, CLIENT_OPTIONS);
    throw new SsoError('invalid_argument',
      `createSsoClient does not know the option "${name.slice(0, 60)}"` +
      (guess ? `: did you mean "${guess}"?` : `; the options are ${CLIENT_OPTIONS.join(', ')}`),
      { option: name.slice(0, 60), ...(guess ? { suggestion: guess } : {}) });
  }
  for (const name of ['issuer', 'clientId', 'redirectUri']) {
    if (typeof options[name] !== 'string' || options[name] === '') {
      throw new SsoError('invalid_argument',
        `createSsoClient needs ${name} as a non-empty string (issuer, clientId and redirectUri are required)`, { option: name });
    }
  }
}

/**
 * A discovery fetch that failed without an HTTP answer. A page cannot tell why: the browser
 * reports a 404 or an error page without CORS headers, a provider that refuses this origin and an
 * unreachable host alike ("Failed to fetch"). The error keeps its code and names the URL tried and
 * the likely causes.
 */
export function discoveryFetchFailed(error, url) {
  if (!(error instanceof SsoError) || error.code !== 'network_error') return error;
  const inPage = typeof globalThis.document !== 'undefined';
  const causes = inPage
    ? 'the browser does not say why; the likely causes: the issuer URL is wrong (a 404 or an error page ' +
      'without CORS headers looks like this to a page), the provider does not allow requests from this ' +
      `origin (CORS: ${globalThis.location?.origin ?? 'this origin'}), or it is unreachable`
    : 'the provider is unreachable: check the issuer URL and the network';
  return new SsoError('network_error', `could not read the discovery document at ${url}: ${causes} (${error.message})`,
    { ...error.details, url });
}
