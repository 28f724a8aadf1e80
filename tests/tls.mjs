// An https server on 127.0.0.1 with a new self-signed certificate (openssl): a network attacker's,
// as far as a client that has not been told to trust it can tell. For the TLS checks of the CLI
// (tests/idp/security.test.mjs) and of the Node transport (tests/wasm/transport.test.mjs).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts it with `handler(req, res)`. Returns {base: 'https://127.0.0.1:PORT', cert: the PEM file's
 * path (for NODE_EXTRA_CA_CERTS), stop()}; stop() closes the server and removes the files.
 */
export async function startSelfSignedServer(handler) {
  const dir = mkdtempSync(join(tmpdir(), 'ssokit-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  let server;
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, handler);
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  } catch (e) {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    base: `https://127.0.0.1:${server.address().port}`,
    cert,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
