/**
 * Signing and verifying records (attendance, consent, validation, destroy order) with a
 * device's Ed25519 key. What is signed is the record's canonical bytes behind its
 * kind's domain string (@tandem/protocol records.ts), so a signature for one kind can
 * never be replayed as another, nor as anything else signed with the same key.
 */
import {
  RecordError,
  SIGNATURE_BYTES,
  decodeSignedRecord,
  encodeRecord,
  encodeSignedRecord,
  recordSigningInput,
  type RecordKind,
  type Result,
  type SignableRecord,
} from '@tandem/protocol';
import { secretKeyOf, type DeviceIdentity } from './identity.ts';
import type { DevicePublicKey } from './keys.ts';
import { lib } from './sodium.ts';

/** A detached Ed25519 signature (64 bytes). */
export type RecordSignature = Uint8Array & { readonly __brand: 'RecordSignature' };

/** Signs `record`, which must name this identity's public key as its signerKey. */
export function signRecord(identity: DeviceIdentity, record: SignableRecord): RecordSignature {
  const s = lib();
  if (!s.memcmp(record.signerKey, identity.publicKey)) {
    throw new RangeError("record.signerKey is not this identity's public key");
  }
  const input = recordSigningInput(record.kind, encodeRecord(record));
  return s.crypto_sign_detached(input, secretKeyOf(identity)) as RecordSignature;
}

/** signature ‖ record bytes, ready to store or send (e.g. as a tombstone). */
export function createSignedRecord(identity: DeviceIdentity, record: SignableRecord): Uint8Array {
  return encodeSignedRecord(encodeRecord(record), signRecord(identity, record));
}

/** Verifies `signature` over `record` against the pinned `publicKey` of its signer. */
export function verifyRecord(
  publicKey: DevicePublicKey,
  record: SignableRecord,
  signature: Uint8Array,
): Result<SignableRecord, RecordError> {
  let recordBytes: Uint8Array;
  try {
    recordBytes = encodeRecord(record);
  } catch {
    return { ok: false, error: RecordError.OutOfRange };
  }
  return verifyBytes(publicKey, record, recordBytes, signature);
}

/**
 * Decodes and verifies a signed envelope against the pinned `publicKey`, optionally
 * requiring a kind (a tombstone must hold a destroy order).
 */
export function verifySignedRecord(
  publicKey: DevicePublicKey,
  envelope: Uint8Array,
  expectedKind?: RecordKind,
): Result<SignableRecord, RecordError> {
  const decoded = decodeSignedRecord(envelope);
  if (!decoded.ok) return decoded;
  const { record, recordBytes, signature } = decoded.value;
  if (expectedKind !== undefined && record.kind !== expectedKind) {
    return { ok: false, error: RecordError.WrongKind };
  }
  return verifyBytes(publicKey, record, recordBytes, signature);
}

function verifyBytes(
  publicKey: DevicePublicKey,
  record: SignableRecord,
  recordBytes: Uint8Array,
  signature: Uint8Array,
): Result<SignableRecord, RecordError> {
  const s = lib();
  if (signature.length !== SIGNATURE_BYTES) return { ok: false, error: RecordError.BadSignature };
  if (publicKey.length !== record.signerKey.length || !s.memcmp(publicKey, record.signerKey)) {
    return { ok: false, error: RecordError.SignerMismatch };
  }
  const input = recordSigningInput(record.kind, recordBytes);
  if (!s.crypto_sign_verify_detached(signature, input, publicKey)) {
    return { ok: false, error: RecordError.BadSignature };
  }
  return { ok: true, value: record };
}
