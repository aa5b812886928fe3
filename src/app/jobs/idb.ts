/**
 * A small IndexedDB wrapper for the job queue: one database, one object store keyed by `id`.
 * Records are structured clones, so typed arrays (the prediction) are stored as they are.
 */
export interface JobDb<T extends { id: string }> {
  getAll(): Promise<T[]>;
  put(record: T): Promise<void>;
  delete(id: string): Promise<void>;
}

export const DB_NAME = 'webfold';
export const DB_VERSION = 1;
export const JOBS_STORE = 'jobs';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export function openJobDb<T extends { id: string }>(factory: IDBFactory = indexedDB): JobDb<T> {
  let db: Promise<IDBDatabase> | undefined;
  const open = () => {
    db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = factory.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(JOBS_STORE))
          req.result.createObjectStore(JOBS_STORE, { keyPath: 'id' });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
      req.onblocked = () =>
        reject(new Error('IndexedDB is blocked by another tab holding an older version; close it'));
    });
    return db;
  };
  return {
    async getAll() {
      const tx = (await open()).transaction(JOBS_STORE, 'readonly');
      return request(tx.objectStore(JOBS_STORE).getAll() as IDBRequest<T[]>);
    },
    async put(record) {
      const tx = (await open()).transaction(JOBS_STORE, 'readwrite');
      tx.objectStore(JOBS_STORE).put(record);
      await done(tx);
    },
    async delete(id) {
      const tx = (await open()).transaction(JOBS_STORE, 'readwrite');
      tx.objectStore(JOBS_STORE).delete(id);
      await done(tx);
    },
  };
}

/** An in-memory JobDb (tests, and browsers where IndexedDB is unavailable). */
export function memoryJobDb<T extends { id: string }>(): JobDb<T> & { records: Map<string, T> } {
  const records = new Map<string, T>();
  return {
    records,
    async getAll() {
      return [...records.values()].map((r) => structuredClone(r));
    },
    async put(record) {
      records.set(record.id, structuredClone(record));
    },
    async delete(id) {
      records.delete(id);
    },
  };
}
