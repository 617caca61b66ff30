import { describe, expect, it } from 'vitest';
import { excludedKeys, isExcluded, markExcluded } from './exclusions.ts';
import { excludedMap } from './schema.ts';
import { makeDevice, makePair, syncAll, T0 } from './test-support.ts';

describe('excluded devices', () => {
  it('are recorded by the counsellor only, and read by both parties', () => {
    const { a, b, counsellor, beneficiary } = makePair();
    const stranger = makeDevice();
    expect(markExcluded(b, beneficiary.publicKey, [stranger.publicKey], T0)).toEqual({
      ok: false,
      error: 'not-allowed',
    });
    expect(markExcluded(a, stranger.publicKey, [stranger.publicKey], T0)).toEqual({
      ok: false,
      error: 'unknown-device',
    });
    expect(markExcluded(a, counsellor.publicKey, [stranger.publicKey], T0)).toEqual({
      ok: true,
      value: undefined,
    });
    syncAll(a, b);
    expect(excludedKeys(b)).toEqual(new Set([Buffer.from(stranger.publicKey).toString('hex')]));
    expect(isExcluded(b, stranger.publicKey)).toBe(true);
    expect(isExcluded(b, beneficiary.publicKey)).toBe(false);
    expect(isExcluded(b, counsellor.publicKey)).toBe(false);
  });

  it('refuses malformed keys and ignores malformed entries', () => {
    const { a, counsellor } = makePair();
    expect(markExcluded(a, counsellor.publicKey, [new Uint8Array(3)], T0)).toEqual({
      ok: false,
      error: 'invalid-key',
    });
    excludedMap(a).set('zz', T0);
    excludedMap(a).set('ab'.repeat(32), 'yesterday');
    excludedMap(a).set('cd'.repeat(3), T0);
    expect(excludedKeys(a)).toEqual(new Set());
    expect(isExcluded(a, new Uint8Array(32).fill(0xab))).toBe(false);
    expect(isExcluded(a, new Uint8Array(3).fill(0xcd))).toBe(false);
  });
});
