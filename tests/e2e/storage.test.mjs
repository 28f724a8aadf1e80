// The IndexedDB storage adapter in Debian's Chromium: writes, reads, overwrites and removes,
// what survives a reload, and what a second tab of the origin sees. The sample portal serves the
// package (/ssokit/src/); nothing else is contacted. The portal is stopped by the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, newLoopbackContext } from './browser.mjs';
import { startPortal } from '../../samples/portal/server.mjs';

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

const inPage = (page, ops) => page.evaluate(async (ops) => {
  const { indexedDbStorage } = await import('/ssokit/src/index.js');
  const store = indexedDbStorage({ dbName: 'ssokit-test', storeName: 'kv' });
  const out = [];
  for (const [op, key, value] of ops) {
    if (op === 'get') out.push(await store.get(key));
    else if (op === 'set') out.push(await store.set(key, value) ?? null);
    else out.push(await store.remove(key) ?? null);
  }
  return out;
}, ops);

test('indexedDbStorage: reads and writes, kept across a reload, shared with another tab', { timeout: 60_000 }, async (t) => {
  const portal = await startPortal({ port: 0, issuer: 'http://127.0.0.1:9' });
  t.after(() => portal.stop());
  const { context } = await newLoopbackContext(browser, t);
  const page = await context.newPage();
  await page.goto(`${portal.url}/`, { waitUntil: 'domcontentloaded' });
  const big = 'x'.repeat(100_000);
  assert.deepEqual(await inPage(page, [
    ['get', 'a'], ['set', 'a', 'one'], ['get', 'a'], ['set', 'a', 'two'], ['get', 'a'],
    ['set', 'b', big], ['set', 'c', 'gone soon'], ['remove', 'c'], ['get', 'c'], ['remove', 'never-set'],
  ]), [null, null, 'one', null, 'two', null, null, null, null, null]);

  await page.reload({ waitUntil: 'domcontentloaded' });
  const [a, b] = await inPage(page, [['get', 'a'], ['get', 'b']]);
  assert.equal(a, 'two', 'kept across a reload');
  assert.equal(b, big);

  const other = await context.newPage();
  await other.goto(`${portal.url}/`, { waitUntil: 'domcontentloaded' });
  assert.deepEqual(await inPage(other, [['get', 'a'], ['set', 'a', 'from B']]), ['two', null]);
  assert.deepEqual(await inPage(page, [['get', 'a']]), ['from B'], 'the first tab reads what the second wrote');

  // On disk in the browser profile, as plain text: the README's trade-offs table says so.
  const raw = await page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('ssokit-test');
    req.onsuccess = () => {
      const get = req.result.transaction('kv').objectStore('kv').get('a');
      get.onsuccess = () => { resolve(get.result); req.result.close(); };
      get.onerror = () => reject(get.error);
    };
    req.onerror = () => reject(req.error);
  }));
  assert.equal(raw, 'from B', 'the value is stored as it was given (not encrypted)');
});
