// The cost of a DPoP proof (RFC 9449) in Debian's Chromium, as bench/dpop_proof.mjs measures it in
// Node: the core's part (dpop.proof through the page build's call interface, with 16 host random
// bytes for the jti) and the whole signed proof (plus the ES256 signature with the package's
// non-extractable WebCrypto key, web/src/dpop.js). Wall-clock time in one page.
//
//   node bench/dpop_proof_browser.mjs [iterations=2000]
import { launchChromium } from '../tests/e2e/browser.mjs';
import { startPortal } from '../samples/portal/server.mjs';

const iterations = Number(process.argv[2] ?? 2000);
const portal = await startPortal({
  port: 0,
  routes: [{ path: '/bench', handle: (req, res, { send }) => send(200, 'text/html; charset=utf-8', '<!doctype html><title>bench</title>') }],
});
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`${portal.url}/bench`, { waitUntil: 'domcontentloaded' });
  const result = await page.evaluate(async (iterations) => {
    const { loadCore } = await import('/ssokit/src/core.js');
    const { hostRandom } = await import('/ssokit/src/random.js');
    const { createDpopKey, signDpop } = await import('/ssokit/src/dpop.js');
    const core = await loadCore();
    const dpop = await createDpopKey();
    const params = () => ({ key: dpop.key, method: 'GET', url: 'https://api.example.com/v1/items?page=2', now: 1800000000, access_token: 'access-token-value', random: hostRandom(16) });
    const proof = async () => signDpop({ method: 'GET', url: 'https://api.example.com/v1/items', headers: [], sign: [core.call('dpop.proof', params())] }, dpop.privateKey);
    for (let i = 0; i < 200; i++) await proof();  // warm-up
    let t = performance.now();
    for (let i = 0; i < iterations; i++) core.call('dpop.proof', params());
    const build = ((performance.now() - t) * 1000) / iterations;
    t = performance.now();
    for (let i = 0; i < iterations; i++) await proof();
    const whole = ((performance.now() - t) * 1000) / iterations;
    return { browser: navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0], iterations, core_proof_us: Number(build.toFixed(1)), signed_proof_us: Number(whole.toFixed(1)) };
  }, iterations);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await portal.stop();
}
