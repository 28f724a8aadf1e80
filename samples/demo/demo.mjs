// The demo: a real sign-in against the embedded local OpenID provider (oidc-provider on
// 127.0.0.1), once natively with the ssokit CLI (loopback redirect, RFC 8252) and once through
// WebAssembly in Node with createSsoClient, then a DPoP-bound sign-in (RFC 9449: the tokens are
// bound to a key the client holds) whose access token calls a small loopback API that checks the
// proof. The "browser" is a scripted user agent that fills in the provider's own login and
// consent pages over HTTP.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createSsoClient } from '../../web/src/index.js';
import { startProvider } from '../../tests/idp/harness.mjs';
import { completeAuthorization } from '../../tests/idp/user-agent.mjs';
import { startDpopApi } from '../../tests/idp/dpop-api.mjs';

const cli = fileURLToPath(new URL('../../build/bin/ssokit', import.meta.url));
const user = process.env.SSOKIT_DEMO_USER ?? 'viewer@example.com';
const scope = 'openid profile email groups membership';

function show(title, profile) {
  console.log(`\n${title}`);
  console.log(`  signed in as ${profile.firstName ?? ''} ${profile.lastName ?? ''} <${profile.email ?? '?'}> (userId ${profile.userId})`);
  console.log(`  membership: ${profile.membershipStatus ?? '-'} / ${profile.membershipType ?? '-'}; groups: ${(profile.groups ?? []).join(', ') || '-'}`);
  console.log(`  profile: ${JSON.stringify(profile)}`);
}

// Native: `ssokit login` prints "Open: <url>" on stderr, waits on its loopback redirect URI.
function nativeSignIn(issuer) {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, ['login', '--issuer', issuer, '--client-id', 'ssokit-native', '--scope', scope, '--timeout', '60'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let opened = false;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', async (d) => {
      stderr += d;
      const m = /^Open: (\S+)$/m.exec(stderr);
      if (m && !opened) {
        opened = true;
        try {
          await completeAuthorization(m[1], { login: user, password: 'demo', follow: true });
        } catch (e) {
          child.kill();
          reject(e);
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ssokit login exited ${code}: ${stdout.trim()} ${stderr.trim()}`));
      resolve(JSON.parse(stdout));
    });
  });
}

async function wasmSignIn(issuer, options = {}) {
  const sso = await createSsoClient({ issuer, clientId: 'ssokit-native', redirectUri: 'http://127.0.0.1:7891/callback', scope, ...options });
  const { url } = await sso.login({ returnTo: '/library', redirect: false });
  const callbackUrl = await completeAuthorization(url, { login: user, password: 'demo' });
  return { sso, session: await sso.handleRedirectCallback(callbackUrl) };
}

// DPoP: the sign-in makes a new non-extractable key; sso.fetch sends the token as
// "Authorization: DPoP" with a fresh proof, and answers the API's nonce challenge once.
async function dpopSignIn(issuer, idp) {
  const api = await startDpopApi({ idp, requireNonce: true });
  try {
    const { sso, session } = await wasmSignIn(issuer, { dpop: true });
    const response = await sso.fetch(api.url);
    const answer = await response.json();
    if (response.status !== 200) throw new Error(`the DPoP API refused the call: ${JSON.stringify(answer)}`);
    console.log('\nDPoP-bound sign-in (createSsoClient({ dpop: true })):');
    console.log(`  signed in as ${session.claims.sub}; the access token is bound to the key ${answer.jkt} (its RFC 7638 thumbprint)`);
    console.log(`  the API at ${api.origin} took it as "Authorization: DPoP" with a proof it checked: signature, htm, htu, iat, jti, ath, nonce`);
    console.log(`  API requests: ${api.requests.map((r) => `${r.status} ${r.reason}`).join(', ')} (the first asks for the API's DPoP nonce)`);
    await sso.logout({ redirect: false });
    return answer;
  } finally {
    await api.stop();
  }
}

const idp = await startProvider({ dpop: 'optional' });
try {
  console.log(`local OpenID provider: ${idp.issuer}`);
  const native = await nativeSignIn(idp.issuer);
  show('native (build/bin/ssokit login):', native.profile);
  const wasm = (await wasmSignIn(idp.issuer)).session;
  show('WebAssembly in Node (createSsoClient):', wasm.profile);
  if (native.profile.userId !== wasm.profile.userId) throw new Error('the two sign-ins disagree on the user');
  const bound = await dpopSignIn(idp.issuer, idp);
  if (bound.sub !== wasm.claims.sub) throw new Error('the DPoP sign-in is about another user');
  console.log('\nevery sign-in validated the ID token signature and claims, checked state, nonce, PKCE and RFC 9207 iss.');
} finally {
  await idp.stop();
}
