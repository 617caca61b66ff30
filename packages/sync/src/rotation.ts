/**
 * Key rotation: the counsellor moves a bilan to a new key K′ to shut out a device that
 * holds the old link. The order is a signed `key-rotation` record, bound to the bilan and
 * to the relay topic of the key it replaces, carrying K′ sealed for each admitted device
 * (crypto_box_seal to the device's converted Ed25519 key). It travels sealed under the
 * old docKey on the old topic: a device with the old key alone can read that a rotation
 * happened, not K′.
 */
import {
  createBilanKey,
  createSignedRecord,
  devicePublicKeyFromBytes,
  openKeyForDevice,
  sealKeyForDevice,
  verifySignedRecord,
  type BilanKey,
  type DeviceIdentity,
} from '@tandem/crypto';
import {
  bytesEqual,
  decodeSignedRecord,
  MAX_ROTATION_RECIPIENTS,
  type KeyRotation,
} from '@tandem/protocol';

export interface BuiltRotation {
  readonly newKey: BilanKey;
  readonly envelope: Uint8Array;
}

/** Signs a rotation to a fresh key, re-shared with `recipients` (device public keys). */
export function buildRotation(
  identity: DeviceIdentity,
  input: {
    readonly bilanId: string;
    readonly previousTopic: string;
    readonly recipients: readonly Uint8Array[];
    readonly at: number;
  },
): BuiltRotation {
  const unique = dedupe(input.recipients);
  if (unique.length === 0 || unique.length > MAX_ROTATION_RECIPIENTS) {
    throw new RangeError(`a rotation re-shares with 1 to ${MAX_ROTATION_RECIPIENTS} devices`);
  }
  const newKey = createBilanKey();
  const record: KeyRotation = {
    kind: 'key-rotation',
    bilanId: input.bilanId,
    at: input.at,
    previousTopic: input.previousTopic,
    recipients: unique.map((deviceKey) => {
      const key = devicePublicKeyFromBytes(deviceKey);
      if (!key.ok) throw new RangeError('recipient is not a device public key');
      return { deviceKey: key.value, sealedKey: sealKeyForDevice(key.value, newKey) };
    }),
    signerRole: 'counsellor',
    signerKey: identity.publicKey,
  };
  return { newKey, envelope: createSignedRecord(identity, record) };
}

/**
 * What a device makes of a rotation it received:
 * - `rotated`: valid, from the trusted counsellor, for this bilan and this key, with K′
 *   sealed for this device;
 * - `excluded`: valid, but this device is not among the recipients (its link is dead);
 * - `invalid`: anything else (forged, other bilan, other key, unknown signer, damaged box)
 *   — ignored and counted, never acted on.
 */
export type RotationOutcome =
  | { readonly outcome: 'rotated'; readonly newKey: BilanKey; readonly at: number }
  | { readonly outcome: 'excluded'; readonly at: number }
  | { readonly outcome: 'invalid' };

export function readRotation(
  identity: DeviceIdentity,
  envelope: Uint8Array,
  expected: {
    readonly bilanId: string;
    readonly relayTopic: string;
    /**
     * The counsellor key this device trusts (first seen). Null on a device that has
     * never seen the bilan (an old link opened after the rotation): the signer's key is
     * then taken on first use, but only to learn that the link is dead — never to move
     * to a new key (a holder of the old link could otherwise lead a newcomer, whose key
     * it sees in awareness, onto a key of its own).
     */
    readonly counsellorKey: Uint8Array | null;
  },
): RotationOutcome {
  const invalid = { outcome: 'invalid' } as const;
  const decoded = decodeSignedRecord(envelope);
  if (!decoded.ok) return invalid;
  const signer = devicePublicKeyFromBytes(expected.counsellorKey ?? decoded.value.record.signerKey);
  if (!signer.ok) return invalid;
  const verified = verifySignedRecord(signer.value, envelope, 'key-rotation');
  if (!verified.ok || verified.value.kind !== 'key-rotation') return invalid;
  const record = verified.value;
  if (record.signerRole !== 'counsellor') return invalid;
  if (record.bilanId !== expected.bilanId || record.previousTopic !== expected.relayTopic) {
    return invalid;
  }
  const mine = record.recipients.find((r) => bytesEqual(r.deviceKey, identity.publicKey));
  if (!mine) return { outcome: 'excluded', at: record.at };
  if (expected.counsellorKey === null) return invalid;
  const opened = openKeyForDevice(identity, mine.sealedKey);
  return opened.ok ? { outcome: 'rotated', newKey: opened.value, at: record.at } : invalid;
}

function dedupe(keys: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const key of keys) if (!out.some((k) => bytesEqual(k, key))) out.push(key);
  return out;
}
