// A minimal user agent for oidc-provider's own pages, in plain HTTP: it follows redirects by
// hand, keeps cookies, and submits the page's form the way a person would (typing the login and
// password, pressing the autofocused button). Enough for the dev login/consent pages, the
// device-flow pages and the logout confirmation; no JavaScript, no browser.
//
//   const callback = await completeAuthorization(authorizationUrl);      // redirect_uri?code=..
//   const done = await completeDeviceAuthorization(verification_uri_complete);
//   const out = await completeLogout(endSessionUrl, { jar });            // share a jar to keep
//                                                                        // the provider session
const STEP_TIMEOUT_MS = 10_000;

/** Cookies for one user agent; path-aware, no domain rules (everything here is one host). */
export class CookieJar {
  #cookies = new Map(); // `${origin} ${path} ${name}` -> { origin, path, name, value }

  store(url, response) {
    const { origin, pathname } = new URL(url);
    const lines = typeof response.headers.getSetCookie === 'function'
      ? response.headers.getSetCookie()
      : [response.headers.get('set-cookie')].filter(Boolean);
    for (const line of lines) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = pathname.slice(0, pathname.lastIndexOf('/')) || '/';
      let expired = value === '';
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        const key = k.trim().toLowerCase();
        if (key === 'path' && v.trim().startsWith('/')) path = v.trim();
        if (key === 'max-age' && Number(v) <= 0) expired = true;
        if (key === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      }
      const id = `${origin} ${path} ${name}`;
      if (expired) this.#cookies.delete(id);
      else this.#cookies.set(id, { origin, path, name, value });
    }
  }

  header(url) {
    const { origin, pathname } = new URL(url);
    const matching = [...this.#cookies.values()]
      .filter((c) => c.origin === origin && (pathname === c.path || pathname.startsWith(
        c.path.endsWith('/') ? c.path : `${c.path}/`)))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  get size() {
    return this.#cookies.size;
  }
}

export function createCookieJar() {
  return new CookieJar();
}

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|#39);/gi, (_, e) => {
    const lower = e.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower];
  });
}

function attributes(tag) {
  const out = {};
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  const body = tag.replace(/^<\s*[a-zA-Z]+/, '').replace(/\/?>$/, '');
  for (const m of body.matchAll(re)) {
    out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

/** The first form of a page: action, method, inputs, and the button a person would press. */
export function parseForm(html, pageUrl) {
  const formMatch = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!formMatch) return undefined;
  const formTag = /<form\b[^>]*>/i.exec(formMatch[0])[0];
  const form = attributes(formTag);
  const inputs = [...formMatch[1].matchAll(/<input\b[^>]*>/gi)].map((m) => attributes(m[0]));
  // Buttons inside the form or tied to it with form="id"; prefer the autofocused one, as a
  // person presses the highlighted button (the dev pages put "abort" on a plain one).
  const buttons = [...html.matchAll(/<button\b[^>]*>/gi)]
    .filter((m) => {
      const a = attributes(m[0]);
      const inside = m.index > formMatch.index && m.index < formMatch.index + formMatch[0].length;
      return (a.type ?? 'submit') === 'submit' && (inside || (form.id && a.form === form.id));
    })
    .map((m) => attributes(m[0]));
  const button = buttons.find((b) => 'autofocus' in b) ?? buttons[0];
  return {
    action: new URL(form.action || pageUrl, pageUrl).href,
    method: (form.method || 'GET').toUpperCase(),
    inputs,
    button,
  };
}

function pageSummary(html) {
  const clean = (t) => decodeEntities(t.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
  const parts = [/<title>([\s\S]*?)<\/title>/gi, /<h1[^>]*>([\s\S]*?)<\/h1>/gi,
    /<pre[^>]*>([\s\S]*?)<\/pre>/gi, /<p class="red">([\s\S]*?)<\/p>/gi]
    .flatMap((re) => [...html.matchAll(re)].map((m) => clean(m[1])));
  return [...new Set(parts.filter(Boolean))].join(' | ').slice(0, 400);
}

function fillForm(form, { login, password, userCode }) {
  const fields = new URLSearchParams();
  for (const input of form.inputs) {
    if (!input.name) continue;
    const type = (input.type ?? 'text').toLowerCase();
    if (type === 'submit' || type === 'button' || type === 'image') continue;
    if ((type === 'checkbox' || type === 'radio') && !('checked' in input)) continue;
    let value = input.value ?? '';
    if (type !== 'hidden') {
      if (input.name === 'login') value = login;
      else if (input.name === 'password') value = password;
      else if (input.name === 'user_code') {
        if (!userCode && !value) {
          throw new Error('the provider asks for a user code: pass { userCode } or use verification_uri_complete');
        }
        value = userCode || value;
      }
    }
    fields.append(input.name, value);
  }
  if (form.button?.name) fields.append(form.button.name, form.button.value ?? '');
  return fields;
}

async function request(jar, url, { method = 'GET', body } = {}) {
  const headers = { accept: 'text/html,application/json;q=0.9,*/*;q=0.8' };
  const cookie = jar.header(url);
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  let response;
  try {
    response = await fetch(url, {
      method, headers, body: body?.toString(), redirect: 'manual',
      signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
    });
  } catch (cause) {
    throw new Error(`user agent: ${method} ${url} failed: ${cause.message}`, { cause });
  }
  jar.store(url, response);
  return response;
}

async function fetchFinal(url, method = 'GET', body) {
  const response = await fetch(url, {
    method, redirect: 'manual', body: body?.toString(),
    headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  return {
    url,
    status: response.status,
    location: response.headers.get('location') ?? undefined,
    body: await response.text(),
  };
}

/**
 * Walks the provider's pages from startUrl. Ends when the provider sends the user agent away
 * (a redirect or a form post to another origin) -> { kind: 'redirect' | 'form_post', url, ... },
 * or on a provider page with no form (e.g. "sign-in complete") -> { kind: 'page', url, status,
 * body }. Throws on a provider error page or after maxSteps.
 */
export async function browse(startUrl, {
  login = 'viewer@example.com', password = 'anything', userCode, jar = new CookieJar(),
  maxSteps = 20,
} = {}) {
  const providerOrigin = new URL(startUrl).origin;
  let url = new URL(startUrl).href;
  let method = 'GET';
  let body;
  const trail = [];
  for (let step = 0; step < maxSteps; step++) {
    trail.push(`${method} ${new URL(url).pathname}`);
    const response = await request(jar, url, { method, body });
    if (response.status >= 300 && response.status < 400) {
      await response.arrayBuffer();
      const location = response.headers.get('location');
      if (!location) throw new Error(`user agent: ${response.status} from ${url} without Location`);
      const next = new URL(location, url);
      if (next.origin !== providerOrigin) return { kind: 'redirect', url: next.href, trail };
      url = next.href;
      method = 'GET';
      body = undefined;
      continue;
    }
    const text = await response.text();
    if (response.status !== 200) {
      throw new Error(`user agent: the provider answered ${response.status} at ${method} ${url}: `
        + `${pageSummary(text) || text.slice(0, 200)} (steps: ${trail.join(' -> ')})`);
    }
    const problem = /<p class="red">([\s\S]*?)<\/p>/i.exec(text);
    if (problem) {
      throw new Error(`user agent: the provider page at ${url} reports: ${pageSummary(text)}`
        + ` (steps: ${trail.join(' -> ')})`);
    }
    const form = parseForm(text, url);
    if (!form) return { kind: 'page', url, status: response.status, body: text, trail };
    const fields = fillForm(form, { login, password, userCode });
    if (new URL(form.action).origin !== providerOrigin) {
      return { kind: 'form_post', url: form.action, method: form.method, fields, trail };
    }
    if (form.method === 'GET') {
      const target = new URL(form.action);
      target.search = fields.toString();
      url = target.href;
      method = 'GET';
      body = undefined;
    } else {
      url = form.action;
      method = 'POST';
      body = fields;
    }
  }
  throw new Error(`user agent: no result after ${maxSteps} steps (${trail.join(' -> ')})`);
}

/**
 * Plays the browser for an authorization request: signs in on the dev login page, consents, and
 * returns the URL the provider redirects to (redirect_uri?code=..&state=..&iss=..) without
 * requesting it. With follow: true it requests that URL too and returns
 * { url, status, location, body } (for a client's loopback listener that acts on the callback).
 */
export async function completeAuthorization(authorizationUrl, {
  login = 'viewer@example.com', password = 'anything', follow = false, maxSteps = 20, jar,
} = {}) {
  const result = await browse(authorizationUrl, { login, password, maxSteps, jar });
  if (result.kind === 'redirect') return follow ? fetchFinal(result.url) : result.url;
  if (result.kind === 'form_post') {
    if (!follow) {
      throw new Error('user agent: the provider answered with response_mode=form_post; pass { follow: true } to post it to the client');
    }
    return fetchFinal(result.url, result.method, result.fields);
  }
  throw new Error(`user agent: the authorization ended on a provider page instead of a redirect: ${pageSummary(result.body)}`);
}

/**
 * Plays the person at the device-flow verification page: confirms the code, signs in,
 * consents. Returns { url, status, body } of the provider's final "sign-in complete" page.
 * Pass verification_uri_complete, or verification_uri with { userCode }.
 */
export async function completeDeviceAuthorization(verificationUri, {
  login = 'viewer@example.com', password = 'anything', userCode, maxSteps = 20, jar,
} = {}) {
  const result = await browse(verificationUri, { login, password, userCode, maxSteps, jar });
  if (result.kind !== 'page') {
    throw new Error(`user agent: the device verification left the provider for ${result.url}`);
  }
  if (!/success/i.test(pageSummary(result.body))) {
    throw new Error(`user agent: the device verification ended on an unexpected page: ${pageSummary(result.body)}`);
  }
  return { url: result.url, status: result.status, body: result.body };
}

/**
 * Plays the browser at the end_session endpoint: confirms "sign me out" when asked. Returns the
 * post-logout redirect URL (not requested), or { url, status, body } of the provider's own
 * success page when no post_logout_redirect_uri was given. Pass the jar used to sign in so
 * the provider session is the one that ends.
 */
export async function completeLogout(endSessionUrl, { jar, maxSteps = 10 } = {}) {
  const result = await browse(endSessionUrl, { jar, maxSteps });
  if (result.kind === 'redirect') return result.url;
  if (result.kind === 'page') return { url: result.url, status: result.status, body: result.body };
  throw new Error(`user agent: unexpected logout result ${result.kind} to ${result.url}`);
}
