// checkSession(): asks the provider "is this user still signed in?" with prompt=none in a hidden
// iframe, so the page does not leave. The iframe ends on the redirect URI; the app's callback page
// loaded there hands the URL to the parent (handleRedirectCallback does it by itself in this frame,
// see isCheckFrame), and the parent also reads the frame's address once it is back on its origin.
// A provider that refuses to be framed (X-Frame-Options, CSP frame-ancestors) never gets there:
// after `timeoutMs` that is login_required with details.reason 'check_session_timeout'.
import { SsoError } from './errors.js';
import { waitForPopupCallback } from './popup.js';

const FRAME_NAME = 'ssokit-check';

/** True in the hidden frame of checkSession(): its callback page hands the URL to the parent. */
export function isCheckFrame() {
  try {
    return globalThis.parent !== globalThis && globalThis.name === FRAME_NAME && !!globalThis.parent;
  } catch {
    return false;
  }
}

/** From the hidden frame: the callback URL to the parent (same origin only: it holds the code). */
export function handOffToParent(url) {
  globalThis.parent.postMessage({ type: 'ssokit:callback', url }, globalThis.location.origin);
}

/** Loads `url` in a hidden iframe; resolves with the callback URL it reached. */
export async function callbackFromHiddenFrame(url, { redirectUri, timeoutMs = 10000 }) {
  const document = globalThis.document;
  if (!document?.body) throw new SsoError('invalid_argument', 'checkSession() needs a page (document.body) to put its hidden frame in');
  const frame = document.createElement('iframe');
  frame.name = FRAME_NAME;
  frame.title = 'session check';
  frame.setAttribute('aria-hidden', 'true');
  frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
  document.body.appendChild(frame);
  try {
    frame.src = url;
    return await waitForPopupCallback(frame.contentWindow, { redirectUri, timeoutMs });
  } catch (e) {
    if (e instanceof SsoError && e.code === 'timeout') {
      throw new SsoError('login_required',
        `the provider did not answer the silent session check within ${Math.round(timeoutMs / 1000)} s: it may refuse to be ` +
        'shown in a frame, or the browser blocks its cookies there; sign in with login(), or call checkSession({ redirect: true })',
        { reason: 'check_session_timeout' });
    }
    throw e;
  } finally {
    frame.remove();
  }
}
