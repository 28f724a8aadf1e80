#!/usr/bin/env node
// StreamHub sample portal: a tiny static server (node:http only) on 127.0.0.1.
//
//   /                 the portal page (also /callback and /watch/<id>: the page routes itself)
//   /config.json      issuer, clientId, redirectUri, ... for the page
//   /ssokit/...       the ssokit web package (web/src and web/dist), loaded as ES modules
//   /<file>           samples/portal/public/<file>
//
// As a module: `const portal = await startPortal({ issuer, clientId, port: 0 })`, then
// portal.url, portal.configure({...}) and portal.stop().
// As a CLI:    node samples/portal/server.mjs --issuer URL [--client-id ID] [--port N]
import { createServer } from 'node:http';
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const PUBLIC_DIR = resolve(here, 'public');
const WEB_DIR = resolve(here, '../../web');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

// Paths the page handles itself (client-side routes): they all get index.html.
const PAGE_ROUTES = [/^\/$/, /^\/callback$/, /^\/watch\/[a-z0-9-]+$/, /^\/logged-out$/];

/** Resolves `rel` inside `root`, or null if it would leave it. */
function inside(root, rel) {
  let decoded;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = resolve(root, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  return full === root || full.startsWith(root + sep) ? full : null;
}

/**
 * Starts the portal server.
 * @param {object} options
 * @param {string} [options.issuer] the OpenID provider (can be set later with configure())
 * @param {string} [options.clientId='ssokit-web']
 * @param {number} [options.port=0] 0 picks a free port
 * @param {string} [options.scope]
 * @param {'memory'|'session'|'local'} [options.storage='local'] where the page keeps the session
 * @param {number} [options.refreshLeeway] seconds (the package's default when omitted)
 * @param {boolean} [options.autoRefresh] renew the access token before it expires (default false)
 * @param {Record<string,string>} [options.mounts] extra URL prefix -> directory (benchmarks)
 * @param {Array<{path: string|RegExp, handle: (req, res, ctx) => Promise<void>|void}>} [options.routes]
 *   server-side routes (the video platforms' pages in samples/portal/platforms/), matched before the
 *   static files; any method. ctx: { origin, config, send }.
 */
export async function startPortal(options = {}) {
  const { port = 0, mounts = {}, routes = [] } = options;
  const config = {
    issuer: options.issuer ?? null,
    clientId: options.clientId ?? 'ssokit-web',
    scope: options.scope ?? 'openid profile email groups membership',
    storage: options.storage ?? 'local',
    transactionStorage: options.transactionStorage ?? 'session',
    // The test provider's membership claims (the 'oidc' preset maps no membership fields).
    profileMapping: options.profileMapping ?? {
      extends: 'oidc',
      fields: { membershipStatus: ['/membership_status'], membershipType: ['/membership_type'] },
    },
  };
  if (options.refreshLeeway !== undefined) config.refreshLeeway = options.refreshLeeway;
  if (options.autoRefresh) config.autoRefresh = true;

  const roots = [
    ['/ssokit/src/', join(WEB_DIR, 'src')],
    ['/ssokit/dist/', join(WEB_DIR, 'dist')],
    ...Object.entries(mounts).map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : prefix + '/', resolve(dir)]),
  ];

  let origin = '';
  const server = createServer(async (req, res) => {
    try {
      await handle(req, res);
    } catch (e) {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `internal error: ${e.message}\n`);
      else res.destroy();
    }
  });

  function send(res, status, type, body, extra = {}) {
    res.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      ...extra,
    });
    res.end(body);
  }

  async function sendFile(req, res, file) {
    let info;
    try {
      info = await stat(file);
    } catch {
      info = null;
    }
    if (!info || !info.isFile()) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    const body = await readFile(file);
    const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
    return send(res, 200, type, req.method === 'HEAD' ? undefined : body);
  }

  // The page, with preload hints for the whole package so the browser fetches the modules, the
  // .wasm and the config in parallel instead of one import level after another (the first
  // redirect to the provider waits for all of them).
  async function sendPage(req, res) {
    const html = await readFile(join(PUBLIC_DIR, 'index.html'), 'utf8');
    // Not node-host.js (Node's loader, package.json "imports") nor react.js (ssokit/react): this page loads neither.
    const modules = (await readdir(join(WEB_DIR, 'src')).catch(() => [])).filter((f) => f.endsWith('.js') && f !== 'node-host.js' && f !== 'react.js').sort();
    const hints = [
      '<link rel="preload" href="/config.json" as="fetch" crossorigin>',
      ...modules.map((f) => `<link rel="modulepreload" href="/ssokit/src/${f}">`),
      '<link rel="preload" href="/ssokit/dist/ssokit-core.wasm" as="fetch" type="application/wasm" crossorigin>',
    ].join('\n  ');
    return send(res, 200, MIME['.html'], req.method === 'HEAD' ? undefined : html.replace('<!--ssokit-preload-->', hints));
  }

  async function handle(req, res) {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    const route = routes.find((r) => (typeof r.path === 'string' ? r.path === path : r.path.test(path)));
    if (route) return route.handle(req, res, { origin, config, send: (...a) => send(res, ...a) });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
    }
    const { pathname } = new URL(req.url, origin || 'http://127.0.0.1');
    if (pathname === '/config.json') {
      const body = JSON.stringify({
        ...config,
        redirectUri: `${origin}/callback`,
        postLogoutRedirectUri: `${origin}/`,
      });
      return send(res, 200, MIME['.json'], body);
    }
    if (PAGE_ROUTES.some((r) => r.test(pathname))) return sendPage(req, res);
    for (const [prefix, dir] of roots) {
      if (pathname.startsWith(prefix)) {
        const file = inside(dir, pathname.slice(prefix.length));
        return file ? sendFile(req, res, file) : send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
      }
    }
    const file = inside(PUBLIC_DIR, pathname);
    return file ? sendFile(req, res, file) : send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }

  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const actualPort = server.address().port;
  origin = `http://127.0.0.1:${actualPort}`;

  let stopped;
  return {
    url: origin,
    port: actualPort,
    server,
    redirectUri: `${origin}/callback`,
    postLogoutRedirectUri: `${origin}/`,
    /** Changes what /config.json serves (e.g. the issuer, once the provider runs). */
    configure(patch) {
      Object.assign(config, patch);
    },
    get config() {
      return { ...config, redirectUri: `${origin}/callback`, postLogoutRedirectUri: `${origin}/` };
    },
    stop() {
      stopped ??= new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections?.();
        for (const s of sockets) s.destroy();
      });
      return stopped;
    },
  };
}

// CLI mode.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opts = {};
  const usage = (m) => {
    process.stderr.write(`server.mjs: ${m}\nusage: node samples/portal/server.mjs --issuer URL [--client-id ID] [--port N] [--storage local|session|memory] [--refresh-leeway S]\n`);
    process.exit(2);
  };
  for (let i = 0; i < args.length; i++) {
    const v = args[i + 1];
    switch (args[i]) {
      case '--issuer': opts.issuer = v; i++; break;
      case '--client-id': opts.clientId = v; i++; break;
      case '--port': opts.port = Number(v); i++; if (!Number.isInteger(opts.port) || opts.port < 0) usage('--port needs a whole number'); break;
      case '--storage': opts.storage = v; i++; break;
      case '--refresh-leeway': opts.refreshLeeway = Number(v); i++; break;
      case '-h': case '--help': usage('help');
      // falls through (usage exits)
      default: usage(`unknown argument ${args[i]}`);
    }
  }
  if (!opts.issuer) usage('--issuer is required');
  const portal = await startPortal(opts);
  process.stdout.write(`StreamHub portal: ${portal.url}/  (redirect URI ${portal.redirectUri})\n`);
  const shutdown = async () => { await portal.stop(); process.exit(0); };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
