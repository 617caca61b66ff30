import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from './sodium.ts';
import {
  createVaultKey,
  destroyVaultKey,
  openFromVault,
  sameVaultKey,
  sealInVault,
  unwrapVaultKey,
  wrapVaultKey,
} from './vault.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('vault boxes (device lock)', () => {
  beforeAll(ready);

  it('round-trip for their record only, and fail closed on any flipped byte', () => {
    const key = createVaultKey();
    const plaintext = text('{"key":"K","summary":{"beneficiaryName":"Alex Durand"}}');
    const box = sealInVault(key, 'bilans/abc', plaintext);
    expect(Buffer.from(box).includes(Buffer.from('Alex Durand'))).toBe(false);
    expect(openFromVault(key, 'bilans/abc', box)).toEqual(plaintext);
    // Another record, another store, another key: nothing opens.
    expect(openFromVault(key, 'bilans/abd', box)).toBeNull();
    expect(openFromVault(key, 'personal/abc', box)).toBeNull();
    expect(openFromVault(createVaultKey(), 'bilans/abc', box)).toBeNull();
    for (let at = 0; at < box.length; at++) {
      const tampered = Uint8Array.from(box);
      tampered[at]! ^= 0x01;
      expect(openFromVault(key, 'bilans/abc', tampered)).toBeNull();
    }
    expect(openFromVault(key, 'bilans/abc', box.subarray(0, 30))).toBeNull();
  });

  it('never shows the key bytes, and a destroyed key is unusable', () => {
    const key = createVaultKey();
    expect(JSON.stringify(key)).toBe('{}');
    expect(Object.keys(key)).toEqual([]);
    destroyVaultKey(key);
    expect(() => sealInVault(key, 'x', text('y'))).toThrow(TypeError);
  });

  // Two Argon2id derivations (~1 s each): the only slow test here.
  it('wraps the key under a passphrase; a modified box gives nothing back', async () => {
    const key = createVaultKey();
    const wrapped = await wrapVaultKey(key, 'cheval agrafe correct 42');
    const opened = await unwrapVaultKey(wrapped, 'cheval agrafe correct 42');
    expect(opened.ok && sameVaultKey(opened.key, key)).toBe(true);
    const tampered = Uint8Array.from(wrapped);
    tampered[tampered.length - 5]! ^= 0x01;
    expect(await unwrapVaultKey(tampered, 'cheval agrafe correct 42')).toEqual({
      ok: false,
      error: 'wrong-passphrase-or-modified',
    });
  }, 60_000);
});
