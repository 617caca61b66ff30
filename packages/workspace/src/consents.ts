/**
 * The beneficiary's signed consents: keeping the synthesis and follow-up documents on the
 * provider side (retention), sharing with a named third party, taking an assessment (test or
 * questionnaire, named). Each decision is a signed ConsentRecord appended to `consents`; a
 * consent is revoked (or granted again) by a newer decision with the same consentId. The
 * latest verified decision wins; at equal times a revocation wins.
 */
import { MAX_THIRD_PARTY_BYTES, type ConsentRecord, type ConsentTopic } from '@tandem/protocol';
import type * as Y from 'yjs';
import { newId } from './ids.ts';
import { MAX_THIRD_PARTY_CHARS } from './limits.ts';
import { storeBeneficiaryRecord, type StoreBeneficiaryRecordError } from './beneficiary-signed.ts';
import { readMeta } from './meta.ts';
import { pinnedKeys, roleOfKey } from './parties.ts';
import { isOneOf, parseId, parseText, parseTime } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { consentsArray } from './schema.ts';
import {
  decodeSignedEntry,
  signatureProblem,
  type SignatureProblem,
  type SignedEntry,
  type VerifyRecord,
} from './signed.ts';

export const CONSENT_TOPICS: readonly ConsentTopic[] = [
  'retention',
  'third-party-sharing',
  'assessment',
];

/** The current state of one consent, from its latest verified decision. */
export interface Consent {
  readonly consentId: string;
  readonly topic: ConsentTopic;
  /** Third party (sharing) or assessment name; '' for retention. */
  readonly thirdParty: string;
  readonly granted: boolean;
  /** When the latest decision was signed. */
  readonly at: number;
  /** When the consent lapses (epoch ms), or null if it does not. */
  readonly deadline: number | null;
  /** Granted and not lapsed at `now`. */
  readonly active: boolean;
  /** Verified decisions for this consent, oldest first (grant, revoke, grant again…). */
  readonly history: readonly ConsentRecord[];
}

export interface ConsentsView {
  readonly consents: readonly Consent[];
  /** Decisions that failed verification: show them as an alert, never act on them. */
  readonly rejected: readonly (SignatureProblem | 'wrong-role')[];
}

/** Every consent with its current state, newest first. Never throws. */
export function readConsents(doc: Y.Doc, verify: VerifyRecord, now: number): ConsentsView {
  const meta = readMeta(doc);
  const pinned = pinnedKeys(meta);
  const rejected: ConsentsView['rejected'][number][] = [];
  const byId = new Map<string, SignedEntry<ConsentRecord>[]>();
  for (const value of consentsArray(doc).toArray()) {
    const entry = decodeSignedEntry(value);
    if (entry === null || entry.record.kind !== 'consent') {
      rejected.push('malformed');
      continue;
    }
    const problem = signatureProblem(entry, meta.bilanId, pinned, verify);
    if (problem !== null || entry.record.signerRole !== 'beneficiary') {
      rejected.push(problem ?? 'wrong-role');
      continue;
    }
    const list = byId.get(entry.record.consentId) ?? [];
    list.push(entry as SignedEntry<ConsentRecord>);
    byId.set(entry.record.consentId, list);
  }
  const consents = [...byId.values()].map((entries) => consentState(entries, now));
  consents.sort((a, b) => b.at - a.at || (a.consentId < b.consentId ? -1 : 1));
  return { consents, rejected };
}

function consentState(entries: SignedEntry<ConsentRecord>[], now: number): Consent {
  const ordered = [...entries].sort(compareDecisions);
  const latest = ordered[ordered.length - 1]!.record;
  const deadline = latest.deadline === 0 ? null : latest.deadline;
  return {
    consentId: latest.consentId,
    topic: latest.topic,
    thirdParty: latest.thirdParty,
    granted: latest.granted,
    at: latest.at,
    deadline,
    active: latest.granted && (deadline === null || now < deadline),
    history: ordered.map((e) => e.record),
  };
}

// Oldest first; at equal times a grant sorts before a revocation so the revocation wins,
// and the signature bytes break any remaining tie the same way on every device.
function compareDecisions(a: SignedEntry<ConsentRecord>, b: SignedEntry<ConsentRecord>): number {
  if (a.record.at !== b.record.at) return a.record.at - b.record.at;
  if (a.record.granted !== b.record.granted) return a.record.granted ? -1 : 1;
  for (let i = 0; i < a.signature.length; i++) {
    const d = (a.signature[i] ?? 0) - (b.signature[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Active consents of one topic at `now`. */
export function activeConsents(view: ConsentsView, topic: ConsentTopic): Consent[] {
  return view.consents.filter((c) => c.topic === topic && c.active);
}

export interface ConsentDecision {
  /** Omit for a new consent; give the id of an existing one to revoke or re-grant it. */
  readonly consentId?: string;
  readonly topic: ConsentTopic;
  /** Required for third-party sharing (who) and assessment (which test); unused for retention. */
  readonly thirdParty?: string;
  readonly granted: boolean;
  /** When the consent lapses (epoch ms), or null. */
  readonly deadline?: number | null;
}

export type ConsentError =
  | 'not-initialised'
  | 'not-beneficiary'
  | 'invalid-time'
  | 'invalid-topic'
  | 'invalid-id'
  | 'third-party-required'
  | 'invalid-third-party'
  | 'invalid-deadline'
  | 'topic-mismatch';

/**
 * The record the beneficiary signs for a decision. A decision on an existing consentId must
 * keep its topic and third party (use a new consent for a new third party).
 */
export function consentRecordFor(
  doc: Y.Doc,
  signerKey: Uint8Array,
  decision: ConsentDecision,
  now: number,
  verify: VerifyRecord,
): Result<ConsentRecord, ConsentError> {
  const meta = readMeta(doc);
  if (meta.bilanId === null) return err('not-initialised');
  if (roleOfKey(meta, signerKey) !== 'beneficiary') return err('not-beneficiary');
  if (parseTime(now) === null) return err('invalid-time');
  if (!isOneOf(decision.topic, CONSENT_TOPICS)) return err('invalid-topic');
  const consentId = decision.consentId ?? newId();
  if (parseId(consentId) === null) return err('invalid-id');
  let thirdParty = '';
  if (decision.topic !== 'retention') {
    if (decision.thirdParty === undefined) return err('third-party-required');
    const parsed = parseText(decision.thirdParty, MAX_THIRD_PARTY_CHARS);
    if (parsed === null || new TextEncoder().encode(parsed).length > MAX_THIRD_PARTY_BYTES)
      return err('invalid-third-party');
    thirdParty = parsed;
  }
  const deadline = decision.deadline ?? null;
  if (deadline !== null && (parseTime(deadline) === null || deadline <= now)) {
    return err('invalid-deadline');
  }
  const existing = readConsents(doc, verify, now).consents.find((c) => c.consentId === consentId);
  if (existing && (existing.topic !== decision.topic || existing.thirdParty !== thirdParty)) {
    return err('topic-mismatch');
  }
  return ok({
    kind: 'consent',
    bilanId: meta.bilanId,
    consentId,
    topic: decision.topic,
    thirdParty,
    granted: decision.granted,
    at: now,
    deadline: deadline ?? 0,
    signerRole: 'beneficiary',
    signerKey: new Uint8Array(signerKey),
  });
}

/** Appends a signed decision after checking who signed it. */
export function storeConsent(
  doc: Y.Doc,
  record: ConsentRecord,
  signature: Uint8Array,
): Result<void, StoreBeneficiaryRecordError> {
  return storeBeneficiaryRecord(doc, consentsArray(doc), record, signature);
}
