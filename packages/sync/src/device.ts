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
  signRecord,
  verifyRecord,
  type BilanKey,
  type DeviceIdentity,
  type DocKey,
} from '@tandem/crypto';
import {
  encodeLink,
  parseLinkFragment,
  type LinkError,
  type PartyRole,
  type SignableRecord,
} from '@tandem/protocol';
import { deleteDatabase } from './idb.ts';
import { Keystore, type BilanSummaryCache, type StoredBilan } from './keystore.ts';
import type { TombstoneBeacon } from './tombstone-beacon.ts';
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
  | { readonly ok: false; readonly error: LinkError };

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
  private readonly beacons = new Map<string, TombstoneBeacon>();

  private constructor(
    private readonly keystore: Keystore,
    private readonly identity: DeviceIdentity,
  ) {}

  static async open(factory?: IDBFactory): Promise<TandemDevice> {
    await ready();
    const keystore = await Keystore.open(factory);
    const stored = importIdentity(await keystore.getIdentity());
    if (stored.ok) return new TandemDevice(keystore, stored.value);
    // First use of this browser profile (or an unreadable identity): make a new one.
    const identity = createDeviceIdentity();
    await keystore.putIdentity(exportIdentity(identity));
    return new TandemDevice(keystore, identity);
  }

  get publicKey(): Uint8Array {
    return this.identity.publicKey;
  }

  get fingerprint(): string {
    return fingerprint(this.identity.publicKey);
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
    });
    return { ok: true, bilanId, role, isNew: true };
  }

  async saveSummary(bilanId: string, summary: BilanSummaryCache): Promise<void> {
    const record = await this.keystore.getBilan(bilanId);
    if (!record) return;
    await this.keystore.putBilan({ ...record, summary });
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
   * Starts a beacon per stored tombstone still within its announce window, and drops
   * the expired ones. Call at start-up and after each destroy.
   */
  async startTombstoneBeacons(
    options: Pick<SessionOptions, 'relayUrl' | 'createSocket'>,
  ): Promise<void> {
    const now = Date.now();
    for (const tombstone of await this.keystore.listTombstones()) {
      if (tombstone.announceUntil <= now) {
        this.beacons.get(tombstone.bilanId)?.close();
        this.beacons.delete(tombstone.bilanId);
        await this.keystore.deleteTombstone(tombstone.bilanId);
        continue;
      }
      if (this.beacons.has(tombstone.bilanId)) continue;
      const [{ TombstoneBeacon }, { signalUrlFor }, { sealedChannel }] = await Promise.all([
        import('./tombstone-beacon.ts'),
        import('./relay-endpoints.ts'),
        import('./sealed-channel.ts'),
      ]);
      // Stored from a derived docKey at destroy time (see destroyBilan).
      const docKey = tombstone.docKey as DocKey;
      this.beacons.set(
        tombstone.bilanId,
        new TombstoneBeacon(
          signalUrlFor(options.relayUrl),
          tombstone.relayTopic,
          sealedChannel(docKey, tombstone.relayTopic),
          tombstone.envelope,
          options.createSocket,
        ),
      );
    }
  }

  stopTombstoneBeacons(): void {
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
