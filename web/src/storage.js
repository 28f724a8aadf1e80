// Storage adapters: where pending sign-ins and sessions live. All share one small async
// interface ({get, set, remove}, string values) so apps can plug in their own.
//
// Choices: 'memory' | 'session' (sessionStorage) | 'local' (localStorage) | 'indexeddb' | an
// object {get, set, remove} whose methods may be sync or async.
// Asking explicitly for a storage this environment does not have (sessionStorage in Node,
// IndexedDB in a locked-down iframe) is an error (SsoError storage_error), never a silent
// fallback: an app that asked for persistence must not quietly lose it. Only the defaults
// fall back to memory (see defaultTransactionStorage).
import { SsoError } from './errors.js';

// Adapters made here already have the async, SsoError-raising interface.
const made = new WeakSet();
const mark = (adapter) => { made.add(adapter); return adapter; };

const unavailable = (what, why) =>
  new SsoError('storage_error', `${what} is not available here${why ? ` (${why})` : ''}: use storage 'memory' or a custom adapter`);

/** Kept in this JavaScript realm only: gone on reload, invisible to other tabs and to scripts that read Web Storage. */
export function memoryStorage() {
  const map = new Map();
  return mark({
    kind: 'memory',
    async get(key) { return map.has(key) ? map.get(key) : null; },
    async set(key, value) { map.set(key, String(value)); },
    async remove(key) { map.delete(key); },
  });
}

/** sessionStorage / localStorage (Web Storage API). Throws storage_error when `area` cannot be used. */
export function webStorage(area, kind = 'web') {
  if (!area) throw unavailable(kind === 'local' ? 'localStorage' : kind === 'session' ? 'sessionStorage' : 'this Web Storage area');
  return mark({
    kind,
    async get(key) {
      try { return area.getItem(key); } catch (e) { throw new SsoError('storage_error', `could not read storage: ${e && e.name}`); }
    },
    async set(key, value) {
      try { area.setItem(key, String(value)); } catch (e) { throw new SsoError('storage_error', `could not write to storage: ${e && e.name}`); }
    },
    async remove(key) {
      try { area.removeItem(key); } catch (e) { throw new SsoError('storage_error', `could not write to storage: ${e && e.name}`); }
    },
  });
}

// Reading the property itself throws (SecurityError) when cookies are blocked or in sandboxed
// frames, and Safari's old private mode had a zero quota: probe with a real write.
function webArea(name) {
  let area;
  try { area = globalThis[name]; } catch (e) { return { error: e && e.name }; }
  if (!area) return { error: null };
  try {
    const probe = '__ssokit_probe__';
    area.setItem(probe, '1');
    area.removeItem(probe);
  } catch (e) { return { error: e && e.name }; }
  return { area };
}

const idbRequest = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

/**
 * One IndexedDB object store as {get, set, remove} of any structured-cloneable value (the DPoP
 * keys keep CryptoKeys in it). `what` names it in errors.
 */
export function idbStore({ dbName, storeName, indexedDB: factory, what = 'IndexedDB' }) {
  let idb = factory;
  if (!idb) { try { idb = globalThis.indexedDB; } catch { idb = null; } }
  if (!idb) throw unavailable('IndexedDB');
  let opening = null;
  const open = () => {
    opening ??= new Promise((resolve, reject) => {
      const req = idb.open(dbName, 1);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(storeName)) req.result.createObjectStore(storeName);
      };
      req.onsuccess = () => {
        const db = req.result;
        // Another tab upgrading the database: let it, we reopen on the next call.
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('blocked by another tab'));
    }).catch((e) => {
      opening = null;
      throw new SsoError('storage_error', `could not open IndexedDB "${dbName}": ${e && (e.message || e.name)}`);
    });
    return opening;
  };
  async function run(mode, fn) {
    const db = await open();
    try {
      const tx = db.transaction(storeName, mode);
      const done = new Promise((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
      });
      const result = await idbRequest(fn(tx.objectStore(storeName)));
      await done;
      return result;
    } catch (e) {
      throw new SsoError('storage_error', `${what} ${mode === 'readonly' ? 'read' : 'write'} failed: ${e && (e.name || e.message)}`);
    }
  }
  return {
    async get(key) { return (await run('readonly', (store) => store.get(key))) ?? null; },
    async set(key, value) { await run('readwrite', (store) => store.put(value, key)); },
    async remove(key) { await run('readwrite', (store) => store.delete(key)); },
  };
}

/**
 * IndexedDB: one database with one object store of string values. Asynchronous, survives reloads,
 * shared by the tabs of an origin. Options: { dbName = 'ssokit', storeName = 'kv', indexedDB }.
 */
export function indexedDbStorage({ dbName = 'ssokit', storeName = 'kv', indexedDB } = {}) {
  const store = idbStore({ dbName, storeName, indexedDB });
  return mark({
    kind: 'indexeddb',
    async get(key) {
      const value = await store.get(key);
      return value === null ? null : String(value);
    },
    set: (key, value) => store.set(key, String(value)),
    remove: (key) => store.remove(key),
  });
}

/** Wraps an app's {get, set, remove} (sync or async) into the async interface with SsoError failures. */
export function customStorage(adapter) {
  for (const m of ['get', 'set', 'remove']) {
    if (!adapter || typeof adapter[m] !== 'function') throw new SsoError('invalid_argument', `a custom storage needs a ${m}() method`);
  }
  const guard = async (what, fn) => {
    try { return await fn(); } catch (e) {
      if (e instanceof SsoError) throw e;
      throw new SsoError('storage_error', `the custom storage failed to ${what}: ${e && e.message ? e.message : e}`);
    }
  };
  return mark({
    kind: 'custom',
    get: (key) => guard('read', async () => {
      const value = await adapter.get(key);
      return value === undefined || value === null ? null : String(value);
    }),
    set: (key, value) => guard('write', async () => { await adapter.set(key, value); }),
    remove: (key) => guard('write', async () => { await adapter.remove(key); }),
  });
}

/** 'memory' | 'session' | 'local' | 'indexeddb' | a custom {get, set, remove} -> an async adapter. */
export function resolveStorage(choice = 'memory') {
  if (choice && typeof choice === 'object') return made.has(choice) ? choice : customStorage(choice);
  switch (choice) {
    case 'memory': return memoryStorage();
    case 'session':
    case 'local': {
      const name = choice === 'session' ? 'sessionStorage' : 'localStorage';
      const { area, error } = webArea(name);
      if (!area) throw unavailable(name, error);
      return webStorage(area, choice);
    }
    case 'indexeddb': return indexedDbStorage();
    default:
      throw new SsoError('invalid_argument', `unknown storage "${choice}": use memory, session, local, indexeddb or a custom {get, set, remove}`);
  }
}

/** The default for pending sign-ins: sessionStorage in browsers (it survives the redirect and is per tab), memory elsewhere. */
export function defaultTransactionStorage() {
  const { area } = webArea('sessionStorage');
  return area ? webStorage(area, 'session') : memoryStorage();
}

/** Whether a storage is visible to other tabs of the origin (so a session written in one tab is there in the others). */
export function isSharedAcrossTabs(adapter) {
  return adapter.kind === 'local' || adapter.kind === 'indexeddb' || adapter.kind === 'custom';
}
