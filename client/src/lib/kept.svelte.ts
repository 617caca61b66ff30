/**
 * What this device keeps after a bilan is destroyed, for the home screen: the beneficiary's
 * personal copies (sealed, never synced, never expiring) and the counsellor's evidence
 * records (no content). One instance for the app; the lists reload after any change.
 */
import type { PersonalCopyInfo, TandemDevice } from '@tandem/sync';
import { parseEvidence, type EvidenceRecord } from '@tandem/workspace';

export class KeptState {
  copies = $state.raw<PersonalCopyInfo[]>([]);
  evidence = $state.raw<EvidenceRecord[]>([]);
  failed = $state(false);

  async refresh(device: TandemDevice | null): Promise<void> {
    if (!device) return;
    try {
      const [copies, evidence] = await Promise.all([
        device.listPersonalCopies(),
        device.listEvidence(),
      ]);
      const bilans = (await device.listBilans()).map((b) => b.bilanId);
      this.copies = copies;
      // Evidence of a bilan still held here shows with the bilan; listed alone once it is gone.
      this.evidence = evidence.flatMap(({ bilanId, evidence: value }) => {
        const parsed = parseEvidence(value);
        return parsed.ok && !bilans.includes(bilanId) ? [parsed.value] : [];
      });
      this.failed = false;
    } catch {
      this.failed = true;
    }
  }
}

export const kept = new KeptState();
