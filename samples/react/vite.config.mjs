// In this repository the package is ../../web (an app gets it from npm: "ssokit" in package.json).
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('../../web/', import.meta.url));
export default {
  resolve: {
    alias: [
      { find: /^ssokit\/react$/, replacement: `${web}src/react.js` },
      { find: /^ssokit$/, replacement: `${web}src/index.js` },
    ],
  },
  build: { target: 'es2022' },
  logLevel: 'warn',
};
