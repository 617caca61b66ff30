import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { STORAGE_OPEN_TIMEOUT_MS } from './constants.ts';
import { deleteDatabase } from './idb.ts';
import { StorageError, classifyStorageError, withTimeout } from './storage-error.ts';

export interface LocalCopy {
  /** Set once a write failed after opening (quota, eviction); null while healthy. */
  readonly writeError: StorageError | null;
  close(): Promise<void>;
  /** Closes and deletes this bilan's database. */
  wipe(): Promise<void>;
}

/**
 * Copies a bilan's database into another (a key rotation changes the store name). The
 * source stays: the caller deletes it once the new key is stored, so a crash in between
 * loses nothing.
 */
export async function copyLocalCopy(fromStore: string, toStore: string): Promise<void> {
  const doc = new Y.Doc();
  const noop = () => undefined;
  const source = await openLocalCopy(fromStore, doc, noop);
  try {
    // y-indexeddb stores the document's current state when it opens a database.
    const target = await openLocalCopy(toStore, doc, noop);
    if (target.writeError) throw target.writeError;
    await target.close();
  } finally {
    await source.close();
    doc.destroy();
  }
}

/**
 * The bilan's own IndexedDB database (y-indexeddb under the derived store name).
 * Resolves once the stored state is in `doc`; rejects with a StorageError instead of
 * hanging when IndexedDB is unusable (private mode, quota, blocked upgrade).
 */
export async function openLocalCopy(
  storeName: string,
  doc: Y.Doc,
  onWriteError: (error: StorageError) => void,
): Promise<LocalCopy> {
  if (typeof indexedDB === 'undefined') throw new StorageError('unavailable');
  const persistence = new IndexeddbPersistence(storeName, doc);
  const opened = persistence._db.catch((error: unknown) => {
    throw error instanceof StorageError
      ? error
      : new StorageError(classifyStorageError(error), error);
  });
  try {
    await withTimeout(Promise.all([opened, persistence.whenSynced]), STORAGE_OPEN_TIMEOUT_MS);
  } catch (error) {
    await persistence.destroy().catch(() => undefined);
    throw error instanceof StorageError ? error : new StorageError('failed', error);
  }
  let writeError: StorageError | null = null;
  const db = await opened;
  // Request and transaction errors bubble up to the database: that is where a full
  // disk shows up after opening, since y-indexeddb does not surface write failures.
  const failed = (event: Event) => {
    const target = event.target as IDBRequest | IDBTransaction | null;
    const cause = target && 'error' in target ? target.error : null;
    writeError = new StorageError(classifyStorageError(cause), cause);
    onWriteError(writeError);
  };
  db.addEventListener('error', failed);
  db.addEventListener('abort', failed);
  const close = async () => {
    db.removeEventListener('error', failed);
    db.removeEventListener('abort', failed);
    await persistence.destroy();
  };
  return {
    get writeError() {
      return writeError;
    },
    close,
    async wipe() {
      await close();
      await deleteDatabase(indexedDB, storeName);
    },
  };
}
