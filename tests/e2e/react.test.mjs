// The React sample (samples/react: ssokit/react's SsoProvider, useSso, RequireSignIn, in
// StrictMode) built by Vite and run in Debian's Chromium against the real provider: sign-in from
// a guarded page, reload, sign-out, and Cancel at the provider.
//
//   node --test tests/e2e/react.test.mjs
//
// One browser for the file; the provider and the static server listen on 127.0.0.1 and are
// stopped by the test; the build goes to a temporary folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { driveProvider, launchChromium, newLoopbackContext, serveStatic } from './browser.mjs';
import { startProvider } from '../idp/provider.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STEP = 15_000;

let browser;
let out;
before(async () => {
  out = await mkdtemp(join(tmpdir(), 'ssokit-react-'));
  const sample = join(ROOT, 'samples', 'react');
  try {
    await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'vite'),
      ['build', sample, '--config', join(sample, 'vite.config.mjs'), '--outDir', out, '--emptyOutDir'], { cwd: sample, timeout: 120_000 });
  } catch (e) {
    throw new Error(`vite build of samples/react failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

async function startStack(t) {
  const config = {};
  const site = await serveStatic(out, config);
  t.after(() => site.stop());
  const idp = await startProvider({ webRedirectUris: [`${site.url}/callback`] });
  t.after(() => idp.stop());
  Object.assign(config, { issuer: idp.issuer, clientId: idp.clients.web.client_id });
  return { site, idp };
}

test('React: a guarded page signs in through the provider, survives a reload, signs out', { timeout: 90_000 }, async (t) => {
  const { site, idp } = await startStack(t);
  const { context } = await newLoopbackContext(browser, t, { step: STEP });
  const page = await context.newPage();
  const tokenRequests = [];
  page.on('request', (r) => { if (r.method() === 'POST' && /grant_type=authorization_code/.test(r.postData() ?? '')) tokenRequests.push(r.url()); });

  // <RequireSignIn> on /library starts the sign-in by itself.
  await page.goto(`${site.url}/library`, { waitUntil: 'commit' });
  await driveProvider(page, { issuer: idp.issuer, isBack: (u) => u.origin === site.url, step: STEP });
  await page.waitForSelector('header[data-status="signed-in"]');
  await page.waitForSelector('#library[data-token="yes"]');
  assert.equal(new URL(page.url()).pathname, '/library', 'back on the page that asked, without code or state');
  assert.equal(new URL(page.url()).search, '');
  assert.equal(await page.textContent('#name'), 'Vera');
  assert.equal(tokenRequests.length, 1, 'StrictMode\'s double mount completes the callback once');
  assert.equal(await page.locator('#error').count(), 0);

  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#library[data-token="yes"]');
  assert.equal(await page.textContent('#name'), 'Vera');

  await page.goto(`${site.url}/`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('header[data-status="signed-in"]');
  await page.click('#logout');
  await page.waitForSelector('header[data-status="signed-out"]');
  assert.equal(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.endsWith('.session')).length), 0, 'the session is gone');

  // Signed out, the guarded page asks the provider again: its session is alive, so it answers at once.
  await page.goto(`${site.url}/library`, { waitUntil: 'commit' });
  await page.waitForSelector('#library[data-token="yes"]');
  assert.equal(tokenRequests.length, 2, 'a second sign-in');
});

test('React: Cancel at the provider shows access_denied and does not send the user straight back', { timeout: 90_000 }, async (t) => {
  const { site, idp } = await startStack(t);
  const { context } = await newLoopbackContext(browser, t, { step: STEP });
  const page = await context.newPage();
  await page.goto(`${site.url}/`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('header[data-status="signed-out"]');
  await page.click('#login', { noWaitAfter: true });
  await driveProvider(page, { issuer: idp.issuer, cancel: true, isBack: (u) => u.origin === site.url, step: STEP });
  await page.waitForSelector('#error');
  assert.equal(await page.getAttribute('#error', 'data-code'), 'access_denied');
  assert.equal(await page.getAttribute('header', 'data-status'), 'signed-out');
  assert.equal(new URL(page.url()).pathname, '/');
});
