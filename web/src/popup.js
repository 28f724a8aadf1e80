// Popup sign-in. The opener keeps the pending sign-in and completes it; the popup only carries
// the callback URL back: its callback page calls completePopupCallback(), which posts the URL to
// the opener (same origin only, the URL holds the authorization code) and closes the popup. As a
// fallback the opener also polls the popup's location, readable once it is back on our origin.
import { SsoError } from './errors.js';

const MESSAGE_TYPE = 'ssokit:callback';
// From a popup whose callback page called handleRedirectCallback() instead of completePopupCallback().
const NOT_COMPLETED_TYPE = 'ssokit:callback-not-completed';
const POPUP_NAME = 'ssokit-signin';
const POLL_MS = 200;

/** Opens a blank popup now (within the user's click); throws SsoError cancelled when blocked. */
export function openPopup(features) {
  if (typeof globalThis.open !== 'function') {
    throw new SsoError('invalid_argument', 'popup sign-in needs a browser window (window.open)');
  }
  const width = 500;
  const height = 650;
  const left = Math.max(0, ((globalThis.screenX ?? 0) + ((globalThis.outerWidth ?? width) - width) / 2) | 0);
  const top = Math.max(0, ((globalThis.screenY ?? 0) + ((globalThis.outerHeight ?? height) - height) / 2) | 0);
  const win = globalThis.open('about:blank', POPUP_NAME,
    features ?? `popup=yes,width=${width},height=${height},left=${left},top=${top}`);
  if (!win) {
    throw new SsoError('cancelled', 'the browser blocked the sign-in popup: call login({ popup: true }) from a click handler, or use the redirect',
      { reason: 'popup_blocked' });
  }
  return win;
}

/**
 * Resolves with the callback URL once the popup reached the redirect URI; rejects with
 * SsoError cancelled when the user closes it, timeout after `timeoutMs` (default 5 minutes).
 */
export function waitForPopupCallback(win, { redirectUri, timeoutMs = 300000 } = {}) {
  const target = new URL(redirectUri);
  const isCallback = (href) => {
    try {
      const u = new URL(href);
      return u.origin === target.origin && u.pathname === target.pathname;
    } catch { return false; }
  };
  return new Promise((resolve, reject) => {
    let timer = null;
    let deadline = null;
    const finish = (fn, value) => {
      clearInterval(timer);
      clearTimeout(deadline);
      globalThis.removeEventListener?.('message', onMessage);
      fn(value);
    };
    function onMessage(event) {
      if (event.origin !== target.origin || event.source !== win) return;
      const data = event.data;
      if (data && data.type === NOT_COMPLETED_TYPE) {
        finish(reject, new SsoError('invalid_argument',
          'the sign-in popup reached the callback page, but that page called handleRedirectCallback() instead of ' +
          'completePopupCallback(): call completePopupCallback() on the callback page when it is loaded in the popup (README, Popup sign-in)',
          { reason: 'popup_callback_not_completed' }));
        return;
      }
      if (!data || data.type !== MESSAGE_TYPE || typeof data.url !== 'string' || !isCallback(data.url)) return;
      finish(resolve, data.url);
    }
    globalThis.addEventListener?.('message', onMessage);
    timer = setInterval(() => {
      let href = null;
      try { href = win.location.href; } catch { /* on the provider's origin: not readable */ }
      if (href && isCallback(href) && /[?&#](code|error)=/.test(href)) {
        finish(resolve, href);
        return;
      }
      if (win.closed) finish(reject, new SsoError('cancelled', 'the sign-in window was closed before the sign-in finished', { reason: 'popup_closed' }));
    }, POLL_MS);
    deadline = setTimeout(() => finish(reject, new SsoError('timeout', `the sign-in popup did not finish within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  });
}

/** True in a window that login({ popup: true }) opened (by its name) and whose opener is still there. */
export function isSigninPopup() {
  const opener = globalThis.opener;
  return !!opener && opener !== globalThis && globalThis.name === POPUP_NAME;
}

/** From the popup: tells the opener that its callback page did not call completePopupCallback(). */
export function reportPopupCallbackNotCompleted() {
  try {
    globalThis.opener.postMessage({ type: NOT_COMPLETED_TYPE }, globalThis.location.origin);
  } catch { /* the opener is gone or on another origin: the popup's own error says it */ }
}

/**
 * For the callback page of a popup sign-in: hands the URL to the opener and closes the window.
 * Returns false when this page is not a popup (then handle the redirect callback normally).
 */
export function completePopupCallback(url = globalThis.location?.href) {
  const opener = globalThis.opener;
  if (!opener || opener === globalThis || !url) return false;
  // The target origin keeps the code from ever reaching a page of another origin.
  opener.postMessage({ type: MESSAGE_TYPE, url }, new URL(url).origin);
  try { globalThis.close(); } catch { /* the opener closes it */ }
  return true;
}
