/**
 * The shared destroy: a DestroyOrder signed by one of the pinned parties (either may destroy,
 * after confirmation). The destroying device stores it in `tombstone`, wipes its copy and
 * re-announces the signed envelope; the other device verifies it against its own pinned keys
 * and wipes its shared copy. A forged order, or one from an unknown key or another bilan, is
 * ignored and reported so the UI can alert.
 */
import type { DestroyOrder, DestroyReason } from '@tandem/protocol';
import type * as Y from 'yjs';
import { readMeta } from './meta.ts';
import { pinnedKeys, roleOfKey } from './parties.ts';
import { isOneOf, parseTime } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { tombstoneArray } from './schema.ts';
import {
  decodeSignedEntry,
  encodeSignedEntry,
  signatureProblem,
  type PinnedKeys,
  type SignatureProblem,
  type VerifyRecord,
} from './signed.ts';

export const DESTROY_REASONS: readonly DestroyReason[] = ['manual', 'retention'];

/** What a destroy order is checked against; keep it beside the tombstone after the wipe. */
export interface DestroyContext {
  readonly bilanId: string | null;
  readonly parties: PinnedKeys;
}

export type DestroyOrderCheck =
  | { readonly ok: true; readonly order: DestroyOrder }
  | { readonly ok: false; readonly reason: SignatureProblem };

/** The bilan id and pinned keys a destroy order must match. */
export function destroyContext(doc: Y.Doc): DestroyContext {
  const meta = readMeta(doc);
  return { bilanId: meta.bilanId, parties: pinnedKeys(meta) };
}

/**
 * Checks a signed destroy order envelope (from the document or announced on the topic):
 * `{ok: true}` only if it is for this bilan, signed by the pinned key of the role it claims.
 */
export function verifyDestroyOrder(
  envelope: unknown,
  context: DestroyContext,
  verify: VerifyRecord,
): DestroyOrderCheck {
  const entry = decodeSignedEntry(envelope);
  if (entry === null || entry.record.kind !== 'destroy-order') {
    return { ok: false, reason: 'malformed' };
  }
  const problem = signatureProblem(entry, context.bilanId, context.parties, verify);
  return problem === null ? { ok: true, order: entry.record } : { ok: false, reason: problem };
}

export interface TombstoneState {
  /** 'destroyed' once a verified order is in the document: wipe the shared copy. */
  readonly state: 'none' | 'destroyed';
  readonly order: DestroyOrder | null;
  /** The verified order's envelope, to re-announce. */
  readonly envelope: Uint8Array | null;
  /** Orders that failed verification: ignore them, alert the user. */
  readonly rejected: readonly SignatureProblem[];
}

/** Whether a verified destroy order is in the document (the earliest wins). Never throws. */
export function tombstoneState(doc: Y.Doc, verify: VerifyRecord): TombstoneState {
  const context = destroyContext(doc);
  const rejected: SignatureProblem[] = [];
  let best: { order: DestroyOrder; envelope: Uint8Array } | null = null;
  for (const value of tombstoneArray(doc).toArray()) {
    const check = verifyDestroyOrder(value, context, verify);
    if (!check.ok) rejected.push(check.reason);
    else if (best === null || check.order.at < best.order.at) {
      best = { order: check.order, envelope: value as Uint8Array };
    }
  }
  return {
    state: best ? 'destroyed' : 'none',
    order: best?.order ?? null,
    envelope: best?.envelope ?? null,
    rejected,
  };
}

export type DestroyOrderError =
  'not-initialised' | 'unknown-device' | 'invalid-time' | 'invalid-reason';

/** The order a party signs to destroy the bilan. */
export function destroyOrderFor(
  doc: Y.Doc,
  signerKey: Uint8Array,
  now: number,
  reason: DestroyReason = 'manual',
): Result<DestroyOrder, DestroyOrderError> {
  const meta = readMeta(doc);
  if (meta.bilanId === null) return err('not-initialised');
  const role = roleOfKey(meta, signerKey);
  if (role === 'unknown') return err('unknown-device');
  if (parseTime(now) === null) return err('invalid-time');
  if (!isOneOf(reason, DESTROY_REASONS)) return err('invalid-reason');
  return ok({
    kind: 'destroy-order',
    bilanId: meta.bilanId,
    at: now,
    reason,
    signerRole: role,
    signerKey: new Uint8Array(signerKey),
  });
}

/** Stores a signed order in the document and returns its envelope (to announce and keep). */
export function storeDestroyOrder(
  doc: Y.Doc,
  order: DestroyOrder,
  signature: Uint8Array,
): Result<Uint8Array, 'not-initialised' | 'wrong-bilan' | 'unknown-key' | 'invalid-signature'> {
  const meta = readMeta(doc);
  if (meta.bilanId === null) return err('not-initialised');
  if (order.bilanId !== meta.bilanId) return err('wrong-bilan');
  if (roleOfKey(meta, order.signerKey) !== order.signerRole) return err('unknown-key');
  const envelope = encodeSignedEntry(order, signature);
  if (envelope === null) return err('invalid-signature');
  tombstoneArray(doc).push([envelope]);
  return ok(envelope);
}
