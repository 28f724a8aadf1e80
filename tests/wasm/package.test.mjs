// The web package as an app gets it: `npm pack` in web/, the tarball installed into a copy of
// samples/consumer, then the consumer type-checked (tsc, against index.d.ts) and bundled (Vite),
// and the installed package loaded in Node. Uses the root's typescript and vite (package-lock).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const web = join(root, 'web');
const bin = (name) => join(root, 'node_modules', '.bin', name);

async function sh(cmd, args, cwd) {
  try {
    return await run(cmd, args, { cwd, timeout: 60000, maxBuffer: 16 << 20, env: { ...process.env, npm_config_update_notifier: 'false' } });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

test('npm pack -> install into the consumer sample -> tsc + vite build + Node import', { timeout: 120000 }, async () => {
  assert.ok(existsSync(join(web, 'dist', 'ssokit-core.wasm')), 'web/dist is missing: build the wasm first (the build copies it there)');
  for (const tool of ['tsc', 'vite']) assert.ok(existsSync(bin(tool)), `${tool} is missing: run npm ci in ${root}`);
  const tmp = await mkdtemp(join(tmpdir(), 'ssokit-package-'));
  try {
    // 1. The tarball, and what is in it.
    const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', tmp], web);
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('[')));
    const files = packed.files.map((f) => f.path).sort();
    for (const f of ['README.md', 'LICENSE', 'docs/profile-mapping.md', 'docs/troubleshooting.md', 'docs/api/README.md', 'docs/api/ssokit/interfaces/SsoClient.md', 'dist/ssokit-core.wasm',
      'dist/ssokit-platforms.wasm', 'dist/ssokit-server.wasm', 'dist/ssokit-fallback.wasm', 'index.d.ts', 'package.json', 'src/index.js', 'src/client.js']) {
      assert.ok(files.includes(f), `the tarball lacks ${f}`);
    }
    assert.ok(files.every((f) => /^(README\.md|LICENSE|package\.json|index\.d\.ts|docs\/[\w-]+\.md|docs\/api\/[\w/-]+\.md|types\/[\w-]+\.d\.ts|src\/[\w-]+\.js|dist\/ssokit-(core|platforms|server|fallback)\.wasm)$/.test(f)),
      `unexpected files in the tarball: ${files.join(', ')}`);
    const license = await readFile(join(root, 'LICENSE'), 'utf8');
    assert.match(license, /Apache License\s+Version 2\.0/);
    const tarball = join(tmp, packed.filename);

    // 2. A copy of the consumer sample that depends on the tarball.
    const app = join(tmp, 'consumer');
    await cp(join(root, 'samples', 'consumer'), app, {
      recursive: true,
      filter: (src) => !/[/\\](node_modules|dist)$/.test(src),
    });
    const pkg = JSON.parse(await readFile(join(app, 'package.json'), 'utf8'));
    pkg.dependencies.ssokit = `file:${tarball}`;
    await writeFile(join(app, 'package.json'), JSON.stringify(pkg, null, 2));
    await sh('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], app);
    const installed = JSON.parse(await readFile(join(app, 'node_modules', 'ssokit', 'package.json'), 'utf8'));
    assert.equal(installed.name, 'ssokit');

    // 3. Types: the sample's strict TypeScript against the package's index.d.ts (no skipLibCheck).
    await sh(bin('tsc'), ['--noEmit', '-p', app], app);

    // 4. A production bundle: the .wasm is emitted as an asset and referenced by the JS.
    await sh(bin('vite'), ['build', '--logLevel', 'warn'], app);
    const assets = await readdir(join(app, 'dist', 'assets'));
    // Only the page build: the sample imports 'ssokit' alone, so the platforms build is not reached.
    const wasm = assets.filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `one .wasm asset expected, got: ${assets.join(', ')}`);
    const js = (await Promise.all(assets.filter((f) => f.endsWith('.js')).map((f) => readFile(join(app, 'dist', 'assets', f), 'utf8')))).join('\n');
    assert.ok(js.includes(wasm[0]), 'the bundle references the emitted .wasm');

    // 5. The installed package works in Node too (bytes read from its own dist/).
    const { stdout: out } = await sh(process.execPath, ['--input-type=module', '-e',
      "import { pkce } from 'ssokit'; console.log(JSON.stringify(await pkce('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')))"], app);
    assert.equal(JSON.parse(out).codeChallenge, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
