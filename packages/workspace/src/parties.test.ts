import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { initBilan, readMeta } from './meta.ts';
import { authorise, classifyDevice, pinBeneficiary, renameSelf } from './parties.ts';
import { makeDevice, makePair, newBilanId, syncAll, T0 } from './test-support.ts';

function counsellorDoc() {
  const counsellor = makeDevice();
  const doc = new Y.Doc();
  initBilan(doc, {
    bilanId: newBilanId(),
    createdAt: T0,
    counsellor: { name: 'Claire', publicKey: counsellor.publicKey },
  });
  return { doc, counsellor };
}

describe('parties', () => {
  it('classify device keys as counsellor, beneficiary or unknown', () => {
    const { a, b, counsellor, beneficiary } = makePair();
    for (const doc of [a, b]) {
      expect(classifyDevice(doc, counsellor.publicKey)).toBe('counsellor');
      expect(classifyDevice(doc, beneficiary.publicKey)).toBe('beneficiary');
      expect(classifyDevice(doc, makeDevice().publicKey)).toBe('unknown');
      expect(classifyDevice(doc, 'garbage' as unknown as Uint8Array)).toBe('unknown');
    }
  });

  it('pin the beneficiary once: same key again is fine, another key is refused', () => {
    const { a, beneficiary, counsellor } = makePair();
    expect(pinBeneficiary(a, { name: 'Karim', publicKey: beneficiary.publicKey })).toEqual({
      ok: true,
      value: 'already-pinned-same-key',
    });
    const intruder = makeDevice();
    expect(pinBeneficiary(a, { name: 'Mallory', publicKey: intruder.publicKey })).toEqual({
      ok: false,
      error: 'already-pinned',
    });
    expect(pinBeneficiary(a, { name: 'Claire', publicKey: counsellor.publicKey })).toEqual({
      ok: false,
      error: 'counsellor-key',
    });
    expect(readMeta(a).beneficiary?.publicKey).toEqual(beneficiary.publicKey);
  });

  it('refuse pinning before initialisation or with bad input', () => {
    const device = makeDevice();
    expect(pinBeneficiary(new Y.Doc(), { name: 'K', publicKey: device.publicKey })).toEqual({
      ok: false,
      error: 'not-initialised',
    });
    const { doc } = counsellorDoc();
    expect(pinBeneficiary(doc, { name: '', publicKey: device.publicKey }).ok).toBe(false);
    expect(pinBeneficiary(doc, { name: 'K', publicKey: new Uint8Array(3) }).ok).toBe(false);
  });

  it('resolve a pinning race to the same single beneficiary on every copy', () => {
    for (let round = 0; round < 20; round++) {
      const { doc: a } = counsellorDoc();
      const b = new Y.Doc();
      const c = new Y.Doc();
      syncAll(a, b, c);
      const first = makeDevice();
      const second = makeDevice();
      // Both devices open the invitation link and join while apart.
      expect(pinBeneficiary(b, { name: 'Karim', publicKey: first.publicKey }).ok).toBe(true);
      expect(pinBeneficiary(c, { name: 'Karim bis', publicKey: second.publicKey }).ok).toBe(true);
      syncAll(a, b, c);
      const winner = readMeta(a).beneficiary;
      expect(winner).not.toBeNull();
      for (const doc of [b, c]) expect(readMeta(doc).beneficiary).toEqual(winner);
      const roles = [first, second].map((d) => classifyDevice(a, d.publicKey)).sort();
      expect(roles).toEqual(['beneficiary', 'unknown']);
      // The loser is now an unknown device: it may not write.
      const loser = classifyDevice(a, first.publicKey) === 'unknown' ? first : second;
      expect(renameSelf(a, loser.publicKey, 'x')).toEqual({ ok: false, error: 'unknown-device' });
    }
  });

  it('let each party rename itself, keeping its pinned key', () => {
    const { a, b, counsellor, beneficiary } = makePair();
    expect(renameSelf(b, beneficiary.publicKey, '  Karim B. ').ok).toBe(true);
    expect(renameSelf(a, counsellor.publicKey, 'Claire M.').ok).toBe(true);
    expect(renameSelf(a, counsellor.publicKey, '')).toEqual({ ok: false, error: 'invalid-name' });
    syncAll(a, b);
    const meta = readMeta(a);
    expect(meta.beneficiary).toEqual({ name: 'Karim B.', publicKey: beneficiary.publicKey });
    expect(meta.counsellor).toEqual({ name: 'Claire M.', publicKey: counsellor.publicKey });
  });

  it('authorise writers by role', () => {
    const { a, counsellor, beneficiary } = makePair();
    expect(authorise(a, counsellor.publicKey, ['counsellor'])).toEqual({
      ok: true,
      value: 'counsellor',
    });
    expect(authorise(a, beneficiary.publicKey, ['counsellor'])).toEqual({
      ok: false,
      error: 'not-allowed',
    });
    expect(authorise(new Y.Doc(), beneficiary.publicKey, ['counsellor'])).toEqual({
      ok: false,
      error: 'not-initialised',
    });
  });
});
