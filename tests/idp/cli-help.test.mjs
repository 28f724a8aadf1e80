// The CLI's help, version and usage contract: `ssokit help` (one line per command, at most 100
// characters), `ssokit GROUP --help` for each video-platform group, `ssokit help CMD` (the same as
// `ssokit CMD --help`), `--version`, and exit 2 for usage errors. No provider is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runCli } from './run-cli.mjs';

const GROUPS = ['twentythree', 'streamone', 'muvi', 'org'];

// The command names listed by `ssokit help`.
function listed(stdout) {
  return stdout.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim().split(/\s{2,}|\s(?=[A-Z])/)[0]);
}

test('top-level help: one line per command, none wider than 100 characters, exit 0', async () => {
  const r = await runCli(['help']);
  assert.equal(r.code, 0, r.stderr);
  for (const line of r.stdout.split('\n')) assert.ok(line.length <= 100, `too wide (${line.length}): ${line}`);
  const names = listed(r.stdout);
  for (const name of ['pkce', 'login', 'device', 'status', 'refresh', 'revoke', 'verify', 'org security', 'muvi login-url']) {
    assert.ok(names.includes(name), `${name} is listed: ${names.join(', ')}`);
  }
  assert.match(r.stdout, /2 usage error/);
  const same = await runCli(['--help']);
  assert.equal(same.stdout, r.stdout);
});

test('no command: the usage on stderr and exit 2', async () => {
  const r = await runCli([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^usage: ssokit <command>/);
});

test('every command has its own help, wrapped at 100 characters, the same through `help CMD`', async () => {
  const names = listed((await runCli(['help'])).stdout);
  for (const name of names) {
    const words = name.split(' ');
    const viaFlag = await runCli([...words, '--help']);
    assert.equal(viaFlag.code, 0, `${name} --help: ${viaFlag.stderr}`);
    assert.ok(viaFlag.stdout.startsWith(`usage: ssokit ${name} `), viaFlag.stdout);
    for (const line of viaFlag.stdout.split('\n')) assert.ok(line.length <= 100, `${name}: too wide: ${line}`);
    const viaHelp = await runCli(['help', ...words]);
    assert.equal(viaHelp.code, 0);
    assert.equal(viaHelp.stdout, viaFlag.stdout, `help ${name}`);
  }
  const device = await runCli(['help', 'device']);
  assert.match(device.stdout, /--timeout SECONDS/);
  assert.doesNotMatch(device.stdout, /^  pkce /m, 'not the global help');
});

test('GROUP --help and help GROUP list that group\'s commands only; GROUP alone is a usage error', async () => {
  for (const group of GROUPS) {
    const r = await runCli([group, '--help']);
    assert.equal(r.code, 0, `${group} --help: ${r.stderr}`);
    const names = listed(r.stdout);
    assert.ok(names.length >= 1, r.stdout);
    for (const n of names) assert.ok(n.startsWith(`${group} `), `${group} --help lists ${n}`);
    assert.equal((await runCli(['help', group])).stdout, r.stdout);
    const bare = await runCli([group]);
    assert.equal(bare.code, 2);
    assert.equal(bare.json.error.code, 'invalid_argument');
    assert.match(bare.stderr, new RegExp(`usage: ssokit ${group} <command>`));
    const wrong = await runCli([group, 'no-such-command']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.json.error.message, new RegExp(`unknown command "${group} no-such-command"`));
  }
});

test('--version prints the project version (the one CMakeLists.txt and web/package.json carry)', async () => {
  const { version } = JSON.parse(readFileSync(new URL('../../web/package.json', import.meta.url), 'utf8'));
  const cmake = readFileSync(new URL('../../CMakeLists.txt', import.meta.url), 'utf8');
  assert.match(cmake, new RegExp(`project\\(ssokit VERSION ${version.replaceAll('.', '\\.')} `));
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `ssokit ${version}\n`);
});

test('usage errors exit 2 with invalid_argument: unknown command, help for an unknown command, bad options', async () => {
  for (const args of [['no-such-command'], ['help', 'no-such-command'], ['status'], ['status', '--store'],
    ['device', '--issuer', 'http://127.0.0.1:9'], ['help', 'device', 'extra']]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.json.error.code, 'invalid_argument', args.join(' '));
  }
});
