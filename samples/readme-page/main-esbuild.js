// esbuild (which leaves new URL(..., import.meta.url) alone): the .wasm through its file loader
// (--loader:.wasm=file), handed to createSsoClient as wasmUrl.
import wasmUrl from 'ssokit/ssokit-core.wasm';
import { startPage } from './page.js';

startPage({ wasmUrl }).catch((e) => { document.getElementById('status').textContent = `Failed: ${e.message}`; });
