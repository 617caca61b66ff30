import { StorageError, classifyStorageError } from './storage-error.ts';

/** Promise form of an IDBRequest. */
export function requestToPromise<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(new StorageError(classifyStorageError(request.error), request.error));
  });
}

/** Resolves when a transaction commits; rejects with a classified StorageError if it fails. */
export function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    const fail = () => reject(new StorageError(classifyStorageError(tx.error), tx.error));
    tx.onerror = fail;
    tx.onabort = fail;
  });
}

/** Deletes a whole database, waiting out other tabs that still hold it open. */
export function deleteDatabase(idb: IDBFactory, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const request = idb.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () =>
      reject(new StorageError(classifyStorageError(request.error), request.error));
    // "blocked" only means another connection is still closing; success follows once it does.
  });
}
