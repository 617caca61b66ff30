import { describe, expect, it } from 'vitest';
import { AEAD_TAG_BYTES, MAX_SEALED_BYTES, NONCE_BYTES, SEALED_OVERHEAD_BYTES } from './limits.ts';
import { encodeSealedMessage, parseSealedMessage, sealedAdditionalData } from './sealed.ts';
import { MessageKind, OpenError, PROTOCOL_VERSION } from './wire.ts';

const nonce = Uint8Array.from({ length: NONCE_BYTES }, (_, i) => i);
const ciphertext = Uint8Array.from({ length: AEAD_TAG_BYTES + 3 }, (_, i) => 0xc0 + i);

describe('sealed message layout', () => {
  it('is version ‖ kind ‖ nonce ‖ ciphertext', () => {
    const sealed = encodeSealedMessage(MessageKind.Tombstone, nonce, ciphertext);
    expect(sealed.length).toBe(2 + NONCE_BYTES + ciphertext.length);
    expect([...sealed.subarray(0, 2)]).toEqual([PROTOCOL_VERSION, MessageKind.Tombstone]);
    expect(sealed.subarray(2, 26)).toEqual(nonce);
    expect(sealed.subarray(26)).toEqual(ciphertext);
    const parsed = parseSealedMessage(sealed);
    expect(parsed).toEqual({
      ok: true,
      value: { version: 1, kind: MessageKind.Tombstone, nonce, ciphertext },
    });
  });

  it('binds topic, version and kind in the additional data', () => {
    expect([...sealedAdditionalData('ab', MessageKind.Awareness)]).toEqual([0x61, 0x62, 1, 2]);
    expect([...sealedAdditionalData('', MessageKind.Sync)]).toEqual([1, 1]);
    expect([...sealedAdditionalData('é', MessageKind.Sync)]).toEqual([0xc3, 0xa9, 1, 1]);
  });

  it('rejects empty, truncated and oversize input before looking further', () => {
    expect(parseSealedMessage(new Uint8Array(0))).toEqual({ ok: false, error: OpenError.Empty });
    for (let length = 1; length < SEALED_OVERHEAD_BYTES; length++) {
      const bytes = new Uint8Array(length).fill(1);
      expect(parseSealedMessage(bytes)).toEqual({ ok: false, error: OpenError.Truncated });
    }
    const oversize = new Uint8Array(MAX_SEALED_BYTES + 1);
    oversize.set([PROTOCOL_VERSION, MessageKind.Sync]);
    expect(parseSealedMessage(oversize)).toEqual({ ok: false, error: OpenError.Oversize });
    const max = new Uint8Array(MAX_SEALED_BYTES);
    max.set([PROTOCOL_VERSION, MessageKind.Sync]);
    expect(parseSealedMessage(max).ok).toBe(true);
  });

  it('rejects unknown versions and kinds', () => {
    const sealed = encodeSealedMessage(MessageKind.Sync, nonce, ciphertext);
    for (const version of [0, 2, 255]) {
      const bad = sealed.slice();
      bad[0] = version;
      expect(parseSealedMessage(bad)).toEqual({ ok: false, error: OpenError.UnknownVersion });
    }
    for (const kind of [0, 99, 255]) {
      const bad = sealed.slice();
      bad[1] = kind;
      expect(parseSealedMessage(bad)).toEqual({ ok: false, error: OpenError.UnknownKind });
    }
  });

  it('refuses to encode malformed parts', () => {
    expect(() => encodeSealedMessage(0 as MessageKind, nonce, ciphertext)).toThrow(RangeError);
    expect(() => encodeSealedMessage(MessageKind.Sync, nonce.subarray(1), ciphertext)).toThrow(
      RangeError,
    );
    expect(() => encodeSealedMessage(MessageKind.Sync, nonce, ciphertext.subarray(4))).toThrow(
      RangeError,
    );
    const tooBig = new Uint8Array(MAX_SEALED_BYTES - SEALED_OVERHEAD_BYTES + AEAD_TAG_BYTES + 1);
    expect(() => encodeSealedMessage(MessageKind.Sync, nonce, tooBig)).toThrow(RangeError);
  });
});
