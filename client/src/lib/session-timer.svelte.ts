import type { TandemDevice } from '@tandem/sync';
import {
  attendanceRecordFor,
  attendanceReport,
  canStartSession,
  certifyEvidence,
  evidenceFromDoc,
  mergeEvidence,
  HEARTBEAT_INTERVAL_MS,
  heartbeat,
  readLedger,
  sessionsAwaitingSignature,
  setHourCap,
  setWarningThresholds,
  SharedName,
  startSession,
  stopSession,
  storeAttendanceSignature,
  type AttendanceReport,
  type CertifiedEvidence,
  type EvidenceRecord,
  type LedgerView,
  type Mode,
  type SettingError,
  type StartSessionError,
  type VerifyRecord,
} from '@tandem/workspace';
import type * as Y from 'yjs';
import { loadEvidence, saveEvidenceIfChanged } from './evidence.ts';

/** The timer on screen and the cap check tick this often (the heartbeat is slower). */
export const TIMER_TICK_MS = 1_000;
/** Attendance and evidence are recomputed this long after the last change of the document. */
const RECOMPUTE_DELAY_MS = 300;

export type StopSessionError = 'not-open' | 'no-running-session' | 'unknown-device' | 'other';

/**
 * The session clock of one open bilan, on this device: shows time used against the cap,
 * starts and stops sessions, heartbeats while one runs, and enforces the cap on its own —
 * a local timer, so it holds offline. When a session has ended and settled, this device
 * signs its attendance; the counsellor's device also keeps the evidence record up to date.
 * Every rule is @tandem/workspace's; this class only schedules and mirrors.
 */
export class SessionTimer {
  /** Epoch ms of the last tick (the screen's "now"). */
  now = $state(Date.now());
  ledger = $state.raw<LedgerView | null>(null);
  attendance = $state.raw<AttendanceReport | null>(null);
  /**
   * Ended sessions as the evidence certifies them (running ones left out, flagged ones not
   * counted): the same figures as the exported PDF.
   */
  certified = $state.raw<CertifiedEvidence | null>(null);
  /** Why a session cannot start now, or null if it can. */
  startBlocked = $state.raw<StartSessionError | null>('not-initialised');
  /** Signatures this device could not write (shown, retried on the next change). */
  signingFailed = $state(false);
  /** The counsellor's evidence record could not be saved on this device. */
  evidenceFailed = $state(false);
  /** When the evidence record now on this device was built (epoch ms), once saved. */
  evidenceSavedAt = $state<number | null>(null);
  /** Sessions this device stopped because the cap was reached (for the explanation). */
  stoppedAtCap = $state.raw<readonly string[]>([]);

  readonly verify: VerifyRecord;
  private readonly device: TandemDevice;
  private readonly keepEvidence: boolean;
  private readonly bilanId: string;
  private doc: Y.Doc | null = null;
  private lastHeartbeatAt = 0;
  private ticking = false;
  private recomputeTimer: ReturnType<typeof setTimeout> | null = null;
  private savedEvidence = '';
  /** The evidence record this device keeps, merged with each new one (sessions never lost). */
  private keptEvidence: EvidenceRecord | null = null;
  /** Evidence loads and saves, one after the other. */
  private evidenceQueue: Promise<void> = Promise.resolve();

  constructor(device: TandemDevice, bilanId: string, options: { keepEvidence: boolean }) {
    this.device = device;
    this.bilanId = bilanId;
    this.keepEvidence = options.keepEvidence;
    this.verify = (publicKey, record, signature) =>
      device.verifyRecord(publicKey, record, signature);
  }

  /** Starts ticking on `doc`; returns the function that stops everything. */
  attach(doc: Y.Doc): () => void {
    this.doc = doc;
    if (this.keepEvidence) {
      this.evidenceQueue = loadEvidence(this.device, this.bilanId).then((kept) => {
        this.keptEvidence = kept.ok ? kept.value : null;
      });
    }
    this.tick();
    this.recompute();
    const interval = setInterval(() => this.tick(), TIMER_TICK_MS);
    // Only the ledger and the settings matter here: typing in the synthesis costs nothing.
    const onChange = () => {
      this.tick();
      this.recomputeSoon();
    };
    const ledger = doc.getMap(SharedName.ledger);
    const meta = doc.getMap(SharedName.meta);
    ledger.observeDeep(onChange);
    meta.observe(onChange);
    const unobserve = () => {
      ledger.unobserveDeep(onChange);
      meta.unobserve(onChange);
    };
    return () => {
      clearInterval(interval);
      unobserve();
      if (this.recomputeTimer !== null) clearTimeout(this.recomputeTimer);
      this.recomputeTimer = null;
      // Last chance to keep what changed since the previous save.
      this.recompute();
      this.doc = null;
    };
  }

  get running() {
    return this.ledger?.running ?? null;
  }

  start(mode: Mode): StartSessionError | null {
    const doc = this.doc;
    if (!doc) return 'not-initialised';
    const now = Date.now();
    const result = startSession(doc, this.device.publicKey, now, { mode });
    if (!result.ok) return result.error;
    this.lastHeartbeatAt = now;
    this.stoppedAtCap = [];
    this.tick();
    return null;
  }

  stop(): StopSessionError | null {
    const doc = this.doc;
    if (!doc) return 'not-open';
    const result = stopSession(doc, this.device.publicKey, Date.now());
    this.tick();
    this.recomputeSoon();
    if (result.ok) return null;
    return result.error === 'no-running-session' || result.error === 'unknown-device'
      ? result.error
      : 'other';
  }

  /**
   * Signs a session again on purpose, after it changed since this party signed it (e.g. an
   * earlier stop from the other device arrived late). Returns whether it worked.
   */
  resign(sessionId: string): boolean {
    const doc = this.doc;
    if (!doc) return false;
    const now = Date.now();
    const key = this.device.publicKey;
    const record = attendanceRecordFor(doc, sessionId, key, now);
    if (!record.ok) return false;
    try {
      const signature = this.device.signRecord(record.value);
      if (!storeAttendanceSignature(doc, record.value, signature, now).ok) return false;
    } catch {
      return false;
    }
    this.recomputeSoon();
    return true;
  }

  setHourCap(seconds: number): SettingError | null {
    const doc = this.doc;
    if (!doc) return 'not-initialised';
    const result = setHourCap(doc, this.device.publicKey, seconds);
    this.tick();
    return result.ok ? null : result.error;
  }

  /** Custom warning thresholds in seconds used, or null for the defaults scaled to the cap. */
  setWarnings(thresholdsSeconds: readonly number[] | null): SettingError | null {
    const doc = this.doc;
    if (!doc) return 'not-initialised';
    const result = setWarningThresholds(doc, this.device.publicKey, thresholdsSeconds);
    this.tick();
    return result.ok ? null : result.error;
  }

  /**
   * One beat of the local clock: refresh the view, heartbeat while a session runs, and stop
   * it at the cap. Runs every second, and on every change of the document.
   */
  private tick(): void {
    const doc = this.doc;
    // Our own heartbeat or stop fires the observer again: that nested call has nothing to do.
    if (!doc || this.ticking) return;
    this.ticking = true;
    try {
      this.tickOn(doc);
    } finally {
      this.ticking = false;
    }
  }

  private tickOn(doc: Y.Doc): void {
    const now = Date.now();
    const key = this.device.publicKey;
    let view = readLedger(doc, now);
    if (view.running) {
      const due = now - this.lastHeartbeatAt >= HEARTBEAT_INTERVAL_MS;
      if (due || view.cap.level === 'reached') {
        this.lastHeartbeatAt = now;
        const outcome = heartbeat(doc, key, now);
        if (outcome.ok && outcome.value.stoppedAtCap.length > 0) {
          this.stoppedAtCap = outcome.value.stoppedAtCap;
          view = readLedger(doc, now);
          this.recomputeSoon();
        }
      }
    }
    const allowed = canStartSession(doc, key, now);
    const wasRunning = this.ledger?.running?.id ?? null;
    this.now = now;
    this.ledger = view;
    this.startBlocked = allowed.ok ? null : allowed.error;
    if (wasRunning !== (view.running?.id ?? null)) this.recomputeSoon();
    if (sessionsAwaitingSignature(doc, key, now).length > 0) this.recomputeSoon();
  }

  private recomputeSoon(): void {
    if (this.recomputeTimer !== null) return;
    this.recomputeTimer = setTimeout(() => {
      this.recomputeTimer = null;
      this.recompute();
    }, RECOMPUTE_DELAY_MS);
  }

  /** Signs what awaits this party's signature, then refreshes attendance and evidence. */
  private recompute(): void {
    const doc = this.doc;
    if (!doc) return;
    const now = Date.now();
    this.signAwaiting(doc, now);
    this.attendance = attendanceReport(doc, now, this.verify);
    const evidence = evidenceFromDoc(doc, now);
    if (evidence && evidence.bilanId === this.bilanId) {
      this.certified = certifyEvidence(evidence, this.verify);
      this.saveEvidence(evidence);
    }
  }

  private signAwaiting(doc: Y.Doc, now: number): void {
    const key = this.device.publicKey;
    let failed = false;
    for (const sessionId of sessionsAwaitingSignature(doc, key, now)) {
      const record = attendanceRecordFor(doc, sessionId, key, now);
      if (!record.ok) continue;
      try {
        const signature = this.device.signRecord(record.value);
        if (!storeAttendanceSignature(doc, record.value, signature, now).ok) failed = true;
      } catch {
        failed = true;
      }
    }
    this.signingFailed = failed;
  }

  /** Counsellor only: keeps the evidence record, on this device, in step with the ledger. */
  private saveEvidence(evidence: EvidenceRecord): void {
    if (!this.keepEvidence) return;
    this.evidenceQueue = this.evidenceQueue.then(async () => {
      const merged = mergeEvidence(this.keptEvidence, evidence);
      const saving = saveEvidenceIfChanged(this.device, merged, this.savedEvidence);
      if (saving === null) return;
      try {
        await saving.done;
        this.keptEvidence = merged;
        this.savedEvidence = saving.fingerprint;
        this.evidenceFailed = false;
        this.evidenceSavedAt = merged.updatedAt;
      } catch {
        this.evidenceFailed = true;
      }
    });
  }
}
