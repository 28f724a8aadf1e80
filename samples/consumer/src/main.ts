// A portal page using the ssokit package: redirect and popup sign-in, a session shared by the
// tabs, and an API call with a fresh access token. Configure the provider in config below.
import {
  createSsoClient, completePopupCallback, SsoError,
  type SsoClient, type PublicSession, type SsoErrorCode,
} from 'ssokit';

const config = {
  issuer: 'https://login.example.com',
  clientId: 'portal',
  redirectUri: `${location.origin}/callback`,
  scope: 'openid profile email offline_access',
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function render(session: PublicSession | null): void {
  $('status').textContent = session ? `Signed in as ${session.profile.firstName ?? session.profile.userId}` : 'Signed out';
  $('login').hidden = !!session;
  $('login-popup').hidden = !!session;
  $('logout').hidden = !session;
}

function explain(e: unknown): string {
  if (e instanceof SsoError) {
    const code: SsoErrorCode = e.code;
    return code === 'cancelled' ? 'Sign-in cancelled.' : `Sign-in failed (${code}): ${e.message}`;
  }
  return String(e);
}

async function callApi(sso: SsoClient): Promise<void> {
  const token = await sso.getAccessToken();  // refreshed once for all tabs when due
  await fetch('/api/me', { headers: { Authorization: `Bearer ${token}` } });
}

async function main(): Promise<void> {
  // In the popup, the callback page only hands the URL back to the opener.
  if (location.pathname === '/callback' && completePopupCallback()) return;

  const sso = await createSsoClient({ ...config, storage: 'session', transactionStorage: 'session' });
  if (sso.isCallback()) {
    try {
      const result = await sso.handleRedirectCallback(location.href);
      history.replaceState(null, '', result?.returnTo ?? '/');
    } catch (e) {
      history.replaceState(null, '', '/');
      $('status').textContent = explain(e);
    }
  }

  sso.onSessionChange(render);  // also fires when another tab signs in or out
  render(await sso.getSession());

  $('login').addEventListener('click', () => { void sso.login({ returnTo: location.pathname }); });
  $('login-popup').addEventListener('click', async () => {
    try {
      const { profile } = await sso.login({ popup: true });
      $('status').textContent = `Welcome, ${profile.firstName ?? profile.userId}`;
      await callApi(sso);
    } catch (e) {
      $('status').textContent = explain(e);
    }
  });
  $('logout').addEventListener('click', () => { void sso.logout({ postLogoutRedirectUri: location.origin + '/' }); });
}

void main();
