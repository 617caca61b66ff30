import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readMeta, statedParties } from './meta.ts';
import { authorise, classifyDevice } from './parties.ts';
import { metaMap } from './schema.ts';
import { encodeSignedEntry } from './signed.ts';
import { makeDevice, makePair, syncAll, T0, verify } from './test-support.ts';
import { tombstoneArray } from './schema.ts';
import { tombstoneState } from './tombstone.ts';
import { anchorPins, anchoredPins, pinConflicts } from './trust.ts';

/** A link holder's crafted update: overwrites the beneficiary's pin with its own key. */
function overwritePin(target: Y.Doc, role: 'counsellor' | 'beneficiary', publicKey: Uint8Array) {
  const attacker = new Y.Doc();
  syncAll(target, attacker);
  metaMap(attacker).set(role, { name: 'Mallory', publicKey });
  syncAll(attacker, target);
}

describe('trust on first use of the parties keys', () => {
  it('without anchors, the document pins are believed (and an overwrite takes over)', () => {
    const { b, beneficiary } = makePair();
    const mallory = makeDevice();
    overwritePin(b, 'beneficiary', mallory.publicKey);
    expect(classifyDevice(b, mallory.publicKey)).toBe('beneficiary');
    expect(classifyDevice(b, beneficiary.publicKey)).toBe('unknown');
  });

  it('with anchors, an overwritten pin is reported and not believed', () => {
    const { a, counsellor, beneficiary } = makePair();
    const stated = statedParties(a);
    anchorPins(a, {
      counsellor: stated.counsellor!.publicKey,
      beneficiary: stated.beneficiary!.publicKey,
    });
    expect(pinConflicts(a, statedParties(a))).toEqual([]);
    const mallory = makeDevice();
    overwritePin(a, 'beneficiary', mallory.publicKey);

    expect(classifyDevice(a, mallory.publicKey)).toBe('unknown');
    expect(classifyDevice(a, beneficiary.publicKey)).toBe('beneficiary');
    expect(authorise(a, counsellor.publicKey, ['counsellor'])).toEqual({
      ok: true,
      value: 'counsellor',
    });
    expect(readMeta(a).beneficiary?.publicKey).toEqual(beneficiary.publicKey);
    expect(pinConflicts(a, statedParties(a))).toEqual([
      { role: 'beneficiary', trusted: beneficiary.publicKey, stated: mallory.publicKey },
    ]);
  });

  it('a destroy order signed by an overwritten pin does not verify against the anchors', () => {
    const { a, b, bilanId, beneficiary } = makePair();
    anchorPins(b, {
      counsellor: statedParties(b).counsellor!.publicKey,
      beneficiary: beneficiary.publicKey,
    });
    const mallory = makeDevice();
    const forged = {
      kind: 'destroy-order' as const,
      bilanId,
      at: T0,
      reason: 'manual' as const,
      signerRole: 'counsellor' as const,
      signerKey: mallory.publicKey,
    };
    const attacker = new Y.Doc();
    syncAll(a, attacker);
    metaMap(attacker).set('counsellor', { name: 'Claire Martin', publicKey: mallory.publicKey });
    tombstoneArray(attacker).push([encodeSignedEntry(forged, mallory.sign(forged))!]);
    syncAll(attacker, a, b);
    // The un-anchored copy is fooled; the anchored one is not.
    expect(tombstoneState(a, verify).state).toBe('destroyed');
    expect(tombstoneState(b, verify)).toMatchObject({ state: 'none', rejected: ['unknown-key'] });
    expect(pinConflicts(b, statedParties(b)).map((c) => c.role)).toEqual(['counsellor']);
  });

  it('a removed pin reads as the anchored key and is a conflict', () => {
    const { a, counsellor } = makePair();
    anchorPins(a, { counsellor: counsellor.publicKey, beneficiary: null });
    const attacker = new Y.Doc();
    syncAll(a, attacker);
    metaMap(attacker).delete('counsellor');
    syncAll(attacker, a);
    expect(readMeta(a).counsellor?.publicKey).toEqual(counsellor.publicKey);
    expect(pinConflicts(a, statedParties(a))).toEqual([
      { role: 'counsellor', trusted: counsellor.publicKey, stated: null },
    ]);
  });

  it('anchors are per document and copied', () => {
    const doc = new Y.Doc();
    const key = makeDevice().publicKey;
    anchorPins(doc, { counsellor: key, beneficiary: null });
    key.fill(0);
    expect(anchoredPins(doc)?.counsellor?.some((byte) => byte !== 0)).toBe(true);
    expect(anchoredPins(new Y.Doc())).toBeNull();
  });
});
