import { describe, expect, it } from 'vitest';
import {
  isPassphraseBox,
  openWithPassphrase,
  sealWithPassphrase,
  PASSPHRASE_OPSLIMIT,
} from './passphrase.ts';

const PURPOSE = 'tandem-test/1';
const text = (s: string) => new TextEncoder().encode(s);

// Argon2id is slow on purpose (~1–2 s per derivation): these tests get a longer timeout.
describe('passphrase boxes (Argon2id + XChaCha20-Poly1305)', { timeout: 60_000 }, () => {
  it('round-trips, and the plaintext is nowhere in the box', async () => {
    const plaintext = text('Projet : reconversion en ébénisterie');
    const box = await sealWithPassphrase('cheval correct agrafe', plaintext, PURPOSE);
    expect(isPassphraseBox(box)).toBe(true);
    expect(Buffer.from(box).includes(Buffer.from(plaintext))).toBe(false);
    const opened = await openWithPassphrase('cheval correct agrafe', box, PURPOSE);
    expect(opened).toEqual({ ok: true, plaintext });
  });

  it('normalises the passphrase (NFC), so "é" typed either way opens', async () => {
    const box = await sealWithPassphrase('caf\u00e9', text('x'), PURPOSE);
    const opened = await openWithPassphrase('cafe\u0301', box, PURPOSE);
    expect(opened.ok).toBe(true);
  });

  it('refuses a wrong passphrase, another purpose, and any flipped byte', async () => {
    const box = await sealWithPassphrase('bonne phrase', text('contenu'), PURPOSE);
    expect(await openWithPassphrase('mauvaise phrase', box, PURPOSE)).toEqual({
      ok: false,
      error: 'wrong-passphrase-or-modified',
    });
    expect((await openWithPassphrase('bonne phrase', box, 'other/1')).ok).toBe(false);
    // salt, nonce and ciphertext/tag: each flip is caught by authentication
    for (const at of [13, 30, 50, box.length - 1]) {
      const tampered = Uint8Array.from(box);
      tampered[at]! ^= 0x01;
      expect(await openWithPassphrase('bonne phrase', tampered, PURPOSE)).toEqual({
        ok: false,
        error: 'wrong-passphrase-or-modified',
      });
    }
  });

  it('says what is wrong with a header before deriving anything', async () => {
    const box = await sealWithPassphrase('p', text('contenu'), PURPOSE);
    expect(await openWithPassphrase('p', text('PK\u0003\u0004 not a box'), PURPOSE)).toEqual({
      ok: false,
      error: 'not-sealed',
    });
    const newer = Uint8Array.from(box);
    newer[4] = 2;
    expect(await openWithPassphrase('p', newer, PURPOSE)).toEqual({
      ok: false,
      error: 'unsupported-version',
    });
    const greedy = Uint8Array.from(box);
    new DataView(greedy.buffer).setUint32(9, 4 * 1024 * 1024); // 4 GiB of memory
    expect(await openWithPassphrase('p', greedy, PURPOSE)).toEqual({
      ok: false,
      error: 'unsupported-parameters',
    });
    const slow = Uint8Array.from(box);
    new DataView(slow.buffer).setUint32(5, PASSPHRASE_OPSLIMIT + 1000);
    expect((await openWithPassphrase('p', slow, PURPOSE)).ok).toBe(false);
    expect(await openWithPassphrase('p', box.subarray(0, 40), PURPOSE)).toEqual({
      ok: false,
      error: 'not-sealed',
    });
  });

  it('refuses an empty passphrase', async () => {
    await expect(sealWithPassphrase('', text('x'), PURPOSE)).rejects.toThrow(RangeError);
  });
});
