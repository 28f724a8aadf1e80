// createSsoClient's early checks, callback routing (handleRedirectCallback -> null, isCallback),
// warmUp and discovery failures that name the URL tried. The protocol rules are pinned by
// tests/cases/client.json; this suite checks what the JavaScript client makes of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createSsoClient, SsoError } from '../../web/src/index.js';

const good = { issuer: 'https://login.example.com', clientId: 'portal', redirectUri: 'https://portal.example.com/callback', crossTab: false };
const noFetch = async () => { throw new Error('must not be called'); };

/** A loopback server that answers every request with `answer(req)`; stopped by t.after. */
async function serve(t, answer) {
  const seen = [];
  const server = createServer((req, res) => {
    seen.push(req.url);
    const { status, type, body } = answer(req);
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${server.address().port}`, seen };
}

async function refused(options, code, words) {
  await assert.rejects(createSsoClient({ ...good, fetch: noFetch, ...options }), (e) => {
    assert.ok(e instanceof SsoError, String(e));
    assert.equal(e.code, code, e.message);
    for (const w of words) assert.ok(e.message.includes(w), `"${e.message}" should say "${w}"`);
    return true;
  });
}

test('createSsoClient refuses configuration mistakes at once, saying the fix', async () => {
  await refused({ issuer: 'login.example.com' }, 'invalid_url', ['not an absolute URL', 'https://']);
  await refused({ issuer: 'http://login.example.com' }, 'invalid_url', ['use https']);
  await refused({ issuer: 'https://login.example.com/.well-known/openid-configuration' }, 'invalid_url', ['drop']);
  await refused({ redirectUri: '/callback' }, 'invalid_url', ['not an absolute URL']);
  await refused({ redirectUri: 'https://portal.example.com/callback#top' }, 'invalid_url', ['fragment']);
  await refused({ allowedAlgs: ['RS256', 'ES265'] }, 'invalid_argument', ['"ES265"']);
  await refused({ issuer: undefined }, 'invalid_argument', ['issuer']);
  await refused({ clientId: '' }, 'invalid_argument', ['clientId']);
});

test('an unknown option name is refused, with the name it was probably meant to be', async () => {
  await assert.rejects(createSsoClient({ ...good, redirectUrl: good.redirectUri }), (e) => {
    assert.equal(e.code, 'invalid_argument');
    assert.match(e.message, /"redirectUrl".*did you mean "redirectUri"/);
    assert.deepEqual(e.details, { option: 'redirectUrl', suggestion: 'redirectUri' });
    return true;
  });
  await assert.rejects(createSsoClient({ ...good, client_id: 'x' }), (e) => e.details.suggestion === 'clientId');
  await assert.rejects(createSsoClient({ ...good, colour: 'blue' }), (e) => e.code === 'invalid_argument' && !e.details.suggestion && /the options are/.test(e.message));
});

test('handleRedirectCallback resolves to null on a page that is not a callback; isCallback tells them apart', async () => {
  const sso = await createSsoClient({ ...good, fetch: noFetch });
  // No discovery is needed (the fetch would throw): the URL alone says it.
  assert.equal(await sso.handleRedirectCallback('https://portal.example.com/'), null);
  assert.equal(await sso.handleRedirectCallback('https://portal.example.com/library?page=2'), null);
  assert.equal(sso.isCallback('https://portal.example.com/callback?code=c&state=s'), true);
  assert.equal(sso.isCallback('https://portal.example.com/callback?error=access_denied&state=s'), true);
  assert.equal(sso.isCallback('https://portal.example.com/callback'), false);
  assert.equal(sso.isCallback('https://portal.example.com/search?state=CA'), false, 'another path is not the callback');
  assert.equal(sso.isCallback('https://other.example.com/callback?code=c&state=s'), false);
  // A URL that is a callback is still handled (here: no pending sign-in, after discovery).
  await assert.rejects(sso.handleRedirectCallback('https://portal.example.com/callback?code=c&state=s'), /must not be called|network_error/);
  sso.close();
});

test('warmUp starts discovery at creation; the first login() uses it', async (t) => {
  let issuer;
  const idp = await serve(t, (req) => (req.url === '/.well-known/openid-configuration'
    ? { status: 200, type: 'application/json', body: JSON.stringify({ issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token` }) }
    : { status: 404, type: 'text/plain', body: 'no' }));
  issuer = idp.url;
  const sso = await createSsoClient({ ...good, issuer, redirectUri: 'http://127.0.0.1:9/callback', warmUp: true });
  const metadata = await sso.discover();  // the request warmUp started, not a second one
  assert.equal(metadata.authorization_endpoint, `${issuer}/auth`);
  const { url } = await sso.login({ redirect: false });
  assert.ok(url.startsWith(`${issuer}/auth?`));
  assert.deepEqual(idp.seen, ['/.well-known/openid-configuration'], 'one discovery request in all');
  sso.close();
});

test('discovery failures name the URL tried and the likely cause', async (t) => {
  const site = await serve(t, (req) => (req.url.startsWith('/html')
    ? { status: 200, type: 'text/html', body: '<!doctype html><title>Portal</title>' }
    : { status: 404, type: 'text/plain', body: 'Not Found' }));
  const missing = await createSsoClient({ ...good, issuer: `${site.url}/realms/typo`, redirectUri: 'http://127.0.0.1:9/cb' });
  await assert.rejects(missing.login({ redirect: false }), (e) => {
    assert.equal(e.code, 'discovery_failed');
    assert.ok(e.message.includes(`${site.url}/realms/typo/.well-known/openid-configuration`), e.message);
    assert.match(e.message, /HTTP 404.*check the issuer URL/);
    assert.equal(e.details.status, 404);
    return true;
  });
  const html = await createSsoClient({ ...good, issuer: `${site.url}/html`, redirectUri: 'http://127.0.0.1:9/cb' });
  await assert.rejects(html.login({ redirect: false }), (e) => e.code === 'discovery_failed' && /HTML page, not JSON/.test(e.message));
  // Nothing listens there: network_error, with the discovery URL in the message and details.
  const down = await createSsoClient({ ...good, issuer: 'http://127.0.0.1:9', redirectUri: 'http://127.0.0.1:9/cb' });
  await assert.rejects(down.login({ redirect: false }), (e) => {
    assert.equal(e.code, 'network_error');
    assert.equal(e.details.url, 'http://127.0.0.1:9/.well-known/openid-configuration');
    assert.match(e.message, /discovery document at http:\/\/127\.0\.0\.1:9\/\.well-known\/openid-configuration/);
    return true;
  });
  for (const c of [missing, html, down]) c.close();
});
