import { describe, expect, it } from 'vitest';
import { MAX_RECORD_ID_BYTES, MAX_THIRD_PARTY_BYTES, SIGNATURE_BYTES } from './limits.ts';
import {
  decodeRecord,
  decodeSignedRecord,
  encodeRecord,
  encodeSignedRecord,
  recordSigningInput,
  RECORD_DOMAIN,
  type SignableRecord,
} from './records.ts';
import { SAMPLE_BILAN_ID, sampleRecords } from './record-fixtures.ts';
import { seededRandom } from './seeded-random.ts';
import { RecordError } from './wire.ts';

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (h) => parseInt(h, 16));

const KEY = new Uint8Array(32).fill(0x11);
const KEY_HEX = '11'.repeat(32);
const BILAN_ID_HEX = 'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf';
const { attendance, consent, validation, destroyOrder, author, keyRotation, all } =
  sampleRecords(KEY);

// Known answers written from the layout in records.ts, field by field, not from the
// encoder: a change to the format must change these on purpose.
const KNOWN_ANSWERS: Array<[string, SignableRecord, string]> = [
  [
    'attendance',
    attendance,
    '01' +
      '01' +
      BILAN_ID_HEX +
      '0002' +
      '7331' +
      '0000018bcfe56800' +
      '0000018bcfeae640' +
      '02' +
      '02' +
      '01' +
      KEY_HEX,
  ],
  [
    'consent',
    consent,
    '01' +
      '02' +
      BILAN_ID_HEX +
      '0002' +
      '6331' +
      '02' +
      '0005' +
      '50c3b46c65' +
      '01' +
      '0000018bcfe56800' +
      '0000019327969400' +
      '02' +
      KEY_HEX,
  ],
  [
    'validation',
    validation,
    '01' + '03' + BILAN_ID_HEX + '5a'.repeat(32) + '0000018bcfe56800' + '02' + KEY_HEX,
  ],
  [
    'destroy-order',
    destroyOrder,
    '01' + '04' + BILAN_ID_HEX + '0000018bcfe56800' + '02' + '01' + KEY_HEX,
  ],
  ['author', author, '01' + '05' + BILAN_ID_HEX + '00000000ffffffff' + '02' + KEY_HEX],
  [
    'key-rotation',
    keyRotation,
    '01' +
      '06' +
      BILAN_ID_HEX +
      '0000018bcfe56800' +
      '0016' +
      '41414543417751464267634943516f4c4441304f4477' +
      '01' +
      '11'.repeat(32) +
      '22'.repeat(80) +
      '01' +
      KEY_HEX,
  ],
];

describe('signed record encoding', () => {
  it.each(KNOWN_ANSWERS)('%s has a fixed canonical encoding', (_kind, record, expected) => {
    expect(hex(encodeRecord(record))).toBe(expected);
    expect(decodeRecord(fromHex(expected))).toEqual({ ok: true, value: record });
  });

  it('prefixes the domain string of the kind to what is signed', () => {
    for (const record of all) {
      const bytes = encodeRecord(record);
      const input = recordSigningInput(record.kind, bytes);
      const domain = new TextEncoder().encode(RECORD_DOMAIN[record.kind]);
      expect(input.subarray(0, domain.length)).toEqual(domain);
      expect(input[domain.length]).toBe(0);
      expect(input.subarray(domain.length + 1)).toEqual(bytes);
    }
    expect(new Set(Object.values(RECORD_DOMAIN)).size).toBe(6);
  });

  it('round-trips edge values', () => {
    const edges: SignableRecord[] = [
      { ...attendance, sessionId: 'x'.repeat(MAX_RECORD_ID_BYTES), startedAt: 0, endedAt: 0 },
      { ...attendance, startedAt: Number.MAX_SAFE_INTEGER, endedAt: Number.MAX_SAFE_INTEGER },
      { ...consent, thirdParty: '', granted: false, deadline: 0, topic: 'retention' },
      { ...consent, thirdParty: 'é'.repeat(MAX_THIRD_PARTY_BYTES / 2), topic: 'assessment' },
      { ...consent, thirdParty: '\ufeffBOM kept' },
      { ...destroyOrder, reason: 'manual', signerRole: 'beneficiary' },
    ];
    for (const record of edges)
      expect(decodeRecord(encodeRecord(record))).toEqual({ ok: true, value: record });
  });

  it('refuses to encode values that have no canonical encoding', () => {
    const bad: unknown[] = [
      { ...attendance, bilanId: 'not-an-id' },
      { ...attendance, sessionId: '' },
      { ...attendance, sessionId: 'x'.repeat(MAX_RECORD_ID_BYTES + 1) },
      { ...attendance, endedAt: attendance.startedAt - 1 },
      { ...attendance, startedAt: -1 },
      { ...attendance, startedAt: 1.5 },
      { ...attendance, endedAt: Number.MAX_SAFE_INTEGER + 1 },
      { ...attendance, phase: 'bogus' },
      { ...attendance, signerKey: new Uint8Array(31) },
      { ...attendance, signerRole: 'admin' },
      { ...consent, thirdParty: 'x'.repeat(MAX_THIRD_PARTY_BYTES + 1) },
      { ...consent, thirdParty: '\ud800' },
      { ...validation, synthesisHash: new Uint8Array(33) },
      { ...destroyOrder, kind: 'other' },
      { ...author, clientId: -1 },
      { ...keyRotation, recipients: [] },
      { ...keyRotation, recipients: Array(9).fill(keyRotation.recipients[0]) },
      { ...keyRotation, previousTopic: '' },
      { ...keyRotation, recipients: [{ deviceKey: KEY, sealedKey: new Uint8Array(79) }] },
    ];
    for (const record of bad)
      expect(() => encodeRecord(record as SignableRecord)).toThrow(RangeError);
  });
});

describe('signed record decoding', () => {
  const bytes = encodeRecord(attendance);
  const withByte = (offset: number, value: number) => {
    const copy = bytes.slice();
    copy[offset] = value;
    return copy;
  };
  // Offsets in the attendance encoding.
  const SESSION_LENGTH = 18;
  const STARTED_AT = 22;
  const ENDED_AT = 30;
  const PHASE = 38;
  const MODE = 39;
  const ROLE = 40;

  it.each<[string, Uint8Array, RecordError]>([
    ['empty', new Uint8Array(0), RecordError.Empty],
    ['unknown version', withByte(0, 2), RecordError.UnknownVersion],
    ['unknown kind', withByte(1, 9), RecordError.UnknownKind],
    ['kind 0', withByte(1, 0), RecordError.UnknownKind],
    ['bad phase', withByte(PHASE, 4), RecordError.BadTag],
    ['bad mode', withByte(MODE, 0), RecordError.BadTag],
    ['bad role', withByte(ROLE, 3), RecordError.BadTag],
    ['timestamp past 2^53', withByte(STARTED_AT, 0x01), RecordError.OutOfRange],
    ['start after end', withByte(STARTED_AT + 2, 0xff), RecordError.OutOfRange],
    ['end before start', withByte(ENDED_AT + 2, 0x00), RecordError.OutOfRange],
    ['empty session id', fromHex(hex(bytes).replace('00027331', '0000')), RecordError.BadString],
    ['invalid UTF-8', withByte(SESSION_LENGTH + 2, 0xff), RecordError.BadString],
    ['trailing byte', Uint8Array.of(...bytes, 0), RecordError.TrailingBytes],
  ])('rejects %s', (_name, input, error) => {
    expect(decodeRecord(input)).toEqual({ ok: false, error });
  });

  it('rejects a string longer than its limit even if the bytes are there', () => {
    const long = fromHex(hex(bytes).replace('00027331', '0041' + '61'.repeat(65)));
    expect(decodeRecord(long)).toEqual({ ok: false, error: RecordError.BadString });
  });

  it('rejects a consent boolean other than 0 or 1', () => {
    const encoded = hex(encodeRecord(consent));
    const flipped = fromHex(encoded.replace('50c3b46c6501', '50c3b46c6502'));
    expect(decodeRecord(flipped)).toEqual({ ok: false, error: RecordError.OutOfRange });
  });

  it('rejects every truncation of every kind', () => {
    for (const record of all) {
      const full = encodeRecord(record);
      for (let length = 1; length < full.length; length++) {
        expect(decodeRecord(full.subarray(0, length))).toEqual({
          ok: false,
          error: RecordError.Truncated,
        });
      }
    }
  });

  it('never throws on random or mutated input, and accepts only canonical bytes', () => {
    const random = seededRandom('records fuzz');
    const encoded = all.map(encodeRecord);
    for (let i = 0; i < 5000; i++) {
      const base = random.pick(encoded);
      let input: Uint8Array;
      switch (random.int(3)) {
        case 0:
          input = random.bytes(random.int(120));
          break;
        case 1: {
          input = base.slice();
          for (let n = 1 + random.int(3); n > 0; n--)
            input[random.int(input.length)] = random.int(256);
          break;
        }
        default:
          input = Uint8Array.of(
            ...base.subarray(0, random.int(base.length + 1)),
            ...random.bytes(random.int(4)),
          );
      }
      const decoded = decodeRecord(input);
      if (decoded.ok) expect(encodeRecord(decoded.value)).toEqual(input);
      else expect(Object.values(RecordError)).toContain(decoded.error);
    }
  });
});

describe('signed record envelope', () => {
  const signature = Uint8Array.from({ length: SIGNATURE_BYTES }, (_, i) => i);

  it('is signature ‖ record bytes', () => {
    const recordBytes = encodeRecord(destroyOrder);
    const envelope = encodeSignedRecord(recordBytes, signature);
    expect(envelope.subarray(0, SIGNATURE_BYTES)).toEqual(signature);
    expect(envelope.subarray(SIGNATURE_BYTES)).toEqual(recordBytes);
    expect(decodeSignedRecord(envelope)).toEqual({
      ok: true,
      value: { record: destroyOrder, recordBytes, signature },
    });
    expect(destroyOrder.bilanId).toBe(SAMPLE_BILAN_ID);
  });

  it('rejects empty, signature-only and malformed envelopes', () => {
    expect(decodeSignedRecord(new Uint8Array(0))).toEqual({ ok: false, error: RecordError.Empty });
    expect(decodeSignedRecord(signature)).toEqual({ ok: false, error: RecordError.Truncated });
    const envelope = encodeSignedRecord(encodeRecord(destroyOrder), signature);
    expect(decodeSignedRecord(Uint8Array.of(...envelope, 1))).toEqual({
      ok: false,
      error: RecordError.TrailingBytes,
    });
    expect(() => encodeSignedRecord(encodeRecord(destroyOrder), signature.subarray(1))).toThrow(
      RangeError,
    );
  });
});
