import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  encodeRecord,
  encodeSignedRecord,
  RECORD_DOMAIN,
  RecordError,
  SIGNATURE_BYTES,
  type SignableRecord,
} from '@tandem/protocol';
import { sampleRecords } from '@tandem/protocol/testing';
import {
  createDeviceIdentity,
  createSignedRecord,
  importIdentity,
  ready,
  signRecord,
  verifyRecord,
  verifySignedRecord,
  type DeviceIdentity,
} from './index.ts';

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const SEED = new Uint8Array(32).fill(7);

// Ed25519 is deterministic: identity from seed 07…07, sample records of @tandem/protocol.
const KNOWN_SIGNATURES: Record<SignableRecord['kind'], string> = {
  attendance:
    'ea5d85190799f0c97ef11eb185a4817db6c1b5280e6800a46b80f8b2553d5b6fa109a1179588cda2b96abd29da2aa5ce8f2d5968c6d7f7bde4c77696f78a770d',
  consent:
    '95a01c3a6dcc3da8c56ee3926623d13bbe4045ae305d516374ade678894ab9c76e79877621eff012f09de296d1c6d0a12155c4b6fd03e2ccb77dcb50829b6805',
  validation:
    '63767e70a7e651ad585b6decda49074d32a56202cda2207dae33d59d71a4af584d9b7e8bf472b774560914a806c01e33b3922b8b430b21dedf9dc3212d31160b',
  'destroy-order':
    'b55e532073d8ea99171067081d39ce311a53f0acd52625b24662981ef2c02e16c169999bd7e7282686d50d48380a798ba28cb996f3625a90d0daf988ef35640d',
  author:
    'd7a0ae2acb38f11a050f30ea90a2c225ed342c604ebbc94cfe9f03544e85f838406d8f762fde28b7ef31b3bb5268b61aee7b79fe2ee874005f2db3be7114ea05',
  'key-rotation':
    'e94d108c0f2d6b5b91744a5251dbeebc4728acc03f2da185059e19ed26954e4bca0d8330ce8256b7a5cb7320a48c1691764f7fe789802959e06671f6d25ec403',
};

let seeded: DeviceIdentity;
let signer: DeviceIdentity;
let other: DeviceIdentity;
let records: ReturnType<typeof sampleRecords>;

beforeAll(async () => {
  await ready();
  const imported = importIdentity({
    version: 1,
    publicKey: sodium.crypto_sign_seed_keypair(SEED).publicKey,
    seed: SEED,
  });
  if (!imported.ok) throw new Error(imported.error);
  seeded = imported.value;
  signer = createDeviceIdentity();
  other = createDeviceIdentity();
  records = sampleRecords(signer.publicKey);
});

/** Byte ranges of each field of a record's encoding, named, in order. */
function fieldsOf(record: SignableRecord): Array<[string, number]> {
  const str = (text: string) => new TextEncoder().encode(text).length;
  const head: Array<[string, number]> = [
    ['format version', 1],
    ['record kind', 1],
    ['bilanId', 16],
  ];
  const tail: Array<[string, number]> = [
    ['signerRole', 1],
    ['signerKey', 32],
  ];
  switch (record.kind) {
    case 'attendance':
      return [
        ...head,
        ['sessionId length', 2],
        ['sessionId', str(record.sessionId)],
        ['startedAt', 8],
        ['endedAt', 8],
        ['phase', 1],
        ['mode', 1],
        ...tail,
      ];
    case 'consent':
      return [
        ...head,
        ['consentId length', 2],
        ['consentId', str(record.consentId)],
        ['topic', 1],
        ['thirdParty length', 2],
        ['thirdParty', str(record.thirdParty)],
        ['granted', 1],
        ['at', 8],
        ['deadline', 8],
        ...tail,
      ];
    case 'validation':
      return [...head, ['synthesisHash', 32], ['at', 8], ...tail];
    case 'destroy-order':
      return [...head, ['at', 8], ['reason', 1], ...tail];
    case 'author':
      return [...head, ['clientId', 8], ...tail];
    case 'key-rotation':
      return [
        ...head,
        ['at', 8],
        ['previousTopic length', 2],
        ['previousTopic', str(record.previousTopic)],
        ['recipient count', 1],
        ...record.recipients.flatMap((_, i): Array<[string, number]> => [
          [`recipient ${i} deviceKey`, 32],
          [`recipient ${i} sealedKey`, 80],
        ]),
        ...tail,
      ];
  }
}

describe('signRecord / verifyRecord', () => {
  it('signs domain ‖ 0x00 ‖ canonical bytes, deterministically (known answers)', () => {
    const secretKey = sodium.crypto_sign_seed_keypair(SEED).privateKey;
    for (const record of sampleRecords(seeded.publicKey).all) {
      const signature = signRecord(seeded, record);
      expect(hex(signature)).toBe(KNOWN_SIGNATURES[record.kind]);
      const input = Uint8Array.of(
        ...new TextEncoder().encode(RECORD_DOMAIN[record.kind]),
        0,
        ...encodeRecord(record),
      );
      expect(signature).toEqual(sodium.crypto_sign_detached(input, secretKey));
    }
  });

  it('verifies what it signed, for every kind', () => {
    for (const record of records.all) {
      expect(verifyRecord(signer.publicKey, record, signRecord(signer, record))).toEqual({
        ok: true,
        value: record,
      });
      const envelope = createSignedRecord(signer, record);
      expect(verifySignedRecord(signer.publicKey, envelope)).toEqual({ ok: true, value: record });
      expect(verifySignedRecord(signer.publicKey, envelope, record.kind)).toEqual({
        ok: true,
        value: record,
      });
    }
  });

  it('refuses to sign a record naming another signer', () => {
    expect(() => signRecord(other, records.attendance)).toThrow(RangeError);
  });

  it('rejects a record verified against another key', () => {
    const signature = signRecord(signer, records.consent);
    expect(verifyRecord(other.publicKey, records.consent, signature)).toEqual({
      ok: false,
      error: RecordError.SignerMismatch,
    });
    // …and a record re-attributed to that key keeps a signature that no longer verifies.
    const reattributed = { ...records.consent, signerKey: other.publicKey };
    expect(verifyRecord(other.publicKey, reattributed, signature)).toEqual({
      ok: false,
      error: RecordError.BadSignature,
    });
  });

  it('rejects a signature of the wrong length or made under another domain', () => {
    const record = records.attendance;
    const signature = signRecord(signer, record);
    expect(verifyRecord(signer.publicKey, record, signature.subarray(1))).toEqual({
      ok: false,
      error: RecordError.BadSignature,
    });
    expect(verifyRecord(signer.publicKey, record, new Uint8Array(0))).toEqual({
      ok: false,
      error: RecordError.BadSignature,
    });
    const secretKey = sodium.crypto_sign_seed_keypair(SEED).privateKey;
    const seededRecord = { ...record, signerKey: seeded.publicKey };
    const bytes = encodeRecord(seededRecord);
    const undomained = sodium.crypto_sign_detached(bytes, secretKey);
    const wrongDomain = sodium.crypto_sign_detached(
      Uint8Array.of(...new TextEncoder().encode(RECORD_DOMAIN.consent), 0, ...bytes),
      secretKey,
    );
    for (const forged of [undomained, wrongDomain]) {
      expect(verifyRecord(seeded.publicKey, seededRecord, forged)).toEqual({
        ok: false,
        error: RecordError.BadSignature,
      });
    }
  });

  it('rejects any field changed to another valid value', () => {
    const { attendance, consent, validation, destroyOrder, author, keyRotation } = records;
    const changed: SignableRecord[] = [
      { ...attendance, bilanId: 'AAAAAAAAAAAAAAAAAAAAAA' },
      { ...attendance, sessionId: 's2' },
      { ...attendance, startedAt: attendance.startedAt - 1 },
      { ...attendance, endedAt: attendance.endedAt + 1 },
      { ...attendance, phase: 'conclusion' },
      { ...attendance, mode: 'presentiel' },
      { ...attendance, signerRole: 'beneficiary' },
      { ...consent, consentId: 'c2' },
      { ...consent, topic: 'assessment' },
      { ...consent, thirdParty: 'Pole' },
      { ...consent, granted: false },
      { ...consent, at: consent.at + 1 },
      { ...consent, deadline: 0 },
      { ...validation, synthesisHash: new Uint8Array(32).fill(0x5b) },
      { ...validation, at: validation.at + 1 },
      { ...destroyOrder, reason: 'manual' },
      { ...destroyOrder, at: destroyOrder.at + 1 },
      { ...author, clientId: author.clientId - 1 },
      { ...keyRotation, at: keyRotation.at + 1 },
      { ...keyRotation, previousTopic: 'AAECAwQFBgcICQoLDA0OD0' },
      {
        ...keyRotation,
        recipients: [{ ...keyRotation.recipients[0]!, sealedKey: new Uint8Array(80).fill(0x23) }],
      },
    ];
    const originals = new Map(records.all.map((r) => [r.kind, r]));
    for (const record of changed) {
      const signature = signRecord(signer, originals.get(record.kind)!);
      expect(verifyRecord(signer.publicKey, record, signature)).toEqual({
        ok: false,
        error: RecordError.BadSignature,
      });
    }
  });

  it('reports a record with no canonical encoding instead of throwing', () => {
    const signature = signRecord(signer, records.attendance);
    const broken = { ...records.attendance, endedAt: -5 };
    expect(verifyRecord(signer.publicKey, broken, signature)).toEqual({
      ok: false,
      error: RecordError.OutOfRange,
    });
  });
});

describe('verifySignedRecord rejects a flipped byte in every field', () => {
  it.each(['attendance', 'consent', 'validation', 'destroy-order'] as const)(
    'of a %s envelope',
    (kind) => {
      const record = records.all.find((r) => r.kind === kind)!;
      const envelope = createSignedRecord(signer, record);
      const fields: Array<[string, number]> = [['signature', SIGNATURE_BYTES], ...fieldsOf(record)];
      expect(fields.reduce((sum, [, size]) => sum + size, 0)).toBe(envelope.length);
      let offset = 0;
      for (const [field, size] of fields) {
        for (let i = offset; i < offset + size; i++) {
          for (const bit of [0x01, 0x80]) {
            const tampered = envelope.slice();
            tampered[i]! ^= bit;
            const result = verifySignedRecord(signer.publicKey, tampered);
            expect(result.ok, `${kind}: ${field} byte ${i - offset} bit ${bit}`).toBe(false);
            expect(result).not.toHaveProperty('value');
          }
        }
        offset += size;
      }
    },
  );

  it('and rejects empty, truncated, extended and wrong-kind envelopes', () => {
    const envelope = createSignedRecord(signer, records.destroyOrder);
    expect(verifySignedRecord(signer.publicKey, new Uint8Array(0))).toEqual({
      ok: false,
      error: RecordError.Empty,
    });
    for (let length = 1; length < envelope.length; length++) {
      expect(verifySignedRecord(signer.publicKey, envelope.subarray(0, length)).ok).toBe(false);
    }
    expect(verifySignedRecord(signer.publicKey, Uint8Array.of(...envelope, 0))).toEqual({
      ok: false,
      error: RecordError.TrailingBytes,
    });
    expect(verifySignedRecord(signer.publicKey, envelope, 'attendance')).toEqual({
      ok: false,
      error: RecordError.WrongKind,
    });
    const swapped = encodeSignedRecord(
      encodeRecord(records.destroyOrder),
      signRecord(signer, records.validation),
    );
    expect(verifySignedRecord(signer.publicKey, swapped)).toEqual({
      ok: false,
      error: RecordError.BadSignature,
    });
  });
});
