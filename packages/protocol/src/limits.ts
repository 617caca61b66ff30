/**
 * Every size and limit of Tandem's byte formats, in one place, unit in the name.
 * `@tandem/crypto` checks its libsodium constants against these at start-up.
 */

/** Random bytes in a bilan id (carried raw in links and records, base64url elsewhere). */
export const BILAN_ID_BYTES = 16;
/** Bytes of a bilan key K. */
export const BILAN_KEY_BYTES = 32;
/** Bytes of an Ed25519 public key. */
export const PUBLIC_KEY_BYTES = 32;
/** Bytes of an Ed25519 detached signature. */
export const SIGNATURE_BYTES = 64;
/** Bytes of a BLAKE2b-256 digest (e.g. the hash of a validated synthesis). */
export const HASH_BYTES = 32;

/** XChaCha20-Poly1305-IETF public nonce. */
export const NONCE_BYTES = 24;
/** Poly1305 authentication tag appended to every ciphertext. */
export const AEAD_TAG_BYTES = 16;
/** Clear-text header of a sealed message: version byte, kind byte. */
export const SEALED_HEADER_BYTES = 2;
/** What sealing adds to a plaintext. */
export const SEALED_OVERHEAD_BYTES = SEALED_HEADER_BYTES + NONCE_BYTES + AEAD_TAG_BYTES;
/** Largest sealed message accepted; longer input is rejected before any decryption. */
export const MAX_SEALED_BYTES = 1024 * 1024;
/** Largest plaintext that can be sealed: 1 MiB minus the envelope. */
export const MAX_PLAINTEXT_BYTES = MAX_SEALED_BYTES - SEALED_OVERHEAD_BYTES;

/** Longest session or consent id in a signed record, in UTF-8 bytes. */
export const MAX_RECORD_ID_BYTES = 64;
/** Longest third-party name in a consent record, in UTF-8 bytes. */
export const MAX_THIRD_PARTY_BYTES = 256;
/** Longest relay topic named in a key rotation, in UTF-8 bytes. */
export const MAX_TOPIC_BYTES = 64;
/** Devices a key rotation can re-share the new key with. */
export const MAX_ROTATION_RECIPIENTS = 8;
/** A bilan key sealed for one device: X25519 ephemeral key (32) ‖ key (32) ‖ tag (16). */
export const SEALED_KEY_BYTES = 32 + BILAN_KEY_BYTES + AEAD_TAG_BYTES;
