/**
 * The evidence record: what the provider must be able to show an auditor or a funder
 * (parties, dates, hours per session, signed attendance, total) and nothing of the bilan's
 * content — no synthesis, action plan, observations or consents' wording.
 *
 * It is kept on the counsellor's device apart from the bilan, because it outlives the
 * destroy. So it is self-contained plain data (JSON- and structured-clone-safe): the parties'
 * public keys and each session's signed attendance envelopes travel with it, and
 * `certifyEvidence` re-checks those signatures without the document.
 *
 * Storage holds only facts (`EvidenceRecord`); what they prove (signature states, certified
 * totals) is recomputed from them by `certifyEvidence`, so an edited record cannot keep a
 * "signed" mark it no longer deserves.
 */
import { decodeBase64url, encodeBase64url } from '@tandem/protocol';
import type * as Y from 'yjs';
import {
  attendanceSignatureStatus,
  attendanceState,
  signatureKey,
  type AttendanceSignature,
  type AttendanceState,
} from './attendance.ts';
import { computeTotals, type Totals } from './hours.ts';
import { ledgerFromMeta, type SessionState } from './ledger.ts';
import {
  MAX_EVIDENCE_ENVELOPE_CHARS,
  MAX_EVIDENCE_SESSIONS,
  MAX_NAME_CHARS,
  PUBLIC_KEY_BYTES,
} from './limits.ts';
import {
  END_REASONS,
  MODES,
  parseHourCap,
  PHASE_IDS,
  readMeta,
  type EndReason,
  type Mode,
  type PhaseId,
  type Role,
} from './meta.ts';
import {
  asYMap,
  isOneOf,
  isPlainObject,
  parseId,
  parseIsoDate,
  parseText,
  parseTime,
} from './parse.ts';
import { err, ok, type Result } from './result.ts';
import {
  mergeSurveyResponses,
  parseSurveyResponses,
  readSatisfaction,
  type SurveyResponse,
} from './satisfaction.ts';
import { ledgerMap } from './schema.ts';
import type { PinnedKeys, VerifyRecord } from './signed.ts';

export const EVIDENCE_FORMAT = 'tandem-evidence';
export const EVIDENCE_VERSION = 1;

/** A party as the evidence names it: display name and device public key (base64url). */
export interface EvidenceParty {
  readonly name: string;
  readonly publicKey: string;
}

/** One ended session. `signatures` are the stored envelopes (base64url), null if unsigned. */
export interface EvidenceSession {
  readonly id: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly phase: PhaseId;
  readonly mode: Mode;
  /** 'stopped' by a party, or 'timed-out' (closed at its last heartbeat). */
  readonly end: Exclude<SessionState, 'running'>;
  /** '' marks a stored value that was not an envelope at all (it reads as malformed). */
  readonly signatures: Readonly<Record<Role, string | null>>;
}

export interface EvidenceRecord {
  readonly format: typeof EVIDENCE_FORMAT;
  readonly version: typeof EVIDENCE_VERSION;
  readonly bilanId: string;
  readonly createdAt: number | null;
  /** 'YYYY-MM-DD' or null. */
  readonly conventionDate: string | null;
  readonly hourCapSeconds: number;
  readonly endedAt: number | null;
  readonly endReason: EndReason | null;
  readonly counsellor: EvidenceParty;
  /** Null until the beneficiary has joined. */
  readonly beneficiary: EvidenceParty | null;
  /** Ended sessions, by start time. A running session is not evidence yet. */
  readonly sessions: readonly EvidenceSession[];
  /** The beneficiary's satisfaction answers (à chaud, à froid), when given. */
  readonly satisfaction: readonly SurveyResponse[];
  /** When this record was built (epoch ms). */
  readonly updatedAt: number;
}

/**
 * The evidence of a bilan at `now`, from its document; null while the document is not
 * initialised. Reads only meta's parties, dates and cap, and the ledger.
 */
export function evidenceFromDoc(doc: Y.Doc, now: number): EvidenceRecord | null {
  const meta = readMeta(doc);
  if (meta.bilanId === null || meta.counsellor === null) return null;
  const party = (p: { name: string; publicKey: Uint8Array }): EvidenceParty => ({
    name: p.name,
    publicKey: encodeBase64url(p.publicKey),
  });
  const sessions = ledgerFromMeta(doc, meta, now)
    .sessions.filter((s) => s.state !== 'running')
    .slice(0, MAX_EVIDENCE_SESSIONS)
    .map((s): EvidenceSession => {
      const map = asYMap(ledgerMap(doc).get(s.id));
      const envelope = (role: Role) => storedEnvelope(map?.get(signatureKey(role)));
      return {
        id: s.id,
        startedAt: s.startedAt,
        endedAt: s.endedAt,
        phase: s.phase,
        mode: s.mode,
        end: s.state === 'timed-out' ? 'timed-out' : 'stopped',
        signatures: { counsellor: envelope('counsellor'), beneficiary: envelope('beneficiary') },
      };
    });
  return {
    format: EVIDENCE_FORMAT,
    version: EVIDENCE_VERSION,
    bilanId: meta.bilanId,
    createdAt: meta.createdAt,
    conventionDate: meta.conventionDate,
    hourCapSeconds: meta.hourCapSeconds,
    endedAt: meta.endedAt,
    endReason: meta.endReason,
    counsellor: party(meta.counsellor),
    beneficiary: meta.beneficiary ? party(meta.beneficiary) : null,
    sessions,
    satisfaction: readSatisfaction(doc),
    updatedAt: now,
  };
}

function storedEnvelope(value: unknown): string | null {
  if (value === undefined) return null;
  if (!(value instanceof Uint8Array)) return '';
  const text = encodeBase64url(value);
  return text.length <= MAX_EVIDENCE_ENVELOPE_CHARS ? text : '';
}

export type EvidenceParseError = 'not-evidence' | 'unsupported-version' | 'malformed';

/** Parses a stored evidence record (from IndexedDB, a file…). Never throws. */
export function parseEvidence(value: unknown): Result<EvidenceRecord, EvidenceParseError> {
  if (!isPlainObject(value) || value.format !== EVIDENCE_FORMAT) return err('not-evidence');
  if (value.version !== EVIDENCE_VERSION) return err('unsupported-version');
  const bilanId = parseId(value.bilanId);
  const hourCapSeconds = parseHourCap(value.hourCapSeconds);
  const counsellor = parseParty(value.counsellor);
  const beneficiary = value.beneficiary === null ? null : parseParty(value.beneficiary);
  const updatedAt = parseTime(value.updatedAt);
  const createdAt = nullable(value.createdAt, parseTime);
  const conventionDate = nullable(value.conventionDate, parseIsoDate);
  const endedAt = nullable(value.endedAt, parseTime);
  const endReason = nullable(value.endReason, (v) => (isOneOf(v, END_REASONS) ? v : null));
  const sessions = parseSessions(value.sessions);
  if (
    bilanId === null ||
    hourCapSeconds === null ||
    counsellor === null ||
    beneficiary === undefined ||
    (value.beneficiary !== null && beneficiary === null) ||
    updatedAt === null ||
    createdAt === undefined ||
    conventionDate === undefined ||
    endedAt === undefined ||
    endReason === undefined ||
    sessions === null
  ) {
    return err('malformed');
  }
  return ok({
    format: EVIDENCE_FORMAT,
    version: EVIDENCE_VERSION,
    bilanId,
    createdAt,
    conventionDate,
    hourCapSeconds,
    endedAt,
    endReason,
    counsellor,
    beneficiary,
    sessions,
    satisfaction: parseSurveyResponses(value.satisfaction),
    updatedAt,
  });
}

/** null stays null; anything else must parse (undefined = malformed). */
function nullable<T>(value: unknown, parse: (v: unknown) => T | null): T | null | undefined {
  if (value === null) return null;
  const parsed = parse(value);
  return parsed === null ? undefined : parsed;
}

function parseParty(value: unknown): EvidenceParty | null {
  if (!isPlainObject(value)) return null;
  const name = parseText(value.name, MAX_NAME_CHARS);
  const key = typeof value.publicKey === 'string' ? decodeBase64url(value.publicKey) : undefined;
  if (name === null || key?.length !== PUBLIC_KEY_BYTES) return null;
  return { name, publicKey: value.publicKey as string };
}

function parseSessions(value: unknown): EvidenceSession[] | null {
  if (!Array.isArray(value) || value.length > MAX_EVIDENCE_SESSIONS) return null;
  const sessions: EvidenceSession[] = [];
  const ids = new Set<string>();
  for (const item of value) {
    const session = parseSession(item);
    if (session === null || ids.has(session.id)) return null;
    ids.add(session.id);
    sessions.push(session);
  }
  return sessions;
}

function parseSession(value: unknown): EvidenceSession | null {
  if (!isPlainObject(value) || !isPlainObject(value.signatures)) return null;
  const id = parseId(value.id);
  const startedAt = parseTime(value.startedAt);
  const endedAt = parseTime(value.endedAt);
  const { phase, mode, end } = value;
  const envelope = (v: unknown): string | null | undefined =>
    v === null
      ? null
      : typeof v === 'string' && v.length <= MAX_EVIDENCE_ENVELOPE_CHARS
        ? v
        : undefined;
  const counsellor = envelope(value.signatures.counsellor);
  const beneficiary = envelope(value.signatures.beneficiary);
  if (
    id === null ||
    startedAt === null ||
    endedAt === null ||
    endedAt < startedAt ||
    !isOneOf(phase, PHASE_IDS) ||
    !isOneOf(mode, MODES) ||
    !isOneOf(end, ['stopped', 'timed-out'] as const) ||
    counsellor === undefined ||
    beneficiary === undefined
  ) {
    return null;
  }
  return { id, startedAt, endedAt, phase, mode, end, signatures: { counsellor, beneficiary } };
}

/** A session of the evidence with what its signatures prove. */
export interface CertifiedSession {
  readonly session: EvidenceSession;
  readonly signatures: Readonly<Record<Role, AttendanceSignature>>;
  readonly state: AttendanceState;
  /** Time this session adds to the certified total, in ms (0 if flagged). */
  readonly countedMs: number;
}

export interface CertifiedEvidence {
  readonly evidence: EvidenceRecord;
  readonly sessions: readonly CertifiedSession[];
  /** Totals of the sessions not flagged, under the cap: what the certificate shows. */
  readonly certified: Totals;
  /** Sessions signed by both parties. */
  readonly signedCount: number;
  readonly flaggedCount: number;
}

/**
 * Re-checks every signature of the evidence against its parties' keys (injected `verify`,
 * as for the document) and computes the certified totals. Same rules as `attendanceReport`:
 * a session signed for other times, by an unknown key or with a forged signature is flagged
 * and left out.
 */
export function certifyEvidence(evidence: EvidenceRecord, verify: VerifyRecord): CertifiedEvidence {
  const key = (party: EvidenceParty | null) =>
    party === null ? null : (decodeBase64url(party.publicKey) ?? null);
  const pinned: PinnedKeys = {
    counsellor: key(evidence.counsellor),
    beneficiary: key(evidence.beneficiary),
  };
  const checked = evidence.sessions.map((session) => {
    const status = (role: Role): AttendanceSignature => {
      const stored = session.signatures[role];
      if (stored === null) return 'missing';
      const bytes = decodeBase64url(stored);
      if (bytes === undefined) return 'malformed';
      const ended = { ...session, state: session.end };
      return attendanceSignatureStatus(bytes, role, ended, evidence.bilanId, pinned, verify);
    };
    const signatures = { counsellor: status('counsellor'), beneficiary: status('beneficiary') };
    return { session, signatures, state: attendanceState(signatures) };
  });
  const kept = checked.filter((c) => c.state !== 'flagged').map((c) => c.session);
  const certified = computeTotals(kept, evidence.hourCapSeconds);
  return {
    evidence,
    sessions: checked.map((c) => ({
      ...c,
      countedMs: certified.bySessionMs.get(c.session.id) ?? 0,
    })),
    certified,
    signedCount: checked.filter((c) => c.state === 'signed').length,
    flaggedCount: checked.filter((c) => c.state === 'flagged').length,
  };
}

/**
 * Folds a newer evidence record of the same bilan into the one kept: sessions are never
 * lost (the document may have been wiped by a destroy, or a session deleted by a hostile
 * peer), a session present in both takes its newer version, everything else is the newer.
 */
export function mergeEvidence(kept: EvidenceRecord | null, next: EvidenceRecord): EvidenceRecord {
  if (kept === null || kept.bilanId !== next.bilanId) return next;
  const byId = new Map(kept.sessions.map((s) => [s.id, s]));
  for (const session of next.sessions) byId.set(session.id, session);
  const sessions = [...byId.values()]
    .sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, MAX_EVIDENCE_SESSIONS);
  const satisfaction = mergeSurveyResponses(kept.satisfaction, next.satisfaction);
  return { ...next, sessions, satisfaction };
}
