/**
 * Sealing a secret for one device: the bilan key re-shared at a key rotation. The
 * recipient's Ed25519 identity key is converted to X25519 and the secret is sealed with
 * crypto_box_seal (an ephemeral sender key; only the recipient's secret key opens it).
 * Who sent it is proven by the signature over the rotation record that carries the box,
 * not by the box itself.
 */
import { SEALED_KEY_BYTES, type Result } from '@tandem/protocol';
import { secretKeyOf, type DeviceIdentity } from './identity.ts';
import { bilanKeyFromBytes, type BilanKey, type DevicePublicKey } from './keys.ts';
import { lib } from './sodium.ts';

export type DeviceBoxError = 'bad-length' | 'unopenable';

/** Seals a bilan key for the device whose Ed25519 public key is `recipient`. */
export function sealKeyForDevice(recipient: DevicePublicKey, key: BilanKey): Uint8Array {
  const s = lib();
  const x25519 = s.crypto_sign_ed25519_pk_to_curve25519(recipient);
  return s.crypto_box_seal(key, x25519);
}

/** Opens a box sealed for this device; fails closed on any other box. */
export function openKeyForDevice(
  identity: DeviceIdentity,
  sealed: Uint8Array,
): Result<BilanKey, DeviceBoxError> {
  if (sealed.length !== SEALED_KEY_BYTES) return { ok: false, error: 'bad-length' };
  const s = lib();
  const publicKey = s.crypto_sign_ed25519_pk_to_curve25519(identity.publicKey);
  const secretKey = s.crypto_sign_ed25519_sk_to_curve25519(secretKeyOf(identity));
  try {
    const opened = s.crypto_box_seal_open(sealed, publicKey, secretKey);
    const key = bilanKeyFromBytes(opened);
    return key.ok ? key : { ok: false, error: 'unopenable' };
  } catch {
    return { ok: false, error: 'unopenable' };
  } finally {
    s.memzero(secretKey);
  }
}
