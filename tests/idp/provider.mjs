// Test identity provider: the real `oidc-provider` (v9, OpenID Certified) on 127.0.0.1, a free
// port, in memory. Tests get its issuer, its three clients and its demo accounts, and stop it.
//
//   const idp = await startProvider({ accessTokenTtl: 120 });
//   ... idp.issuer, idp.clients.native.client_id, idp.provider (for hooks) ...
//   await idp.stop();
//
// Notes on the configuration:
// - PKCE is required for every client; oidc-provider v9 knows only S256.
// - Refresh tokens: oidc-provider's default issues them only for `offline_access`, which it keeps
//   only with `prompt=consent`. Here `issueRefreshToken` also issues one to every client that has
//   the refresh_token grant, so a plain `openid profile email` sign-in gets one too. Such a token
//   (no offline_access) ends with the provider session (logout ends it).
// - Accounts: any login name signs in with any password. A demo account's login name (e.g.
//   viewer@example.com) is mapped to its fixed opaque subject (acct-0001-...); any other login
//   name is its own subject (oidc-provider's dev behaviour), e.g. login "viewer" -> sub "viewer".
//   The subject is the same in the ID token, user-info and introspection.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { newKeyPair } from '../keys.mjs';

// oidc-provider prints an "Unsupported runtime" warning on import under Node 20 and one notice
// per defaulted helper. They go through console.warn / console.info with a fixed prefix; drop only
// those lines (set SSOKIT_IDP_VERBOSE=1 to see them).
function quietProviderNotices() {
  if (process.env.SSOKIT_IDP_VERBOSE || console.__ssokitQuiet) return;
  for (const level of ['warn', 'info']) {
    const original = console[level].bind(console);
    console[level] = (...args) => {
      if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider ')) return;
      original(...args);
    };
  }
  console.__ssokitQuiet = true;
}
quietProviderNotices();
const { default: Provider } = await import('oidc-provider');
// oidc-provider's own in-memory storage, one store per started provider: rotateKeys() hands the
// same store to the Provider it swaps in.
const { createMemoryAdapter } = await import('oidc-provider/lib/adapters/memory_adapter.js');

export const CONFIDENTIAL_SECRET = 'confidential-secret-for-tests-only';

export const clients = Object.freeze({
  native: Object.freeze({
    client_id: 'ssokit-native',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    // Native clients: a loopback redirect URI matches on any port (RFC 8252 7.3).
    redirect_uris: ['http://127.0.0.1/callback'],
    post_logout_redirect_uris: ['http://127.0.0.1/logged-out'],
    grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    response_types: ['code'],
  }),
  web: Object.freeze({
    client_id: 'ssokit-web',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    // Web clients need an exact match: startProvider({ webRedirectUris }) sets these.
    redirect_uris: ['http://127.0.0.1:8080/callback'],
    post_logout_redirect_uris: ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/logged-out'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  }),
  confidential: Object.freeze({
    client_id: 'ssokit-confidential',
    client_secret: CONFIDENTIAL_SECRET,
    application_type: 'native',
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: ['http://127.0.0.1/callback'],
    post_logout_redirect_uris: ['http://127.0.0.1/logged-out'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  }),
});

// Demo accounts by login name. Any other login name also signs in (see claimsFor).
export const accounts = Object.freeze({
  'viewer@example.com': Object.freeze({
    sub: 'acct-0001-vera-viewer',
    given_name: 'Vera',
    family_name: 'Viewer',
    name: 'Vera Viewer',
    email: 'viewer@example.com',
    email_verified: true,
    groups: ['subscribers', 'premium'],
    membership_status: 'active',
    membership_type: 'annual',
  }),
  'lapsed@example.com': Object.freeze({
    sub: 'acct-0002-lars-lapsed',
    given_name: 'Lars',
    family_name: 'Lapsed',
    name: 'Lars Lapsed',
    email: 'lapsed@example.com',
    email_verified: false,
    groups: [],
    membership_status: 'expired',
    membership_type: 'monthly',
  }),
});

// Scope -> claims. Keys that are arrays become scopes in oidc-provider (scopes_supported).
const CLAIMS = {
  openid: ['sub'],
  profile: ['given_name', 'family_name', 'name'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
  membership: ['membership_status', 'membership_type'],
};

/** The subject for a login name: a demo account's fixed sub, else the login name itself. */
export function accountIdFor(login, known = accounts) {
  const key = String(login).trim().toLowerCase();
  return known[key]?.sub ?? String(login).trim();
}

// Claims for a subject: a demo account's, else made up from the login name.
function claimsFor(login, sub, known) {
  const key = String(login).trim().toLowerCase();
  if (known[key]) return { ...known[key], sub };
  const local = key.split('@')[0] || 'user';
  const given = local.charAt(0).toUpperCase() + local.slice(1);
  return {
    sub,
    given_name: given,
    family_name: 'Tester',
    name: `${given} Tester`,
    email: key.includes('@') ? key : `${key}@example.com`,
    email_verified: true,
    groups: ['subscribers'],
    membership_status: 'active',
    membership_type: 'monthly',
  };
}

// Keys for ID-token algorithms beyond RS256/ES256 (startProvider({ idTokenAlg })): the key an
// algorithm needs, made for it. The Ed25519 key has no "alg", so it signs EdDSA and Ed25519 alike.
function keyFor(alg) {
  const id = () => randomBytes(4).toString('hex');
  const jwk = (pair) => pair.privateKey.export({ format: 'jwk' });
  if (/^(RS|PS)\d+$/.test(alg)) return { ...jwk(newKeyPair('rsa', { modulusLength: 2048 })), kid: `${alg.toLowerCase()}-${id()}`, use: 'sig', alg };
  if (alg === 'ES384') return { ...jwk(newKeyPair('ec', { namedCurve: 'P-384' })), kid: `p384-${id()}`, use: 'sig', alg };
  if (alg === 'ES512') return { ...jwk(newKeyPair('ec', { namedCurve: 'P-521' })), kid: `p521-${id()}`, use: 'sig', alg };
  if (alg === 'EdDSA' || alg === 'Ed25519') return { ...jwk(newKeyPair('ed25519')), kid: `ed25519-${id()}`, use: 'sig' };
  return null;  // RS256 and ES256 have theirs
}

function signingKeys(idTokenAlg) {
  const rsa = newKeyPair('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = newKeyPair('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const extra = idTokenAlg && !['RS256', 'ES256'].includes(idTokenAlg) ? [keyFor(idTokenAlg)].filter(Boolean) : [];
  // The first key of an algorithm signs; RS256 is the default ID token algorithm.
  return {
    keys: [
      { ...rsa, kid: 'rsa-' + randomBytes(4).toString('hex'), use: 'sig', alg: 'RS256' },
      { ...ec, kid: 'ec-' + randomBytes(4).toString('hex'), use: 'sig', alg: 'ES256' },
      ...extra,
    ],
  };
}

function isLoopbackOrigin(origin) {
  try {
    const { hostname } = new URL(origin);
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

/**
 * Starts oidc-provider on http://127.0.0.1:<free port>.
 * @param {object} [options]
 * @param {number} [options.accessTokenTtl=3600] seconds
 * @param {number} [options.idTokenTtl=3600] seconds
 * @param {number} [options.refreshTokenTtl=1209600] seconds (14 days)
 * @param {number} [options.deviceCodeTtl=600] seconds
 * @param {boolean} [options.rotateRefreshTokens=true] a refresh returns a new refresh token and
 *   the old one stops working
 * @param {boolean} [options.idTokenProfileClaims=false] put the scopes' claims in the ID token
 *   too (by default the ID token has only sub/nonce/aud/exp/iat/iss/at_hash/sid/auth_time)
 * @param {boolean} [options.jwtUserinfo=false] features.jwtUserinfo: a client registered with
 *   userinfo_signed_response_alg gets user-info as a signed JWT (application/jwt)
 * @param {Function[]} [options.middleware] Koa middleware run before the provider's routes (a
 *   test that watches or spoils an endpoint; added before the handler is made, so they take effect)
 * @param {string[]} [options.webRedirectUris] exact redirect URIs of ssokit-web
 * @param {string[]} [options.webPostLogoutRedirectUris] default: each redirect URI's origin + '/'
 *   and origin + '/logged-out'
 * @param {object[]} [options.extraClients] more client metadata objects
 * @param {object} [options.accounts] more demo accounts by login name ({ sub, ...claims })
 * @param {string} [options.idTokenAlg] every client's id_token_signed_response_alg (ID tokens and
 *   refreshed ID tokens are signed with it; a key for it is added to the JWKS)
 * @param {string[]} [options.idTokenAlgs] enabledJWA.idTokenSigningAlgValues, what discovery's
 *   id_token_signing_alg_values_supported lists (default: [idTokenAlg] when that is set, else
 *   oidc-provider's default)
 * @param {'off'|'optional'|'nonce'} [options.dpop='off'] DPoP (RFC 9449): off (oidc-provider's
 *   default is on), optional, or nonce (a DPoP-Nonce is required: features.dPoP.requireNonce)
 * @param {'off'|'optional'|'required'} [options.par='off'] pushed authorization requests (RFC 9126):
 *   off (oidc-provider's default is on; off keeps the other suites' authorization URLs as they
 *   were), optional (advertised), required (require_pushed_authorization_requests)
 * @param {string[]} [options.clientAuthMethods] the token endpoint's client authentication methods,
 *   in the order discovery lists them (oidc-provider's default: client_secret_basic,
 *   client_secret_jwt, client_secret_post, private_key_jwt, none)
 */
export async function startProvider(options = {}) {
  const {
    accessTokenTtl = 3600,
    idTokenTtl = 3600,
    refreshTokenTtl = 14 * 24 * 3600,
    deviceCodeTtl = 600,
    rotateRefreshTokens = true,
    idTokenProfileClaims = false,
    jwtUserinfo = false,
    middleware = [],
    webRedirectUris = clients.web.redirect_uris,
    extraClients = [],
    idTokenAlg,
    idTokenAlgs = idTokenAlg ? [idTokenAlg] : undefined,
    par = 'off',
    dpop = 'off',
    clientAuthMethods,
  } = options;
  const webPostLogoutRedirectUris = options.webPostLogoutRedirectUris
    ?? [...new Set(webRedirectUris.flatMap((u) => {
      const { origin } = new URL(u);
      return [`${origin}/`, `${origin}/logged-out`];
    }))];
  const known = { ...accounts };
  for (const [login, claims] of Object.entries(options.accounts ?? {})) {
    known[login.toLowerCase()] = { ...claims, sub: claims.sub ?? `acct-${login.toLowerCase()}` };
  }
  // Demo subject -> login name; any other subject is a login name.
  const loginsBySub = new Map(Object.entries(known).map(([login, a]) => [a.sub, login]));

  // The tests' fetch (undici) shares this process and its event loop. With Node's default 5 s
  // keep-alive both ends time an idle connection out at once after the loop was busy (a key
  // generated in rotateKeys(), a loaded machine): the client sends the next request on the
  // connection the server is closing and gets ECONNRESET. The client closes first when the
  // server keeps idle connections longer than undici's 4 s; stop() still closes them all.
  const server = createServer({ keepAliveTimeout: 60_000 });
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;

  const clientList = [
    { ...clients.native },
    {
      ...clients.web,
      redirect_uris: [...webRedirectUris],
      post_logout_redirect_uris: [...webPostLogoutRedirectUris],
    },
    { ...clients.confidential },
    ...extraClients,
  ];
  if (idTokenAlg) for (const c of clientList) c.id_token_signed_response_alg ??= idTokenAlg;

  const cookieKeys = [randomBytes(32).toString('base64url')];
  const dpopNonceSecret = randomBytes(32);
  const adapter = createMemoryAdapter();
  // One Provider per key set: rotateKeys() swaps in another on the same server, issuer and
  // storage (`adapter`), so sessions, grants and refresh tokens survive the rotation.
  const makeProvider = (jwks) => { const made = new Provider(issuer, {
    adapter,
    clients: clientList,
    jwks,
    cookies: { keys: cookieKeys },
    claims: CLAIMS,
    // With true (the default) the ID token carries scope claims only when no access token is
    // issued, i.e. profile claims come from user-info.
    conformIdTokenClaims: !idTokenProfileClaims,
    pkce: { required: () => true },
    ...(idTokenAlgs ? { enabledJWA: { idTokenSigningAlgValues: idTokenAlgs } } : {}),
    ...(clientAuthMethods ? { clientAuthMethods } : {}),
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      userinfo: { enabled: true },
      jwtUserinfo: { enabled: jwtUserinfo },
      introspection: { enabled: true },
      dPoP: {
        enabled: dpop !== 'off',
        nonceSecret: dpop === 'nonce' ? dpopNonceSecret : undefined,
        requireNonce: () => dpop === 'nonce',
      },
      pushedAuthorizationRequests: {
        enabled: par !== 'off',
        requirePushedAuthorizationRequests: par === 'required',
      },
    },
    async findAccount(_ctx, id) {
      const login = loginsBySub.get(id) ?? id;
      const sub = id;
      return {
        accountId: sub,
        async claims() {
          return claimsFor(login, sub, known);
        },
      };
    },
    async issueRefreshToken(_ctx, client) {
      // Also without offline_access, for any client allowed the refresh_token grant.
      return client.grantTypeAllowed('refresh_token');
    },
    rotateRefreshToken: () => rotateRefreshTokens,
    clientBasedCORS: (_ctx, origin) => isLoopbackOrigin(origin),
    ttl: {
      AccessToken: () => accessTokenTtl,
      AuthorizationCode: () => 60,
      IdToken: () => idTokenTtl,
      DeviceCode: () => deviceCodeTtl,
      Interaction: () => 3600,
      Session: () => 14 * 24 * 3600,
      Grant: () => 14 * 24 * 3600,
      RefreshToken(ctx, token, client) {
        // As oidc-provider's default: a public browser client's rotated token keeps the
        // remaining lifetime of the one it replaces.
        const rotated = ctx?.oidc?.entities.RotatedRefreshToken;
        if (rotated && client.applicationType === 'web' && client.clientAuthMethod === 'none'
          && !token.isSenderConstrained()) {
          return rotated.remainingTTL;
        }
        return refreshTokenTtl;
      },
    },
  });

  // The dev login page hands over the typed login name as the account id; a demo account's
  // session gets its fixed subject instead (the session's account id is the `sub`, and
  // oidc-provider checks they agree, so the mapping has to happen here, not in findAccount).
  const interactionFinished = made.interactionFinished.bind(made);
  made.interactionFinished = (req, res, result, opts) => {
    if (typeof result?.login?.accountId === 'string') {
      result = { ...result, login: { ...result.login, accountId: accountIdFor(result.login.accountId, known) } };
    }
    return interactionFinished(req, res, result, opts);
  };
  for (const m of middleware) made.use(m);
  return made; };

  let jwks = signingKeys(idTokenAlg);
  let provider = makeProvider(jwks);
  let handle = provider.callback();
  server.on('request', (req, res) => handle(req, res));

  /**
   * Key rotation in place: a new RSA key is published first and signs the RS256 ID tokens from now
   * on; the previous keys stay published. Same issuer, port, sessions and refresh tokens.
   * @returns {string} the new key's kid
   */
  function rotateKeys() {
    const rsa = newKeyPair('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const kid = 'rsa-' + randomBytes(4).toString('hex');
    jwks = { keys: [{ ...rsa, kid, use: 'sig', alg: 'RS256' }, ...jwks.keys] };
    provider = makeProvider(jwks);
    handle = provider.callback();
    return kid;
  }

  let stopped;
  function stop() {
    stopped ??= new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
      for (const s of sockets) s.destroy();
    });
    return stopped;
  }

  return {
    issuer,
    port,
    get provider() { return provider; },
    server,
    stop,
    rotateKeys,
    clients: {
      native: clientList[0],
      web: clientList[1],
      confidential: clientList[2],
      extra: clientList.slice(3),
    },
    accounts: known,
    accountIdFor: (login) => accountIdFor(login, known),
  };
}
