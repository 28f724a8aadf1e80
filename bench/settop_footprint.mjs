// Set-top footprint: the stripped size of the set-top sample (x86_64, and armhf/aarch64 when
// their cross builds exist) and the peak heap of a full device sign-in (valgrind massif), the
// viewer's step done by the scripted user agent against the local oidc-provider; and the polling
// loop: peak heap and allocations with 1 and with 4 token polls before the viewer approves.
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

// One device sign-in of the set-top sample under valgrind (`tool`), the viewer approving after
// the sample has polled the token endpoint `polls` times (RFC 8628: the provider's interval, 5 s).
async function signIn(provider, tool, polls) {
  const out = join(dir, `${tool}-${polls}.out`);
  const toolArgs = tool === 'massif' ? ['--tool=massif', '--pages-as-heap=no', `--massif-out-file=${out}`] : ['--tool=memcheck', `--log-file=${out}`];
  let tokenPolls = 0;
  let approving;
  let visit;
  const approve = () => { approving ??= completeDeviceAuthorization(visit, { login: 'viewer@example.com', password: 'x' }); };
  const countPolls = (req) => {
    if (req.method !== 'POST' || !req.url.startsWith('/token')) return;
    tokenPolls += 1;
    if (visit && tokenPolls >= polls) approve();
  };
  provider.server.on('request', countPolls);
  try {
    const child = spawn('valgrind', [...toolArgs, `${root}/build/bin/settop`, '--issuer', provider.issuer, '--client-id', 'ssokit-native',
      '--store', join(dir, `store-${tool}-${polls}`)],
    { env: { ...process.env, SSOKIT_STORE_KEY: '11'.repeat(32) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      const m = /^Visit: (\S+)$/m.exec(text);
      if (m && !visit) { visit = m[1]; if (polls === 0) approve(); }
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    await approving;
    if (code !== 0) throw new Error(`settop failed: ${text}`);
  } finally {
    provider.server.off('request', countPolls);
  }
  const report = readFileSync(out, 'utf8');
  if (tool === 'massif') {
    // massif snapshots: the peak is the largest mem_heap_B + mem_heap_extra_B.
    const heap = [...report.matchAll(/mem_heap_B=(\d+)\nmem_heap_extra_B=(\d+)/g)].map((m) => Number(m[1]) + Number(m[2]));
    return { polls: tokenPolls, peak: Math.max(...heap) };
  }
  const m = /total heap usage: ([\d,]+) allocs, ([\d,]+) frees, ([\d,]+) bytes allocated/.exec(report);
  const n = (x) => Number(x.replaceAll(',', ''));
  return { polls: tokenPolls, allocs: n(m[1]), frees: n(m[2]), bytes: n(m[3]) };
}

const provider = await startProvider({});
let peak = null;
let polling = null;
try {
  peak = (await signIn(provider, 'massif', 0)).peak;
  // The polling loop: the same sign-in approved after 1 and after 4 token polls. The difference
  // per extra poll is what one poll costs (libcurl's request included); the peak must not move.
  const [m1, m4] = [await signIn(provider, 'massif', 1), await signIn(provider, 'massif', 4)];
  const [a1, a4] = [await signIn(provider, 'memcheck', 1), await signIn(provider, 'memcheck', 4)];
  const extra = a4.polls - a1.polls;
  polling = {
    token_polls: { short: a1.polls, long: a4.polls },
    peak_heap_bytes: { short: m1.peak, long: m4.peak },
    per_extra_poll: { allocs: Math.round((a4.allocs - a1.allocs) / extra), bytes: Math.round((a4.bytes - a1.bytes) / extra) },
    all_freed: a4.allocs === a4.frees && a1.allocs === a1.frees,
  };
} finally {
  await provider.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ settop_stripped_bytes: sizes, device_sign_in_peak_heap_bytes: peak,
  peak_heap_kib: peak && +(peak / 1024).toFixed(1), polling_loop: polling }, null, 2));
