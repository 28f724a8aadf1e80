#!/usr/bin/env node
// Plays the browser for one authorization URL of the test identity provider:
//   node tests/idp/authorize.mjs URL [--login NAME] [--password P] [--follow]
// Prints the URL the provider redirects to (redirect_uri?code=..&state=..). With --follow it
// also requests that URL (e.g. a CLI's loopback listener) and prints {"url","status","body"}
// as JSON. Exit 1 with a message on stderr when the flow fails.
import { completeAuthorization } from './user-agent.mjs';

const args = process.argv.slice(2);
let url;
const options = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--follow') options.follow = true;
  else if (a === '--login') options.login = args[++i];
  else if (a === '--password') options.password = args[++i];
  else if (!url && !a.startsWith('--')) url = a;
  else {
    process.stderr.write(`authorize.mjs: unknown argument ${a}\n`);
    process.exit(2);
  }
}
if (!url) {
  process.stderr.write('usage: node tests/idp/authorize.mjs AUTHORIZATION_URL [--login NAME] [--follow]\n');
  process.exit(2);
}
try {
  const result = await completeAuthorization(url, options);
  process.stdout.write(`${typeof result === 'string' ? result : JSON.stringify(result)}\n`);
} catch (error) {
  process.stderr.write(`authorize.mjs: ${error.message}\n`);
  process.exit(1);
}
