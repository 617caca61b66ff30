/**
 * Canonical bytes of the records a device signs: attendance, consent, validation of the
 * synthesis, destroy order, authorship claim, key rotation. One encoding per record, so a signature covers exactly one
 * byte string and no JSON key order or number formatting can make two.
 *
 *   format version (u8) ‖ record kind (u8) ‖ bilan id (16) ‖ fields of that kind ‖
 *   signer role (u8) ‖ signer key (32)
 *
 * Fields: u8 tags for enumerations, u16 length-prefixed UTF-8 for strings, u64
 * big-endian epoch milliseconds, fixed-length byte fields. Decoders reject unknown
 * tags, out-of-range values and trailing bytes.
 *
 * What is signed is `domain ‖ 0x00 ‖ record bytes`, with one domain string per kind.
 */
import { bilanIdFromBytes, bilanIdToBytes } from './bilan-id.ts';
import { ByteReader, ByteWriter, DecodeFailure, encodeUtf8 } from './bytes.ts';
import {
  BILAN_ID_BYTES,
  HASH_BYTES,
  MAX_RECORD_ID_BYTES,
  MAX_ROTATION_RECIPIENTS,
  MAX_THIRD_PARTY_BYTES,
  MAX_TOPIC_BYTES,
  PUBLIC_KEY_BYTES,
  SEALED_KEY_BYTES,
  SIGNATURE_BYTES,
} from './limits.ts';
import { PartyRole, RecordError, type Result } from './wire.ts';

export const RECORD_FORMAT_VERSION = 1;

export const RecordKind = {
  attendance: 1,
  consent: 2,
  validation: 3,
  'destroy-order': 4,
  author: 5,
  'key-rotation': 6,
} as const;
export type RecordKind = keyof typeof RecordKind;

/** Domain-separation string per record kind, prefixed to what is signed. */
export const RECORD_DOMAIN: Readonly<Record<RecordKind, string>> = {
  attendance: 'tandem/v1/attendance',
  consent: 'tandem/v1/consent',
  validation: 'tandem/v1/validation',
  'destroy-order': 'tandem/v1/destroy-order',
  author: 'tandem/v1/author',
  'key-rotation': 'tandem/v1/key-rotation',
};

export const SessionPhase = { preliminaire: 1, investigation: 2, conclusion: 3 } as const;
export type SessionPhase = keyof typeof SessionPhase;

export const SessionMode = { presentiel: 1, distanciel: 2 } as const;
export type SessionMode = keyof typeof SessionMode;

export const ConsentTopic = { retention: 1, 'third-party-sharing': 2, assessment: 3 } as const;
export type ConsentTopic = keyof typeof ConsentTopic;

export const DestroyReason = { manual: 1, retention: 2 } as const;
export type DestroyReason = keyof typeof DestroyReason;

interface SignedBy {
  readonly bilanId: string;
  readonly signerRole: PartyRole;
  /** The signing device's Ed25519 public key (32 bytes). */
  readonly signerKey: Uint8Array;
}

/** A session of the bilan, signed by one party once it has ended. Times in epoch ms. */
export interface AttendanceRecord extends SignedBy {
  readonly kind: 'attendance';
  readonly sessionId: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly phase: SessionPhase;
  readonly mode: SessionMode;
}

export interface ConsentRecord extends SignedBy {
  readonly kind: 'consent';
  readonly consentId: string;
  readonly topic: ConsentTopic;
  /** Who the data is shared with; '' when the topic names no third party. */
  readonly thirdParty: string;
  readonly granted: boolean;
  readonly at: number;
  /** Epoch ms after which the consent lapses; 0 when it has none. */
  readonly deadline: number;
}

export interface ValidationRecord extends SignedBy {
  readonly kind: 'validation';
  /** BLAKE2b-256 of the synthesis being validated. */
  readonly synthesisHash: Uint8Array;
  readonly at: number;
}

export interface DestroyOrder extends SignedBy {
  readonly kind: 'destroy-order';
  readonly at: number;
  readonly reason: DestroyReason;
}

/**
 * A device's claim that a Yjs client id (one per opened session) writes for its key, so
 * text can be attributed to a device: a pinned party or an unknown one.
 */
export interface AuthorClaim extends SignedBy {
  readonly kind: 'author';
  /** The Yjs client id (an unsigned 32-bit integer in Yjs; any safe integer here). */
  readonly clientId: number;
}

/** The new bilan key sealed for one device (crypto_box_seal to its converted key). */
export interface RotationRecipient {
  readonly deviceKey: Uint8Array;
  readonly sealedKey: Uint8Array;
}

/**
 * The counsellor's order to move a bilan to a new key: signed, bound to the relay topic
 * of the key it replaces, carrying the new key sealed for each admitted device only.
 */
export interface KeyRotation extends SignedBy {
  readonly kind: 'key-rotation';
  readonly at: number;
  /** Relay topic of the key being replaced (base64url, as derived). */
  readonly previousTopic: string;
  readonly recipients: readonly RotationRecipient[];
}

export type SignableRecord =
  AttendanceRecord | ConsentRecord | ValidationRecord | DestroyOrder | AuthorClaim | KeyRotation;

export function encodeRecord(record: SignableRecord): Uint8Array {
  const bilanId = bilanIdToBytes(record.bilanId);
  if (bilanId === undefined) throw new RangeError('bilanId is not a bilan id');
  const w = new ByteWriter().u8(RECORD_FORMAT_VERSION).u8(RecordKind[record.kind]);
  w.fixed(bilanId, BILAN_ID_BYTES);
  switch (record.kind) {
    case 'attendance':
      if (record.sessionId === '') throw new RangeError('sessionId is empty');
      if (record.endedAt < record.startedAt) throw new RangeError('session ends before it starts');
      w.string(record.sessionId, MAX_RECORD_ID_BYTES).u64(record.startedAt).u64(record.endedAt);
      w.u8(SessionPhase[record.phase]).u8(SessionMode[record.mode]);
      break;
    case 'consent':
      if (record.consentId === '') throw new RangeError('consentId is empty');
      w.string(record.consentId, MAX_RECORD_ID_BYTES).u8(ConsentTopic[record.topic]);
      w.string(record.thirdParty, MAX_THIRD_PARTY_BYTES).u8(record.granted ? 1 : 0);
      w.u64(record.at).u64(record.deadline);
      break;
    case 'validation':
      w.fixed(record.synthesisHash, HASH_BYTES).u64(record.at);
      break;
    case 'destroy-order':
      w.u64(record.at).u8(DestroyReason[record.reason]);
      break;
    case 'author':
      w.u64(record.clientId);
      break;
    case 'key-rotation':
      writeRotation(w, record);
      break;
    default:
      throw new RangeError(`unknown record kind ${String((record as { kind: unknown }).kind)}`);
  }
  return w.u8(PartyRole[record.signerRole]).fixed(record.signerKey, PUBLIC_KEY_BYTES).finish();
}

export function decodeRecord(bytes: Uint8Array): Result<SignableRecord, RecordError> {
  if (bytes.length === 0) return { ok: false, error: RecordError.Empty };
  try {
    return { ok: true, value: readRecord(new ByteReader(bytes)) };
  } catch (failure) {
    if (failure instanceof DecodeFailure) return { ok: false, error: failure.code };
    throw failure;
  }
}

function readRecord(r: ByteReader): SignableRecord {
  if (r.u8() !== RECORD_FORMAT_VERSION) throw new DecodeFailure(RecordError.UnknownVersion);
  const kindByte = r.u8();
  const kind = (Object.keys(RecordKind) as RecordKind[]).find((k) => RecordKind[k] === kindByte);
  if (kind === undefined) throw new DecodeFailure(RecordError.UnknownKind);
  const bilanId = bilanIdFromBytes(r.fixed(BILAN_ID_BYTES));
  const record = readFields(kind, bilanId, r);
  r.end();
  return record;
}

function readFields(kind: RecordKind, bilanId: string, r: ByteReader): SignableRecord {
  switch (kind) {
    case 'attendance': {
      const sessionId = readId(r);
      const startedAt = r.u64();
      const endedAt = r.u64();
      if (endedAt < startedAt) throw new DecodeFailure(RecordError.OutOfRange);
      const phase = r.tag(SessionPhase);
      const mode = r.tag(SessionMode);
      return { kind, bilanId, sessionId, startedAt, endedAt, phase, mode, ...readSigner(r) };
    }
    case 'consent': {
      const consentId = readId(r);
      const topic = r.tag(ConsentTopic);
      const thirdParty = r.string(MAX_THIRD_PARTY_BYTES);
      const granted = r.boolean();
      const at = r.u64();
      const deadline = r.u64();
      return {
        kind,
        bilanId,
        consentId,
        topic,
        thirdParty,
        granted,
        at,
        deadline,
        ...readSigner(r),
      };
    }
    case 'validation': {
      const synthesisHash = r.fixed(HASH_BYTES);
      const at = r.u64();
      return { kind, bilanId, synthesisHash, at, ...readSigner(r) };
    }
    case 'destroy-order': {
      const at = r.u64();
      const reason = r.tag(DestroyReason);
      return { kind, bilanId, at, reason, ...readSigner(r) };
    }
    case 'author': {
      const clientId = r.u64();
      return { kind, bilanId, clientId, ...readSigner(r) };
    }
    case 'key-rotation': {
      const at = r.u64();
      const previousTopic = r.string(MAX_TOPIC_BYTES);
      const count = r.u8();
      if (count < 1 || count > MAX_ROTATION_RECIPIENTS)
        throw new DecodeFailure(RecordError.OutOfRange);
      const recipients: RotationRecipient[] = [];
      for (let i = 0; i < count; i++) {
        recipients.push({
          deviceKey: r.fixed(PUBLIC_KEY_BYTES),
          sealedKey: r.fixed(SEALED_KEY_BYTES),
        });
      }
      return { kind, bilanId, at, previousTopic, recipients, ...readSigner(r) };
    }
  }
}

function writeRotation(w: ByteWriter, record: KeyRotation): void {
  const count = record.recipients.length;
  if (count < 1 || count > MAX_ROTATION_RECIPIENTS) {
    throw new RangeError(`a key rotation has 1 to ${MAX_ROTATION_RECIPIENTS} recipients`);
  }
  if (record.previousTopic === '') throw new RangeError('previousTopic is empty');
  w.u64(record.at).string(record.previousTopic, MAX_TOPIC_BYTES).u8(count);
  for (const recipient of record.recipients) {
    w.fixed(recipient.deviceKey, PUBLIC_KEY_BYTES).fixed(recipient.sealedKey, SEALED_KEY_BYTES);
  }
}

function readId(r: ByteReader): string {
  const id = r.string(MAX_RECORD_ID_BYTES);
  if (id === '') throw new DecodeFailure(RecordError.BadString);
  return id;
}

function readSigner(r: ByteReader): Pick<SignedBy, 'signerRole' | 'signerKey'> {
  const signerRole = r.tag(PartyRole);
  const signerKey = r.fixed(PUBLIC_KEY_BYTES);
  return { signerRole, signerKey };
}

/** The bytes a signature covers: UTF-8(domain of the record's kind) ‖ 0x00 ‖ record bytes. */
export function recordSigningInput(kind: RecordKind, recordBytes: Uint8Array): Uint8Array {
  const domain = encodeUtf8(RECORD_DOMAIN[kind]);
  const input = new Uint8Array(domain.length + 1 + recordBytes.length);
  input.set(domain, 0);
  input.set(recordBytes, domain.length + 1);
  return input;
}

// ---------------------------------------------------------------------------------------
// Signed envelope: what travels (e.g. as a tombstone) or is stored: signature ‖ record.

export interface SignedRecordParts {
  readonly record: SignableRecord;
  readonly recordBytes: Uint8Array;
  readonly signature: Uint8Array;
}

/** signature (64) ‖ record bytes. */
export function encodeSignedRecord(recordBytes: Uint8Array, signature: Uint8Array): Uint8Array {
  if (signature.length !== SIGNATURE_BYTES)
    throw new RangeError(`signature must be ${SIGNATURE_BYTES} bytes`);
  const out = new Uint8Array(SIGNATURE_BYTES + recordBytes.length);
  out.set(signature, 0);
  out.set(recordBytes, SIGNATURE_BYTES);
  return out;
}

/** Splits and decodes an envelope; the signature is NOT checked here (see @tandem/crypto). */
export function decodeSignedRecord(bytes: Uint8Array): Result<SignedRecordParts, RecordError> {
  if (bytes.length === 0) return { ok: false, error: RecordError.Empty };
  if (bytes.length <= SIGNATURE_BYTES) return { ok: false, error: RecordError.Truncated };
  const signature = bytes.slice(0, SIGNATURE_BYTES);
  const recordBytes = bytes.slice(SIGNATURE_BYTES);
  const decoded = decodeRecord(recordBytes);
  if (!decoded.ok) return decoded;
  return { ok: true, value: { record: decoded.value, recordBytes, signature } };
}
