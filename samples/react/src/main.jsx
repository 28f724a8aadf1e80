// A React page with ssokit/react: <SsoProvider> completes the sign-in on /callback, useSso() gives
// the state and actions, <RequireSignIn> guards the library. The provider comes from /config.json
// ({ issuer, clientId }), so the same build runs against any provider.
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { SsoProvider, useSso, RequireSignIn } from 'ssokit/react';

function Header() {
  const { status, profile, login, logout } = useSso();
  return (
    <header data-status={status}>
      {status === 'signed-in' ? (
        <>
          <span id="name">{profile?.firstName ?? profile?.userId}</span>{' '}
          <button id="logout" onClick={() => logout({ localOnly: true })}>Sign out</button>
        </>
      ) : (
        <button id="login" disabled={status === 'loading'} onClick={() => login({ returnTo: '/library' })}>Sign in</button>
      )}
    </header>
  );
}

function Library() {
  const { getAccessToken } = useSso();
  const [token, setToken] = useState('');
  useEffect(() => { getAccessToken().then((t) => setToken(t ? 'yes' : ''), () => setToken('')); }, [getAccessToken]);
  return <section id="library" data-token={token}>Your videos</section>;
}

function Page() {
  const { error } = useSso();
  const library = location.pathname === '/library';
  return (
    <main>
      <Header />
      {error ? <p id="error" data-code={error.code}>{error.message}</p> : null}
      {library
        ? <RequireSignIn fallback={<p id="wait">Signing in…</p>}><Library /></RequireSignIn>
        : <p id="home">Welcome</p>}
    </main>
  );
}

const config = await (await fetch('/config.json')).json();
const options = { issuer: config.issuer, clientId: config.clientId, redirectUri: `${location.origin}/callback`, storage: 'session' };
createRoot(document.getElementById('root')).render(
  <StrictMode>
    <SsoProvider options={options}>
      <Page />
    </SsoProvider>
  </StrictMode>,
);
