// Compiles the core's ID-token validation path while the code exchange is on the network.
// Browsers compile WebAssembly lazily, a function on its first call: a callback page's first
// validation spent ~10 ms compiling (BENCHMARKS.md, "first ID-token validation") after the
// token response had arrived. One validation of a made-up token in the meantime (its keys are
// the P-256 base point and a dummy 2048-bit modulus, its signature zeros) runs that code once.
// It stops at the verify effect: nothing is verified, kept or imported, and errors are ignored.

// ASCII-only JSON, so btoa sees no character above 0xFF.
const json64 = (value) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

const ISSUER = 'https://warm-up.invalid';
const KEYS = {
  keys: [
    // P-256's base point G (SEC 2, 2.4.2): a point on the curve, as the JWK rules require.
    { kty: 'EC', crv: 'P-256', kid: 'warm-ec', x: 'axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY', y: 'T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU' },
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
