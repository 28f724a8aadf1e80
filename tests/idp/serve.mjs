#!/usr/bin/env node
// Runs the test identity provider for another process (a native test, a sample):
//   node tests/idp/serve.mjs [--access-token-ttl N] [--id-token-ttl N] [--refresh-token-ttl N]
//        [--no-rotate-refresh-tokens] [--id-token-profile-claims] [--web-redirect-uri URI ...]
// Prints one JSON line {"issuer","port","clients"} on stdout, then serves until stdin closes or
// SIGTERM/SIGINT, and stops cleanly. Everything else goes to stderr.
import { startProvider } from './provider.mjs';

function usage(message) {
  process.stderr.write(`serve.mjs: ${message}\n`);
  process.exit(2);
}

const options = {};
const webRedirectUris = [];
const args = process.argv.slice(2);
const seconds = (flag, value) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) usage(`${flag} needs a positive whole number of seconds`);
  return n;
};
for (let i = 0; i < args.length; i++) {
  const flag = args[i];
  switch (flag) {
    case '--access-token-ttl': options.accessTokenTtl = seconds(flag, args[++i]); break;
    case '--id-token-ttl': options.idTokenTtl = seconds(flag, args[++i]); break;
    case '--refresh-token-ttl': options.refreshTokenTtl = seconds(flag, args[++i]); break;
    case '--device-code-ttl': options.deviceCodeTtl = seconds(flag, args[++i]); break;
    case '--no-rotate-refresh-tokens': options.rotateRefreshTokens = false; break;
    case '--id-token-profile-claims': options.idTokenProfileClaims = true; break;
    case '--web-redirect-uri':
      if (!args[i + 1]) usage('--web-redirect-uri needs a URI');
      webRedirectUris.push(args[++i]);
      break;
    default: usage(`unknown argument ${flag}`);
  }
}
if (webRedirectUris.length) options.webRedirectUris = webRedirectUris;

const idp = await startProvider(options);
process.stdout.write(`${JSON.stringify({ issuer: idp.issuer, port: idp.port, clients: idp.clients })}\n`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await idp.stop();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();
