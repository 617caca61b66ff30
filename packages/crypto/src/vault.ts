/**
 * The device lock's vault. When the lock is on, every secret of the device's keystore is
 * sealed under a random 32-byte **vault key** (XChaCha20-Poly1305-IETF, the standard
 * libsodium build), and the vault key itself is kept only wrapped by the person's
 * passphrase in a passphrase box (passphrase.ts: Argon2id, then XChaCha20-Poly1305).
 * Unwrapping costs one Argon2id derivation; every record after that costs microseconds.
 *
 * A VaultKey object never shows its bytes (like a DeviceIdentity): logging or
 * serialising one leaks nothing, and the bytes can be wiped with destroyVaultKey.
 *
 * Vault box layout:
 *   version u8 (1) ‖ nonce (24) ‖ ciphertext (plaintext + 16-byte tag)
 * Additional data = UTF-8('tandem/v1/vault') ‖ 0x00 ‖ version ‖ UTF-8(context), where the
 * caller's context names the record (its store and primary key): a sealed value moved
 * to another record, or to another store, does not open.
 */
import { lib } from './sodium.ts';
import { randomBytes } from './keys.ts';
import { openWithPassphrase, sealWithPassphrase, type PassphraseOpenError } from './passphrase.ts';

export const VAULT_BOX_VERSION = 1;
/** The passphrase box's purpose for a wrapped vault key: it opens as nothing else. */
export const VAULT_KEY_PURPOSE = 'tandem-device-lock/1';
const VAULT_KEY_BYTES = 32;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const AD_PREFIX = 'tandem/v1/vault';

declare const vaultBrand: unique symbol;

export interface VaultKey {
  readonly [vaultBrand]: true;
}

const vaultKeys = new WeakMap<VaultKey, Uint8Array>();

function keyFromBytes(bytes: Uint8Array): VaultKey {
  const key = Object.freeze({}) as VaultKey;
  vaultKeys.set(key, Uint8Array.from(bytes));
  return key;
}

function bytesOf(key: VaultKey): Uint8Array {
  const bytes = vaultKeys.get(key);
  if (bytes === undefined) throw new TypeError('vault key destroyed or not made by @tandem/crypto');
  return bytes;
}

/** A new random vault key (after ready()). */
export function createVaultKey(): VaultKey {
  const bytes = randomBytes(VAULT_KEY_BYTES);
  const key = keyFromBytes(bytes);
  lib().memzero(bytes);
  return key;
}

/** Wipes the key's bytes; the object is unusable afterwards. */
export function destroyVaultKey(key: VaultKey): void {
  const bytes = vaultKeys.get(key);
  if (bytes === undefined) return;
  lib().memzero(bytes);
  vaultKeys.delete(key);
}

/** True when both objects hold the same key bytes (constant time). */
export function sameVaultKey(a: VaultKey, b: VaultKey): boolean {
  return lib().memcmp(bytesOf(a), bytesOf(b));
}

function additionalData(context: string): Uint8Array {
  return new TextEncoder().encode(`${AD_PREFIX}\u0000${VAULT_BOX_VERSION}${context}`);
}

/** Seals `plaintext` for the record named by `context`. */
export function sealInVault(key: VaultKey, context: string, plaintext: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  const ciphertext = lib().crypto_aead_xchacha20poly1305_ietf_encrypt(
    plaintext,
    additionalData(context),
    null,
    nonce,
    bytesOf(key),
  );
  const box = new Uint8Array(1 + NONCE_BYTES + ciphertext.length);
  box[0] = VAULT_BOX_VERSION;
  box.set(nonce, 1);
  box.set(ciphertext, 1 + NONCE_BYTES);
  return box;
}

/** Opens a vault box sealed for `context`; null for anything that does not authenticate. */
export function openFromVault(key: VaultKey, context: string, box: Uint8Array): Uint8Array | null {
  if (!(box instanceof Uint8Array) || box.length < 1 + NONCE_BYTES + TAG_BYTES) return null;
  if (box[0] !== VAULT_BOX_VERSION) return null;
  const s = lib(); // outside the try: "not ready" is a bug to surface, not a bad box
  const secret = bytesOf(key);
  try {
    return s.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      box.subarray(1 + NONCE_BYTES),
      additionalData(context),
      box.subarray(1, 1 + NONCE_BYTES),
      secret,
    );
  } catch {
    return null;
  }
}

/** The vault key in a passphrase box (one Argon2id derivation: about a second). */
export async function wrapVaultKey(key: VaultKey, passphrase: string): Promise<Uint8Array> {
  return sealWithPassphrase(passphrase, bytesOf(key), VAULT_KEY_PURPOSE);
}

export type UnwrapResult =
  | { readonly ok: true; readonly key: VaultKey }
  | { readonly ok: false; readonly error: PassphraseOpenError };

/**
 * Opens a wrapped vault key (one Argon2id derivation). A wrong passphrase and a modified
 * box both give 'wrong-passphrase-or-modified': authentication cannot tell them apart.
 */
export async function unwrapVaultKey(
  wrapped: Uint8Array,
  passphrase: string,
): Promise<UnwrapResult> {
  const opened = await openWithPassphrase(passphrase, wrapped, VAULT_KEY_PURPOSE);
  if (!opened.ok) return opened;
  if (opened.plaintext.length !== VAULT_KEY_BYTES) {
    lib().memzero(opened.plaintext);
    return { ok: false, error: 'wrong-passphrase-or-modified' };
  }
  const key = keyFromBytes(opened.plaintext);
  lib().memzero(opened.plaintext);
  return { ok: true, key };
}
