// The documents hold what the code does: every error code of sdk/include/ssokit/error.hpp has
// its section in docs/troubleshooting.md and is listed in web/README.md, and every JavaScript or
// TypeScript snippet of README.md, web/README.md and docs/ that uses the package type-checks with
// tsc --strict against web/index.d.ts and web/types/react.d.ts (what a TypeScript user who pastes
// it gets; jsx snippets as .tsx).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function errorCodes() {
  const header = await readFile(join(ROOT, 'sdk/include/ssokit/error.hpp'), 'utf8');
  const body = header.slice(header.indexOf('enum class ErrorCode'), header.indexOf('};', header.indexOf('enum class ErrorCode')));
  const codes = [...body.matchAll(/^\s*([a-z_]+),/gm)].map((m) => m[1]);
  assert.ok(codes.length > 40, `read the error codes from error.hpp (${codes.length})`);
  return codes;
}

test('docs/troubleshooting.md has a section for every error code, and web/README.md lists each', async () => {
  const page = await readFile(join(ROOT, 'docs/troubleshooting.md'), 'utf8');
  const sections = new Set([...page.matchAll(/^### ([a-z_]+)$/gm)].map((m) => m[1]));
  const readme = await readFile(join(ROOT, 'web/README.md'), 'utf8');
  for (const code of await errorCodes()) {
    assert.ok(sections.has(code), `docs/troubleshooting.md has no "### ${code}" section`);
    assert.ok(readme.includes(`\`${code}\``), `web/README.md does not list ${code}`);
  }
  for (const s of sections) assert.ok((await errorCodes()).includes(s), `docs/troubleshooting.md has a section for an unknown code ${s}`);
});

// Names the snippets use as the reader's own (their app's functions, values, a server's request).
const PRELUDE = `
declare const issuer: string;
declare const clientId: string;
declare const redirectUri: string;
declare const callbackUrl: string;
declare const email: string;
declare const base: string;
declare const organizationId: string;
declare const clientSecret: string;
declare const domainId: string;
declare const verifiedEmail: string;
declare const response: string;
declare const profile: import('ssokit').Profile;
declare const button: HTMLButtonElement;
declare const req: { query: Record<string, string> };
declare const res: { redirect(url: string): void };
declare const process: { env: Record<string, string> };
declare function render(session: import('ssokit').PublicSession | null): void;
declare function showSignedOut(): void;
declare function showSignInButton(): void;
declare function showPasswordForm(): void;
`;

async function markdownFiles() {
  const docs = (await readdir(join(ROOT, 'docs'), { recursive: true })).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f));
  return [join(ROOT, 'README.md'), join(ROOT, 'web/README.md'), ...docs].filter((f) => !f.includes(`${join(ROOT, 'docs', 'api')}`));
}

test('README and docs snippets that use the package type-check under tsc --strict', { timeout: 120_000 }, async () => {
  const tsc = join(ROOT, 'node_modules/.bin/tsc');
  assert.ok(existsSync(tsc), 'typescript is missing: npm ci');
  const tmp = await mkdtemp(join(tmpdir(), 'ssokit-snippets-'));
  try {
    const names = [];
    for (const file of await markdownFiles()) {
      const text = await readFile(file, 'utf8');
      let i = 0;
      for (const m of text.matchAll(/^```(js|ts|jsx|tsx)\n([\s\S]*?)^```$/gm)) {
        const code = m[2];
        const ext = m[1].endsWith('x') ? 'tsx' : 'ts';
        if (!/from 'ssokit(\/react|\/platforms)?'|\bsso\./.test(code)) continue;  // only snippets of this package
        const name = `${relative(ROOT, file).replace(/[^\w]+/g, '_')}_${++i}.${ext}`;
        // A snippet that uses the README's `sso` client without creating it gets it declared.
        const head = /\bsso\./.test(code) && !/const sso\b/.test(code) ? "declare const sso: import('ssokit').SsoClient;\n" : '';
        await writeFile(join(tmp, name), `${head}${code}\nexport {};\n`);
        names.push(name);
      }
    }
    assert.ok(names.length >= 8, `found the snippets (${names.length})`);
    await writeFile(join(tmp, 'prelude.d.ts'), PRELUDE);
    await writeFile(join(tmp, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler',
        lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false, jsx: 'react-jsx',
        paths: { ssokit: [join(ROOT, 'web/index.d.ts')], 'ssokit/react': [join(ROOT, 'web/types/react.d.ts')], 'ssokit/platforms': [join(ROOT, 'web/types/platforms.d.ts')], 'ssokit/*': [join(ROOT, 'web/*')],
          // The snippets live in a temporary folder: React's types from the repository's node_modules.
          react: [join(ROOT, 'node_modules/@types/react/index.d.ts')],
          'react/jsx-runtime': [join(ROOT, 'node_modules/@types/react/jsx-runtime.d.ts')] },
      },
      files: ['prelude.d.ts', ...names],
    }));
    await writeFile(join(tmp, 'wasm.d.ts'), "declare module 'ssokit/ssokit-core.wasm' { const url: string; export default url; }\n");
    const config = JSON.parse(await readFile(join(tmp, 'tsconfig.json'), 'utf8'));
    config.files.unshift('wasm.d.ts');
    await writeFile(join(tmp, 'tsconfig.json'), JSON.stringify(config));
    try {
      await run(tsc, ['-p', tmp], { cwd: tmp, timeout: 100_000 });
    } catch (e) {
      assert.fail(`tsc --strict found errors in the snippets:\n${e.stdout}${e.stderr}`);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
