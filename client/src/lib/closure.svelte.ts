import type { PartyRole } from '@tandem/protocol';
import { hashBytes, type OpenedSession, type TandemDevice } from '@tandem/sync';
import {
  answerSurvey,
  consentRecordFor,
  destroyContext,
  endBilan,
  followUpDate,
  isPastRetention,
  readConsents,
  readMeta,
  readSatisfaction,
  retentionDeadline,
  storeConsent,
  storeValidation,
  tombstoneState,
  toHex,
  validationRecordFor,
  validationState,
  verifyDestroyOrder,
  type ConsentDecision,
  type ConsentError,
  type ConsentsView,
  type EndBilanError,
  type EndReason,
  type RetentionDeadline,
  type SatisfactionError,
  type SurveyAnswers,
  type SurveyId,
  type SurveyResponse,
  type ValidationError,
  type ValidationStatus,
  type VerifyRecord,
} from '@tandem/workspace';
import type * as Y from 'yjs';
import { keepBeforeWipe, keepEvidence, signDestroyOrder, verifierOf } from './closure-actions.ts';
import { now, RETENTION_CHECK_INTERVAL_MS } from './clock.ts';
import { announceUntil } from './retention.ts';

/** What the closure needs of the open bilan. */
export interface ClosureHost {
  readonly bilanId: string;
  readonly role: PartyRole;
  readonly doc: Y.Doc | null;
  readonly session: OpenedSession | null;
  /** Stops everything bound to the bilan (editors' state, timers, session). */
  close(): Promise<void>;
}

export interface Destroyed {
  /** 'self': this party destroyed it · 'other': the other party's verified order · 'retention'. */
  readonly by: 'self' | 'other' | 'retention';
  readonly at: number;
  /** The personal copy kept on this device (beneficiary), if any. */
  readonly copyId: string | null;
}

export type DestroyFailure = 'not-open' | 'not-a-party' | 'storage';

/** Where wiping this device's shared copy stands, once the destroyed screen is up. */
export type WipeStatus = 'wiping' | 'done' | 'failed';

/** Recomputing validation hashes the whole synthesis: wait for typing to pause. */
const REFRESH_DELAY_MS = 250;

/**
 * The end of one open bilan on this device: validation of the synthesis, consents, the end
 * and its deadlines, satisfaction answers, and the destroy — by this party, by the other
 * party's signed order (from the document or announced on the topic), or by the retention
 * deadline, checked on open and on a timer whether or not the other party is ever back.
 */
export class ClosureState {
  validation = $state.raw<ValidationStatus | null>(null);
  consents = $state.raw<ConsentsView | null>(null);
  retention = $state.raw<RetentionDeadline>({ state: 'not-ended' });
  endedAt = $state<number | null>(null);
  followUpAt = $state<number | null>(null);
  satisfaction = $state.raw<readonly SurveyResponse[]>([]);
  /** Destroy orders that failed verification (forged, unknown key, other bilan): alert. */
  rejectedOrders = $state(0);
  destroying = $state(false);
  destroyFailure = $state.raw<DestroyFailure | null>(null);
  destroyed = $state.raw<Destroyed | null>(null);
  wipeStatus = $state<WipeStatus | null>(null);

  readonly verify: VerifyRecord;
  private doc: Y.Doc | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  // Not rendered itself (its size feeds rejectedOrders): a plain Set is enough.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly rejectedAnnouncements = new Set<string>();
  private rejectedInDoc = 0;
  /** Satisfaction answers last copied into the evidence record ('[]': none to copy). */
  private keptAnswers = '[]';
  private readonly pendingAnnouncements: Uint8Array[] = [];
  /** Erases this device's shared copy; kept so that a failed wipe can be tried again. */
  private eraseCopy: (() => Promise<void>) | null = null;
  /** Set at the first step of any destroy (own, obeyed, retention): the others stand down. */
  private ending = false;

  constructor(
    private readonly host: ClosureHost,
    private readonly device: TandemDevice,
  ) {
    this.verify = verifierOf(device);
  }

  attach(doc: Y.Doc): () => void {
    this.doc = doc;
    const onUpdate = () => this.refreshSoon();
    doc.on('update', onUpdate);
    const interval = setInterval(() => this.checkRetention(), RETENTION_CHECK_INTERVAL_MS);
    this.refresh();
    for (const payload of this.pendingAnnouncements.splice(0)) this.onTombstone(payload);
    this.checkRetention();
    return () => {
      doc.off('update', onUpdate);
      clearInterval(interval);
      if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
      this.refreshTimer = null;
      this.doc = null;
    };
  }

  /** A sealed tombstone announcement from the relay topic: obey it only if it verifies. */
  onTombstone(payload: Uint8Array): void {
    const doc = this.doc;
    // Not attached, or the document has not arrived yet: nothing to check it against.
    if (!doc || readMeta(doc).bilanId === null) {
      this.pendingAnnouncements.push(payload);
      return;
    }
    const check = verifyDestroyOrder(payload, destroyContext(doc), this.verify);
    if (check.ok) {
      void this.obey(payload, check.order.reason === 'retention' ? 'retention' : 'other');
      return;
    }
    this.rejectedAnnouncements.add(toHex(payload));
    this.rejectedOrders = this.rejectedInDoc + this.rejectedAnnouncements.size;
  }

  validate(): ValidationError | 'sign-failed' | null {
    const doc = this.doc;
    if (!doc) return 'not-initialised';
    const record = validationRecordFor(doc, this.device.publicKey, now(), hashBytes);
    if (!record.ok) return record.error;
    const stored = storeValidation(doc, record.value, this.device.signRecord(record.value));
    return stored.ok ? null : 'sign-failed';
  }

  decideConsent(decision: ConsentDecision): ConsentError | 'sign-failed' | null {
    const doc = this.doc;
    if (!doc) return 'not-initialised';
    const at = now();
    const record = consentRecordFor(doc, this.device.publicKey, decision, at, this.verify);
    if (!record.ok) return record.error;
    const stored = storeConsent(doc, record.value, this.device.signRecord(record.value));
    return stored.ok ? null : 'sign-failed';
  }

  endBilan(reason: EndReason): EndBilanError | null {
    const doc = this.doc;
    if (!doc) return 'not-initialised';
    const result = endBilan(doc, this.device.publicKey, now(), reason);
    return result.ok ? null : result.error;
  }

  answerSurvey(
    survey: SurveyId,
    answers: SurveyAnswers,
    comment: string,
  ): SatisfactionError | null {
    const doc = this.doc;
    if (!doc) return 'not-initialised';
    const result = answerSurvey(doc, this.device.publicKey, survey, { answers, comment }, now());
    return result.ok ? null : result.error;
  }

  /**
   * This party destroys the bilan (after the confirmation step): keeps what outlives it,
   * signs and stores the order, announces it, wipes, and keeps re-announcing it.
   */
  async destroy(options: { keepCopy: boolean }): Promise<DestroyFailure | null> {
    const doc = this.doc;
    const session = this.host.session;
    if (!doc || !session || this.ending) return 'not-open';
    this.ending = true;
    this.destroying = true;
    this.destroyFailure = null;
    const at = now();
    try {
      const copyId = await keepBeforeWipe(this.device, {
        bilanId: this.host.bilanId,
        role: this.host.role,
        doc,
        keepCopy: options.keepCopy,
        now: at,
      });
      const signed = signDestroyOrder(this.device, doc, at, 'manual');
      if (!signed.ok) {
        this.ending = false;
        this.destroyFailure = signed.error === 'not-a-party' ? 'not-a-party' : 'not-open';
        return this.destroyFailure;
      }
      session.announceTombstone(signed.envelope);
      const until = announceUntil(retentionDeadline(doc, this.verify), at);
      const wiped = await this.wipe(signed.envelope, until, { by: 'self', at, copyId });
      return wiped ? null : 'storage';
    } catch {
      // Nothing was wiped if keeping failed; once the wipe started it stays under way.
      if (this.destroyed === null) this.ending = false;
      this.destroyFailure = 'storage';
      return 'storage';
    } finally {
      this.destroying = false;
    }
  }

  private refreshSoon(): void {
    if (this.refreshTimer !== null) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refresh();
    }, REFRESH_DELAY_MS);
  }

  private refresh(): void {
    const doc = this.doc;
    if (!doc || this.ending) return;
    const at = now();
    this.validation = validationState(doc, this.verify, hashBytes);
    this.consents = readConsents(doc, this.verify, at);
    this.retention = retentionDeadline(doc, this.verify);
    const meta = readMeta(doc);
    this.endedAt = meta.endedAt;
    this.followUpAt = followUpDate(meta);
    this.satisfaction = readSatisfaction(doc);
    const answers = JSON.stringify(this.satisfaction);
    if (this.host.role === 'counsellor' && answers !== this.keptAnswers) {
      // Satisfaction answers are evidence: keep them even if the copy is wiped later.
      this.keptAnswers = answers;
      void keepEvidence(this.device, doc, at).catch(() => undefined);
    }
    if (meta.bilanId !== null) {
      for (const payload of this.pendingAnnouncements.splice(0)) this.onTombstone(payload);
    }
    const tombstone = tombstoneState(doc, this.verify);
    this.rejectedInDoc = tombstone.rejected.length;
    this.rejectedOrders = this.rejectedInDoc + this.rejectedAnnouncements.size;
    if (tombstone.state === 'destroyed' && tombstone.envelope && tombstone.order) {
      const by = tombstone.order.reason === 'retention' ? 'retention' : 'other';
      void this.obey(tombstone.envelope, by);
    }
  }

  /** The retention deadline passed: this device destroys its shared copy by itself. */
  private checkRetention(): void {
    const doc = this.doc;
    if (!doc || this.ending) return;
    const at = now();
    if (!isPastRetention(doc, this.verify, at)) return;
    const signed = signDestroyOrder(this.device, doc, at, 'retention');
    if (signed.ok) this.host.session?.announceTombstone(signed.envelope);
    void this.obey(signed.ok ? signed.envelope : new Uint8Array(0), 'retention');
  }

  /** A verified order (or the deadline): keep what outlives the copy, then wipe it. */
  private async obey(envelope: Uint8Array, by: 'other' | 'retention'): Promise<void> {
    const doc = this.doc;
    if (!doc || this.ending) return;
    this.ending = true;
    const at = now();
    let copyId: string | null = null;
    try {
      // The beneficiary's copy is theirs: kept automatically, never deleted remotely.
      copyId = await keepBeforeWipe(this.device, {
        bilanId: this.host.bilanId,
        role: this.host.role,
        doc,
        keepCopy: true,
        now: at,
      });
    } catch {
      // Keeping failed (storage full…): the order still stands; the wipe goes on.
    }
    await this.wipe(envelope, null, { by, at, copyId });
  }

  /** After a failed wipe (the destroyed screen's retry): erases the shared copy again. */
  async retryWipe(): Promise<boolean> {
    if (this.wipeStatus !== 'failed') return this.wipeStatus === 'done';
    return this.runWipe();
  }

  /**
   * Shows the destroyed screen, then erases the shared copy; false if erasing failed (the
   * screen says so and offers `retryWipe`).
   */
  private async wipe(
    envelope: Uint8Array,
    until: number | null,
    destroyed: Destroyed,
  ): Promise<boolean> {
    // A focused editor removed by the re-render would blur inside Svelte's update and write
    // its caret to the awareness from there: blur it first, outside any update.
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Content leaves the screen first (editors unmount), then the copy goes.
    this.destroyed = destroyed;
    this.wipeStatus = 'wiping';
    this.validation = null;
    this.consents = null;
    this.satisfaction = [];
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Each step can run again after a failure: closing twice and destroying a bilan
    // already gone from the keystore are no-ops.
    this.eraseCopy = async () => {
      await this.host.close();
      await this.device.destroyBilan(this.host.bilanId, { envelope, announceUntil: until });
      if (until !== null) await this.device.startBeacons({ relayUrl: location.origin });
    };
    return this.runWipe();
  }

  private async runWipe(): Promise<boolean> {
    const erase = this.eraseCopy;
    if (!erase) return false;
    this.wipeStatus = 'wiping';
    try {
      await erase();
      this.wipeStatus = 'done';
      return true;
    } catch {
      this.wipeStatus = 'failed';
      return false;
    }
  }
}
