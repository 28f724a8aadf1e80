// User Timing measures of a page's start-up, shown in the browser's performance tools (and read by
// bench/startup_breakdown.mjs): "ssokit:core-load" (the WebAssembly fetched, compiled and
// instantiated) and "ssokit:create" (createSsoClient as a whole). Pages only: Node keeps every
// measure in a global buffer and warns past 1,000 of them.
const page = typeof globalThis.document !== 'undefined' && typeof globalThis.performance?.measure === 'function';

export const timingStart = () => (page ? performance.now() : 0);

export function measure(name, start) {
  if (!page) return;
  try {
    performance.measure(name, { start, end: performance.now() });
  } catch { /* a browser without User Timing level 3: no measure */ }
}
