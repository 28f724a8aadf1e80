// Set-top footprint: the stripped size of the set-top sample (x86_64, and armhf/aarch64 when
// their cross builds exist) and the peak heap of a full device sign-in (valgrind massif), the
// viewer's step done by the scripted user agent against the local oidc-provider.
// Run: node bench/settop_footprint.mjs   (after scripts/bootstrap.sh; bash scripts/cross.sh for ARM)
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProvider, completeDeviceAuthorization } from '../tests/idp/harness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ssokit-footprint-'));

function strippedSize(binary, strip) {
  if (!existsSync(binary)) return null;
  const copy = join(dir, 'stripped');
  copyFileSync(binary, copy);
  execFileSync(strip, [copy]);
  return statSync(copy).size;
}
const sizes = {
  x86_64: strippedSize(`${root}/build/bin/settop`, 'strip'),
  armhf: strippedSize(`${root}/build/armhf/bin/settop`, 'arm-linux-gnueabihf-strip'),
  aarch64: strippedSize(`${root}/build/aarch64/bin/settop`, 'aarch64-linux-gnu-strip'),
};

const provider = await startProvider({});
let peak = null;
try {
  const massifOut = join(dir, 'massif.out');
  const child = spawn('valgrind', ['--tool=massif', '--pages-as-heap=no', `--massif-out-file=${massifOut}`,
    `${root}/build/bin/settop`, '--issuer', provider.issuer, '--client-id', 'ssokit-native', '--store', join(dir, 'store')],
  { env: { ...process.env, SSOKIT_STORE_KEY: '11'.repeat(32) }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let approving;
  child.stdout.on('data', (d) => {
    out += d;
    const m = /^Visit: (\S+)$/m.exec(out);
    if (m && !approving) approving = completeDeviceAuthorization(m[1], { login: 'viewer@example.com', password: 'x' });
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  await approving;
  if (code !== 0) throw new Error(`settop failed: ${out}`);
  // massif snapshots: the peak is the largest mem_heap_B + mem_heap_extra_B.
  const text = readFileSync(massifOut, 'utf8');
  const heap = [...text.matchAll(/mem_heap_B=(\d+)\nmem_heap_extra_B=(\d+)/g)].map((m) => Number(m[1]) + Number(m[2]));
  peak = Math.max(...heap);
} finally {
  await provider.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ settop_stripped_bytes: sizes, device_sign_in_peak_heap_bytes: peak,
  peak_heap_kib: peak && +(peak / 1024).toFixed(1) }, null, 2));
