// The page of web/README.md's quick start, as an app writes it against the installed package.
// Built by Vite, webpack and esbuild (tests/e2e/bundlers.test.mjs) and run in Chromium. The
// provider comes from /config.json ({ issuer, clientId }), so a test can point it anywhere.
import { createSsoClient } from 'ssokit';

const $ = (id) => document.getElementById(id);

function render(session) {
  $('status').textContent = session ? `Signed in as ${session.profile.firstName ?? session.profile.userId}` : 'Signed out';
  $('status').dataset.state = session ? 'signed-in' : 'signed-out';
  $('login').hidden = !!session;
  $('logout').hidden = !session;
}

function showError(e) {
  $('error').hidden = false;
  $('error').dataset.code = e.code ?? 'internal_error';
  $('error').textContent = e.message;
}

/** Options: { wasmUrl } where the bundler does not resolve new URL(..., import.meta.url) (esbuild). */
export async function startPage({ wasmUrl } = {}) {
  const config = await (await fetch('/config.json')).json();
  const sso = await createSsoClient({
    issuer: config.issuer,
    clientId: config.clientId,
    redirectUri: `${location.origin}/callback`,
    scope: 'openid profile email',
    storage: 'session',
    ...(wasmUrl ? { wasmUrl } : {}),
  });
  if (sso.isCallback()) {
    try {
      const result = await sso.handleRedirectCallback(location.href);
      history.replaceState(null, '', result?.returnTo ?? '/');
    } catch (e) {
      history.replaceState(null, '', '/');
      showError(e);
    }
  }
  sso.onSessionChange(render);
  render(await sso.getSession());
  if (await sso.isAuthenticated()) $('status').dataset.token = String((await sso.getAccessToken()).length > 0);
  $('login').onclick = () => sso.login({ returnTo: '/' }).catch(showError);
  $('logout').onclick = () => sso.logout({ localOnly: true }).catch(showError);
}
