/**
 * The steps of the end of a bilan on this device, shared by the open bilan (closure state)
 * and the start-up retention sweep: keep what outlives the shared copy (the beneficiary's
 * personal copy, the counsellor's evidence record), sign a destroy order, wipe.
 * Every rule is @tandem/workspace's; storage and keys are @tandem/sync's.
 */
import type { PartyRole } from '@tandem/protocol';
import type { TandemDevice } from '@tandem/sync';
import {
  destroyOrderFor,
  evidenceFromDoc,
  mergeEvidence,
  parseEvidence,
  readMeta,
  storeDestroyOrder,
  type VerifyRecord,
} from '@tandem/workspace';
import type * as Y from 'yjs';

export function verifierOf(device: TandemDevice): VerifyRecord {
  return (publicKey, record, signature) => device.verifyRecord(publicKey, record, signature);
}

/** The title a personal copy is listed under: the parties' names (no content). */
export function copyTitle(doc: Y.Doc): string {
  const meta = readMeta(doc);
  return [meta.beneficiary?.name, meta.counsellor?.name].filter(Boolean).join(' · ') || 'Bilan';
}

/**
 * Updates the evidence record kept on this device from the document (sessions, signed
 * attendance, satisfaction — no content), never losing what was kept before.
 */
export async function keepEvidence(device: TandemDevice, doc: Y.Doc, now: number): Promise<void> {
  const next = evidenceFromDoc(doc, now);
  if (next === null) return;
  const stored = parseEvidence(await device.getEvidence(next.bilanId));
  await device.saveEvidence(next.bilanId, mergeEvidence(stored.ok ? stored.value : null, next));
}

/** What this party keeps before its shared copy goes; returns the personal copy's id, if any. */
export async function keepBeforeWipe(
  device: TandemDevice,
  input: {
    readonly bilanId: string;
    readonly role: PartyRole;
    readonly doc: Y.Doc;
    readonly keepCopy: boolean;
    readonly now: number;
  },
): Promise<string | null> {
  if (input.role === 'counsellor') {
    await keepEvidence(device, input.doc, input.now);
    return null;
  }
  if (!input.keepCopy) return null;
  return device.keepPersonalCopy(input.bilanId, input.doc, copyTitle(input.doc));
}

export type SignOrderError = 'not-a-party' | 'not-initialised' | 'store-failed';

/** Signs a destroy order with this device's key and stores it in the document. */
export function signDestroyOrder(
  device: TandemDevice,
  doc: Y.Doc,
  now: number,
  reason: 'manual' | 'retention',
): { ok: true; envelope: Uint8Array } | { ok: false; error: SignOrderError } {
  const order = destroyOrderFor(doc, device.publicKey, now, reason);
  if (!order.ok) {
    return {
      ok: false,
      error: order.error === 'unknown-device' ? 'not-a-party' : 'not-initialised',
    };
  }
  const stored = storeDestroyOrder(doc, order.value, device.signRecord(order.value));
  return stored.ok ? { ok: true, envelope: stored.value } : { ok: false, error: 'store-failed' };
}
