// Storage adapters: where pending sign-ins and sessions live. All share one small async
// interface ({get, set, remove}) so apps can plug in their own.
import { SsoError } from './errors.js';

export function memoryStorage() {
  const map = new Map();
  return {
    async get(key) { return map.has(key) ? map.get(key) : null; },
    async set(key, value) { map.set(key, value); },
    async remove(key) { map.delete(key); },
  };
}

/** sessionStorage / localStorage (Web Storage API). */
export function webStorage(area) {
  if (!area) throw new SsoError('storage_error', 'this storage is not available in this environment');
  return {
    async get(key) { return area.getItem(key); },
    async set(key, value) {
      try { area.setItem(key, value); } catch (e) { throw new SsoError('storage_error', `could not write to storage: ${e.name}`); }
    },
    async remove(key) { area.removeItem(key); },
  };
}

/** 'memory' | 'session' | 'local' | a custom {get, set, remove}. */
export function resolveStorage(choice) {
  if (choice && typeof choice === 'object') {
    for (const m of ['get', 'set', 'remove']) {
      if (typeof choice[m] !== 'function') throw new SsoError('invalid_argument', `a custom storage needs a ${m}() method`);
    }
    return choice;
  }
  switch (choice ?? 'memory') {
    case 'memory': return memoryStorage();
    case 'session': return webStorage(globalThis.sessionStorage);
    case 'local': return webStorage(globalThis.localStorage);
    default: throw new SsoError('invalid_argument', `unknown storage "${choice}": use memory, session, local or a custom adapter`);
  }
}
