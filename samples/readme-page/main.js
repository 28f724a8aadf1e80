// Vite and webpack: the .wasm is found through new URL(..., import.meta.url) in the package.
import { startPage } from './page.js';

startPage().catch((e) => { document.getElementById('status').textContent = `Failed: ${e.message}`; });
