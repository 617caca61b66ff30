/**
 * Trust on first use of the two parties' keys. The pins in the shared `meta` map are
 * written once by the honest API, but any key holder can overwrite them with a crafted
 * update. Each device therefore remembers the keys it first saw (in its keystore, owned
 * by @tandem/sync) and anchors them to the open document here: from then on `readMeta`
 * — and so every authorisation and signature check — uses the anchored keys, and a
 * document whose pins differ is reported as a conflict instead of being believed.
 */
import { bytesEqual } from '@tandem/protocol';
import type * as Y from 'yjs';
import type { Party, Role } from './meta.ts';
import type { PinnedKeys } from './signed.ts';

const anchors = new WeakMap<Y.Doc, PinnedKeys>();

/** Anchors the keys this device trusts for `doc` (null for a party it has not seen yet). */
export function anchorPins(doc: Y.Doc, pins: PinnedKeys): void {
  anchors.set(doc, {
    counsellor: pins.counsellor ? Uint8Array.from(pins.counsellor) : null,
    beneficiary: pins.beneficiary ? Uint8Array.from(pins.beneficiary) : null,
  });
}

/** The keys anchored to `doc`, or null when the device has anchored none. */
export function anchoredPins(doc: Y.Doc): PinnedKeys | null {
  return anchors.get(doc) ?? null;
}

/** A party as the document states it, overruled by the anchored key when they differ. */
export function anchoredParty(doc: Y.Doc, role: Role, stated: Party | null): Party | null {
  const anchored = anchors.get(doc)?.[role] ?? null;
  if (anchored === null) return stated;
  if (stated !== null && bytesEqual(stated.publicKey, anchored)) return stated;
  return { name: stated?.name ?? '', publicKey: anchored };
}

/** A pin of the document that differs from the key this device trusts for that role. */
export interface PinConflict {
  readonly role: Role;
  readonly trusted: Uint8Array;
  /** The key the document now states; null when its pin was removed or is unreadable. */
  readonly stated: Uint8Array | null;
}

/** Compares the document's stated pins with the anchored ones. */
export function pinConflicts(
  doc: Y.Doc,
  stated: { readonly counsellor: Party | null; readonly beneficiary: Party | null },
): PinConflict[] {
  const trusted = anchors.get(doc);
  if (!trusted) return [];
  const conflicts: PinConflict[] = [];
  for (const role of ['counsellor', 'beneficiary'] as const) {
    const key = trusted[role];
    const party = stated[role];
    if (key === null || (party !== null && bytesEqual(party.publicKey, key))) continue;
    conflicts.push({ role, trusted: key, stated: party?.publicKey ?? null });
  }
  return conflicts;
}
