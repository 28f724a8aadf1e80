// 'ssokit/platforms': the video platform connectors (docs/platforms/) and runSteps, the driver of
// their multi-request operations. A separate entry point so that a page importing only 'ssokit'
// holds no reference to ssokit-platforms.wasm (bundlers emit what the module graph names).
export { runSteps } from './run-steps.js';
export * as twentythree from './twentythree.js';
export * as streamone from './streamone.js';
export * as muvi from './muvi.js';
export * as org from './org.js';
