// Debian's Chromium through playwright-core (never a downloaded browser), with the flags it
// needs headless as root (DESIGN.md). Shared by the e2e suite and bench/portal_startup.mjs.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

export const CHROMIUM = process.env.SSOKIT_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    headless: true,
    timeout: 30_000,
  });
}

/** True for the URLs a test page may reach: loopback hosts and data:/blob:/about: URLs. */
export function isLoopback(url) {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return true;
  }
}

/**
 * A browser context closed by t.after, with `step` ms timeouts, page errors on stderr, and every
 * request to a non-loopback host aborted (name not resolved) and recorded in `blocked`.
 */
export async function newLoopbackContext(browser, t, { step = 15_000, viewport = { width: 1280, height: 860 } } = {}) {
  const context = await browser.newContext({ viewport });
  t.after(() => context.close());
  context.setDefaultTimeout(step);
  context.setDefaultNavigationTimeout(step);
  context.on('page', (page) => {
    page.on('pageerror', (e) => process.stderr.write(`[page error] ${page.url()}: ${e.message}\n`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/ERR_INTERNET_DISCONNECTED|ERR_BLOCKED_BY_CLIENT|Failed to load resource/.test(m.text())) {
        process.stderr.write(`[console error] ${page.url()}: ${m.text()}\n`);
      }
    });
  });
  const blocked = [];
  await context.route((url) => !isLoopback(url.href), (route) => {
    blocked.push(route.request().url());
    return route.abort('namenotresolved');
  });
  return { context, blocked };
}

/**
 * Drives the test provider's pages (tests/idp/provider.mjs: dev login form, consent) in `page`
 * until `isBack(url)` holds, at most 6 pages; returns that URL. `cancel`: press the login page's
 * "[ Cancel ]" instead of signing in. Never waits for 'load' (the pages' web fonts fail offline).
 */
export async function driveProvider(page, { issuer, isBack, login = 'viewer@example.com', cancel = false, step = 15_000 }) {
  const origin = new URL(issuer).origin;
  await page.waitForURL((u) => u.origin === origin, { timeout: step, waitUntil: 'commit' });
  for (let i = 0; i < 6; i++) {
    await page.waitForURL((u) => isBack(u) || u.pathname.startsWith('/interaction/'), { timeout: step, waitUntil: 'domcontentloaded' });
    const here = page.url();
    if (isBack(new URL(here))) return here;
    if (cancel) {
      await page.click('.login-help a:has-text("Cancel")', { noWaitAfter: true });
    } else if (await page.locator('input[name="login"]').count()) {
      await page.fill('input[name="login"]', login);
      await page.fill('input[name="password"]', 'any-password');
      await page.click('button.login-submit', { noWaitAfter: true });
    } else {
      await page.click('button[type="submit"]', { noWaitAfter: true });
    }
    await page.waitForURL((u) => u.href !== here, { timeout: step, waitUntil: 'commit' });
  }
  throw new Error('the provider did not send the browser back within 6 pages');
}

/**
 * A static server on 127.0.0.1 for a built page: the files of `dir`, `config` as /config.json (read
 * at each request, so it can be filled in later), and index.html for any path without a file
 * extension (the page's own routes: /, /callback, /library). Returns { url, stop }.
 */
export async function serveStatic(dir, config) {
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    if (pathname === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(config));
    }
    const file = resolve(dir, '.' + (extname(pathname) === '' ? '/index.html' : pathname));
    if (!file.startsWith(dir + sep)) { res.writeHead(404); return res.end(); }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, stop: () => new Promise((r) => server.close(r)) };
}

