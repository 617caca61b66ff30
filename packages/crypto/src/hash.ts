/** Hashes over libsodium's BLAKE2b (crypto_generichash). */
import { HASH_BYTES, PUBLIC_KEY_BYTES } from '@tandem/protocol';
import { lib } from './sodium.ts';

const FINGERPRINT_DOMAIN = 'tandem/v1/fingerprint';

/**
 * A short human form of a public key for the two parties to compare aloud:
 * 4 groups of 4 hex digits of BLAKE2b-64(domain ‖ key), e.g. `3f9a 0c21 77be d410`.
 */
export function fingerprint(publicKey: Uint8Array): string {
  if (publicKey.length !== PUBLIC_KEY_BYTES) throw new RangeError('a public key is 32 bytes');
  const s = lib();
  const domain = s.from_string(FINGERPRINT_DOMAIN);
  const input = new Uint8Array(domain.length + publicKey.length);
  input.set(domain, 0);
  input.set(publicKey, domain.length);
  const hex = s.to_hex(s.crypto_generichash(8, input, null));
  return hex.match(/.{4}/g)!.join(' ');
}

/** BLAKE2b-256 of `bytes` (e.g. the synthesis a validation record covers). */
export function hashBytes(bytes: Uint8Array): Uint8Array {
  return lib().crypto_generichash(HASH_BYTES, bytes, null);
}
