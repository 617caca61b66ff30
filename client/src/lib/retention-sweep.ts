/**
 * Retention on this device, for the bilans that are not open: at start-up and then on a
 * timer, every stored bilan whose cached deadline has passed (or that was never summarised)
 * is opened from its local copy and, if the document confirms the deadline, destroyed here —
 * whether or not the other party is ever online again. The open bilan checks its own
 * deadline (closure state). The beneficiary keeps a personal copy: theirs never expires.
 */
import type { TandemDevice } from '@tandem/sync';
import { isPastRetention, readMeta, tombstoneState } from '@tandem/workspace';
import { keepBeforeWipe, signDestroyOrder, verifierOf } from './closure-actions.ts';
import { now } from './clock.ts';
import { bilansToCheck } from './retention.ts';

/**
 * Destroys every due bilan but the open one; returns the ids destroyed. Bilans with
 * no cached summary are opened only when `includeUnknown` (at start-up, not on every tick).
 */
export async function sweepRetention(
  device: TandemDevice,
  options: {
    readonly relayUrl: string;
    /** The bilan open on screen right now (it checks its own deadline), asked each time. */
    readonly openBilanId: () => string | null;
    readonly includeUnknown: boolean;
  },
): Promise<string[]> {
  const { relayUrl, openBilanId, includeUnknown } = options;
  const verify = verifierOf(device);
  const destroyed: string[] = [];
  for (const { bilanId, check } of bilansToCheck(await device.listBilans(), now())) {
    if (bilanId === openBilanId() || (check === 'unknown' && !includeUnknown)) continue;
    const stored = await device.getBilan(bilanId);
    if (!stored) continue;
    const session = await device.openSession(bilanId, { relayUrl, p2p: false });
    try {
      await session.whenLocalLoaded;
      const doc = session.doc;
      const at = now();
      const ordered = tombstoneState(doc, verify);
      const due = readMeta(doc).bilanId !== null && isPastRetention(doc, verify, at);
      if (!due && ordered.state !== 'destroyed') {
        // Opened on screen meanwhile: the session is shared with it, leave it open.
        if (openBilanId() !== bilanId) await session.close();
        continue;
      }
      await keepBeforeWipe(device, { bilanId, role: stored.role, doc, keepCopy: true, now: at });
      const signed = due ? signDestroyOrder(device, doc, at, 'retention') : null;
      if (signed?.ok) session.announceTombstone(signed.envelope);
      const envelope = ordered.envelope ?? (signed?.ok ? signed.envelope : new Uint8Array(0));
      await device.destroyBilan(bilanId, { envelope, announceUntil: null });
      destroyed.push(bilanId);
    } catch {
      if (openBilanId() !== bilanId) await session.close().catch(() => undefined);
    }
  }
  return destroyed;
}
