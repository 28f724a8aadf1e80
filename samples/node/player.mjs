// Headless player sign-in through the web package (WebAssembly in Node): the set-top flow for
// player backends and CI smoke tests.
//
//   node samples/node/player.mjs --issuer URL --client-id ID --store FILE [--refresh] [--sign-out]
//
// First start: device sign-in (RFC 8628), the code and address printed for the viewer; the
// session is kept in FILE (mode 0600, a custom storage adapter of ~15 lines). Next start: signed
// in without prompting, the access token refreshed when due. Last line: "status: <word>".
import { readFile, writeFile, rename } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createSsoClient, SsoError } from '../../web/src/index.js';

const { values: args } = parseArgs({
  options: {
    issuer: { type: 'string' }, 'client-id': { type: 'string' }, store: { type: 'string' },
    refresh: { type: 'boolean', default: false }, 'sign-out': { type: 'boolean', default: false },
  },
});
if (!args.issuer || !args['client-id'] || !args.store) {
  console.error('usage: node samples/node/player.mjs --issuer URL --client-id ID --store FILE [--refresh] [--sign-out]');
  process.exit(2);
}

// A JSON file as the token store: written to a temporary file and renamed, so it is never half written.
function fileStorage(path) {
  const load = async () => {
    try { return JSON.parse(await readFile(path, 'utf8')); } catch (e) { if (e.code === 'ENOENT') return {}; throw e; }
  };
  const save = async (data) => {
    await writeFile(`${path}.tmp`, JSON.stringify(data), { mode: 0o600 });
    await rename(`${path}.tmp`, path);
  };
  return {
    async get(key) { return (await load())[key] ?? null; },
    async set(key, value) { const d = await load(); d[key] = value; await save(d); },
    async remove(key) { const d = await load(); delete d[key]; await save(d); },
  };
}

const sso = await createSsoClient({
  issuer: args.issuer,
  clientId: args['client-id'],
  redirectUri: 'http://127.0.0.1/callback',  // unused by the device grant, required by the client
  scope: 'openid profile email groups membership offline_access',
  storage: fileStorage(args.store),
  transactionStorage: 'memory',
  crossTab: false,
});

try {
  if (args['sign-out']) {
    if (await sso.isAuthenticated()) await sso.revoke();
    await sso.logout({ redirect: false, localOnly: true });
    console.log('Signed out.\nstatus: signed-out');
  } else {
    if (await sso.isAuthenticated()) {
      console.log('Welcome back.');
    } else {
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      await sso.deviceLogin({
        signal: controller.signal,
        onCode: ({ userCode, verificationUri, verificationUriComplete, expiresIn }) => {
          console.log('To watch, sign in on your phone or computer.');
          console.log(`Code: ${userCode}`);
          console.log(`Visit: ${verificationUriComplete ?? verificationUri}`);
          console.log(`(the code expires in ${Math.round(expiresIn / 60)} minutes)`);
        },
      });
      console.log('Signed in.');
    }
    if (args.refresh) {
      await sso.refresh();
      console.log('Session refreshed.');
    }
    const token = await sso.getAccessToken();
    const profile = await sso.getProfile();
    console.log(`Viewer: ${profile.firstName} ${profile.lastName} <${profile.email}>`);
    console.log(`Membership: ${profile.membershipStatus || '-'}; groups: ${profile.groups.join(', ') || '-'}`);
    console.log(`Access token: ${token.length} characters (not shown)`);
    console.log('status: signed-in');
  }
} catch (e) {
  const code = e instanceof SsoError ? e.code : 'internal_error';
  console.error(`player: ${code}: ${e.message}`);
  console.log(`status: error ${code}`);
  process.exitCode = 1;
} finally {
  sso.close?.();
}
