/**
 * Device identity: an Ed25519 key pair created once per device and kept in its local
 * keystore. The secret half never leaves this package except through exportIdentity
 * (for that keystore): a DeviceIdentity object only shows its public key, so logging
 * or serialising one cannot leak the secret.
 */
import { KeyError, PUBLIC_KEY_BYTES, type Result } from '@tandem/protocol';
import type { DevicePublicKey } from './keys.ts';
import { randomBytes } from './keys.ts';
import { lib } from './sodium.ts';

declare const identityBrand: unique symbol;

export interface DeviceIdentity {
  readonly publicKey: DevicePublicKey;
  readonly [identityBrand]: true;
}

/** What the keystore saves (IndexedDB structured clone keeps the Uint8Arrays). */
export interface StoredIdentity {
  readonly version: 1;
  readonly publicKey: Uint8Array;
  /** The Ed25519 seed; the key pair is re-derived from it on import. */
  readonly seed: Uint8Array;
}

const SEED_BYTES = 32;

// libsodium's 64-byte secret key (seed ‖ public key) and the seed, per identity object.
const secrets = new WeakMap<
  DeviceIdentity,
  { readonly secretKey: Uint8Array; readonly seed: Uint8Array }
>();

function identityFromSeed(seed: Uint8Array): DeviceIdentity {
  const pair = lib().crypto_sign_seed_keypair(seed);
  const identity = Object.freeze({
    publicKey: pair.publicKey as DevicePublicKey,
  }) as DeviceIdentity;
  secrets.set(identity, { secretKey: pair.privateKey, seed: Uint8Array.from(seed) });
  return identity;
}

export function createDeviceIdentity(): DeviceIdentity {
  return identityFromSeed(randomBytes(SEED_BYTES));
}

export function publicKeyOf(identity: DeviceIdentity): DevicePublicKey {
  return identity.publicKey;
}

/** Internal: the 64-byte signing key. Not exported from the package. */
export function secretKeyOf(identity: DeviceIdentity): Uint8Array {
  const secret = secrets.get(identity);
  if (secret === undefined) throw new TypeError('not a DeviceIdentity created by @tandem/crypto');
  return secret.secretKey;
}

export function exportIdentity(identity: DeviceIdentity): StoredIdentity {
  const secret = secrets.get(identity);
  if (secret === undefined) throw new TypeError('not a DeviceIdentity created by @tandem/crypto');
  return {
    version: 1,
    publicKey: Uint8Array.from(identity.publicKey),
    seed: Uint8Array.from(secret.seed),
  };
}

/** Parses what the keystore returned; the public key must match the one the seed gives. */
export function importIdentity(stored: unknown): Result<DeviceIdentity, KeyError> {
  if (typeof stored !== 'object' || stored === null)
    return { ok: false, error: KeyError.Malformed };
  const { version, publicKey, seed } = stored as Record<string, unknown>;
  if (typeof version !== 'number') return { ok: false, error: KeyError.Malformed };
  if (version !== 1) return { ok: false, error: KeyError.UnknownVersion };
  if (!(publicKey instanceof Uint8Array) || !(seed instanceof Uint8Array)) {
    return { ok: false, error: KeyError.Malformed };
  }
  if (publicKey.length !== PUBLIC_KEY_BYTES || seed.length !== SEED_BYTES) {
    return { ok: false, error: KeyError.BadLength };
  }
  const identity = identityFromSeed(seed);
  if (!lib().memcmp(identity.publicKey, publicKey)) return { ok: false, error: KeyError.Mismatch };
  return { ok: true, value: identity };
}
