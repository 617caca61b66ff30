import type { PartyRole } from '@tandem/protocol';
import { requestToPromise, transactionDone } from './idb.ts';
import { StorageError, classifyStorageError, withTimeout } from './storage-error.ts';
import { STORAGE_OPEN_TIMEOUT_MS } from './constants.ts';

/**
 * The device's keystore: its own IndexedDB database, apart from every bilan's database.
 * It holds the device identity, each bilan's key and a small summary for the home
 * list, and the evidence records that must outlive a destroyed bilan. Content never
 * goes here.
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
      return new Keystore(db, factory);
    } catch (error) {
      throw error instanceof StorageError
        ? error
        : new StorageError(classifyStorageError(error), error);
    }
  }

  close(): void {
    this.db.close();
  }

  /** The stored identity as read; @tandem/crypto parses and validates it. */
  async getIdentity(): Promise<unknown> {
    return this.read(DEVICE_STORE, IDENTITY_KEY);
  }

  async putIdentity(identity: object): Promise<void> {
    await this.write(DEVICE_STORE, (store) => store.put(identity, IDENTITY_KEY));
  }

  async listBilans(): Promise<StoredBilanRecord[]> {
    const tx = this.db.transaction(BILANS_STORE, 'readonly');
    const all: unknown[] = await requestToPromise(tx.objectStore(BILANS_STORE).getAll());
    return all.map(parseBilanRecord).filter((b): b is StoredBilanRecord => b !== null);
  }

  async getBilan(bilanId: string): Promise<StoredBilanRecord | null> {
    return parseBilanRecord(await this.read(BILANS_STORE, bilanId));
  }

  async putBilan(record: StoredBilanRecord): Promise<void> {
    await this.write(BILANS_STORE, (store) => store.put(record));
  }

  async deleteBilan(bilanId: string): Promise<void> {
    await this.write(BILANS_STORE, (store) => store.delete(bilanId));
  }

  /** Evidence records are opaque to the keystore: the workspace layer defines and parses them. */
  async getEvidence(bilanId: string): Promise<unknown> {
    return this.read(EVIDENCE_STORE, bilanId);
  }

  async listEvidence(): Promise<unknown[]> {
    const tx = this.db.transaction(EVIDENCE_STORE, 'readonly');
    return requestToPromise(tx.objectStore(EVIDENCE_STORE).getAll());
  }

  async putEvidence(record: {
    readonly bilanId: string;
    readonly [field: string]: unknown;
  }): Promise<void> {
    await this.write(EVIDENCE_STORE, (store) => store.put(record));
  }

  async deleteEvidence(bilanId: string): Promise<void> {
    await this.write(EVIDENCE_STORE, (store) => store.delete(bilanId));
  }

  async listTombstones(): Promise<StoredTombstone[]> {
    return (await this.all(TOMBSTONES_STORE)).map(parseTombstone).filter((t) => t !== null);
  }

  async putTombstone(record: StoredTombstone): Promise<void> {
    await this.write(TOMBSTONES_STORE, (store) => store.put(record));
  }

  async deleteTombstone(bilanId: string): Promise<void> {
    await this.write(TOMBSTONES_STORE, (store) => store.delete(bilanId));
  }

  async listRotations(): Promise<StoredRotation[]> {
    return (await this.all(ROTATIONS_STORE)).map(parseRotation).filter((r) => r !== null);
  }

  async putRotation(record: StoredRotation): Promise<void> {
    await this.write(ROTATIONS_STORE, (store) => store.put(record));
  }

  async deleteRotation(relayTopic: string): Promise<void> {
    await this.write(ROTATIONS_STORE, (store) => store.delete(relayTopic));
  }

  async listPersonalCopies(): Promise<StoredPersonalCopy[]> {
    return (await this.all(PERSONAL_STORE)).map(parsePersonalCopy).filter((c) => c !== null);
  }

  async getPersonalCopy(copyId: string): Promise<StoredPersonalCopy | null> {
    return parsePersonalCopy(await this.read(PERSONAL_STORE, copyId));
  }

  async putPersonalCopy(record: StoredPersonalCopy): Promise<void> {
    await this.write(PERSONAL_STORE, (store) => store.put(record));
  }

  async deletePersonalCopy(copyId: string): Promise<void> {
    await this.write(PERSONAL_STORE, (store) => store.delete(copyId));
  }

  private async all(storeName: string): Promise<unknown[]> {
    const tx = this.db.transaction(storeName, 'readonly');
    return requestToPromise(tx.objectStore(storeName).getAll());
  }

  private async read(storeName: string, key: string): Promise<unknown> {
    const tx = this.db.transaction(storeName, 'readonly');
    return requestToPromise(tx.objectStore(storeName).get(key));
  }

  private async write(storeName: string, action: (store: IDBObjectStore) => void): Promise<void> {
    const tx = this.db.transaction(storeName, 'readwrite');
    action(tx.objectStore(storeName));
    await transactionDone(tx);
  }
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
