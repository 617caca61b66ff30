import type { PartyRole } from '@tandem/protocol';
import type { BilanSummaryCache } from '@tandem/sync';
import { bilanSummary, type VerifyRecord } from '@tandem/workspace';
import type * as Y from 'yjs';

/**
 * What the home screen shows for a bilan without opening it, cached on this device.
 * The beneficiary's name is the one this party entered: the counsellor's own spelling
 * from the creation form, the beneficiary's from joining.
 */
export function summaryOf(
  doc: Y.Doc,
  role: PartyRole,
  plannedBeneficiaryName: string,
  verify: VerifyRecord,
  now: number,
): BilanSummaryCache | null {
  const summary = bilanSummary(doc, now, verify);
  if (summary.bilanId === null) return null;
  const pinnedBeneficiary = summary.beneficiaryName ?? '';
  return {
    beneficiaryName:
      role === 'counsellor' ? plannedBeneficiaryName || pinnedBeneficiary : pinnedBeneficiary,
    counsellorName: summary.counsellorName ?? '',
    phase: summary.phase,
    secondsUsed: summary.secondsUsed,
    capSeconds: summary.capSeconds,
    retentionDeadline: summary.retention.state === 'scheduled' ? summary.retention.at : null,
    lastActivityAt: summary.lastActivityAt ?? now,
  };
}
