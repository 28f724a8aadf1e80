// Type declarations for 'ssokit/platforms' (web/src/platforms.js).
/**
 * The video platforms' connectors (docs/platforms/): `twentythree`, `streamone`, `muvi`, `org`,
 * and `runSteps`, the driver of their multi-request operations. Secret-holding calls work in
 * Node only; in a browser page they reject with SsoError 'server_only'. In a browser they load
 * `ssokit-platforms.wasm`, which a page importing only `ssokit` never names.
 * @packageDocumentation
 * @module ssokit/platforms
 */

/** Drives a core step machine with fetch (the platform connectors' multi-request operations):
 * the operation's state carries its request budget; a step's wait_seconds is waited (`sleep`,
 * default setTimeout) and `signal` cancels it (SsoError 'cancelled'). */
export function runSteps(startMethod: string, stepMethod: string, params: object,
  options?: { fetch?: typeof fetch; timeoutMs?: number; now?: () => number; signal?: AbortSignal;
    sleep?: (ms: number) => Promise<void> }): Promise<any>;

export * as twentythree from './twentythree.js';
export * as streamone from './streamone.js';
export * as muvi from './muvi.js';
export * as org from './org.js';
