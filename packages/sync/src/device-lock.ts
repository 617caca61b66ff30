/**
 * The optional device lock: a passphrase that encrypts the device's keystore.
 *
 * When it is on, every secret of the keystore — the identity seed, each bilan's key K,
 * the docKeys kept for tombstones and rotations, personal-copy keys — and the names
 * and evidence it holds are sealed under a random vault key (keystore.ts), and the vault
 * key is stored only wrapped by the passphrase (Argon2id, @tandem/crypto vault.ts).
 * Unlocking takes one Argon2id derivation; then the vault key lives in this tab's
 * memory only, until the page is closed or reloaded.
 *
 * What it does not cover: each bilan's content copy is a y-indexeddb database written in
 * clear (raw Yjs updates); the lock does not encrypt those.
 *
 * A wrong passphrase changes nothing and nothing is ever wiped after failed attempts:
 * the cost of Argon2id (about a second per try) is the rate limit. A forgotten
 * passphrase leaves only `eraseDevice` (every Tandem database of this browser profile).
 */
import {
  createVaultKey,
  destroyVaultKey,
  randomId,
  sameVaultKey,
  STORE_NAME_PREFIX,
  unwrapVaultKey,
  wrapVaultKey,
  type PassphraseOpenError,
} from '@tandem/crypto';
import { deleteDatabase } from './idb.ts';
import {
  DEVICE_LOCK_FORMAT,
  DEVICE_LOCK_VERSION,
  KEYSTORE_DB_NAME,
  type Keystore,
  type StoredLock,
} from './keystore.ts';

/** Shortest passphrase accepted to turn the lock on or change it, in characters. */
export const LOCK_PASSPHRASE_MIN_CHARS = 12;
/** Fewest different characters in it (case-insensitive): "aaaaaaaaaaaa" is refused. */
export const LOCK_PASSPHRASE_MIN_DISTINCT = 5;

export type LockPassphraseProblem = 'too-short' | 'too-repetitive';

/**
 * What is wrong with a new lock passphrase, or null. The rule: at least 12 characters
 * (Unicode characters after NFC normalisation, spaces count) and at least 5 different
 * ones. Four or five ordinary words pass easily; a short word or a repeated pattern does
 * not. There is no upper limit and no required character class.
 */
export function lockPassphraseProblem(passphrase: string): LockPassphraseProblem | null {
  const chars = [...passphrase.normalize('NFC')];
  if (chars.length < LOCK_PASSPHRASE_MIN_CHARS) return 'too-short';
  if (new Set(chars.map((c) => c.toLocaleLowerCase())).size < LOCK_PASSPHRASE_MIN_DISTINCT) {
    return 'too-repetitive';
  }
  return null;
}

export type UnlockError =
  /** The passphrase does not open the wrapped vault key (or that box was modified). */
  | 'wrong-passphrase'
  /** The key opened but a record did not (tampered or damaged), or the lock is unreadable. */
  | 'damaged'
  /** A lock made by a newer Tandem, or with costs this version refuses. */
  | 'unsupported';

export type LockChangeResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly error: LockPassphraseProblem | 'wrong-passphrase' | 'already-on' | 'not-on';
    };

function unlockError(error: PassphraseOpenError): UnlockError {
  switch (error) {
    case 'wrong-passphrase-or-modified':
      return 'wrong-passphrase';
    case 'not-sealed':
      return 'damaged';
    default:
      return 'unsupported';
  }
}

/**
 * A keystore whose lock is on, before its passphrase was given. `open` makes the device
 * once the vault is in use (TandemDevice's own constructor stays private).
 */
export class LockedDevice<Device> {
  private unlocking: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly keystore: Keystore,
    private readonly open: (keystore: Keystore) => Promise<Device>,
  ) {}

  /**
   * Opens the keystore with `passphrase` (about a second: one Argon2id derivation).
   * Every record is checked before anything is handed out: a tampered record fails the
   * unlock ('damaged'). A failure changes nothing and can be retried without limit.
   */
  unlock(
    passphrase: string,
  ): Promise<{ ok: true; device: Device } | { ok: false; error: UnlockError }> {
    const attempt = this.unlocking.then(() => this.tryUnlock(passphrase));
    this.unlocking = attempt.catch(() => undefined);
    return attempt;
  }

  private async tryUnlock(
    passphrase: string,
  ): Promise<{ ok: true; device: Device } | { ok: false; error: UnlockError }> {
    const lock = await this.keystore.getLock();
    // Turned off in another tab meanwhile: the records are in clear again.
    if (lock === null) return { ok: true, device: await this.open(this.keystore) };
    if (lock === 'invalid') return { ok: false, error: 'damaged' };
    if (passphrase === '') return { ok: false, error: 'wrong-passphrase' };
    const unwrapped = await unwrapVaultKey(lock.wrappedKey, passphrase);
    if (!unwrapped.ok) return { ok: false, error: unlockError(unwrapped.error) };
    this.keystore.useVault(lock.vaultId, unwrapped.key);
    let intact = false;
    try {
      intact = await this.keystore.verifyAll();
    } finally {
      if (!intact) this.keystore.dropVault();
    }
    if (!intact) return { ok: false, error: 'damaged' };
    return { ok: true, device: await this.open(this.keystore) };
  }

  /**
   * Forgotten passphrase: deletes every Tandem database of this browser profile — the
   * keystore and each bilan's local copy. Nothing can be recovered afterwards on this
   * device; bilans shared with another party can be joined again with a new link.
   */
  async erase(): Promise<void> {
    const factory = this.keystore.factory;
    this.keystore.close();
    await eraseDevice(factory);
  }

  /** Closes the keystore without unlocking it. */
  close(): void {
    this.keystore.close();
  }
}

/**
 * Deletes every Tandem database of this origin: the bilans' local copies first (their
 * names are found with indexedDB.databases(), since the keys that derive them are
 * sealed), the keystore last, so an interrupted erase can be run again.
 */
export async function eraseDevice(factory: IDBFactory): Promise<void> {
  const listed = typeof factory.databases === 'function' ? await factory.databases() : [];
  for (const { name } of listed) {
    if (name?.startsWith(STORE_NAME_PREFIX)) await deleteDatabase(factory, name);
  }
  await deleteDatabase(factory, KEYSTORE_DB_NAME);
}

/** Turns the lock on: one Argon2id derivation, then every record sealed in one transaction. */
export async function enableLock(
  keystore: Keystore,
  passphrase: string,
): Promise<LockChangeResult> {
  if (keystore.vaultId !== null) return { ok: false, error: 'already-on' };
  const problem = lockPassphraseProblem(passphrase);
  if (problem) return { ok: false, error: problem };
  const key = createVaultKey();
  try {
    const lock: StoredLock = {
      format: DEVICE_LOCK_FORMAT,
      version: DEVICE_LOCK_VERSION,
      vaultId: randomId(),
      wrappedKey: await wrapVaultKey(key, passphrase),
      lockedAt: Date.now(),
    };
    await keystore.sealEverything(lock, key);
  } catch (error) {
    destroyVaultKey(key);
    throw error;
  }
  return { ok: true };
}

/** True when `passphrase` opens `lock`, the stored lock, and it holds the vault key in use. */
async function isCurrentPassphrase(
  keystore: Keystore,
  lock: StoredLock | 'invalid' | null,
  passphrase: string,
): Promise<boolean> {
  const inUse = keystore.vaultKey;
  if (!inUse || lock === null || lock === 'invalid' || passphrase === '') return false;
  if (lock.vaultId !== keystore.vaultId) return false;
  const unwrapped = await unwrapVaultKey(lock.wrappedKey, passphrase);
  if (!unwrapped.ok) return false;
  const same = sameVaultKey(unwrapped.key, inUse);
  destroyVaultKey(unwrapped.key);
  return same;
}

/** Wraps the same vault key under `next`: only the lock record changes (one write). */
export async function changeLockPassphrase(
  keystore: Keystore,
  current: string,
  next: string,
): Promise<LockChangeResult> {
  const key = keystore.vaultKey;
  const lock = await keystore.getLock();
  if (!key || lock === null || lock === 'invalid') return { ok: false, error: 'not-on' };
  const problem = lockPassphraseProblem(next);
  if (problem) return { ok: false, error: problem };
  if (!(await isCurrentPassphrase(keystore, lock, current))) {
    return { ok: false, error: 'wrong-passphrase' };
  }
  await keystore.replaceLock({
    ...lock,
    wrappedKey: await wrapVaultKey(key, next),
  });
  return { ok: true };
}

/** Turns the lock off: every record opened and stored in clear, in one transaction. */
export async function disableLock(keystore: Keystore, current: string): Promise<LockChangeResult> {
  if (keystore.vaultId === null) return { ok: false, error: 'not-on' };
  if (!(await isCurrentPassphrase(keystore, await keystore.getLock(), current))) {
    return { ok: false, error: 'wrong-passphrase' };
  }
  await keystore.openEverything();
  return { ok: true };
}
