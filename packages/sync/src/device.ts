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
import { openSession, type OpenedSession, type OpenSessionOptions } from './session.ts';
import { StorageError } from './storage-error.ts';

export type AcceptLinkResult =
  | {
      readonly ok: true;
      readonly bilanId: string;
      readonly role: PartyRole;
      readonly isNew: boolean;
    }
  | { readonly ok: false; readonly error: LinkError };

export type SessionOptions = Pick<
  OpenSessionOptions,
  'relayUrl' | 'createSocket' | 'p2p' | 'onTombstone'
>;

/**
 * This device: its identity, the bilans it knows and their keys (in the keystore), and
 * the sessions it has open. The client gets ids, links and sessions from here, never
 * key bytes.
 */
export class TandemDevice {
  private readonly sessions = new Map<string, Promise<OpenedSession>>();

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
