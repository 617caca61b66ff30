/** The end of the bilan: who may end it, when, and the follow-up interview date. */
import type * as Y from 'yjs';
import { addMonthsUtc } from './calendar.ts';
import { readLedger } from './ledger.ts';
import { FOLLOW_UP_MONTHS_DEFAULT } from './limits.ts';
import { END_REASONS, MetaKey, readMeta, type BilanMeta, type EndReason } from './meta.ts';
import { authorise, type AuthoriseError } from './parties.ts';
import { isOneOf, parseTime } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { metaMap } from './schema.ts';

export type EndBilanError =
  | AuthoriseError
  | 'invalid-time'
  | 'invalid-reason'
  | 'already-ended'
  | 'session-running'
  | 'not-conclusion';

/**
 * Ends the bilan (counsellor only). 'completed' requires the conclusion phase; 'abandoned'
 * (the beneficiary stopped — never a fault) is allowed in any phase. Stop the running
 * session first. The end starts the retention clock: without a retention consent the shared
 * copy is due for destruction at once, so the UI confirms and offers exports first.
 */
export function endBilan(
  doc: Y.Doc,
  actorKey: Uint8Array,
  now: number,
  reason: EndReason,
): Result<void, EndBilanError> {
  const role = authorise(doc, actorKey, ['counsellor']);
  if (!role.ok) return role;
  if (parseTime(now) === null) return err('invalid-time');
  if (!isOneOf(reason, END_REASONS)) return err('invalid-reason');
  const meta = readMeta(doc);
  if (meta.endedAt !== null) return err('already-ended');
  if (readLedger(doc, now).running !== null) return err('session-running');
  if (reason === 'completed' && meta.phase !== 'conclusion') return err('not-conclusion');
  doc.transact(() => {
    metaMap(doc).set(MetaKey.endedAt, now);
    metaMap(doc).set(MetaKey.endReason, reason);
  });
  return ok(undefined);
}

/** Date of the follow-up interview (à froid): `months` after the end, 6 by default. */
export function followUpDate(
  meta: BilanMeta,
  months: number = FOLLOW_UP_MONTHS_DEFAULT,
): number | null {
  return meta.endedAt === null ? null : addMonthsUtc(meta.endedAt, months);
}
