import {
  bilanKeyFromBytes,
  createBilanId,
  createBilanKey,
  createDeviceIdentity,
  deriveBilanKeys,
  devicePublicKeyFromBytes,
  exportIdentity,
  fingerprint,
  importIdentity,
  ready,
  sameBilanKey,
  signRecord,
  verifyRecord,
  type BilanKey,
  type DeviceIdentity,
  type DocKey,
} from '@tandem/crypto';
import {
  encodeLink,
  MessageKind,
  parseLinkFragment,
  type LinkError,
  type PartyRole,
  type SignableRecord,
} from '@tandem/protocol';
import type { Beacon } from './beacon.ts';
import { ROTATION_ANNOUNCE_MS } from './constants.ts';
import {
  changeLockPassphrase,
  disableLock,
  enableLock,
  LockedDevice,
  type LockChangeResult,
} from './device-lock.ts';
import { deleteDatabase } from './idb.ts';
import {
  Keystore,
  NO_PINS,
  type BilanSummaryCache,
  type StoredBilan,
  type StoredBilanRecord,
  type TrustedPins,
} from './keystore.ts';
import type * as Y from 'yjs';
import type { OpenedSession, OpenSessionOptions } from './session.ts';
import { StorageError } from './storage-error.ts';

export type AcceptLinkResult =
  | {
      readonly ok: true;
      readonly bilanId: string;
      readonly role: PartyRole;
      readonly isNew: boolean;
    }
  /** `revoked`: the link's key was rotated away from on this device; the link is dead. */
  | { readonly ok: false; readonly error: LinkError | 'revoked' };

/** What applying a received key rotation did (see rotation.ts). */
export type RotationResult = 'rotated' | 'excluded' | 'invalid';

/** A personal copy as listed to the beneficiary (no key, no content). */
export interface PersonalCopyInfo {
  readonly copyId: string;
  readonly bilanId: string;
  readonly title: string;
  readonly createdAt: number;
}

export interface DestroyOptions {
  /** The signed destroy order (a workspace signed entry) to keep and re-announce. */
  readonly envelope: Uint8Array;
  /** Re-announce until then (epoch ms); null for a device that only obeys an order. */
  readonly announceUntil: number | null;
}

/** What start-up finds: an open device, or a keystore locked by a passphrase. */
export type DeviceStart =
  | { readonly locked: false; readonly device: TandemDevice }
  | { readonly locked: true; readonly device: LockedDevice<TandemDevice> };

/** TandemDevice.open found the device lock on: use TandemDevice.start and unlock. */
export class DeviceLockedError extends Error {
  constructor() {
    super('the device lock is on: unlock it with its passphrase');
    this.name = 'DeviceLockedError';
  }
}

export type SessionOptions = Pick<
  OpenSessionOptions,
  'relayUrl' | 'createSocket' | 'p2p' | 'onTombstone' | 'onRotation'
>;

/**
 * This device: its identity, the bilans it knows and their keys (in the keystore), and
 * the sessions it has open. The client gets ids, links and sessions from here, never
 * key bytes.
 */
export class TandemDevice {
  private readonly sessions = new Map<string, Promise<OpenedSession>>();
  /** Announcements on topics no longer edited on, by topic: tombstones and rotations. */
  private readonly beacons = new Map<string, Beacon>();

  private constructor(
    private readonly keystore: Keystore,
    private readonly identity: DeviceIdentity,
  ) {}

  /**
   * Opens this device's keystore. With the device lock on, nothing secret can be read
   * yet: the result is a LockedDevice to unlock with the passphrase (once per start).
   */
  static async start(factory?: IDBFactory): Promise<DeviceStart> {
    await ready();
    const keystore = await Keystore.open(factory);
    if ((await keystore.getLock()) !== null) {
      return {
        locked: true,
        device: new LockedDevice(keystore, (k) => TandemDevice.withKeystore(k)),
      };
    }
    return { locked: false, device: await TandemDevice.withKeystore(keystore) };
  }

  /** Opens the device; throws DeviceLockedError when the device lock is on. */
  static async open(factory?: IDBFactory): Promise<TandemDevice> {
    const started = await TandemDevice.start(factory);
    if (!started.locked) return started.device;
    started.device.close();
    throw new DeviceLockedError();
  }

  private static async withKeystore(keystore: Keystore): Promise<TandemDevice> {
    const stored = importIdentity(await keystore.getIdentity());
    if (stored.ok) return new TandemDevice(keystore, stored.value);
    // First use of this browser profile (or an unreadable identity): make a new one.
    const identity = createDeviceIdentity();
    await keystore.putIdentity(exportIdentity(identity));
    return new TandemDevice(keystore, identity);
  }

  // --- Device lock (device-lock.ts) ------------------------------------------------

  /** True when this device's keystore is encrypted under a passphrase. */
  get lockEnabled(): boolean {
    return this.keystore.vaultId !== null;
  }

  /**
   * Turns the device lock on with `passphrase` (see lockPassphraseProblem for the rule):
   * every secret and name in the keystore is re-written sealed, in one transaction.
   */
  enableLock(passphrase: string): Promise<LockChangeResult> {
    return enableLock(this.keystore, passphrase);
  }

  /** Wraps the vault key under `next`; needs the current passphrase. */
  changeLockPassphrase(current: string, next: string): Promise<LockChangeResult> {
    return changeLockPassphrase(this.keystore, current, next);
  }

  /** Turns the lock off (every record back in clear); needs the current passphrase. */
  disableLock(current: string): Promise<LockChangeResult> {
    return disableLock(this.keystore, current);
  }

  /**
   * Closes every session and beacon, wipes the vault key and closes the keystore. The
   * object is unusable afterwards ("lock now" closes it, then reloads the page, which
   * drops everything this tab held in memory).
   */
  async close(): Promise<void> {
    this.stopBeacons();
    await Promise.all([...this.sessions.keys()].map((bilanId) => this.closeSession(bilanId)));
    this.keystore.close();
  }

  get publicKey(): Uint8Array {
    return this.identity.publicKey;
  }

  get fingerprint(): string {
    return fingerprint(this.identity.publicKey);
  }

  /** The fingerprint people compare aloud for any device key (4 × 4 hex digits). */
  fingerprintOf(publicKey: Uint8Array): string {
    return fingerprint(publicKey);
  }

  async listBilans(): Promise<StoredBilan[]> {
    const records = await this.keystore.listBilans();
    return records
      .map(({ key: _key, ...rest }) => rest)
      .sort((a, b) => b.lastOpenedAt - a.lastOpenedAt);
  }

  async getBilan(bilanId: string): Promise<StoredBilan | null> {
    const record = await this.keystore.getBilan(bilanId);
    if (!record) return null;
    const { key: _key, ...rest } = record;
    return rest;
  }

  /** A new bilan key and id, stored on this device with the counsellor role. */
  async createBilan(): Promise<string> {
    const bilanId = createBilanId();
    const now = Date.now();
    await this.keystore.putBilan({
      bilanId,
      key: createBilanKey(),
      role: 'counsellor',
      createdAt: now,
      lastOpenedAt: now,
      summary: null,
      pins: NO_PINS,
      retiredTopics: [],
      revokedAt: null,
    });
    return bilanId;
  }

  /** The beneficiary's link for a bilan this device holds; the key is in the fragment only. */
  async inviteLink(bilanId: string, origin: string): Promise<string> {
    const record = await this.requireBilan(bilanId);
    return encodeLink(origin, { bilanId, key: record.key, role: 'beneficiary' });
  }

  /** Reads a link fragment and stores the bilan it opens; errors say what is wrong with it. */
  async acceptLink(fragment: string): Promise<AcceptLinkResult> {
    const parsed = parseLinkFragment(fragment);
    if (!parsed.ok) return parsed;
    const { bilanId, role } = parsed.value;
    const key = bilanKeyFromBytes(parsed.value.key);
    if (!key.ok) return { ok: false, error: 'truncated' };
    const existing = await this.keystore.getBilan(bilanId);
    if (existing) {
      if (existing.retiredTopics.includes(deriveBilanKeys(key.value).relayTopic)) {
        return { ok: false, error: 'revoked' };
      }
      if (existing.revokedAt !== null && !sameBilanKey(existing.key, key.value)) {
        // Excluded by a rotation, then handed a new link: that link admits the device again.
        await this.keystore.putBilan({ ...existing, key: key.value, revokedAt: null });
        return { ok: true, bilanId, role: existing.role, isNew: false };
      }
      // Same bilan already here: keep the stored role (a counsellor opening the
      // beneficiary's link on their own device stays the counsellor).
      return { ok: true, bilanId, role: existing.role, isNew: false };
    }
    const now = Date.now();
    await this.keystore.putBilan({
      bilanId,
      key: key.value,
      role,
      createdAt: now,
      lastOpenedAt: now,
      summary: null,
      pins: NO_PINS,
      retiredTopics: [],
      revokedAt: null,
    });
    return { ok: true, bilanId, role, isNew: true };
  }

  async saveSummary(bilanId: string, summary: BilanSummaryCache): Promise<void> {
    const record = await this.keystore.getBilan(bilanId);
    if (!record) return;
    await this.keystore.putBilan({ ...record, summary });
  }

  // --- Admission: trusted pins and key rotation ----------------------------------

  /** The parties' keys this device trusts for a bilan: the first it saw of each. */
  async trustedPins(bilanId: string): Promise<TrustedPins> {
    return (await this.keystore.getBilan(bilanId))?.pins ?? NO_PINS;
  }

  /**
   * Remembers, for each party this device has no key for yet, the key the document
   * states now (trust on first use). Keys already known never change here: a different
   * stated key is a conflict for the caller to show. Returns the trusted keys.
   */
  async learnPins(bilanId: string, stated: TrustedPins): Promise<TrustedPins> {
    const record = await this.keystore.getBilan(bilanId);
    if (!record) return NO_PINS;
    const pins: TrustedPins = {
      counsellor: record.pins.counsellor ?? stated.counsellor,
      beneficiary: record.pins.beneficiary ?? stated.beneficiary,
    };
    if (
      pins.counsellor !== record.pins.counsellor ||
      pins.beneficiary !== record.pins.beneficiary
    ) {
      await this.keystore.putBilan({ ...record, pins });
    }
    return pins;
  }

  /**
   * Moves a bilan to a new key, re-shared with `recipients` (the admitted devices' keys;
   * this device is always one): closes its session, copies the local copy under the new
   * key, stores the new key, deletes the old copy, and keeps announcing the signed
   * rotation on the old topic (start the beacons afterwards). The old link stops working.
   */
  async rotateKey(bilanId: string, recipients: readonly Uint8Array[]): Promise<void> {
    const record = await this.requireBilan(bilanId);
    await this.closeSession(bilanId);
    const old = deriveBilanKeys(keyOf(record.key));
    const { buildRotation } = await import('./rotation.ts');
    const now = Date.now();
    const built = buildRotation(this.identity, {
      bilanId,
      previousTopic: old.relayTopic,
      recipients: [this.identity.publicKey, ...recipients],
      at: now,
    });
    await this.moveToKey(record, built.newKey);
    await this.keystore.putRotation({
      relayTopic: old.relayTopic,
      bilanId,
      envelope: built.envelope,
      docKey: Uint8Array.from(old.docKey),
      rotatedAt: now,
      announceUntil: now + ROTATION_ANNOUNCE_MS,
    });
  }

  /**
   * Acts on a rotation received on the bilan's topic: verified against the counsellor
   * key this device trusts, it moves the bilan to the new key (`rotated`) or, when this
   * device is not among the recipients, marks it revoked and stops syncing it
   * (`excluded`; the local copy stays until the person removes it). Anything else is
   * `invalid` and changes nothing.
   */
  async applyRotation(bilanId: string, envelope: Uint8Array): Promise<RotationResult> {
    const record = await this.keystore.getBilan(bilanId);
    if (!record) return 'invalid';
    const { readRotation } = await import('./rotation.ts');
    const outcome = readRotation(this.identity, envelope, {
      bilanId,
      relayTopic: deriveBilanKeys(keyOf(record.key)).relayTopic,
      counsellorKey: record.pins.counsellor,
    });
    if (outcome.outcome === 'invalid') return 'invalid';
    await this.closeSession(bilanId);
    if (outcome.outcome === 'excluded') {
      await this.keystore.putBilan({ ...record, revokedAt: Date.now() });
      return 'excluded';
    }
    await this.moveToKey(record, outcome.newKey);
    return 'rotated';
  }

  /** Copy first, then the key, then delete: a crash in between never loses the bilan. */
  private async moveToKey(record: StoredBilanRecord, newKey: BilanKey): Promise<void> {
    const old = deriveBilanKeys(keyOf(record.key));
    const next = deriveBilanKeys(newKey);
    const storage = typeof indexedDB === 'undefined' ? null : indexedDB;
    if (storage) {
      const { copyLocalCopy } = await import('./local-copy.ts');
      await copyLocalCopy(old.storeName, next.storeName);
    }
    await this.keystore.putBilan({
      ...record,
      key: newKey,
      retiredTopics: [...record.retiredTopics, old.relayTopic],
      revokedAt: null,
    });
    if (storage) await deleteDatabase(storage, old.storeName);
  }

  private async closeSession(bilanId: string): Promise<void> {
    const open = this.sessions.get(bilanId);
    this.sessions.delete(bilanId);
    if (open) await (await open.catch(() => null))?.close();
  }

  /** Opens (or returns the already open) live session of a bilan in this tab. */
  openSession(bilanId: string, options: SessionOptions): Promise<OpenedSession> {
    const existing = this.sessions.get(bilanId);
    if (existing) return existing;
    const opening = (async () => {
      const record = await this.requireBilan(bilanId);
      await this.keystore.putBilan({ ...record, lastOpenedAt: Date.now() });
      // Yjs, y-webrtc and the providers load with the first bilan opened, not with the
      // home screen.
      const { openSession } = await import('./session.ts');
      const session = await openSession({ ...options, bilanId, key: keyOf(record.key) });
      const close = session.close.bind(session);
      const destroyLocal = session.destroyLocal.bind(session);
      const forget = () => {
        if (this.sessions.get(bilanId) === opening) this.sessions.delete(bilanId);
      };
      return Object.assign(session, {
        close: async () => {
          forget();
          await close();
        },
        destroyLocal: async () => {
          forget();
          await destroyLocal();
        },
      });
    })();
    this.sessions.set(bilanId, opening);
    opening.catch(() => this.sessions.delete(bilanId));
    return opening;
  }

  /** Removes a bilan from this device: its database, its key and its summary. */
  async forgetBilan(bilanId: string): Promise<void> {
    const open = this.sessions.get(bilanId);
    if (open) await (await open).destroyLocal();
    const record = await this.keystore.getBilan(bilanId);
    if (record) {
      const { storeName } = deriveBilanKeys(keyOf(record.key));
      await deleteDatabase(this.keystore.factory, storeName);
    }
    await this.keystore.deleteBilan(bilanId);
    await this.dropRotations(bilanId);
  }

  // --- Evidence: what the provider must keep after the content is destroyed ---------

  /** Stores the evidence record of a bilan (no content), replacing the previous one. */
  async saveEvidence(bilanId: string, evidence: object): Promise<void> {
    await this.keystore.putEvidence({ bilanId, evidence, savedAt: Date.now() });
  }

  /** The stored evidence record, as stored; the workspace layer parses it. */
  async getEvidence(bilanId: string): Promise<unknown> {
    const stored = await this.keystore.getEvidence(bilanId);
    return typeof stored === 'object' && stored !== null && 'evidence' in stored
      ? stored.evidence
      : null;
  }

  async listEvidence(): Promise<{ bilanId: string; evidence: unknown }[]> {
    const all = await this.keystore.listEvidence();
    return all.flatMap((stored) =>
      typeof stored === 'object' && stored !== null && 'bilanId' in stored && 'evidence' in stored
        ? [{ bilanId: String(stored.bilanId), evidence: stored.evidence }]
        : [],
    );
  }

  async deleteEvidence(bilanId: string): Promise<void> {
    await this.keystore.deleteEvidence(bilanId);
  }

  // --- Personal copies: the beneficiary's own, detached, never synced ------------

  async keepPersonalCopy(bilanId: string, doc: Y.Doc, title: string): Promise<string> {
    const copyId = createBilanId();
    const { sealSnapshot } = await import('./personal-copy.ts');
    const { key, sealedChunks } = sealSnapshot(copyId, doc);
    await this.keystore.putPersonalCopy({
      copyId,
      bilanId,
      title,
      createdAt: Date.now(),
      key,
      sealedChunks,
    });
    return copyId;
  }

  async listPersonalCopies(): Promise<PersonalCopyInfo[]> {
    const copies = await this.keystore.listPersonalCopies();
    return copies
      .map(({ copyId, bilanId, title, createdAt }) => ({ copyId, bilanId, title, createdAt }))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** A fresh Y.Doc holding the copy, connected to nothing; null if it cannot be opened. */
  async openPersonalCopy(copyId: string): Promise<Y.Doc | null> {
    const stored = await this.keystore.getPersonalCopy(copyId);
    if (!stored) return null;
    const { openSnapshot } = await import('./personal-copy.ts');
    return openSnapshot(copyId, { key: stored.key, sealedChunks: [...stored.sealedChunks] });
  }

  async deletePersonalCopy(copyId: string): Promise<void> {
    await this.keystore.deletePersonalCopy(copyId);
  }

  // --- Destroy -----------------------------------------------------------------

  /**
   * Wipes a bilan's shared copy from this device: closes its session, deletes its
   * database and its key. With `announceUntil`, keeps the signed order (and what is
   * needed to seal it for the bilan's topic) to re-announce it to the other party.
   */
  async destroyBilan(bilanId: string, options: DestroyOptions): Promise<void> {
    const record = await this.keystore.getBilan(bilanId);
    const open = this.sessions.get(bilanId);
    if (open) await (await open.catch(() => null))?.destroyLocal();
    if (!record) return;
    const keys = deriveBilanKeys(keyOf(record.key));
    await deleteDatabase(this.keystore.factory, keys.storeName);
    if (options.announceUntil !== null && options.announceUntil > Date.now()) {
      await this.keystore.putTombstone({
        bilanId,
        envelope: options.envelope,
        relayTopic: keys.relayTopic,
        docKey: Uint8Array.from(keys.docKey),
        destroyedAt: Date.now(),
        announceUntil: options.announceUntil,
      });
    }
    await this.keystore.deleteBilan(bilanId);
    await this.dropRotations(bilanId);
  }

  /** A destroyed or forgotten bilan no longer announces its rotations. */
  private async dropRotations(bilanId: string): Promise<void> {
    for (const rotation of await this.keystore.listRotations()) {
      if (rotation.bilanId !== bilanId) continue;
      this.beacons.get(rotation.relayTopic)?.close();
      this.beacons.delete(rotation.relayTopic);
      await this.keystore.deleteRotation(rotation.relayTopic);
    }
  }

  /** Bilans this device destroyed and still announces (no content, no key). */
  async listTombstones(): Promise<
    { bilanId: string; destroyedAt: number; announceUntil: number }[]
  > {
    const all = await this.keystore.listTombstones();
    return all.map(({ bilanId, destroyedAt, announceUntil }) => ({
      bilanId,
      destroyedAt,
      announceUntil,
    }));
  }

  /**
   * Starts a beacon per stored announcement still within its window — tombstones of
   * destroyed bilans and rotations away from retired keys — and drops the expired ones.
   * Call at start-up, after a destroy and after a rotation.
   */
  async startBeacons(options: Pick<SessionOptions, 'relayUrl' | 'createSocket'>): Promise<void> {
    const now = Date.now();
    const [{ Beacon }, { signalUrlFor }, { sealedChannel }] = await Promise.all([
      import('./beacon.ts'),
      import('./relay-endpoints.ts'),
      import('./sealed-channel.ts'),
    ]);
    const announcements = [
      ...(await this.keystore.listTombstones()).map((t) => ({
        ...t,
        kind: MessageKind.Tombstone,
        drop: () => this.keystore.deleteTombstone(t.bilanId),
      })),
      ...(await this.keystore.listRotations()).map((r) => ({
        ...r,
        kind: MessageKind.Rotation,
        drop: () => this.keystore.deleteRotation(r.relayTopic),
      })),
    ];
    for (const announcement of announcements) {
      const topic = announcement.relayTopic;
      if (announcement.announceUntil <= now) {
        this.beacons.get(topic)?.close();
        this.beacons.delete(topic);
        await announcement.drop();
        continue;
      }
      if (this.beacons.has(topic)) continue;
      // Stored from a derived docKey when the bilan was destroyed or rotated.
      const docKey = announcement.docKey as DocKey;
      this.beacons.set(
        topic,
        new Beacon(
          signalUrlFor(options.relayUrl),
          topic,
          sealedChannel(docKey, topic),
          announcement.kind,
          announcement.envelope,
          options.createSocket,
        ),
      );
    }
  }

  stopBeacons(): void {
    this.beacons.forEach((beacon) => beacon.close());
    this.beacons.clear();
  }

  signRecord(record: SignableRecord): Uint8Array {
    return signRecord(this.identity, record);
  }

  /** True only when `signature` is `publicKey`'s signature over exactly `record`. */
  verifyRecord(publicKey: Uint8Array, record: SignableRecord, signature: Uint8Array): boolean {
    const key = devicePublicKeyFromBytes(publicKey);
    return key.ok && verifyRecord(key.value, record, signature).ok;
  }

  private async requireBilan(bilanId: string) {
    const record = await this.keystore.getBilan(bilanId);
    if (!record) throw new StorageError('failed', new Error('unknown bilan'));
    return record;
  }
}

/** Keys in the keystore were validated when stored; a damaged one is a storage failure. */
function keyOf(bytes: Uint8Array): BilanKey {
  const key = bilanKeyFromBytes(bytes);
  if (!key.ok) throw new StorageError('failed', new Error('damaged bilan key'));
  return key.value;
}
