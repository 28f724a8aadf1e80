// Compiles the core's ID-token validation path while the code exchange is on the network.
// Browsers compile WebAssembly lazily, a function on its first call: a callback page's first
// validation spent ~10 ms compiling (BENCHMARKS.md, "first ID-token validation") after the
// token response had arrived. One validation of a made-up token in the meantime (its keys are
// the P-256 base point and a dummy 2048-bit modulus, its signature zeros) runs that code once.
// It stops at the verify effect: nothing is verified, kept or imported, and errors are ignored.

const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const json64 = (value) => b64url(new TextEncoder().encode(JSON.stringify(value)));
const hex64 = (hex) => b64url(hex.match(/../g).map((byte) => parseInt(byte, 16)));

const ISSUER = 'https://warm-up.invalid';
const KEYS = {
  keys: [
    { kty: 'EC', crv: 'P-256', kid: 'warm-ec',
      x: hex64('6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296'),
      y: hex64('4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5') },
    { kty: 'RSA', kid: 'warm-rsa', e: 'AQAB', n: 'w' + 'A'.repeat(341) },
  ],
};

/** Runs the validation path once per key type with `core` ({call}); never throws. */
export function warmValidation(core) {
  const now = 1_700_000_000;
  const claims = json64({ iss: ISSUER, aud: 'warm-up', sub: 'warm-up', iat: now, exp: now + 60, nonce: 'warm-up' });
  for (const [alg, kid, signatureChars] of [['ES256', 'warm-ec', 86], ['RS256', 'warm-rsa', 342]]) {
    try {
      const token = `${json64({ alg, kid })}.${claims}.${'A'.repeat(signatureChars)}`;
      const step = core.call('id_token.validate', {
        id_token: token, jwks: KEYS, expect: { issuer: ISSUER, client_id: 'warm-up', nonce: 'warm-up', now },
      });
      // The state's way back (an unverified signature is an error): compiles the step's parsing.
      if (step && step.state) core.call('flow.step', { state: step.state, verified: false, now });
    } catch { /* expected: a warm-up has no result */ }
  }
}

/** Schedules warmValidation after the current task, i.e. once the caller awaits the network. */
export function warmValidationSoon(core) {
  setTimeout(() => warmValidation(core), 0);
}
