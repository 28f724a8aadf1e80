// Node start-up: a fresh process, from nothing to the first authorization URL (discovery fetched
// from a local issuer, PKCE, state, nonce), ssokit beside openid-client in the same run.
// Each sample is a new `node` process; medians of --runs (default 10), alternating the two SDKs
// so that machine load hits both alike. Run: node bench/node_startup.mjs [--runs 10]
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;
const root = fileURLToPath(new URL('..', import.meta.url));

// A static issuer on loopback: discovery is the only request either SDK makes.
const server = createServer((req, res) => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  if (req.url !== '/.well-known/openid-configuration') { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
    issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`, response_types_supported: ['code'], subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'], code_challenge_methods_supported: ['S256'],
  }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const redirectUri = 'http://127.0.0.1:5173/callback';

// Each probe prints the in-process time (first line of the script to the URL) and the URL.
// `extra`: more createSsoClient options, as source text.
const ssokitProbe = (extra = '') => `const t0 = performance.now();
const { createSsoClient } = await import(${JSON.stringify(new URL('../web/src/index.js', import.meta.url).href)});
const sso = await createSsoClient({ issuer: ${JSON.stringify(issuer)}, clientId: 'bench', redirectUri: ${JSON.stringify(redirectUri)}${extra} });
const { url } = await sso.login({ redirect: false });
console.log(performance.now() - t0, url);`;
const probes = {
  ssokit: ssokitProbe(),
  // With warmUp the discovery request is sent before the core loads, so the core's WebAssembly is
  // compiled after the process's first request (core.js compiles it synchronously in Node: after
  // a first fetch() an asynchronous compile waited about 100 ms longer). The requests go through
  // node:http (web/src/node-http.js); the third row is the same probe with the global fetch.
  'ssokit-warmup': ssokitProbe(', warmUp: true'),
  'ssokit-fetch': ssokitProbe(', fetch: globalThis.fetch'),
  'openid-client': `const t0 = performance.now();
const client = await import('openid-client');
const config = await client.discovery(new URL(${JSON.stringify(issuer)}), 'bench', undefined, undefined, { execute: [client.allowInsecureRequests] });
const verifier = client.randomPKCECodeVerifier();
const url = client.buildAuthorizationUrl(config, { redirect_uri: ${JSON.stringify(redirectUri)}, scope: 'openid profile email',
  code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  state: client.randomState(), nonce: client.randomNonce() });
console.log(performance.now() - t0, url.href);`,
};

function sample(script) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: root, timeout: 30000, env: { ...process.env, NODE_PATH: '' } },
      (err, stdout) => {
        if (err) { reject(err); return; }
        const [ms, url] = stdout.trim().split(' ');
        if (!url.startsWith(`${issuer}/auth?`) || !url.includes('code_challenge=')) { reject(new Error(`unexpected URL ${url}`)); return; }
        resolve({ wall: performance.now() - t0, inProcess: Number(ms) });
      });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(Object.keys(probes).map((k) => [k, { wall: [], inProcess: [] }]));
try {
  for (const name of Object.keys(probes)) await sample(probes[name]);  // warm the file cache once
  for (let i = 0; i < runs; i++) {
    for (const [name, script] of Object.entries(probes)) {
      const s = await sample(script);
      results[name].wall.push(s.wall);
      results[name].inProcess.push(s.inProcess);
    }
  }
} finally {
  server.close();
}
const version = (name) => JSON.parse(readFileSync(`${root}/node_modules/${name}/package.json`, 'utf8')).version;
console.log(JSON.stringify({
  node: process.version, runs, 'openid-client': version('openid-client'),
  median_ms: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, {
    process_wall: +median(r.wall).toFixed(1), import_to_authorization_url: +median(r.inProcess).toFixed(1),
  }])),
}, null, 2));
