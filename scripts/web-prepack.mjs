// npm pack / npm publish in web/ (its "prepack" script): puts the repository's LICENSE and the
// documents the package's README points to into the package folder, so the tarball carries them
// (npm takes files from the package folder only). The copies are not committed (.gitignore).
import { copyFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const web = new URL('web/', root);
export const PACKAGED_DOCS = ['profile-mapping.md', 'troubleshooting.md'];

await copyFile(new URL('LICENSE', root), new URL('LICENSE', web));
await mkdir(new URL('docs/', web), { recursive: true });
for (const doc of PACKAGED_DOCS) {
  const from = new URL(`docs/${doc}`, root);
  if (!existsSync(from)) throw new Error(`docs/${doc} is missing: the package's README links to it`);
  await copyFile(from, new URL(`docs/${doc}`, web));
}
