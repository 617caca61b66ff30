/**
 * How long the shared copy may be kept, from the provider's policy, the end of the bilan and
 * the beneficiary's retention consent (DOMAIN.md, décret 2023-1350):
 * - not ended yet: no deadline;
 * - ended, with a granted retention consent: kept until the consent's deadline, at most
 *   3 years after the end ('current' policy) or 1 year ('legacy');
 * - ended without one (or revoked): the working documents go at the end itself.
 * Every device destroys its shared copy on its own once `isPastRetention` (on open and on a
 * timer). The beneficiary's detached personal copy is not the shared copy: it never expires.
 */
import type * as Y from 'yjs';
import { addYearsUtc } from './calendar.ts';
import { readConsents } from './consents.ts';
import { RETENTION_YEARS } from './limits.ts';
import { readMeta, type RetentionPolicy } from './meta.ts';
import type { VerifyRecord } from './signed.ts';

export type RetentionDeadline =
  | { readonly state: 'not-ended' }
  | {
      readonly state: 'scheduled';
      /** Epoch ms at which the shared copy must be destroyed. */
      readonly at: number;
      /** 'consent': kept with the beneficiary's consent · 'no-consent': destroyed at the end. */
      readonly basis: 'consent' | 'no-consent';
      readonly policy: RetentionPolicy;
      readonly endedAt: number;
    };

/** The retention deadline of the shared copy. Never throws. */
export function retentionDeadline(doc: Y.Doc, verify: VerifyRecord): RetentionDeadline {
  const meta = readMeta(doc);
  if (meta.endedAt === null) return { state: 'not-ended' };
  const endedAt = meta.endedAt;
  const policy = meta.retentionPolicy;
  const latest = addYearsUtc(endedAt, RETENTION_YEARS[policy]);
  // Granted consents (latest decision) count; each one's own deadline bounds it.
  const kept = readConsents(doc, verify, endedAt)
    .consents.filter((c) => c.topic === 'retention' && c.granted)
    .map((c) => Math.min(latest, c.deadline ?? latest));
  if (kept.length === 0)
    return { state: 'scheduled', at: endedAt, basis: 'no-consent', policy, endedAt };
  const at = Math.max(endedAt, ...kept);
  return { state: 'scheduled', at, basis: 'consent', policy, endedAt };
}

/** True once the shared copy must be destroyed (`now` in epoch ms). */
export function isPastRetention(doc: Y.Doc, verify: VerifyRecord, now: number): boolean {
  const deadline = retentionDeadline(doc, verify);
  return deadline.state === 'scheduled' && now >= deadline.at;
}
