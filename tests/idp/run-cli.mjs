// Runs the native `ssokit` CLI for the end-to-end suites: collects stdout (parsed as JSON when it
// is), stderr, and hands each stderr line to `onStderrLine` as it arrives (the "Open:" and
// "Visit:" lines). Bounded by `timeoutMs`; the process is killed when it runs over.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const cliPath = process.env.SSOKIT_CLI ?? fileURLToPath(new URL('../../build/bin/ssokit', import.meta.url));

export function runCli(args, { env = {}, onStderrLine, onChild, timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cliPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    onChild?.(child);
    let stdout = '';
    let stderr = '';
    let pending = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`ssokit ${args[0]} timed out: ${stderr}`)); }, timeoutMs);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => {
      stderr += d;
      pending += d;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        onStderrLine?.(line);
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let json;
      try { json = JSON.parse(stdout); } catch { json = undefined; }
      resolve({ code, signal, stdout, stderr, json });
    });
  });
}
