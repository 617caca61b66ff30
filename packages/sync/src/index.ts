export * from './types.ts';
export {
  DeviceLockedError,
  TandemDevice,
  type AcceptLinkResult,
  type DeviceStart,
  type RotationResult,
  type SessionOptions,
} from './device.ts';
export type { BilanSummaryCache, StoredBilan, TrustedPins } from './keystore.ts';
export { KEYSTORE_DB_NAME } from './keystore.ts';
export {
  eraseDevice,
  LOCK_PASSPHRASE_MIN_CHARS,
  LOCK_PASSPHRASE_MIN_DISTINCT,
  lockPassphraseProblem,
  type LockChangeResult,
  type LockedDevice,
  type LockPassphraseProblem,
  type UnlockError,
} from './device-lock.ts';
export { openSession, type OpenSessionOptions, type OpenedSession } from './session.ts';
export { StorageError, type StorageErrorCode } from './storage-error.ts';
export type { WebSocketFactory, WebSocketLike } from './relay-socket.ts';
export type { PersonalCopyInfo, DestroyOptions } from './device.ts';
export {
  BACKUP_FILE_EXTENSION,
  BACKUP_FORMAT_VERSION,
  createBackup,
  looksLikeBackup,
  openBackup,
  type BackupError,
  type BackupResult,
  type OpenedBackup,
} from './backup.ts';
/** BLAKE2b-256 (the workspace's HashBytes, e.g. for the synthesis hash); after TandemDevice.open. */
export { hashBytes } from '@tandem/crypto';
