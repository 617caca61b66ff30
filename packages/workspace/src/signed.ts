/**
 * Signed records as the document stores them, and their checks. Records, their canonical
 * bytes and the envelope (signature ‖ record) come from @tandem/protocol; signing and
 * verifying come from @tandem/crypto and are injected, so this package never sees a
 * secret key and never imports libsodium.
 */
import {
  bytesEqual,
  decodeSignedRecord,
  encodeRecord,
  encodeSignedRecord,
  type PartyRole,
  type SignableRecord,
} from '@tandem/protocol';
import { SIGNATURE_BYTES } from './limits.ts';

/**
 * Checks `signature` over `record` with `publicKey` (Ed25519, @tandem/crypto). Must be
 * synchronous — libsodium's verify is, once initialised. A throw counts as "forged".
 */
export type VerifyRecord = (
  publicKey: Uint8Array,
  record: SignableRecord,
  signature: Uint8Array,
) => boolean;

/** 32-byte digest of bytes (BLAKE2b-256 from @tandem/crypto), used to hash the synthesis. */
export type HashBytes = (bytes: Uint8Array) => Uint8Array;

/** A record with its signature, as read from the document. */
export interface SignedEntry<R extends SignableRecord = SignableRecord> {
  readonly record: R;
  readonly signature: Uint8Array;
}

/** The pinned public keys a signature may come from. */
export interface PinnedKeys {
  readonly counsellor: Uint8Array | null;
  readonly beneficiary: Uint8Array | null;
}

/** Why a stored signed record is not trusted. */
export type SignatureProblem = 'forged' | 'unknown-key' | 'wrong-bilan' | 'malformed';

/** Stored form: the protocol's signed envelope, so it can also travel as-is (tombstone). */
export function encodeSignedEntry(
  record: SignableRecord,
  signature: Uint8Array,
): Uint8Array | null {
  if (signature.length !== SIGNATURE_BYTES) return null;
  try {
    return encodeSignedRecord(encodeRecord(record), signature);
  } catch {
    return null;
  }
}

/** Parses a stored envelope with the protocol's strict decoder; null for anything else. */
export function decodeSignedEntry(value: unknown): SignedEntry | null {
  if (!(value instanceof Uint8Array)) return null;
  const decoded = decodeSignedRecord(value);
  if (!decoded.ok) return null;
  return { record: decoded.value.record, signature: decoded.value.signature };
}

/** True if the record can be encoded canonically (so it can be signed and stored). */
export function isEncodable(record: SignableRecord): boolean {
  try {
    encodeRecord(record);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks one signed record against the bilan and its pinned parties: right bilan, signer key
 * pinned for the role it claims, valid signature. `null` means trusted.
 */
export function signatureProblem(
  entry: SignedEntry,
  bilanId: string | null,
  pinned: PinnedKeys,
  verify: VerifyRecord,
): SignatureProblem | null {
  const { record, signature } = entry;
  if (bilanId === null || record.bilanId !== bilanId) return 'wrong-bilan';
  const expected = pinnedKeyOf(pinned, record.signerRole);
  if (expected === null || !bytesEqual(expected, record.signerKey)) return 'unknown-key';
  let valid = false;
  try {
    valid = verify(record.signerKey, record, signature) === true;
  } catch {
    valid = false;
  }
  return valid ? null : 'forged';
}

export function pinnedKeyOf(pinned: PinnedKeys, role: PartyRole): Uint8Array | null {
  return role === 'counsellor' ? pinned.counsellor : pinned.beneficiary;
}
