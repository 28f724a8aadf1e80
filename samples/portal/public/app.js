// StreamHub: a video library page that signs viewers in with ssokit (OpenID Connect, code + PKCE)
// and unlocks videos by what the signed-in profile says (groups, membership).
// Loaded as a plain ES module: the package is served from /ssokit/ by the sample server.
import { createSsoClient, resolveStorage } from '/ssokit/src/index.js';

// Each video names what it needs: nothing (free), a signed-in viewer, a group, or an active membership.
const VIDEOS = [
  { id: 'welcome', title: 'Welcome to StreamHub', duration: '2:14', colors: ['#ff4d6d', '#ffb24d'], requires: null },
  { id: 'studio-day', title: 'Behind the Scenes: Studio Day', duration: '12:40', colors: ['#5b6cff', '#47d6ff'], requires: { signedIn: true } },
  { id: 'mountain-trails', title: 'Mountain Trails in 4K', duration: '24:05', colors: ['#1fa67a', '#b6f15a'], requires: { membership: 'active' } },
  { id: 'live-qa', title: 'Subscribers’ Live Q&A', duration: '48:31', colors: ['#a24dff', '#ff6bd6'], requires: { group: 'subscribers' } },
  { id: 'deep-ocean', title: 'Deep Ocean: The Blue Frontier', duration: '52:10', colors: ['#0b3d91', '#1ec8e0'], requires: { group: 'premium' } },
  { id: 'city-lights', title: 'City Lights After Dark', duration: '38:47', colors: ['#2b1055', '#ff8a3d'], requires: { group: 'premium' } },
];
const LOCK_SVG = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"><rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/></svg>';
const GROUP_LABELS = { premium: 'Premium', subscribers: 'a subscription' };

const $ = (id) => document.getElementById(id);
// muvi: the portal server's Muvi link ({label}) when it has one; sessionStore: where the session is kept.
const state = { sso: null, config: null, session: null, ready: false, busy: false, muvi: null, sessionStore: null };

/** What the viewer may do with a video: { ok } or { ok: false, reason, signIn }. */
function access(video, profile) {
  const need = video.requires;
  if (!need) return { ok: true };
  if (!profile) return { ok: false, reason: 'Sign in', signIn: true };
  if (need.group && !(profile.groups ?? []).includes(need.group)) {
    return { ok: false, reason: `Requires ${GROUP_LABELS[need.group] ?? need.group}` };
  }
  if (need.membership && profile.membershipStatus !== need.membership) {
    return { ok: false, reason: 'Requires an active membership' };
  }
  return { ok: true };
}

function tagFor(video) {
  const need = video.requires;
  if (!need) return '<span class="tag open">Free</span>';
  if (need.group === 'premium') return '<span class="tag premium">Premium</span>';
  if (need.group) return '<span class="tag">Subscribers</span>';
  if (need.membership) return '<span class="tag">Members</span>';
  return '<span class="tag">Sign-in</span>';
}

const escapeHtml = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const gradient = (v) => `linear-gradient(135deg, ${v.colors[0]}, ${v.colors[1]})`;
const clockTime = (unix) => new Date(unix * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function renderGrid() {
  const profile = state.session?.profile ?? null;
  $('video-grid').innerHTML = VIDEOS.map((v) => {
    const a = access(v, profile);
    const lock = a.ok ? '<span class="play" aria-hidden="true">▶</span>'
      : `<div class="lock"><span class="lock-icon" aria-hidden="true">${LOCK_SVG}</span><span class="lock-reason">${escapeHtml(a.reason)}</span></div>`;
    return `<li class="card ${a.ok ? 'unlocked' : 'locked'}" data-video="${v.id}" data-locked="${!a.ok}" tabindex="0" role="button" aria-label="${escapeHtml(v.title)}${a.ok ? '' : ` (${escapeHtml(a.reason)})`}">
      <div class="thumb" style="background:${gradient(v)}">${lock}<span class="duration">${v.duration}</span></div>
      <div class="card-body"><h3 class="card-title">${escapeHtml(v.title)}</h3>
      <div class="card-meta"><span>StreamHub Originals</span>${tagFor(v)}</div></div></li>`;
  }).join('');
}

function renderProfile() {
  const s = state.session;
  $('profile-panel').dataset.signedIn = String(!!s);
  $('profile-signed-out').hidden = !!s;
  $('profile-signed-in').hidden = !s;
  $('user-chip').hidden = !s;
  $('muvi-link').hidden = !(s && state.muvi);
  if (!s) return;
  const p = s.profile ?? {};
  const name = [p.firstName, p.lastName].filter(Boolean).join(' ') || p.userId;
  $('profile-name').textContent = name;
  $('profile-email').textContent = p.email || '—';
  const status = p.membershipStatus || 'none';
  $('profile-membership').innerHTML = `<span class="status-${escapeHtml(status)}">${escapeHtml(status)}</span>${p.membershipType ? ` · ${escapeHtml(p.membershipType)}` : ''}`;
  $('profile-groups').innerHTML = (p.groups ?? []).length
    ? p.groups.map((g) => `<span class="chip">${escapeHtml(g)}</span>`).join('') : '<span class="muted">none</span>';
  const expiry = $('profile-expiry');
  expiry.dataset.expiresAt = String(s.expiresAt ?? 0);
  expiry.textContent = s.expiresAt ? `Access token valid until ${clockTime(s.expiresAt)}` : 'Signed in';
  $('user-chip').textContent = name;
}

function renderHeader() {
  const button = $('auth-button');
  const signedIn = !!state.session;
  button.disabled = !state.ready || state.busy;
  button.textContent = signedIn ? 'Sign out' : 'Sign in';
  button.dataset.state = !state.ready ? 'loading' : signedIn ? 'signed-in' : 'signed-out';
  document.documentElement.dataset.auth = !state.ready ? 'loading' : signedIn ? 'signed-in' : 'signed-out';
  $('library-note').textContent = signedIn ? 'Your plan decides what you can watch.' : 'Sign in to unlock member videos.';
}

function renderAll() {
  renderHeader();
  renderGrid();
  renderProfile();
  route();
}

function showError(error, title = 'Sign-in failed') {
  const code = error?.code ?? 'internal_error';
  $('error-banner').querySelector('.banner-title').textContent = title;
  $('error-code').textContent = code;
  $('error-message').textContent = error?.message ?? String(error);
  $('error-banner').dataset.code = code;
  $('error-banner').hidden = false;
}

function hideError() {
  $('error-banner').hidden = true;
  delete $('error-banner').dataset.code;
}

/** Only same-origin relative paths are followed (the core already checks return paths). */
function safePath(path) {
  return typeof path === 'string' && path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') ? path : '/';
}

async function signIn(returnTo = location.pathname) {
  if (!state.sso || state.busy) return;
  state.busy = true;
  renderHeader();
  try {
    await state.sso.login({ returnTo: safePath(returnTo) });  // navigates to the provider
  } catch (e) {
    state.busy = false;
    renderHeader();
    showError(e);
  }
}

async function signOut() {
  if (!state.sso || state.busy) return;
  state.busy = true;
  renderHeader();
  try {
    await state.sso.logout({ postLogoutRedirectUri: state.config.postLogoutRedirectUri });
  } catch (e) {
    // The local session is gone already; only the provider round trip failed.
    state.busy = false;
    renderHeader();
    showError(e, 'Signed out here, but the provider could not be reached');
  }
}

// "Watch on our Muvi store": the portal's server checks the ID token itself, makes sure the
// viewer has a store account, and answers the store's signed auto-login link (samples/portal/platforms/muvi.mjs).
async function watchOnMuvi() {
  if (!state.sso || state.busy) return;
  state.busy = true;
  $('muvi-link').disabled = true;
  try {
    const accessToken = await state.sso.getAccessToken();  // refreshed first when about to expire
    // The client keeps the session under '<storageKey>.session' ('ssokit' by default).
    const stored = JSON.parse((await state.sessionStore.get('ssokit.session')) ?? 'null');
    const idToken = stored?.tokens?.id_token;
    if (!idToken) throw Object.assign(new Error('no ID token in this session: sign in again'), { code: 'login_required' });
    const response = await fetch('/platforms/muvi/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id_token: idToken, access_token: accessToken }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok || typeof body.url !== 'string') {
      throw Object.assign(new Error(body.error?.message ?? `the portal answered ${response.status}`), { code: body.error?.code ?? 'http_error' });
    }
    location.assign(body.url);
  } catch (e) {
    showError(e, 'The Muvi store could not be opened');
    state.busy = false;
    $('muvi-link').disabled = false;
  }
}

// The page is its own router: /, /callback (handled at start-up) and /watch/<id>.
function route() {
  const m = /^\/watch\/([a-z0-9-]+)$/.exec(location.pathname);
  const video = m && VIDEOS.find((v) => v.id === m[1]);
  if (!video) {
    $('player').hidden = true;
    return;
  }
  showPlayer(video);
}

let playToken = 0;
async function showPlayer(video) {
  const profile = state.session?.profile ?? null;
  const a = access(video, profile);
  $('player').hidden = false;
  $('player').dataset.current = video.id;
  $('player-screen').style.background = gradient(video);
  $('player-title').textContent = video.title;
  const status = $('player-status');
  const mine = ++playToken;
  if (!a.ok) {
    $('player').dataset.playing = 'false';
    status.textContent = a.signIn ? 'Sign in to watch this video.' : `${a.reason}. Your plan does not include this video.`;
    return;
  }
  if (!video.requires) {
    $('player').dataset.playing = 'true';
    status.textContent = 'Playing · free preview';
    return;
  }
  // A member video: the playback service would get the access token; getAccessToken()
  // refreshes it first when it is about to expire.
  $('player').dataset.playing = 'pending';
  status.textContent = 'Authorizing playback…';
  try {
    await state.sso.getAccessToken();
    if (mine !== playToken) return;
    const s = await state.sso.getSession();
    $('player').dataset.playing = 'true';
    status.textContent = `Playing · authorized until ${s?.expiresAt ? clockTime(s.expiresAt) : 'the end of the session'}`;
  } catch (e) {
    if (mine !== playToken) return;
    $('player').dataset.playing = 'false';
    status.textContent = 'Playback could not be authorized.';
    showError(e, 'Your session ended');
  }
}

function navigate(path) {
  history.pushState(null, '', path);
  route();
  if (path.startsWith('/watch/')) $('player').scrollIntoView({ block: 'start' });
}

function openVideo(id) {
  const video = VIDEOS.find((v) => v.id === id);
  if (!video) return;
  const a = access(video, state.session?.profile ?? null);
  if (!a.ok && a.signIn) {
    // Come back to this video after signing in.
    signIn(`/watch/${video.id}`);
    return;
  }
  navigate(`/watch/${video.id}`);
}

function wireUi() {
  $('auth-button').addEventListener('click', () => (state.session ? signOut() : signIn()));
  $('error-dismiss').addEventListener('click', hideError);
  $('muvi-link').addEventListener('click', watchOnMuvi);
  $('player-close').addEventListener('click', () => navigate('/'));
  $('video-grid').addEventListener('click', (e) => {
    const card = e.target.closest('[data-video]');
    if (card) openVideo(card.dataset.video);
  });
  $('video-grid').addEventListener('keydown', (e) => {
    const card = e.target.closest('[data-video]');
    if (card && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      openVideo(card.dataset.video);
    }
  });
  document.addEventListener('click', (e) => {
    const link = e.target.closest('a[data-link]');
    if (link && !e.metaKey && !e.ctrlKey) {
      e.preventDefault();
      navigate(link.getAttribute('href'));
    }
  });
  window.addEventListener('popstate', route);
}

async function boot() {
  wireUi();
  renderAll();
  const params = new URLSearchParams(location.search);
  try {
    // The Muvi link exists only when the portal's server has Muvi routes.
    const muviAvailable = fetch('/platforms/muvi').then((r) => (r.ok ? r.json() : null)).catch(() => null);
    const response = await fetch('/config.json');  // preloaded by the page's <head>
    if (!response.ok) throw Object.assign(new Error(`/config.json answered ${response.status}`), { code: 'invalid_argument' });
    state.config = await response.json();
    const c = state.config;
    // Resolved here so the Muvi link can read the session's ID token (the client keeps the same adapter).
    state.sessionStore = resolveStorage(c.storage);
    muviAvailable.then((muvi) => {
      state.muvi = muvi;
      if (muvi?.label) $('muvi-link').textContent = muvi.label;
      renderProfile();
    });
    state.sso = await createSsoClient({
      issuer: c.issuer,
      clientId: c.clientId,
      redirectUri: c.redirectUri,
      scope: c.scope,
      storage: state.sessionStore,
      transactionStorage: c.transactionStorage,
      refreshLeeway: c.refreshLeeway,
      autoRefresh: c.autoRefresh,
      profileMapping: c.profileMapping,
    });
  } catch (e) {
    showError(e, 'StreamHub could not start sign-in');
    return;
  }

  if (state.sso.isCallback()) {
    try {
      // null in checkSession()'s hidden frame: the page that asked completes the sign-in.
      const result = await state.sso.handleRedirectCallback(location.href);
      if (result) history.replaceState(null, '', safePath(result.returnTo));
    } catch (e) {
      // Leave the code and state out of the address bar, and say what happened.
      history.replaceState(null, '', '/');
      showError(e);
    }
  }

  state.sso.onSessionChange((session) => {
    state.session = session;
    renderAll();
  });
  try {
    state.session = await state.sso.getSession();
  } catch (e) {
    state.session = null;
    showError(e, 'Your saved session could not be read');
  }
  state.ready = true;
  renderAll();

  // ?autologin=1: start the sign-in at once (used by the start-up benchmark).
  if (params.get('autologin') === '1' && !state.session) signIn('/');
}

boot();
