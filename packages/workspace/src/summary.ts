/** What the home screen shows for one bilan, computed from its document. */
import type * as Y from 'yjs';
import { readLedger } from './ledger.ts';
import { readMeta, type PhaseId } from './meta.ts';
import { retentionDeadline, type RetentionDeadline } from './retention.ts';
import type { VerifyRecord } from './signed.ts';

export interface BilanSummary {
  readonly bilanId: string | null;
  readonly counsellorName: string | null;
  readonly beneficiaryName: string | null;
  readonly phase: PhaseId;
  /** Time used against the cap, seconds (running session included up to `now`). */
  readonly secondsUsed: number;
  readonly capSeconds: number;
  readonly sessionRunning: boolean;
  readonly endedAt: number | null;
  readonly retention: RetentionDeadline;
  /** Latest activity known from the document (edits marked, sessions, creation), or null. */
  readonly lastActivityAt: number | null;
}

/** Summary for the home list; plain data, safe to cache (no content of the bilan). */
export function bilanSummary(doc: Y.Doc, now: number, verify: VerifyRecord): BilanSummary {
  const meta = readMeta(doc);
  const ledger = readLedger(doc, now);
  const times = [
    meta.createdAt,
    meta.lastActivityAt,
    meta.endedAt,
    ...ledger.sessions.map((s) => (s.state === 'running' ? s.lastActivityAt : s.endedAt)),
  ].filter((t): t is number => t !== null);
  return {
    bilanId: meta.bilanId,
    counsellorName: meta.counsellor?.name ?? null,
    beneficiaryName: meta.beneficiary?.name ?? null,
    phase: meta.phase,
    secondsUsed: ledger.totals.seconds,
    capSeconds: meta.hourCapSeconds,
    sessionRunning: ledger.running !== null,
    endedAt: meta.endedAt,
    retention: retentionDeadline(doc, verify),
    lastActivityAt: times.length > 0 ? Math.max(...times) : null,
  };
}
