// Runs a program that does a device sign-in and prints "Visit: URL" on stdout (the samples, the
// C API programs) and, once that line appears, approves the code in the provider's pages
// (completeDeviceAuthorization, as the viewer by default). Bounded by `timeoutMs`: the program is
// killed when it runs over. Resolves {code, stdout, stderr, prompted} after the approval settled.
import { spawn } from 'node:child_process';
import { completeDeviceAuthorization } from './user-agent.mjs';

export const VIEWER = { login: 'viewer@example.com', password: 'x' };

export function runApprovingDevice(argv, {
  env, timeoutMs = 60000, approve = true, credentials = VIEWER, approvalMayFail = false, label = argv[0],
} = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let approving;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${label} timed out: ${stdout} ${stderr}`)); }, timeoutMs);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /^Visit: (\S+)$/m.exec(stdout);
      if (m && approve && !approving) {
        approving = completeDeviceAuthorization(m[1], credentials);
        approving.catch(() => {});
      }
    });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', async (code) => {
      clearTimeout(timer);
      if (approving) {
        // A program that fails on its own may leave the approval unfinished (approvalMayFail).
        try { await approving; } catch (e) { if (!approvalMayFail) { reject(e); return; } }
      }
      resolve({ code, stdout, stderr, prompted: Boolean(approving) });
    });
  });
}
