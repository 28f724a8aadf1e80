// The CI size check (issue 8): the browser payload of a portal page (createSsoClient bundled and
// minified, plus ssokit-core.wasm, gzip -9) stays within bench/size-budget.json. What each part
// costs: node bench/size_breakdown.mjs; beside the peer SDKs: node bench/peer_sizes.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budget, measureBrowserPayload } from '../../bench/browser_payload.mjs';

test('the browser payload stays within its budget', async () => {
  const p = await measureBrowserPayload();
  const limit = budget.browser_payload_gzip9_bytes;
  assert.ok(p.total_gzip9 <= limit,
    `browser payload ${p.total_gzip9} B gzip -9 (JS ${p.js_gzip9} + wasm ${p.wasm_gzip9}) is over the budget of ${limit} B: ` +
    'see node bench/size_breakdown.mjs for what grew');
});

test('the browser payload leaves the server-only platform code out', async () => {
  // The server build carries the secret-holding platform calls; the browser build must be smaller.
  const { readFileSync } = await import('node:fs');
  const browser = readFileSync(new URL('../../web/dist/ssokit-core.wasm', import.meta.url)).length;
  const server = readFileSync(new URL('../../web/dist/ssokit-server.wasm', import.meta.url)).length;
  assert.ok(browser < server, `ssokit-core.wasm (${browser} B) should be smaller than ssokit-server.wasm (${server} B)`);
});
