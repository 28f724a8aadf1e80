// Browser payload of a portal page's sign-in SDK, ssokit beside its peers, bundled the same way
// in the same run: esbuild (ESM, minified, browser), gzip -9. For ssokit the .wasm (loaded beside
// the bundle) is added. Run: node bench/peer_sizes.mjs   (after scripts/bootstrap.sh)
import { readFileSync } from 'node:fs';
import { bundle, gzip9 as gz, measureBrowserPayload, root } from './browser_payload.mjs';

const version = (name) => JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, 'utf8')).version;
const peers = {
  'oidc-client-ts': "export { UserManager } from 'oidc-client-ts';",
  '@auth0/auth0-spa-js': "export { createAuth0Client } from '@auth0/auth0-spa-js';",
  '@azure/msal-browser': "export { PublicClientApplication } from '@azure/msal-browser';",
  'keycloak-js': "export { default } from 'keycloak-js';",
  // oauth4webapi is a toolkit: the functions a code flow with PKCE calls, as a page would import them.
  oauth4webapi: "export { discoveryRequest, processDiscoveryResponse, generateRandomCodeVerifier, calculatePKCECodeChallenge, " +
    "generateRandomState, generateRandomNonce, validateAuthResponse, authorizationCodeGrantRequest, processAuthorizationCodeResponse, " +
    "refreshTokenGrantRequest, processRefreshTokenResponse, None } from 'oauth4webapi';",
};
const rows = [];
for (const [name, entry] of Object.entries(peers)) {
  const js = await bundle(entry);
  rows.push({ sdk: `${name} ${version(name)}`, js_gzip9: gz(js), wasm_gzip9: 0, total_gzip9: gz(js) });
}
const ssokit = await measureBrowserPayload();
rows.unshift({ sdk: 'ssokit (JS + .wasm)', js_gzip9: ssokit.js_gzip9, wasm_gzip9: ssokit.wasm_gzip9, total_gzip9: ssokit.total_gzip9 });
console.log(JSON.stringify({ bundler: `esbuild ${version('esbuild')}`, raw_js_ssokit: ssokit.js_raw, raw_wasm: ssokit.wasm_raw, rows }, null, 2));
