// React bindings (import from 'ssokit/react'; React 18 or later is the app's own dependency).
//
//   <SsoProvider options={{ issuer, clientId, redirectUri }}>   one client for the tree; completes
//     <App />                                                   the sign-in on the callback page
//   </SsoProvider>
//   const { status, session, profile, error, login, logout, getAccessToken, client } = useSso();
//   <RequireSignIn fallback={<p>Signing in…</p>}>...</RequireSignIn>   signs in when signed out
//
// Written with createElement (no JSX), so the package needs no build step.
import { createContext, createElement, useContext, useEffect, useMemo, useState } from 'react';
import { createSsoClient } from './client.js';
import { SsoError } from './errors.js';

const SsoContext = createContext(null);

// A callback URL is completed once per page load, also when React mounts the provider twice
// (StrictMode): the pending sign-in is single use.
const completed = new Map();
function completeOnce(sso, url) {
  if (!completed.has(url)) completed.set(url, sso.handleRedirectCallback(url));
  return completed.get(url);
}

/**
 * Creates the client from `options` (or uses `client`, a promise or client made by the app),
 * completes the sign-in when the page is the callback (then replaces the address with the return
 * path, or calls onRedirectCallback(result)), and keeps every consumer in step with the session,
 * also across tabs.
 */
export function SsoProvider({ options, client, onRedirectCallback, children }) {
  const [state, setState] = useState({ status: 'loading', session: null, error: null, sso: null });

  useEffect(() => {
    let live = true;
    let made = null;
    let off = () => {};
    (async () => {
      const sso = await (client ?? (made = createSsoClient(options)));
      if (!live) return;
      off = sso.onSessionChange((session) => {
        if (live) setState((s) => ({ ...s, status: session ? 'signed-in' : 'signed-out', session }));
      });
      let error = null;
      if (sso.isCallback()) {
        try {
          const result = await completeOnce(sso, globalThis.location.href);
          if (result && live) {
            if (onRedirectCallback) onRedirectCallback(result);
            else globalThis.history?.replaceState(null, '', result.returnTo);
          }
        } catch (e) {
          error = e;
          globalThis.history?.replaceState(null, '', '/');
        }
      }
      const session = await sso.getSession().catch((e) => { error ??= e; return null; });
      if (live) setState({ status: session ? 'signed-in' : 'signed-out', session, error, sso });
    })().catch((error) => { if (live) setState({ status: 'error', session: null, error, sso: null }); });
    return () => {
      live = false;
      off();
      // A client made here is closed with the provider; one handed in belongs to the app.
      made?.then((sso) => sso.close(), () => {});
    };
  }, [client, options?.issuer, options?.clientId, options?.redirectUri]);  // eslint-disable-line react-hooks/exhaustive-deps

  const value = useMemo(() => {
    const { sso } = state;
    const ready = (name) => () => Promise.reject(new SsoError('invalid_argument', `${name}() is not available until the client is ready (status "${state.status}")`));
    return {
      status: state.status,
      session: state.session,
      profile: state.session?.profile ?? null,
      error: state.error,
      client: sso,
      login: sso ? (opts) => sso.login(opts) : ready('login'),
      logout: sso ? (opts) => sso.logout(opts) : ready('logout'),
      getAccessToken: sso ? () => sso.getAccessToken() : ready('getAccessToken'),
    };
  }, [state]);

  return createElement(SsoContext.Provider, { value }, children);
}

/** The session state and actions of the nearest <SsoProvider>. */
export function useSso() {
  const value = useContext(SsoContext);
  if (!value) throw new SsoError('invalid_argument', 'useSso() needs an <SsoProvider> above this component');
  return value;
}

/**
 * Renders its children only when signed in. Signed out, it starts the sign-in (a redirect that
 * returns to this page; `loginOptions` are passed to login()) unless `redirect` is false, and
 * renders `fallback` meanwhile (and while loading, and after a failed sign-in: see useSso().error).
 */
export function RequireSignIn({ children, fallback = null, redirect = true, loginOptions }) {
  const { status, error, login } = useSso();
  useEffect(() => {
    // Not after a failed sign-in (a user who pressed Cancel is not sent straight back).
    if (status === 'signed-out' && redirect && !error) {
      login({ returnTo: globalThis.location?.pathname ?? '/', ...loginOptions }).catch(() => {});
    }
  }, [status, redirect, error]);  // eslint-disable-line react-hooks/exhaustive-deps
  return status === 'signed-in' ? children : fallback;
}
