import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  isMessageKind,
  MAX_PLAINTEXT_BYTES,
  MAX_SEALED_BYTES,
  MessageKind,
  OpenError,
  SEALED_OVERHEAD_BYTES,
} from '@tandem/protocol';
import {
  createBilanKey,
  deriveBilanKeys,
  openMessage,
  ready,
  sealMessage,
  type DocKey,
} from './index.ts';
import { sealMessageWithNonce } from './seal.ts';

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const utf8 = (text: string) => new TextEncoder().encode(text);

const KAT_KEY = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i) as DocKey;
const KAT_NONCE = Uint8Array.from({ length: 24 }, (_, i) => 0x40 + i);
const KAT_TOPIC = 'topic-kat';
const KAT_PLAINTEXT = utf8('Bilan de compétences');
const KAT_SEALED =
  '0101' +
  '404142434445464748494a4b4c4d4e4f5051525354555657' +
  'b3651f9535d0903fdb7118be866d34215729110b76f3200edd5dd4e897dade58611ec6f51a';

let docKey: DocKey;
let topic: string;
beforeAll(async () => {
  await ready();
  ({ docKey, relayTopic: topic } = deriveBilanKeys(createBilanKey()));
});

const plaintext = utf8('{"update":[1,2,3]}');
const expectRejected = (result: ReturnType<typeof openMessage>, error: OpenError) => {
  expect(result).toEqual({ ok: false, error });
  expect(result).not.toHaveProperty('plaintext');
};

describe('sealMessage / openMessage', () => {
  it('produces fixed bytes for a fixed key, nonce, topic and kind (known answer)', () => {
    const sealed = sealMessageWithNonce(
      KAT_KEY,
      KAT_TOPIC,
      MessageKind.Sync,
      KAT_PLAINTEXT,
      KAT_NONCE,
    );
    expect(hex(sealed)).toBe(KAT_SEALED);
    expect(openMessage(KAT_KEY, KAT_TOPIC, sealed)).toEqual({
      ok: true,
      kind: MessageKind.Sync,
      plaintext: KAT_PLAINTEXT,
    });
  });

  it('is version ‖ kind ‖ nonce ‖ AEAD(plaintext, AD = topic ‖ version ‖ kind)', () => {
    // Rebuilt from the layout with libsodium directly, independently of @tandem/protocol.
    const ad = Uint8Array.of(...utf8(KAT_TOPIC), 1, MessageKind.Awareness);
    const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      KAT_PLAINTEXT,
      ad,
      null,
      KAT_NONCE,
      KAT_KEY,
    );
    const expected = Uint8Array.of(1, MessageKind.Awareness, ...KAT_NONCE, ...ciphertext);
    expect(
      sealMessageWithNonce(KAT_KEY, KAT_TOPIC, MessageKind.Awareness, KAT_PLAINTEXT, KAT_NONCE),
    ).toEqual(expected);
  });

  it.each(Object.entries(MessageKind))('round-trips kind %s', (_name, kind) => {
    for (const size of [0, 1, 100, 1024, 65_536]) {
      const bytes = crypto.getRandomValues(new Uint8Array(size));
      const sealed = sealMessage(docKey, topic, kind, bytes);
      expect(sealed.length).toBe(size + SEALED_OVERHEAD_BYTES);
      expect(openMessage(docKey, topic, sealed)).toEqual({ ok: true, kind, plaintext: bytes });
    }
  });

  it('seals the largest plaintext into exactly the largest sealed message, and no larger', () => {
    const largest = new Uint8Array(MAX_PLAINTEXT_BYTES).fill(7);
    const sealed = sealMessage(docKey, topic, MessageKind.Sync, largest);
    expect(sealed.length).toBe(MAX_SEALED_BYTES);
    const opened = openMessage(docKey, topic, sealed);
    expect(opened.ok && opened.plaintext.length).toBe(MAX_PLAINTEXT_BYTES);
    expect(() =>
      sealMessage(docKey, topic, MessageKind.Sync, new Uint8Array(MAX_PLAINTEXT_BYTES + 1)),
    ).toThrow(RangeError);
  });

  it('uses a fresh random nonce every time', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 1000; i++)
      nonces.add(hex(sealMessage(docKey, topic, MessageKind.Sync, plaintext).subarray(2, 26)));
    expect(nonces.size).toBe(1000);
  });

  it('refuses unknown kinds and malformed keys when sealing', () => {
    expect(() => sealMessage(docKey, topic, 0 as MessageKind, plaintext)).toThrow(RangeError);
    expect(() =>
      sealMessage(docKey.subarray(1) as DocKey, topic, MessageKind.Sync, plaintext),
    ).toThrow(RangeError);
  });
});

describe('openMessage rejects, never returning plaintext', () => {
  it('a wrong key', () => {
    const sealed = sealMessage(docKey, topic, MessageKind.Sync, plaintext);
    const other = deriveBilanKeys(createBilanKey()).docKey;
    expectRejected(openMessage(other, topic, sealed), OpenError.DecryptFailed);
    expectRejected(
      openMessage(docKey.subarray(1) as DocKey, topic, sealed),
      OpenError.DecryptFailed,
    );
  });

  it('a wrong topic (the rtc topic, another bilan’s, a near miss)', () => {
    const sealed = sealMessage(docKey, topic, MessageKind.Sync, plaintext);
    for (const wrong of [
      '',
      topic + 'x',
      topic.slice(1),
      deriveBilanKeys(createBilanKey()).relayTopic,
    ]) {
      expectRejected(openMessage(docKey, wrong, sealed), OpenError.DecryptFailed);
    }
  });

  it('a kind byte changed to another valid kind', () => {
    for (const kind of Object.values(MessageKind)) {
      const sealed = sealMessage(docKey, topic, kind, plaintext);
      for (const other of Object.values(MessageKind).filter((k) => k !== kind)) {
        const relabelled = sealed.slice();
        relabelled[1] = other;
        expectRejected(openMessage(docKey, topic, relabelled), OpenError.DecryptFailed);
      }
    }
  });

  // Each field of the sealed layout, for a 20-byte plaintext: [field, from, to].
  const FIELDS: Array<[string, number, number, OpenError | 'kind']> = [
    ['version', 0, 1, OpenError.UnknownVersion],
    ['kind', 1, 2, 'kind'],
    ['nonce', 2, 26, OpenError.DecryptFailed],
    ['ciphertext', 26, 46, OpenError.DecryptFailed],
    ['tag', 46, 62, OpenError.DecryptFailed],
  ];
  it.each(FIELDS)('one flipped bit anywhere in the %s field', (_field, from, to, error) => {
    const sealed = sealMessage(docKey, topic, MessageKind.Sync, new Uint8Array(20).fill(9));
    expect(sealed.length).toBe(62);
    for (let offset = from; offset < to; offset++) {
      for (const bit of [0x01, 0x80]) {
        const tampered = sealed.slice();
        tampered[offset]! ^= bit;
        const result = openMessage(docKey, topic, tampered);
        // A flipped kind byte is either no kind at all, or another kind the AD rejects.
        const expected =
          error !== 'kind'
            ? error
            : !isMessageKind(tampered[1]!)
              ? OpenError.UnknownKind
              : OpenError.DecryptFailed;
        expectRejected(result, expected);
      }
    }
  });

  it('empty, truncated at every length, and extended input', () => {
    const sealed = sealMessage(docKey, topic, MessageKind.Sync, plaintext);
    expectRejected(openMessage(docKey, topic, new Uint8Array(0)), OpenError.Empty);
    for (let length = 1; length < sealed.length; length++) {
      const error = length < SEALED_OVERHEAD_BYTES ? OpenError.Truncated : OpenError.DecryptFailed;
      expectRejected(openMessage(docKey, topic, sealed.subarray(0, length)), error);
    }
    expectRejected(
      openMessage(docKey, topic, Uint8Array.of(...sealed, 0)),
      OpenError.DecryptFailed,
    );
  });

  it('oversize input, before trying to decrypt it', () => {
    const oversize = new Uint8Array(MAX_SEALED_BYTES + 1);
    const valid = sealMessage(docKey, topic, MessageKind.Sync, new Uint8Array(MAX_PLAINTEXT_BYTES));
    oversize.set(valid); // a valid message plus one byte: only the size check can reject it first
    expectRejected(openMessage(docKey, topic, oversize), OpenError.Oversize);
    expectRejected(
      openMessage(docKey, topic, new Uint8Array(10 * MAX_SEALED_BYTES)),
      OpenError.Oversize,
    );
  });

  it('unknown versions and kinds', () => {
    const sealed = sealMessage(docKey, topic, MessageKind.Sync, plaintext);
    const version2 = sealed.slice();
    version2[0] = 2;
    expectRejected(openMessage(docKey, topic, version2), OpenError.UnknownVersion);
    const kind99 = sealed.slice();
    kind99[1] = 99;
    expectRejected(openMessage(docKey, topic, kind99), OpenError.UnknownKind);
  });
});
