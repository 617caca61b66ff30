import { destroyVaultKey, openFromVault, sealInVault, type VaultKey } from '@tandem/crypto';
import { decodeBase64url, encodeBase64url, type PartyRole } from '@tandem/protocol';
import { requestToPromise, transactionDone } from './idb.ts';
import { StorageError, classifyStorageError, withTimeout } from './storage-error.ts';
import { STORAGE_OPEN_TIMEOUT_MS } from './constants.ts';

/**
 * The device's keystore: its own IndexedDB database, apart from every bilan's database.
 * It holds the device identity, each bilan's key and a small summary for the home
 * list, and the evidence records that must outlive a destroyed bilan. Content never
 * goes here.
 *
 * With the device lock on (device-lock.ts), every record keeps in clear only the fields
 * listed in CLEAR_FIELDS (ids, roles, dates, public keys, signed envelopes, ciphertext);
 * all its other fields — the identity seed, K, the docKeys, personal-copy keys, the
 * summary's names, the evidence — are sealed together in its `vault` field under the
 * vault key, which this object holds in memory only. The lock record itself (LOCK_KEY in
 * the device store) holds the vault key wrapped by the passphrase.
 */
export const KEYSTORE_DB_NAME = 'tandem-keystore';
const KEYSTORE_VERSION = 2;
const DEVICE_STORE = 'device';
const BILANS_STORE = 'bilans';
const EVIDENCE_STORE = 'evidence';
const TOMBSTONES_STORE = 'tombstones';
const PERSONAL_STORE = 'personal';
const ROTATIONS_STORE = 'rotations';
const IDENTITY_KEY = 'identity';
const LOCK_KEY = 'lock';
const ALL_STORES = [
  DEVICE_STORE,
  BILANS_STORE,
  EVIDENCE_STORE,
  TOMBSTONES_STORE,
  PERSONAL_STORE,
  ROTATIONS_STORE,
] as const;
/** The stores whose records carry their own key, and that key's field. */
const KEYED_STORES: readonly (readonly [string, string])[] = [
  [BILANS_STORE, 'bilanId'],
  [EVIDENCE_STORE, 'bilanId'],
  [TOMBSTONES_STORE, 'bilanId'],
  [PERSONAL_STORE, 'copyId'],
  [ROTATIONS_STORE, 'relayTopic'],
];

/**
 * What stays readable in a locked keystore, per store: what a record is and when, public
 * keys, signed orders and what is already ciphertext. Every other field is sealed, so a
 * field added later is sealed unless it is listed here.
 */
const CLEAR_FIELDS: Readonly<Record<string, readonly string[]>> = {
  [DEVICE_STORE]: ['version', 'publicKey'],
  [BILANS_STORE]: [
    'bilanId',
    'role',
    'createdAt',
    'lastOpenedAt',
    'pins',
    'retiredTopics',
    'revokedAt',
  ],
  [EVIDENCE_STORE]: ['bilanId'],
  [TOMBSTONES_STORE]: ['bilanId', 'envelope', 'relayTopic', 'destroyedAt', 'announceUntil'],
  [PERSONAL_STORE]: ['copyId', 'bilanId', 'createdAt', 'sealedChunks'],
  [ROTATIONS_STORE]: ['relayTopic', 'bilanId', 'envelope', 'rotatedAt', 'announceUntil'],
};
/** The field of a locked record that holds its sealed fields. */
const SEALED_FIELD = 'vault';

export const DEVICE_LOCK_FORMAT = 'tandem-device-lock';
export const DEVICE_LOCK_VERSION = 1;

/** The lock record: present exactly when the device lock is on. */
export interface StoredLock {
  readonly format: typeof DEVICE_LOCK_FORMAT;
  readonly version: typeof DEVICE_LOCK_VERSION;
  /** Random id of this vault; the same across passphrase changes. */
  readonly vaultId: string;
  /** The vault key in a passphrase box (Argon2id; see @tandem/crypto vault.ts). */
  readonly wrappedKey: Uint8Array;
  readonly lockedAt: number;
}

/** A record of a locked keystore that does not open: tampered, damaged, or not sealed. */
export class KeystoreRecordError extends Error {
  constructor(readonly where: string) {
    super(`keystore record ${where} does not open`);
    this.name = 'KeystoreRecordError';
  }
}

/** The lock was turned on, off or replaced (in another tab) since this keystore read it. */
export class LockChangedError extends Error {
  constructor() {
    super('the device lock changed since this tab opened the keystore');
    this.name = 'LockChangedError';
  }
}

interface Vault {
  readonly id: string;
  readonly key: VaultKey;
}

/** What the home screen shows of a bilan without opening its document. */
export interface BilanSummaryCache {
  readonly beneficiaryName: string;
  readonly counsellorName: string;
  readonly phase: string;
  readonly secondsUsed: number;
  readonly capSeconds: number;
  readonly retentionDeadline: number | null;
  readonly lastActivityAt: number;
}

/** The parties' device keys as this device first saw them (trust on first use). */
export interface TrustedPins {
  readonly counsellor: Uint8Array | null;
  readonly beneficiary: Uint8Array | null;
}

export interface StoredBilanRecord {
  readonly bilanId: string;
  readonly key: Uint8Array;
  readonly role: PartyRole;
  readonly createdAt: number;
  readonly lastOpenedAt: number;
  readonly summary: BilanSummaryCache | null;
  readonly pins: TrustedPins;
  /** Relay topics of the keys this bilan was rotated away from: their links are dead. */
  readonly retiredTopics: readonly string[];
  /** Set when a valid rotation excluded this device: the bilan no longer syncs here. */
  readonly revokedAt: number | null;
}

/**
 * A key rotation this device made and keeps announcing, sealed, on the topic of the key
 * it replaced, so the admitted device that was away still moves to the new key.
 */
export interface StoredRotation {
  readonly relayTopic: string;
  readonly bilanId: string;
  readonly envelope: Uint8Array;
  readonly docKey: Uint8Array;
  readonly rotatedAt: number;
  readonly announceUntil: number;
}

/**
 * What a device keeps of a bilan it destroyed: the signed destroy order and what it
 * needs to re-announce it, sealed, on the bilan's topic until `announceUntil` — no
 * content and not K (the relay topic and docKey cannot open anything left on this device).
 */
export interface StoredTombstone {
  readonly bilanId: string;
  readonly envelope: Uint8Array;
  readonly relayTopic: string;
  readonly docKey: Uint8Array;
  readonly destroyedAt: number;
  readonly announceUntil: number;
}

/** The beneficiary's detached copy: a Yjs snapshot sealed with its own key, never synced. */
export interface StoredPersonalCopy {
  readonly copyId: string;
  readonly bilanId: string;
  readonly title: string;
  readonly createdAt: number;
  readonly key: Uint8Array;
  readonly sealedChunks: readonly Uint8Array[];
}

/** A bilan as the client sees it: everything but the key. */
export type StoredBilan = Omit<StoredBilanRecord, 'key'>;

export const NO_PINS: TrustedPins = { counsellor: null, beneficiary: null };

export class Keystore {
  /** The vault in use: null while the lock is off (or not yet unlocked). Memory only. */
  private vault: Vault | null = null;

  private constructor(
    private readonly db: IDBDatabase,
    readonly factory: IDBFactory,
  ) {}

  static async open(factory: IDBFactory = indexedDB): Promise<Keystore> {
    if (!factory) throw new StorageError('unavailable');
    const request = factory.open(KEYSTORE_DB_NAME, KEYSTORE_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(DEVICE_STORE)) db.createObjectStore(DEVICE_STORE);
      if (!db.objectStoreNames.contains(BILANS_STORE)) {
        db.createObjectStore(BILANS_STORE, { keyPath: 'bilanId' });
      }
      if (!db.objectStoreNames.contains(EVIDENCE_STORE)) {
        db.createObjectStore(EVIDENCE_STORE, { keyPath: 'bilanId' });
      }
      if (!db.objectStoreNames.contains(TOMBSTONES_STORE)) {
        db.createObjectStore(TOMBSTONES_STORE, { keyPath: 'bilanId' });
      }
      if (!db.objectStoreNames.contains(PERSONAL_STORE)) {
        db.createObjectStore(PERSONAL_STORE, { keyPath: 'copyId' });
      }
      if (!db.objectStoreNames.contains(ROTATIONS_STORE)) {
        db.createObjectStore(ROTATIONS_STORE, { keyPath: 'relayTopic' });
      }
    };
    const blocked = new Promise<never>((_, reject) => {
      request.onblocked = () => reject(new StorageError('blocked'));
    });
    try {
      const db = await withTimeout(
        Promise.race([requestToPromise(request), blocked]),
        STORAGE_OPEN_TIMEOUT_MS,
      );
      // Another tab deleting the keystore (device reset) or upgrading it is not kept
      // waiting: this connection closes, and this tab's next access fails.
      db.onversionchange = () => db.close();
      return new Keystore(db, factory);
    } catch (error) {
      throw error instanceof StorageError
        ? error
        : new StorageError(classifyStorageError(error), error);
    }
  }

  /** Closes the database and wipes the vault key from memory. */
  close(): void {
    this.dropVault();
    this.db.close();
  }

  // --- The device lock -----------------------------------------------------------

  /** The lock record as stored: null when the lock is off, 'invalid' if unreadable. */
  async getLock(): Promise<StoredLock | 'invalid' | null> {
    const raw = await this.read(DEVICE_STORE, LOCK_KEY);
    return raw === undefined ? null : (parseLock(raw) ?? 'invalid');
  }

  /** The id of the vault in use, or null while records are read and written in clear. */
  get vaultId(): string | null {
    return this.vault?.id ?? null;
  }

  /** The vault key in use (memory only); null while the lock is off. */
  get vaultKey(): VaultKey | null {
    return this.vault?.key ?? null;
  }

  /** Reads and writes through `key` from now on (after unwrapping it with the passphrase). */
  useVault(vaultId: string, key: VaultKey): void {
    this.vault = { id: vaultId, key };
  }

  /** Forgets the vault: back to clear mode, where any sealed record fails to read. */
  dropVault(): void {
    const vault = this.vault;
    this.vault = null;
    if (vault) destroyVaultKey(vault.key);
  }

  /**
   * True when every record opens under the vault in use: the identity, and each record
   * of each store. Run at unlock, so that a tampered record fails the unlock instead of
   * leaving a keystore half open.
   */
  async verifyAll(): Promise<boolean> {
    const vault = this.vault;
    if (!vault) return false;
    const tx = this.db.transaction([...ALL_STORES], 'readonly');
    const [identity, ...stores] = await Promise.all([
      requestToPromise(tx.objectStore(DEVICE_STORE).get(IDENTITY_KEY)),
      ...KEYED_STORES.map(([storeName]) => requestToPromise(tx.objectStore(storeName).getAll())),
    ]);
    if (identity === undefined) return false;
    try {
      openRecord(vault.key, DEVICE_STORE, IDENTITY_KEY, identity);
      KEYED_STORES.forEach(([storeName, keyPath], i) => {
        for (const value of stores[i] as unknown[]) {
          openRecord(vault.key, storeName, primaryKeyOf(value, keyPath), value);
        }
      });
      return true;
    } catch (error) {
      if (error instanceof KeystoreRecordError) return false;
      throw error;
    }
  }

  /**
   * Turns the lock on: seals every record under `key` and stores `lock`, all in one
   * transaction — it commits whole or not at all, so a crash or a failed write leaves
   * the keystore as it was (in clear, lock off). Fails if a lock is already stored.
   */
  async sealEverything(lock: StoredLock, key: VaultKey): Promise<void> {
    const previous = this.vault;
    // Writes asked for from now on are sealed and queue behind this transaction.
    this.vault = { id: lock.vaultId, key };
    try {
      await this.rewriteAll(
        null,
        (storeName, primaryKey, value) => {
          if (isSealed(value)) throw new KeystoreRecordError(`${storeName}/${primaryKey}`);
          return sealRecord(key, storeName, primaryKey, value);
        },
        (device) => device.put(lock, LOCK_KEY),
      );
    } catch (error) {
      this.vault = previous;
      throw error;
    }
  }

  /**
   * Turns the lock off: opens every record and stores it in clear, and deletes the lock
   * record, in one transaction. A record that does not open aborts it: nothing changes.
   */
  async openEverything(): Promise<void> {
    const vault = this.vault;
    if (!vault) throw new LockChangedError();
    this.vault = null;
    try {
      await this.rewriteAll(
        vault.id,
        (storeName, primaryKey, value) => openRecord(vault.key, storeName, primaryKey, value),
        (device) => device.delete(LOCK_KEY),
      );
    } catch (error) {
      this.vault = vault;
      throw error;
    }
    destroyVaultKey(vault.key);
  }

  /** Replaces the lock record of the vault in use (a new passphrase wraps the same key). */
  async replaceLock(lock: StoredLock): Promise<void> {
    if (lock.vaultId !== this.vaultId) throw new LockChangedError();
    await this.write(DEVICE_STORE, () => (store) => store.put(lock, LOCK_KEY));
  }

  // --- Records -------------------------------------------------------------------

  /** The stored identity as read; @tandem/crypto parses and validates it. */
  async getIdentity(): Promise<unknown> {
    return this.unseal(DEVICE_STORE, IDENTITY_KEY, await this.read(DEVICE_STORE, IDENTITY_KEY));
  }

  async putIdentity(identity: object): Promise<void> {
    await this.write(DEVICE_STORE, (seal) => {
      const stored = seal(DEVICE_STORE, IDENTITY_KEY, identity);
      return (store) => store.put(stored, IDENTITY_KEY);
    });
  }

  async listBilans(): Promise<StoredBilanRecord[]> {
    return (await this.all(BILANS_STORE))
      .map(parseBilanRecord)
      .filter((b): b is StoredBilanRecord => b !== null);
  }

  async getBilan(bilanId: string): Promise<StoredBilanRecord | null> {
    return parseBilanRecord(await this.get(BILANS_STORE, bilanId));
  }

  async putBilan(record: StoredBilanRecord): Promise<void> {
    await this.put(BILANS_STORE, record.bilanId, record);
  }

  async deleteBilan(bilanId: string): Promise<void> {
    await this.delete(BILANS_STORE, bilanId);
  }

  /** Evidence records are opaque to the keystore: the workspace layer defines and parses them. */
  async getEvidence(bilanId: string): Promise<unknown> {
    return this.get(EVIDENCE_STORE, bilanId);
  }

  async listEvidence(): Promise<unknown[]> {
    return this.all(EVIDENCE_STORE);
  }

  async putEvidence(record: {
    readonly bilanId: string;
    readonly [field: string]: unknown;
  }): Promise<void> {
    await this.put(EVIDENCE_STORE, record.bilanId, record);
  }

  async deleteEvidence(bilanId: string): Promise<void> {
    await this.delete(EVIDENCE_STORE, bilanId);
  }

  async listTombstones(): Promise<StoredTombstone[]> {
    return (await this.all(TOMBSTONES_STORE)).map(parseTombstone).filter((t) => t !== null);
  }

  async putTombstone(record: StoredTombstone): Promise<void> {
    await this.put(TOMBSTONES_STORE, record.bilanId, record);
  }

  async deleteTombstone(bilanId: string): Promise<void> {
    await this.delete(TOMBSTONES_STORE, bilanId);
  }

  async listRotations(): Promise<StoredRotation[]> {
    return (await this.all(ROTATIONS_STORE)).map(parseRotation).filter((r) => r !== null);
  }

  async putRotation(record: StoredRotation): Promise<void> {
    await this.put(ROTATIONS_STORE, record.relayTopic, record);
  }

  async deleteRotation(relayTopic: string): Promise<void> {
    await this.delete(ROTATIONS_STORE, relayTopic);
  }

  async listPersonalCopies(): Promise<StoredPersonalCopy[]> {
    return (await this.all(PERSONAL_STORE)).map(parsePersonalCopy).filter((c) => c !== null);
  }

  async getPersonalCopy(copyId: string): Promise<StoredPersonalCopy | null> {
    return parsePersonalCopy(await this.get(PERSONAL_STORE, copyId));
  }

  async putPersonalCopy(record: StoredPersonalCopy): Promise<void> {
    await this.put(PERSONAL_STORE, record.copyId, record);
  }

  async deletePersonalCopy(copyId: string): Promise<void> {
    await this.delete(PERSONAL_STORE, copyId);
  }

  // --- Storage -------------------------------------------------------------------

  /** Every record of a keyed store, opened. */
  private async all(storeName: string): Promise<unknown[]> {
    const tx = this.db.transaction(storeName, 'readonly');
    const all: unknown[] = await requestToPromise(tx.objectStore(storeName).getAll());
    const keyPath = keyPathOf(storeName);
    return all.map((value) => this.unseal(storeName, primaryKeyOf(value, keyPath), value));
  }

  /** One record of a keyed store, opened; undefined if absent. */
  private async get(storeName: string, key: string): Promise<unknown> {
    return this.unseal(storeName, key, await this.read(storeName, key));
  }

  private async put(storeName: string, key: string, record: object): Promise<void> {
    await this.write(storeName, (seal) => {
      const stored = seal(storeName, key, record);
      return (store) => store.put(stored);
    });
  }

  private async delete(storeName: string, key: string): Promise<void> {
    await this.write(storeName, () => (store) => store.delete(key));
  }

  /** A record as stored (sealed or not). */
  private async read(storeName: string, key: string): Promise<unknown> {
    const tx = this.db.transaction(storeName, 'readonly');
    return requestToPromise(tx.objectStore(storeName).get(key));
  }

  /**
   * A stored record as the layers above see it. In clear mode a sealed record is an
   * error (the lock was turned on elsewhere); with a vault, a record that is not sealed
   * or does not open is one too: nothing half-opened is ever returned.
   */
  private unseal(storeName: string, key: string, stored: unknown): unknown {
    if (stored === undefined) return undefined;
    const vault = this.vault;
    if (vault) return openRecord(vault.key, storeName, key, stored);
    if (isSealed(stored)) throw new StorageError('failed', new LockChangedError());
    return stored;
  }

  /**
   * One write, guarded: in the same transaction, the lock record must still be the one
   * this keystore works with (no lock in clear mode, the same vault otherwise), or
   * nothing is written. So a tab that has not seen the lock turned on in another tab
   * can never write a secret in clear beside sealed records. `prepare` seals the record
   * (with the vault in use when the write is asked for) and returns the write itself.
   */
  private async write(
    storeName: string,
    prepare: (
      seal: (storeName: string, key: string, record: object) => object,
    ) => (store: IDBObjectStore) => void,
  ): Promise<void> {
    const vault = this.vault;
    const action = prepare((name, key, record) =>
      vault ? sealRecord(vault.key, name, key, record) : record,
    );
    const stores = storeName === DEVICE_STORE ? [DEVICE_STORE] : [storeName, DEVICE_STORE];
    await this.lockGuarded(stores, vault?.id ?? null, (tx) => action(tx.objectStore(storeName)));
  }

  /**
   * Rewrites every record of every store through `transform` in one readwrite
   * transaction, then lets `finish` write the lock record; first checks, in the same
   * transaction, that the stored lock is `expectedVaultId`'s. Any exception aborts the
   * transaction: then nothing at all has changed.
   */
  private async rewriteAll(
    expectedVaultId: string | null,
    transform: (storeName: string, primaryKey: string, value: unknown) => unknown,
    finish: (device: IDBObjectStore) => void,
  ): Promise<void> {
    await this.lockGuarded(ALL_STORES, expectedVaultId, (tx, guarded) => {
      const device = tx.objectStore(DEVICE_STORE);
      const identity = device.get(IDENTITY_KEY);
      identity.onsuccess = guarded(() => {
        if (identity.result === undefined) return;
        device.put(transform(DEVICE_STORE, IDENTITY_KEY, identity.result), IDENTITY_KEY);
      });
      for (const [storeName, keyPath] of KEYED_STORES) {
        const store = tx.objectStore(storeName);
        const all = store.getAll();
        all.onsuccess = guarded(() => {
          for (const value of all.result) {
            store.put(transform(storeName, primaryKeyOf(value, keyPath), value));
          }
        });
      }
      finish(device);
    });
  }

  /**
   * A readwrite transaction over `stores` (the device store among them) that first reads
   * the stored lock and goes on with `body` only if it is `expectedVaultId`'s. An exception
   * in `body`, or in a request callback wrapped by `guarded`, aborts the transaction —
   * nothing is written — and is rethrown inside a StorageError.
   */
  private async lockGuarded(
    stores: readonly string[],
    expectedVaultId: string | null,
    body: (tx: IDBTransaction, guarded: (step: () => void) => () => void) => void,
  ): Promise<void> {
    const tx = this.db.transaction([...stores], 'readwrite');
    const done = transactionDone(tx);
    let failure: unknown = null;
    const guarded = (step: () => void) => () => {
      if (failure !== null) return;
      try {
        step();
      } catch (error) {
        failure = error;
        tx.abort();
      }
    };
    const lock = tx.objectStore(DEVICE_STORE).get(LOCK_KEY);
    lock.onsuccess = guarded(() => {
      if (lockIdOf(lock.result) !== expectedVaultId) throw new LockChangedError();
      body(tx, guarded);
    });
    try {
      await done;
    } catch (error) {
      throw failure === null ? error : new StorageError('failed', failure);
    }
  }
}

// --- Sealing records ---------------------------------------------------------------

function keyPathOf(storeName: string): string {
  const entry = KEYED_STORES.find(([name]) => name === storeName);
  if (!entry) throw new TypeError(`${storeName} has no key path`);
  return entry[1];
}

function primaryKeyOf(value: unknown, keyPath: string): string {
  const key =
    typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)[keyPath]
      : undefined;
  return String(key);
}

function isSealed(value: unknown): boolean {
  return typeof value === 'object' && value !== null && SEALED_FIELD in value;
}

function contextOf(storeName: string, primaryKey: string): string {
  return `${storeName}/${primaryKey}`;
}

/** The record with its secret fields sealed into one `vault` field. */
function sealRecord(
  key: VaultKey,
  storeName: string,
  primaryKey: string,
  record: unknown,
): Record<string, unknown> {
  if (typeof record !== 'object' || record === null) {
    throw new KeystoreRecordError(contextOf(storeName, primaryKey));
  }
  const clearFields = CLEAR_FIELDS[storeName] ?? [];
  const clear: Record<string, unknown> = {};
  const secret: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) {
    if (field === SEALED_FIELD) throw new KeystoreRecordError(contextOf(storeName, primaryKey));
    if (clearFields.includes(field)) clear[field] = value;
    else secret[field] = value;
  }
  clear[SEALED_FIELD] = sealInVault(key, contextOf(storeName, primaryKey), encodeSecret(secret));
  return clear;
}

/** The record with its sealed fields back; throws KeystoreRecordError if it does not open. */
function openRecord(
  key: VaultKey,
  storeName: string,
  primaryKey: string,
  stored: unknown,
): Record<string, unknown> {
  const where = contextOf(storeName, primaryKey);
  if (typeof stored !== 'object' || stored === null) throw new KeystoreRecordError(where);
  const { [SEALED_FIELD]: sealed, ...clear } = stored as Record<string, unknown>;
  if (!(sealed instanceof Uint8Array)) throw new KeystoreRecordError(where);
  const clearFields = CLEAR_FIELDS[storeName] ?? [];
  if (Object.keys(clear).some((field) => !clearFields.includes(field))) {
    throw new KeystoreRecordError(where);
  }
  const plaintext = openFromVault(key, where, sealed);
  const secret = plaintext && decodeSecret(plaintext);
  if (!secret) throw new KeystoreRecordError(where);
  // A sealed field never overrides a clear one (a sealed record lists none of them).
  if (Object.keys(secret).some((field) => clearFields.includes(field))) {
    throw new KeystoreRecordError(where);
  }
  return { ...clear, ...secret };
}

/** Bytes inside the sealed JSON: `{"\u0000bytes": base64url}`. */
const BYTES_TAG = '\u0000bytes';

function encodeSecret(secret: Record<string, unknown>): Uint8Array {
  const json = JSON.stringify(secret, (_field, value: unknown) =>
    value instanceof Uint8Array ? { [BYTES_TAG]: encodeBase64url(value) } : value,
  );
  return new TextEncoder().encode(json);
}

function decodeSecret(plaintext: Uint8Array): Record<string, unknown> | null {
  try {
    const json = new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
    const value: unknown = JSON.parse(json, (_field, inner: unknown) => {
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return inner;
      const fields = Object.keys(inner);
      if (fields.length !== 1 || fields[0] !== BYTES_TAG) return inner;
      const text = (inner as Record<string, unknown>)[BYTES_TAG];
      const bytes = typeof text === 'string' ? decodeBase64url(text) : undefined;
      if (!bytes) throw new TypeError('bad bytes in a sealed record');
      return bytes;
    });
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function parseLock(value: unknown): StoredLock | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.format !== DEVICE_LOCK_FORMAT || v.version !== DEVICE_LOCK_VERSION) return null;
  if (typeof v.vaultId !== 'string' || v.vaultId === '') return null;
  if (!(v.wrappedKey instanceof Uint8Array)) return null;
  return {
    format: DEVICE_LOCK_FORMAT,
    version: DEVICE_LOCK_VERSION,
    vaultId: v.vaultId,
    wrappedKey: v.wrappedKey,
    lockedAt: typeof v.lockedAt === 'number' ? v.lockedAt : 0,
  };
}

/** The vault id a stored lock names: null for no lock, a sentinel for an unreadable one. */
function lockIdOf(raw: unknown): string | null {
  if (raw === undefined) return null;
  return parseLock(raw)?.vaultId ?? '\u0000invalid';
}

function parseSummary(value: unknown): BilanSummaryCache | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const text = (x: unknown) => (typeof x === 'string' ? x : '');
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  return {
    beneficiaryName: text(v.beneficiaryName),
    counsellorName: text(v.counsellorName),
    phase: text(v.phase),
    secondsUsed: num(v.secondsUsed),
    capSeconds: num(v.capSeconds),
    retentionDeadline: typeof v.retentionDeadline === 'number' ? v.retentionDeadline : null,
    lastActivityAt: num(v.lastActivityAt),
  };
}

function parseBilanRecord(value: unknown): StoredBilanRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.bilanId !== 'string' || !(v.key instanceof Uint8Array)) return null;
  if (v.role !== 'counsellor' && v.role !== 'beneficiary') return null;
  return {
    bilanId: v.bilanId,
    key: v.key,
    role: v.role,
    createdAt: typeof v.createdAt === 'number' ? v.createdAt : 0,
    lastOpenedAt: typeof v.lastOpenedAt === 'number' ? v.lastOpenedAt : 0,
    summary: parseSummary(v.summary),
    pins: parsePins(v.pins),
    retiredTopics: Array.isArray(v.retiredTopics)
      ? v.retiredTopics.filter((t): t is string => typeof t === 'string')
      : [],
    revokedAt: typeof v.revokedAt === 'number' ? v.revokedAt : null,
  };
}

function parsePins(value: unknown): TrustedPins {
  if (typeof value !== 'object' || value === null) return NO_PINS;
  const v = value as Record<string, unknown>;
  const key = (x: unknown) => (x instanceof Uint8Array && x.length === 32 ? x : null);
  return { counsellor: key(v.counsellor), beneficiary: key(v.beneficiary) };
}

function parseRotation(value: unknown): StoredRotation | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.bilanId !== 'string' || typeof v.relayTopic !== 'string') return null;
  if (!(v.envelope instanceof Uint8Array) || !(v.docKey instanceof Uint8Array)) return null;
  if (typeof v.rotatedAt !== 'number' || typeof v.announceUntil !== 'number') return null;
  return {
    relayTopic: v.relayTopic,
    bilanId: v.bilanId,
    envelope: v.envelope,
    docKey: v.docKey,
    rotatedAt: v.rotatedAt,
    announceUntil: v.announceUntil,
  };
}

function parseTombstone(value: unknown): StoredTombstone | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.bilanId !== 'string' || typeof v.relayTopic !== 'string') return null;
  if (!(v.envelope instanceof Uint8Array) || !(v.docKey instanceof Uint8Array)) return null;
  if (typeof v.destroyedAt !== 'number' || typeof v.announceUntil !== 'number') return null;
  return {
    bilanId: v.bilanId,
    envelope: v.envelope,
    relayTopic: v.relayTopic,
    docKey: v.docKey,
    destroyedAt: v.destroyedAt,
    announceUntil: v.announceUntil,
  };
}

function parsePersonalCopy(value: unknown): StoredPersonalCopy | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.copyId !== 'string' || typeof v.bilanId !== 'string') return null;
  if (!(v.key instanceof Uint8Array) || !Array.isArray(v.sealedChunks)) return null;
  if (!v.sealedChunks.every((c) => c instanceof Uint8Array)) return null;
  return {
    copyId: v.copyId,
    bilanId: v.bilanId,
    title: typeof v.title === 'string' ? v.title : '',
    createdAt: typeof v.createdAt === 'number' ? v.createdAt : 0,
    key: v.key,
    sealedChunks: v.sealedChunks as Uint8Array[],
  };
}
