import { describe, expect, it } from 'vitest';
import { decodeRelayEnvelope, encodeRelayEnvelope, SENDER_ID_BYTES } from './relay-envelope.ts';

describe('relay envelope', () => {
  const sender = Uint8Array.from([0, 1, 2, 0xab, 0xcd, 0xef, 0x10, 0xff]);

  it('round-trips sender id and payload', () => {
    const payload = Uint8Array.from([9, 8, 7]);
    const decoded = decodeRelayEnvelope(encodeRelayEnvelope(sender, payload));
    expect(decoded).toEqual({ ok: true, value: { senderId: '000102abcdef10ff', payload } });
  });

  it('accepts an empty payload (presence) and rejects a truncated sender id', () => {
    expect(decodeRelayEnvelope(encodeRelayEnvelope(sender, new Uint8Array()))).toMatchObject({
      ok: true,
    });
    expect(decodeRelayEnvelope(sender.subarray(0, SENDER_ID_BYTES - 1))).toEqual({
      ok: false,
      error: 'truncated',
    });
  });

  it('refuses a sender id of the wrong length', () => {
    expect(() => encodeRelayEnvelope(new Uint8Array(3), new Uint8Array())).toThrow(RangeError);
  });
});
