import { describe, expect, it } from 'vitest';
import { encodeSignedEntry } from './signed.ts';
import { tombstoneArray } from './schema.ts';
import {
  destroyContext,
  destroyOrderFor,
  storeDestroyOrder,
  tombstoneState,
  verifyDestroyOrder,
} from './tombstone.ts';
import { makeDevice, makePair, newBilanId, syncAll, T0, verify } from './test-support.ts';

describe('tombstone (signed destroy order)', () => {
  it('is created by either party, verified by the other, and can travel on its own', () => {
    for (const role of ['counsellor', 'beneficiary'] as const) {
      const pair = makePair();
      const [doc, other, device] =
        role === 'counsellor'
          ? [pair.a, pair.b, pair.counsellor]
          : [pair.b, pair.a, pair.beneficiary];
      const order = destroyOrderFor(doc, device.publicKey, T0, 'manual');
      if (!order.ok) throw new Error(order.error);
      expect(order.value).toMatchObject({
        kind: 'destroy-order',
        signerRole: role,
        reason: 'manual',
      });
      const stored = storeDestroyOrder(doc, order.value, device.sign(order.value));
      if (!stored.ok) throw new Error(stored.error);
      // Announced on the topic: the other side checks it against its own pinned keys.
      expect(verifyDestroyOrder(stored.value, destroyContext(other), verify)).toEqual({
        ok: true,
        order: order.value,
      });
      syncAll(pair.a, pair.b);
      expect(tombstoneState(other, verify)).toMatchObject({
        state: 'destroyed',
        order: order.value,
        rejected: [],
      });
      expect(tombstoneState(other, verify).envelope).toEqual(stored.value);
    }
  });

  it('rejects forged orders, unknown keys and other bilans', () => {
    const pair = makePair();
    const context = destroyContext(pair.b);
    const order = destroyOrderFor(pair.a, pair.counsellor.publicKey, T0);
    if (!order.ok) throw new Error(order.error);
    const forgedSignature = pair.counsellor.sign(order.value);
    forgedSignature[5] = (forgedSignature[5] ?? 0) ^ 4;
    const forged = encodeSignedEntry(order.value, forgedSignature)!;
    expect(verifyDestroyOrder(forged, context, verify)).toEqual({ ok: false, reason: 'forged' });

    const stranger = makeDevice();
    const byStranger = { ...order.value, signerKey: stranger.publicKey };
    const unknown = encodeSignedEntry(byStranger, stranger.sign(byStranger))!;
    expect(verifyDestroyOrder(unknown, context, verify)).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
    expect(destroyOrderFor(pair.a, stranger.publicKey, T0)).toEqual({
      ok: false,
      error: 'unknown-device',
    });
    expect(storeDestroyOrder(pair.a, byStranger, stranger.sign(byStranger))).toEqual({
      ok: false,
      error: 'unknown-key',
    });

    const elsewhere = { ...order.value, bilanId: newBilanId() };
    const wrong = encodeSignedEntry(elsewhere, pair.counsellor.sign(elsewhere))!;
    expect(verifyDestroyOrder(wrong, context, verify)).toEqual({
      ok: false,
      reason: 'wrong-bilan',
    });

    // A signed attendance record is not a destroy order.
    expect(verifyDestroyOrder(new Uint8Array(100), context, verify)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyDestroyOrder('tombstone', context, verify)).toEqual({
      ok: false,
      reason: 'malformed',
    });

    tombstoneArray(pair.b).push([forged, unknown, wrong, 7]);
    expect(tombstoneState(pair.b, verify)).toEqual({
      state: 'none',
      order: null,
      envelope: null,
      rejected: ['forged', 'unknown-key', 'wrong-bilan', 'malformed'],
    });
  });

  it('keeps the earliest verified order when both parties destroy at once', () => {
    const pair = makePair();
    const first = destroyOrderFor(pair.b, pair.beneficiary.publicKey, T0);
    const second = destroyOrderFor(pair.a, pair.counsellor.publicKey, T0 + 5000, 'retention');
    if (!first.ok || !second.ok) throw new Error('order');
    storeDestroyOrder(pair.a, second.value, pair.counsellor.sign(second.value));
    storeDestroyOrder(pair.b, first.value, pair.beneficiary.sign(first.value));
    syncAll(pair.a, pair.b);
    expect(tombstoneState(pair.a, verify).order).toEqual(first.value);
    expect(tombstoneState(pair.b, verify).order).toEqual(first.value);
  });
});
