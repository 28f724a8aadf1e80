// webpack 5 build of the README page: the .wasm becomes an asset through new URL(..., import.meta.url).
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: fileURLToPath(new URL('./main.js', import.meta.url)),
  output: { path: process.env.SSOKIT_OUT ?? fileURLToPath(new URL('./dist-webpack/', import.meta.url)), filename: 'main.js', module: true, clean: true },
  experiments: { outputModule: true },
  performance: { hints: false },
};
