#!/usr/bin/env node
// One command for the StreamHub sample: starts the portal and the test OpenID provider
// (oidc-provider on 127.0.0.1) and prints the URL to open.
//
//   node samples/portal/run.mjs [--port 8080] [--access-token-ttl 3600] [--refresh-leeway 60]
//
// The provider's web client needs the exact redirect URI, so the portal starts first (its port
// is then known) and the provider is started with that URI registered.
import { startPortal } from './server.mjs';
import { startProvider } from '../../tests/idp/provider.mjs';

const args = process.argv.slice(2);
const opts = { port: 8080, accessTokenTtl: 3600, refreshLeeway: undefined };
function usage(message) {
  process.stderr.write(`run.mjs: ${message}\nusage: node samples/portal/run.mjs [--port N (0 = any free port)] [--access-token-ttl S] [--refresh-leeway S]\n`);
  process.exit(2);
}
for (let i = 0; i < args.length; i++) {
  const n = Number(args[i + 1]);
  switch (args[i]) {
    case '--port': if (!Number.isInteger(n) || n < 0) usage('--port needs a whole number'); opts.port = n; i++; break;
    case '--access-token-ttl': if (!Number.isInteger(n) || n <= 0) usage('--access-token-ttl needs seconds'); opts.accessTokenTtl = n; i++; break;
    case '--refresh-leeway': if (!Number.isInteger(n) || n < 0) usage('--refresh-leeway needs seconds'); opts.refreshLeeway = n; i++; break;
    case '-h': case '--help': usage('help'); break;
    default: usage(`unknown argument ${args[i]}`);
  }
}

let portal;
try {
  portal = await startPortal({ port: opts.port, refreshLeeway: opts.refreshLeeway });
} catch (e) {
  if (e.code === 'EADDRINUSE') usage(`port ${opts.port} is in use; pick another with --port N, or --port 0 for any free port`);
  throw e;
}
const idp = await startProvider({
  accessTokenTtl: opts.accessTokenTtl,
  webRedirectUris: [portal.redirectUri],
  webPostLogoutRedirectUris: [portal.postLogoutRedirectUri],
});
portal.configure({ issuer: idp.issuer, clientId: idp.clients.web.client_id });

process.stdout.write([
  '',
  `  StreamHub portal:  ${portal.url}/`,
  `  OpenID provider:   ${idp.issuer}  (client ${idp.clients.web.client_id})`,
  '',
  '  Sign in as viewer@example.com (Premium, active annual membership) or',
  '  lapsed@example.com (expired membership, no groups), with any password.',
  '  Press Ctrl+C to stop.',
  '',
].join('\n') + '\n');

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await Promise.all([portal.stop(), idp.stop()]);
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
