// The client's events, one subscription API: sso.on(name, listener) returns an unsubscribe
// function. Every tab that shares the session hears them (client.js relays them over the tab
// channel); a listener's error is its own and never stops the others.
//
//   sessionChanged  (session | null)            sign-in, refresh, sign-out, here or in another tab
//   tokenRefreshed  ({ expiresAt })             a refresh stored new tokens
//   tokenExpiring   ({ expiresAt, expiresIn })  the access token is within refreshLeeway of expiry
//   refreshFailed   ({ code, message })         a refresh failed (login_required: the session ended)
//   signedOut       ({ reason })                'logout', 'refresh_refused' or 'other_tab'
import { SsoError } from './errors.js';

export const EVENT_NAMES = ['sessionChanged', 'tokenRefreshed', 'tokenExpiring', 'refreshFailed', 'signedOut'];

export function createEvents() {
  const listeners = new Map(EVENT_NAMES.map((name) => [name, new Set()]));
  return {
    on(name, listener) {
      const set = listeners.get(name);
      if (!set) throw new SsoError('invalid_argument', `unknown event "${String(name).slice(0, 40)}"; the events are ${EVENT_NAMES.join(', ')}`);
      if (typeof listener !== 'function') throw new SsoError('invalid_argument', `on("${name}", listener) needs a function`);
      set.add(listener);
      return () => { set.delete(listener); };
    },
    emit(name, value) {
      for (const listener of [...listeners.get(name)]) {
        try { listener(value); } catch { /* a listener's error is its own */ }
      }
    },
  };
}

/**
 * One timer for the session's expiry: `onDue` runs once the access token is within `leeway`
 * seconds of `expiresAt` (at once if it already is). Rescheduled on every session change.
 */
export function createExpiryTimer({ clock, leeway, onDue }) {
  let timer = null;
  return {
    schedule(expiresAt) {
      this.cancel();
      if (!expiresAt) return;
      // 50 ms late rather than early: the clock is whole seconds, and the due check uses it.
      const ms = Math.max(0, (expiresAt - leeway - clock()) * 1000) + 50;
      // setTimeout holds at most 2^31-1 ms; a longer wait is re-armed when it fires.
      const wait = Math.min(ms, 0x7fffffff);
      timer = setTimeout(() => {
        timer = null;
        if (wait < ms) this.schedule(expiresAt);
        else onDue(expiresAt);
      }, wait);
      timer.unref?.();  // Node: an idle client must not keep the process alive
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
