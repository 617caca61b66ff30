/** Why the local copy (IndexedDB) cannot be used; stable codes the UI translates. */
export type StorageErrorCode = 'unavailable' | 'quota' | 'blocked' | 'timeout' | 'failed';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    cause?: unknown,
  ) {
    super(`local storage ${code}`, { cause });
    this.name = 'StorageError';
  }
}

/** Maps a DOMException (or anything thrown by IndexedDB) to a stable code. */
export function classifyStorageError(error: unknown): StorageErrorCode {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'QuotaExceededError') return 'quota';
  if (name === 'InvalidStateError' || name === 'SecurityError' || name === 'NotAllowedError') {
    return 'unavailable';
  }
  return 'failed';
}

/** Rejects with a StorageError('timeout') if `promise` has not settled after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StorageError('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
