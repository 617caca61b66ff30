import { beforeAll, describe, expect, it } from 'vitest';
import {
  bilanKeyFromBytes,
  createBilanId,
  createBilanKey,
  deriveBilanKeys,
  randomId,
  ready,
  sameBilanKey,
  type BilanKey,
} from './index.ts';
import { DERIVATIONS } from './derive.ts';

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function keyOf(bytes: Uint8Array): BilanKey {
  const key = bilanKeyFromBytes(bytes);
  if (!key.ok) throw new Error(key.error);
  return key.value;
}

beforeAll(ready);

describe('deriveBilanKeys', () => {
  it('gives fixed outputs for a fixed K (known answers)', () => {
    const derived = deriveBilanKeys(keyOf(Uint8Array.from({ length: 32 }, (_, i) => i)));
    expect(derived.rtcTopic).toBe('QCERLIiDD9DLP64aS_epGw');
    expect(derived.relayTopic).toBe('W1n6PaG0u9kiC5JG3a-M9w');
    expect(hex(derived.docKey)).toBe(
      'a7eaba2319435c311bf1e0e1001831289e8fd04063d86974a939631ef60b9a71',
    );
    expect(derived.rtcPassword).toBe('kkF9baFGB_NnRtsXt8K-LV1Wmu_jminnulnJ6j31PbY');
    expect(derived.storeName).toBe('tandem-bilan-1ec89c4d71ebe9693fc2bce6f01b4976');
  });

  it('uses distinct, versioned 8-byte contexts and distinct subkey ids', () => {
    const all = Object.values(DERIVATIONS);
    expect(new Set(all.map((d) => d.context)).size).toBe(all.length);
    expect(new Set(all.map((d) => d.subkeyId)).size).toBe(all.length);
    for (const { context } of all) expect(context).toMatch(/^[\x21-\x7e]{7}\d$/);
  });

  it('keeps outputs apart from each other and from K', () => {
    const key = createBilanKey();
    const derived = deriveBilanKeys(key);
    const strings = [
      derived.rtcTopic,
      derived.relayTopic,
      derived.rtcPassword,
      derived.storeName,
      hex(derived.docKey),
    ];
    expect(new Set(strings).size).toBe(strings.length);
    expect(derived.rtcTopic).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(derived.relayTopic).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(derived.rtcPassword).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(derived.storeName).toMatch(/^tandem-bilan-[0-9a-f]{32}$/);
    const keyHex = hex(key);
    for (const text of strings) expect(text).not.toContain(keyHex.slice(0, 8));
    expect(hex(derived.docKey)).not.toBe(keyHex);
  });

  it('is deterministic in K and changes completely with it', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => i);
    const a = deriveBilanKeys(keyOf(bytes));
    expect(deriveBilanKeys(keyOf(bytes))).toEqual(a);
    bytes[31]! ^= 1;
    const b = deriveBilanKeys(keyOf(bytes));
    expect(b.rtcTopic).not.toBe(a.rtcTopic);
    expect(b.relayTopic).not.toBe(a.relayTopic);
    expect(b.rtcPassword).not.toBe(a.rtcPassword);
    expect(b.storeName).not.toBe(a.storeName);
    expect(hex(b.docKey)).not.toBe(hex(a.docKey));
  });
});

describe('keys and ids', () => {
  it('creates fresh 32-byte keys and 16-byte ids', () => {
    const keys = new Set(Array.from({ length: 50 }, () => hex(createBilanKey())));
    expect(keys.size).toBe(50);
    expect(createBilanKey()).toHaveLength(32);
    expect(createBilanId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(createBilanId()).not.toBe(createBilanId());
    expect(randomId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomId(8)).toMatch(/^[A-Za-z0-9_-]{11}$/);
  });

  it('brands only 32-byte keys, as a copy', () => {
    for (const length of [0, 16, 31, 33, 64]) {
      expect(bilanKeyFromBytes(new Uint8Array(length))).toEqual({ ok: false, error: 'bad-length' });
    }
    expect(bilanKeyFromBytes('x'.repeat(32) as unknown as Uint8Array)).toEqual({
      ok: false,
      error: 'bad-length',
    });
    const bytes = new Uint8Array(32).fill(1);
    const key = bilanKeyFromBytes(bytes);
    bytes.fill(2);
    expect(key.ok && key.value[0]).toBe(1);
  });

  it('recognises stored bytes of the same key only', () => {
    const key = createBilanKey();
    expect(sameBilanKey(Uint8Array.from(key), key)).toBe(true);
    for (const i of [0, 31]) {
      const other = Uint8Array.from(key);
      other[i]! ^= 1;
      expect(sameBilanKey(other, key)).toBe(false);
    }
    expect(sameBilanKey(key.subarray(0, 31), key)).toBe(false);
    expect(sameBilanKey(new Uint8Array(0), key)).toBe(false);
  });
});
