import type { PartyRole } from '@tandem/protocol';
import type { RotationResult, TandemDevice, TrustedPins } from '@tandem/sync';
import {
  anchorPins,
  authorClaim,
  classifyAuthor,
  isExcluded,
  markExcluded,
  pinConflicts,
  SharedName,
  statedParties,
  storeAuthorClaim,
  verifiedAuthors,
  type PinConflict,
} from '@tandem/workspace';
import type * as Y from 'yjs';
import { verifierOf } from './closure-actions.ts';

/** How the editor shows a Yjs client id's text (see @tandem/editor author-highlight). */
export type AuthorClass =
  { readonly kind: 'trusted' } | { readonly kind: 'unknown'; readonly label: string };

/** A device key that is neither pinned party, seen in the document's authorship claims. */
export interface UnknownAuthor {
  readonly publicKey: Uint8Array;
  readonly fingerprint: string;
  /** Shut out by a key change since: its text stays, it has no access any more. */
  readonly excluded: boolean;
}

/** What the app does when the bilan's key changes under the open bilan. */
export interface AdmissionHooks {
  /** A rotation was applied (`rotated`) or shut this device out (`excluded`). */
  onKeyChange(outcome: Exclude<RotationResult, 'invalid'>): void;
  /** The counsellor asked to rotate the key, re-sharing it with `recipients` only. */
  rotateKey(recipients: readonly Uint8Array[]): Promise<boolean>;
}

interface AdmissionHost {
  readonly bilanId: string;
  readonly role: PartyRole;
}

/**
 * Who may be in this bilan, as this device sees it: the parties' keys it trusts (first
 * seen, kept in the keystore and anchored to the document so a rewritten pin is not
 * believed), this session's signed authorship claim, which Yjs client ids wrote as whom,
 * and key rotation (sent by the counsellor, received by every device on the topic).
 */
export class AdmissionState {
  /** Pins the document states that differ from the keys this device trusts. */
  conflicts = $state.raw<PinConflict[]>([]);
  /** Keys that claimed authorship in this bilan without being a pinned party. */
  unknownAuthors = $state.raw<UnknownAuthor[]>([]);
  /** Bumped whenever attribution may have changed (the editor re-highlights). */
  authorsVersion = $state(0);
  /** Rotations received that did not verify: ignored, shown as a count. */
  rejectedRotations = $state(0);
  rotating = $state(false);
  /** The counsellor's "change the key" confirmation is open. */
  confirmingRotation = $state(false);

  private trusted: TrustedPins = { counsellor: null, beneficiary: null };
  // Caches, not reactive on purpose: `authorsVersion` tells the screens when they change.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private classes = new Map<number, AuthorClass>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private authors: Map<number, Uint8Array[]> = new Map();
  private doc: Y.Doc | null = null;
  private learning: Promise<unknown> = Promise.resolve();
  private rotationQueue: Promise<void> = Promise.resolve();
  /** Set once a rotation moved or excluded this device: later copies are ignored. */
  private keyChanged = false;

  constructor(
    private readonly host: AdmissionHost,
    private readonly device: TandemDevice,
    private readonly hooks: AdmissionHooks | null,
    private readonly unverifiedLabel: () => string,
  ) {}

  /**
   * Anchors the trusted keys, claims this session's client id, and follows the
   * document. Call once the local copy is loaded, before anything reads the pins.
   */
  async attach(doc: Y.Doc): Promise<() => void> {
    this.doc = doc;
    this.trusted = await this.device.trustedPins(this.host.bilanId);
    anchorPins(doc, this.trusted);
    this.claimAuthorship(doc);
    this.refresh();
    const onMeta = () => this.refresh();
    const meta = doc.getMap(SharedName.meta);
    const authors = doc.getMap(SharedName.authors);
    const excluded = doc.getMap(SharedName.excluded);
    meta.observe(onMeta);
    authors.observe(onMeta);
    excluded.observe(onMeta);
    return () => {
      meta.unobserve(onMeta);
      authors.unobserve(onMeta);
      excluded.unobserve(onMeta);
      this.doc = null;
    };
  }

  /** How the editor shows `clientId`'s text: cached until claims or pins change. */
  authorClass(clientId: number): AuthorClass {
    const cached = this.classes.get(clientId);
    if (cached) return cached;
    const doc = this.doc;
    if (!doc) return { kind: 'trusted' };
    const author = classifyAuthor(doc, this.authors, clientId);
    const value: AuthorClass =
      author.kind === 'party'
        ? { kind: 'trusted' }
        : {
            kind: 'unknown',
            label:
              author.kind === 'unknown'
                ? this.device.fingerprintOf(author.publicKey)
                : this.unverifiedLabel(),
          };
    this.classes.set(clientId, value);
    return value;
  }

  /** The devices a rotation re-shares the new key with: the trusted beneficiary, if any. */
  recipients(): Uint8Array[] {
    return this.trusted.beneficiary ? [this.trusted.beneficiary] : [];
  }

  /** Counsellor, after a key change: records the devices it shut out, for both parties. */
  markExcluded(keys: readonly Uint8Array[]): void {
    const doc = this.doc;
    if (doc && keys.length > 0) markExcluded(doc, this.device.publicKey, keys, Date.now());
  }

  /** Counsellor: moves the bilan to a new key that only the pinned devices receive. */
  async rotate(): Promise<boolean> {
    if (this.host.role !== 'counsellor' || !this.hooks || this.rotating) return false;
    this.rotating = true;
    try {
      return await this.hooks.rotateKey(this.recipients());
    } finally {
      this.rotating = false;
    }
  }

  /**
   * A sealed rotation arrived on the bilan's topic: the device verifies and applies it.
   * The beacon repeats it, so copies arrive while the first is being applied: they are
   * handled one at a time, and none once the key has changed (applying one twice would
   * close the session just opened under the new key).
   */
  onRotation(payload: Uint8Array): Promise<void> {
    this.rotationQueue = this.rotationQueue.then(() => this.applyRotation(payload));
    return this.rotationQueue;
  }

  private async applyRotation(payload: Uint8Array): Promise<void> {
    if (this.keyChanged) return;
    await this.learning;
    const outcome = await this.device
      .applyRotation(this.host.bilanId, payload)
      .catch((): RotationResult => 'invalid');
    if (outcome === 'invalid') {
      this.rejectedRotations += 1;
      return;
    }
    this.keyChanged = true;
    this.hooks?.onKeyChange(outcome);
  }

  private claimAuthorship(doc: Y.Doc): void {
    const claim = authorClaim(
      this.host.bilanId,
      doc.clientID,
      this.host.role,
      this.device.publicKey,
    );
    if (claim) storeAuthorClaim(doc, claim, this.device.signRecord(claim));
  }

  private refresh(): void {
    const doc = this.doc;
    if (!doc) return;
    const stated = statedParties(doc);
    const learned: TrustedPins = {
      counsellor: this.trusted.counsellor ?? stated.counsellor?.publicKey ?? null,
      beneficiary: this.trusted.beneficiary ?? stated.beneficiary?.publicKey ?? null,
    };
    if (
      learned.counsellor !== this.trusted.counsellor ||
      learned.beneficiary !== this.trusted.beneficiary
    ) {
      // First sight of a party: trust it from now on, in memory at once, then on disk.
      this.trusted = learned;
      anchorPins(doc, learned);
      this.learning = this.device.learnPins(this.host.bilanId, learned).catch(() => undefined);
    }
    this.conflicts = pinConflicts(doc, stated);
    this.authors = verifiedAuthors(doc, verifierOf(this.device));
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    this.classes = new Map();
    this.unknownAuthors = this.findUnknownAuthors(doc);
    this.authorsVersion += 1;
  }

  private findUnknownAuthors(doc: Y.Doc): UnknownAuthor[] {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- local, returned as an array
    const seen = new Map<string, UnknownAuthor>();
    for (const clientId of this.authors.keys()) {
      const author = classifyAuthor(doc, this.authors, clientId);
      if (author.kind !== 'unknown') continue;
      const fingerprint = this.device.fingerprintOf(author.publicKey);
      seen.set(fingerprint, {
        publicKey: author.publicKey,
        fingerprint,
        excluded: isExcluded(doc, author.publicKey),
      });
    }
    return [...seen.values()];
  }
}
