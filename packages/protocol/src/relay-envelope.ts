import { toHex } from './hex.ts';
import type { Result } from './wire.ts';

/**
 * Plaintext of a sealed relay message: sender id ‖ payload. The relay echoes every
 * publish to all subscribers, the sender included; the sender id (inside the seal, so
 * the relay cannot see or forge it) lets a session drop its own echoes and count the
 * other devices on the topic.
 */
export const SENDER_ID_BYTES = 8;

export interface RelayEnvelope {
  /** Lower-case hex of the sender's random per-session id. */
  readonly senderId: string;
  readonly payload: Uint8Array;
}

export type RelayEnvelopeError = 'truncated';

export function encodeRelayEnvelope(senderId: Uint8Array, payload: Uint8Array): Uint8Array {
  if (senderId.length !== SENDER_ID_BYTES) {
    throw new RangeError(`sender id must be ${SENDER_ID_BYTES} bytes`);
  }
  const out = new Uint8Array(SENDER_ID_BYTES + payload.length);
  out.set(senderId, 0);
  out.set(payload, SENDER_ID_BYTES);
  return out;
}

export function decodeRelayEnvelope(bytes: Uint8Array): Result<RelayEnvelope, RelayEnvelopeError> {
  if (bytes.length < SENDER_ID_BYTES) return { ok: false, error: 'truncated' };
  const senderId = toHex(bytes.subarray(0, SENDER_ID_BYTES));
  return { ok: true, value: { senderId, payload: bytes.subarray(SENDER_ID_BYTES) } };
}

/**
 * Payload of a Presence message: one byte. `Hello` is sent by a session that has just
 * (re)joined the relay topic and asks every other session for a sync step 1, so that
 * edits it made while disconnected reach them in the step 2 it answers with.
 */
export const PresenceFlag = { Heartbeat: 0, Hello: 1 } as const;
export type PresenceFlag = (typeof PresenceFlag)[keyof typeof PresenceFlag];

export function encodePresence(flag: PresenceFlag): Uint8Array {
  return Uint8Array.of(flag);
}

/** Unknown or missing flags read as a heartbeat: they ask nothing of the receiver. */
export function decodePresence(payload: Uint8Array): PresenceFlag {
  return payload[0] === PresenceFlag.Hello ? PresenceFlag.Hello : PresenceFlag.Heartbeat;
}
