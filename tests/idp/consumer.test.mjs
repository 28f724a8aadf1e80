// A player vendor's view: `cmake --install` of the native build into a temporary prefix, then
// three programs built only from what was installed: the set-top sample in C with pkg-config, the
// same with CMake's find_package(ssokit) + ssokit::c, and a C++ player with ssokit::native
// (tests/consumer/). Each signs in with the device grant against the local provider (this test
// confirms as the viewer); the pkg-config one under valgrind memcheck.
//
// SSOKIT_NATIVE_BUILD=dir picks the build to install (default build/native, the native preset).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProvider } from './harness.mjs';
import { runApprovingDevice } from './device-approval.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const buildDir = process.env.SSOKIT_NATIVE_BUILD ?? join(root, 'build/native');
const STORE_KEY = '8899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677';

let provider;
let dir;
let prefix;
function sh(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

before(async () => {
  provider = await startProvider({});
  dir = mkdtempSync(join(tmpdir(), 'ssokit-consumer-'));
  prefix = join(dir, 'prefix');
  sh('cmake', ['--install', buildDir, '--prefix', prefix]);
  const pc = { PKG_CONFIG_PATH: join(prefix, 'lib/pkgconfig') };
  const flags = sh('pkg-config', ['--cflags', '--libs', 'ssokit'], pc).trim().split(/\s+/);
  sh('cc', ['-std=c99', '-Wall', '-Werror', '-o', join(dir, 'player_pc'), join(root, 'samples/settop/settop.c'), ...flags,
    `-Wl,-rpath,${join(prefix, 'lib')}`]);
  sh('cmake', ['-S', join(root, 'tests/consumer'), '-B', join(dir, 'build'), `-DCMAKE_PREFIX_PATH=${prefix}`, '-DCMAKE_BUILD_TYPE=Release']);
  sh('cmake', ['--build', join(dir, 'build'), '-j2']);
});
after(async () => {
  await provider?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Runs a player; confirms the code as the viewer once it prints "Visit: URL".
function run(argv) {
  return runApprovingDevice(argv, { env: { ...process.env, SSOKIT_STORE_KEY: STORE_KEY }, timeoutMs: 120000 });
}

describe('installed SDK', { concurrency: true }, () => {
  test('the install has the shared library with its SONAME, the headers, the CMake package and ssokit.pc', () => {
    const soname = sh('readelf', ['-d', join(prefix, 'lib/libssokit.so')]);
    assert.match(soname, /SONAME.*\[libssokit\.so\.1\]/);
    const symbols = sh('nm', ['-D', '--defined-only', join(prefix, 'lib/libssokit.so')]).trim().split('\n')
      .filter((l) => / [TDBR] /.test(l)).map((l) => l.split(' ').pop());
    assert.ok(symbols.length > 20 && symbols.every((s) => s.startsWith('ssokit_')), `only the C API is exported: ${symbols.filter((s) => !s.startsWith('ssokit_')).slice(0, 5)}`);
    for (const f of ['include/ssokit/ssokit.h', 'include/ssokit/version.h', 'include/ssokit/client.hpp',
      'include/ssokit/native/curl_transport.hpp', 'include/ssokit/native/encrypted_file_store.hpp', 'include/ssokit/native/qr.hpp',
      'lib/cmake/ssokit/ssokitConfig.cmake', 'lib/cmake/ssokit/ssokitConfigVersion.cmake', 'lib/pkgconfig/ssokit.pc']) {
      assert.ok(existsSync(join(prefix, f)), f);
    }
    assert.doesNotMatch(readFileSync(join(prefix, 'include/ssokit/ssokit.h'), 'utf8'), /DESIGN\.md/);
  });

  test('C with pkg-config: device sign-in (valgrind memcheck)', async () => {
    const r = await run(['valgrind', '--error-exitcode=99', '--leak-check=full', '--errors-for-leak-kinds=definite,indirect', '-q',
      join(dir, 'player_pc'), '--issuer', provider.issuer, '--client-id', 'ssokit-native', '--store', join(dir, 'pc.store')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^status: signed-in$/m);
    assert.match(r.stdout, /^E-mail: viewer@example\.com$/m);
  });

  test('C with find_package(ssokit) and ssokit::c: device sign-in', async () => {
    const r = await run([join(dir, 'build/player_c'), '--issuer', provider.issuer, '--client-id', 'ssokit-native', '--store', join(dir, 'c.store')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^status: signed-in$/m);
  });

  test('C++ with ssokit::native: device sign-in', async () => {
    const r = await run([join(dir, 'build/player_cpp'), provider.issuer, 'ssokit-native', join(dir, 'cpp.store')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^Viewer: viewer@example\.com$/m);
    assert.match(r.stdout, /^status: signed-in$/m);
  });
});
