import { bytesEqual, type PartyRole } from '@tandem/protocol';
import {
  StorageError,
  type OpenedSession,
  type StorageErrorCode,
  type StoredBilan,
  type SyncStatus,
  type TandemDevice,
} from '@tandem/sync';
import {
  classifyDevice,
  initBilan,
  markActivity,
  pinBeneficiary,
  readMeta,
  SECTION_IDS,
  sectionFragment,
  setPhase,
  synthesisWordCount,
  type BilanMeta,
  type Mode,
  type PhaseId,
  type SetPhaseError,
} from '@tandem/workspace';
import { seedEmptySection } from '@tandem/editor/seed';
import { ActionPlanState } from './action-plan.svelte.ts';
import { AdmissionState, type AdmissionHooks } from './admission.svelte.ts';
import { ObservationsState } from './observations.svelte.ts';
import { ClosureState } from './closure.svelte.ts';
import { SessionTimer } from './session-timer.svelte.ts';
import { peersFrom, presenceUser, unknownDevices, type Peer } from './presence.ts';
import { summaryOf } from './summary.ts';
import { intrudersFrom, type Intruder } from './intruders.ts';

export interface NewBilanSettings {
  readonly counsellorName: string;
  readonly beneficiaryName: string;
  readonly hourCapSeconds: number;
  /** 'YYYY-MM-DD' or null. */
  readonly conventionDate: string | null;
  readonly defaultMode: Mode;
}

type Opening =
  | { readonly state: 'opening' }
  | { readonly state: 'open' }
  | { readonly state: 'failed'; readonly code: StorageErrorCode | 'unknown' };

export type JoinState =
  | { readonly state: 'idle' }
  /** Accepted; waiting for the counsellor's document to arrive to pin our key. */
  | { readonly state: 'joining'; readonly name: string }
  | { readonly state: 'failed'; readonly reason: 'already-joined' | 'invalid-name' | 'other' };

/** Throttle for the "last activity" marker written into the document. */
const ACTIVITY_WRITE_INTERVAL_MS = 60_000;
/** Debounce for the summary cached for the home screen. */
const SUMMARY_SAVE_DELAY_MS = 1_000;

/**
 * One open bilan: wraps the TandemSession and mirrors what the screens show (meta,
 * status, presence, word counts) as reactive state, updated from the Y.Doc's events.
 * Every write goes through @tandem/workspace, which authorises it against pinned keys.
 */
export class BilanState {
  readonly bilanId: string;
  readonly role: PartyRole;
  opening = $state.raw<Opening>({ state: 'opening' });
  session = $state.raw<OpenedSession | null>(null);
  status = $state.raw<SyncStatus | null>(null);
  meta = $state.raw<BilanMeta | null>(null);
  peers = $state.raw<Peer[]>([]);
  wordCounts = $state.raw<Record<string, number>>({});
  join = $state.raw<JoinState>({ state: 'idle' });
  inviteLink = $state<string | null>(null);
  readonly actionPlan: ActionPlanState;
  readonly observations: ObservationsState;
  /** Validation, consents, exports, satisfaction, destroy and retention — issue 8. */
  readonly closure: ClosureState;
  /** Session clock, cap, attendance signing and (counsellor) evidence — issue 7. */
  readonly sessionTimer: SessionTimer;
  /** Trusted keys, authorship, unknown devices and key rotation — issue 10. */
  readonly admission: AdmissionState;

  /** The name this party typed for the beneficiary at creation (counsellor only, local). */
  private plannedBeneficiaryName: string;
  private readonly device: TandemDevice;
  private readonly cleanups: (() => void)[] = [];
  private lastActivityWrite = 0;
  private summaryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    device: TandemDevice,
    stored: StoredBilan,
    options: { hooks?: AdmissionHooks; unverifiedLabel?: () => string } = {},
  ) {
    this.device = device;
    this.bilanId = stored.bilanId;
    this.role = stored.role;
    this.admission = new AdmissionState(
      this,
      device,
      options.hooks ?? null,
      options.unverifiedLabel ?? (() => '?'),
    );
    this.plannedBeneficiaryName = stored.summary?.beneficiaryName ?? '';
    this.actionPlan = new ActionPlanState(this);
    this.observations = new ObservationsState(this);
    this.closure = new ClosureState(this, device);
    this.sessionTimer = new SessionTimer(device, stored.bilanId, {
      keepEvidence: stored.role === 'counsellor',
    });
  }

  get deviceKey(): Uint8Array {
    return this.device.publicKey;
  }

  get doc() {
    return this.session?.doc ?? null;
  }

  /** True once this device is a pinned party (the beneficiary pins on joining). */
  get isParty(): boolean {
    const meta = this.meta;
    if (!meta) return false;
    const party = this.role === 'counsellor' ? meta.counsellor : meta.beneficiary;
    return party !== null && bytesEqual(party.publicKey, this.device.publicKey);
  }

  /** The beneficiary must still see the consent screen. */
  get needsJoin(): boolean {
    return this.role === 'beneficiary' && !this.isParty;
  }

  get selfName(): string {
    const meta = this.meta;
    const pinned = this.role === 'counsellor' ? meta?.counsellor : meta?.beneficiary;
    // Only our own pin names us: a device that is not the pinned party has no name yet.
    if (pinned && this.isParty) return pinned.name;
    return this.join.state === 'joining' ? this.join.name : '';
  }

  get beneficiaryName(): string {
    return this.meta?.beneficiary?.name ?? this.plannedBeneficiaryName;
  }

  get unknownDevices(): Peer[] {
    return this.meta ? unknownDevices(this.peers, this.meta) : [];
  }

  /** Devices that are neither party: connected now, or seen writing, with fingerprints. */
  get intruders(): Intruder[] {
    return intrudersFrom(this.unknownDevices, this.admission.unknownAuthors, (key) =>
      this.device.fingerprintOf(key),
    );
  }

  fingerprintOf(publicKey: Uint8Array): string {
    return this.device.fingerprintOf(publicKey);
  }

  /** This device's fingerprint, to compare aloud with the other party. */
  get ownFingerprint(): string {
    return this.device.fingerprint;
  }

  /** The other party's trusted key's fingerprint, once known. */
  get otherFingerprint(): string | null {
    const other = this.role === 'counsellor' ? this.meta?.beneficiary : this.meta?.counsellor;
    return other ? this.device.fingerprintOf(other.publicKey) : null;
  }

  /** The other pinned party, if their device is present now. */
  get otherPartyPeer(): Peer | null {
    const other = this.role === 'counsellor' ? 'beneficiary' : 'counsellor';
    return this.peers.find((peer) => peer.pinnedRole === other) ?? null;
  }

  async open(origin: string): Promise<void> {
    let session: OpenedSession;
    try {
      session = await this.device.openSession(this.bilanId, {
        relayUrl: origin,
        onTombstone: (payload) => this.closure.onTombstone(payload),
        onRotation: (payload) => void this.admission.onRotation(payload),
      });
    } catch (error) {
      this.opening = {
        state: 'failed',
        code: error instanceof StorageError ? error.code : 'unknown',
      };
      return;
    }
    if (this.closed) {
      await session.close();
      return;
    }
    this.session = session;
    this.status = session.status();
    this.cleanups.push(session.onStatus((status) => (this.status = status)));
    await session.whenLocalLoaded;
    if (this.closed) return;

    const doc = session.doc;
    // Before anything reads the pins: the keys this device trusts overrule the document's.
    this.cleanups.push(await this.admission.attach(doc));
    if (this.closed) return;
    const onDocUpdate = () => this.refresh();
    doc.on('update', onDocUpdate);
    this.cleanups.push(() => doc.off('update', onDocUpdate));
    // Deferred: the editor's caret writes awareness synchronously from inside Svelte's own
    // updates (a focused editor blurs when its view is torn down), where state must not change.
    const onAwareness = () => queueMicrotask(() => this.refreshPeers());
    session.awareness.on('change', onAwareness);
    this.cleanups.push(() => session.awareness.off('change', onAwareness));
    this.cleanups.push(
      this.actionPlan.attach(doc),
      this.observations.attach(doc),
      this.sessionTimer.attach(doc),
      this.closure.attach(doc),
    );

    this.refresh();
    this.wordCounts = synthesisWordCount(doc);
    if (this.role === 'counsellor') {
      this.inviteLink = await this.device.inviteLink(this.bilanId, origin).catch(() => null);
    }
    this.opening = { state: 'open' };
  }

  /** Writes a new bilan's settings and pins this device as the counsellor. */
  initialize(settings: NewBilanSettings): void {
    const doc = this.requireDoc();
    const result = initBilan(doc, {
      bilanId: this.bilanId,
      createdAt: Date.now(),
      counsellor: { name: settings.counsellorName, publicKey: this.device.publicKey },
      hourCapSeconds: settings.hourCapSeconds,
      conventionDate: settings.conventionDate,
      defaultMode: settings.defaultMode,
    });
    if (!result.ok) throw new Error(`initBilan: ${result.error}`);
    doc.transact(() => {
      for (const section of SECTION_IDS) seedEmptySection(sectionFragment(doc, section));
    });
    this.plannedBeneficiaryName = settings.beneficiaryName.trim();
    this.refresh();
    this.saveSummarySoon(0);
  }

  /** The beneficiary accepts: pins their key once the counsellor's document is here. */
  acceptInvitation(name: string): void {
    this.join = { state: 'joining', name: name.trim() };
    this.publishPresence();
    this.tryPin();
  }

  /** The beneficiary declines: nothing of theirs was written; the bilan leaves this device. */
  async decline(): Promise<void> {
    await this.close();
    await this.device.forgetBilan(this.bilanId);
  }

  changePhase(phase: PhaseId): SetPhaseError | null {
    const doc = this.doc;
    if (!doc) return 'not-initialised';
    const result = setPhase(doc, this.device.publicKey, phase);
    if (result.ok) this.noteActivity();
    return result.ok ? null : result.error;
  }

  /** Records (throttled) that this party is working on the bilan now. */
  noteActivity(): void {
    const doc = this.doc;
    const now = Date.now();
    if (!doc || now - this.lastActivityWrite < ACTIVITY_WRITE_INTERVAL_MS) return;
    if (markActivity(doc, this.device.publicKey, now).ok) this.lastActivityWrite = now;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.summaryTimer !== null) {
      clearTimeout(this.summaryTimer);
      this.summaryTimer = null;
      await this.saveSummary();
    }
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    await this.session?.close();
  }

  private requireDoc() {
    const doc = this.doc;
    if (!doc) throw new Error('bilan not open');
    return doc;
  }

  private refresh(): void {
    const doc = this.doc;
    if (!doc || this.closed) return;
    this.meta = readMeta(doc);
    if (this.join.state === 'joining') this.tryPin();
    this.publishPresence();
    this.refreshPeers();
    this.saveSummarySoon(SUMMARY_SAVE_DELAY_MS);
  }

  private tryPin(): void {
    const doc = this.doc;
    if (!doc || this.join.state !== 'joining') return;
    const result = pinBeneficiary(doc, { name: this.join.name, publicKey: this.device.publicKey });
    if (result.ok) {
      this.join = { state: 'idle' };
      this.meta = readMeta(doc);
      this.noteActivity();
      this.publishPresence();
      return;
    }
    if (result.error === 'not-initialised') return; // the counsellor's document has not arrived yet
    this.join = {
      state: 'failed',
      reason:
        result.error === 'already-pinned'
          ? 'already-joined'
          : result.error === 'invalid-name'
            ? 'invalid-name'
            : 'other',
    };
  }

  /** Announces this device (name, colour, role, key) to the other party. */
  private publishPresence(): void {
    const awareness = this.session?.awareness;
    if (!awareness) return;
    const user = presenceUser(this.selfName, this.role, this.device.publicKey);
    const current = (awareness.getLocalState() as { user?: Record<string, unknown> } | null)?.user;
    if (current && current.name === user.name && current.deviceKey === user.deviceKey) return;
    awareness.setLocalStateField('user', user);
  }

  private refreshPeers(): void {
    const session = this.session;
    if (!session || !this.meta || this.closed) return;
    const doc = session.doc;
    this.peers = peersFrom(session.awareness.getStates(), session.awareness.clientID, (key) =>
      classifyDevice(doc, key),
    );
  }

  private saveSummarySoon(delayMs: number): void {
    if (this.summaryTimer !== null) clearTimeout(this.summaryTimer);
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = null;
      void this.saveSummary();
    }, delayMs);
  }

  private async saveSummary(): Promise<void> {
    const doc = this.doc;
    if (!doc) return;
    // Walks the whole synthesis: done here, debounced, not on every keystroke.
    this.wordCounts = synthesisWordCount(doc);
    const device = this.device;
    const summary = summaryOf(
      doc,
      this.role,
      this.plannedBeneficiaryName,
      (publicKey, record, signature) => device.verifyRecord(publicKey, record, signature),
      Date.now(),
    );
    if (summary) await this.device.saveSummary(this.bilanId, summary).catch(() => undefined);
  }
}
