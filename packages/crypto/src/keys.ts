/**
 * Branded key types and random ids. A brand only exists at compile time: it stops a
 * DocKey being passed where a BilanKey is expected, or a string where either is.
 * Never log these values.
 */
import {
  BILAN_ID_BYTES,
  BILAN_KEY_BYTES,
  KeyError,
  PUBLIC_KEY_BYTES,
  encodeBase64url,
  type Result,
} from '@tandem/protocol';
import { lib } from './sodium.ts';

/** The bilan key K: 32 random bytes; everything else about a bilan is derived from it. */
export type BilanKey = Uint8Array & { readonly __brand: 'BilanKey' };
/** XChaCha20-Poly1305 key sealing relay-borne messages, derived from K. */
export type DocKey = Uint8Array & { readonly __brand: 'DocKey' };
/** y-webrtc's room password (encrypts signaling), derived from K. */
export type RtcPassword = string & { readonly __brand: 'RtcPassword' };
/** A device's Ed25519 public key. */
export type DevicePublicKey = Uint8Array & { readonly __brand: 'DevicePublicKey' };

export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** A random id: `bytes` random bytes as base64url (16 bytes → 22 characters). */
export function randomId(bytes = 16): string {
  return encodeBase64url(randomBytes(bytes));
}

export function createBilanKey(): BilanKey {
  return randomBytes(BILAN_KEY_BYTES) as BilanKey;
}

/** A new bilan id (16 random bytes, base64url); it names the bilan, it is not secret. */
export function createBilanId(): string {
  return randomId(BILAN_ID_BYTES);
}

/** Brands K's bytes from a parsed link or the keystore; copies them. */
export function bilanKeyFromBytes(bytes: Uint8Array): Result<BilanKey, KeyError> {
  if (!(bytes instanceof Uint8Array) || bytes.length !== BILAN_KEY_BYTES) {
    return { ok: false, error: KeyError.BadLength };
  }
  return { ok: true, value: Uint8Array.from(bytes) as BilanKey };
}

/**
 * True when stored key bytes are this bilan key, compared in constant time (it is a
 * secret). A stored value of the wrong length is simply not the key.
 */
export function sameBilanKey(stored: Uint8Array, key: BilanKey): boolean {
  return stored.length === key.length && lib().memcmp(stored, key);
}

/** Brands a peer's public key (e.g. pinned in the document); copies it. */
export function devicePublicKeyFromBytes(bytes: Uint8Array): Result<DevicePublicKey, KeyError> {
  if (!(bytes instanceof Uint8Array) || bytes.length !== PUBLIC_KEY_BYTES) {
    return { ok: false, error: KeyError.BadLength };
  }
  return { ok: true, value: Uint8Array.from(bytes) as DevicePublicKey };
}
