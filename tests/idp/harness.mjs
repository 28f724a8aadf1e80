// Entry point for tests that need the test identity provider (oidc-provider on loopback) and a
// scripted user agent for its login, consent, device and logout pages.
import { startProvider } from './provider.mjs';

export { startProvider, clients, accounts, accountIdFor, CONFIDENTIAL_SECRET } from './provider.mjs';
export {
  completeAuthorization, completeDeviceAuthorization, completeLogout, createCookieJar, CookieJar,
  browse, parseForm,
} from './user-agent.mjs';

/** Runs fn(idp) with a fresh provider and always stops it; returns fn's result. */
export async function withProvider(options, fn) {
  if (typeof options === 'function') [options, fn] = [{}, options];
  const idp = await startProvider(options ?? {});
  try {
    return await fn(idp);
  } finally {
    await idp.stop();
  }
}
