/**
 * Signed attendance (émargement): once a session has ended, each party signs the canonical
 * AttendanceRecord of it with their device key; the other side verifies. A record edited
 * after signing, or signed by an unknown key, flags the session: it is excluded from the
 * certified totals (the evidence), while still counting against the cap (time was spent).
 *
 * Signing is two steps so this package stays free of keys: `attendanceRecordFor` builds the
 * record, the client signs it with @tandem/crypto (sync or async), `storeAttendanceSignature`
 * checks and stores it in the session under `sig:<role>` (the protocol's signed envelope).
 */
import type { AttendanceRecord } from '@tandem/protocol';
import type * as Y from 'yjs';
import { computeTotals, type SessionInterval, type Totals } from './hours.ts';
import { ATTENDANCE_SETTLE_MS } from './limits.ts';
import { ledgerFromMeta, type LedgerSession, type SessionState } from './ledger.ts';
import { readMeta, type BilanMeta, type Role } from './meta.ts';
import { pinnedKeys, roleOfKey } from './parties.ts';
import { asYMap, parseTime } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { ledgerMap } from './schema.ts';
import {
  decodeSignedEntry,
  encodeSignedEntry,
  signatureProblem,
  type PinnedKeys,
  type SignatureProblem,
  type VerifyRecord,
} from './signed.ts';

/** Where a party's signed envelope is stored in a session's map. */
export const signatureKey = (role: Role): string => `sig:${role}`;

/** One party's signature on a session: 'mismatch' = valid, but the session changed since. */
export type AttendanceSignature = 'missing' | 'valid' | 'mismatch' | SignatureProblem;

/**
 * pending: no signature yet (or still running) · partial: one party signed · signed: both ·
 * flagged: a signature is forged, from an unknown key, or for another version of the session.
 */
export type AttendanceState = 'pending' | 'partial' | 'signed' | 'flagged';

export interface AttendanceEntry {
  readonly session: LedgerSession;
  readonly signatures: Readonly<Record<Role, AttendanceSignature>>;
  readonly state: AttendanceState;
}

export interface AttendanceReport {
  readonly entries: readonly AttendanceEntry[];
  /** Totals without flagged sessions: what the attendance sheet and certificate show. */
  readonly certified: Totals;
  readonly flaggedSessionIds: readonly string[];
}

/** The attendance record of a session as it stands, for `signerKey`'s role. */
function recordOf(meta: BilanMeta, session: LedgerSession, role: Role, key: Uint8Array) {
  return {
    kind: 'attendance',
    bilanId: meta.bilanId ?? '',
    sessionId: session.id,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    phase: session.phase,
    mode: session.mode,
    signerRole: role,
    signerKey: new Uint8Array(key),
  } satisfies AttendanceRecord;
}

function sameSession(record: AttendanceRecord, session: SessionInterval): boolean {
  return (
    record.sessionId === session.id &&
    record.startedAt === session.startedAt &&
    record.endedAt === session.endedAt &&
    record.phase === session.phase &&
    record.mode === session.mode
  );
}

/**
 * One party's signature as stored (`value`: the signed envelope, or undefined) on an ended
 * session, checked against the bilan and its pinned keys. Shared with the evidence record,
 * which re-checks the same envelopes once the document is gone.
 */
export function attendanceSignatureStatus(
  value: unknown,
  role: Role,
  session: SessionInterval & { readonly state: SessionState },
  bilanId: string | null,
  pinned: PinnedKeys,
  verify: VerifyRecord,
): AttendanceSignature {
  if (value === undefined) return 'missing';
  const entry = decodeSignedEntry(value);
  if (entry === null || entry.record.kind !== 'attendance' || entry.record.signerRole !== role) {
    return 'malformed';
  }
  const problem = signatureProblem(entry, bilanId, pinned, verify);
  if (problem !== null) return problem;
  return session.state !== 'running' && sameSession(entry.record, session) ? 'valid' : 'mismatch';
}

/** The state of a session from both parties' signatures. */
export function attendanceState(signatures: Readonly<Record<Role, AttendanceSignature>>) {
  const values = Object.values(signatures);
  const bad = values.some((s) => s !== 'missing' && s !== 'valid');
  const valid = values.filter((s) => s === 'valid').length;
  const state: AttendanceState = bad
    ? 'flagged'
    : valid === 2
      ? 'signed'
      : valid === 1
        ? 'partial'
        : 'pending';
  return state;
}

/** Signature status of every session and the certified totals. Never throws. */
export function attendanceReport(doc: Y.Doc, now: number, verify: VerifyRecord): AttendanceReport {
  const meta = readMeta(doc);
  const view = ledgerFromMeta(doc, meta, now);
  const entries = view.sessions.map((session): AttendanceEntry => {
    const map = asYMap(ledgerMap(doc).get(session.id));
    const pinned = pinnedKeys(meta);
    const status = (role: Role) =>
      attendanceSignatureStatus(
        map?.get(signatureKey(role)),
        role,
        session,
        meta.bilanId,
        pinned,
        verify,
      );
    const signatures = { counsellor: status('counsellor'), beneficiary: status('beneficiary') };
    return { session, signatures, state: attendanceState(signatures) };
  });
  const flagged = entries.filter((e) => e.state === 'flagged').map((e) => e.session);
  const kept = view.sessions.filter((s) => !flagged.includes(s));
  return {
    entries,
    certified: computeTotals(kept, meta.hourCapSeconds),
    flaggedSessionIds: flagged.map((s) => s.id),
  };
}

export type AttendanceRecordError =
  'unknown-device' | 'not-initialised' | 'no-such-session' | 'still-running' | 'invalid-time';

/** The record `signerKey` should sign for a session that has ended. */
export function attendanceRecordFor(
  doc: Y.Doc,
  sessionId: string,
  signerKey: Uint8Array,
  now: number,
): Result<AttendanceRecord, AttendanceRecordError> {
  if (parseTime(now) === null) return err('invalid-time');
  const meta = readMeta(doc);
  if (meta.bilanId === null) return err('not-initialised');
  const role = roleOfKey(meta, signerKey);
  if (role === 'unknown') return err('unknown-device');
  const session = ledgerFromMeta(doc, meta, now).sessions.find((s) => s.id === sessionId);
  if (session === undefined) return err('no-such-session');
  if (session.state === 'running') return err('still-running');
  return ok(recordOf(meta, session, role, signerKey));
}

/**
 * Ended sessions `signerKey`'s party has not signed yet, once settled (ATTENDANCE_SETTLE_MS
 * after the end, so a concurrent stop from the other device has arrived). The client signs
 * them automatically; a 'mismatch' signature is NOT re-signed automatically — the report
 * shows it and the party re-signs on purpose.
 */
export function sessionsAwaitingSignature(
  doc: Y.Doc,
  signerKey: Uint8Array,
  now: number,
): string[] {
  const meta = readMeta(doc);
  const role = roleOfKey(meta, signerKey);
  if (role === 'unknown' || meta.bilanId === null) return [];
  return ledgerFromMeta(doc, meta, now)
    .sessions.filter(
      (s) =>
        s.state !== 'running' &&
        now >= s.endedAt + ATTENDANCE_SETTLE_MS &&
        asYMap(ledgerMap(doc).get(s.id))?.get(signatureKey(role)) === undefined,
    )
    .map((s) => s.id);
}

export type StoreAttendanceError =
  AttendanceRecordError | 'wrong-bilan' | 'wrong-role' | 'record-outdated' | 'invalid-signature';

/**
 * Stores a party's signature on a session after checking the record still describes it
 * exactly. Re-signing replaces that party's previous signature.
 */
export function storeAttendanceSignature(
  doc: Y.Doc,
  record: AttendanceRecord,
  signature: Uint8Array,
  now: number,
): Result<void, StoreAttendanceError> {
  const expected = attendanceRecordFor(doc, record.sessionId, record.signerKey, now);
  if (!expected.ok) return expected;
  if (record.bilanId !== expected.value.bilanId) return err('wrong-bilan');
  if (record.signerRole !== expected.value.signerRole) return err('wrong-role');
  const view = ledgerFromMeta(doc, readMeta(doc), now);
  const session = view.sessions.find((s) => s.id === record.sessionId);
  if (record.kind !== 'attendance' || !session || !sameSession(record, session)) {
    return err('record-outdated');
  }
  const envelope = encodeSignedEntry(record, signature);
  if (envelope === null) return err('invalid-signature');
  asYMap(ledgerMap(doc).get(record.sessionId))?.set(signatureKey(record.signerRole), envelope);
  return ok(undefined);
}
