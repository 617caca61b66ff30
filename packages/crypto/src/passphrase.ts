/**
 * Passphrase boxes: bytes sealed under a key stretched from a passphrase with Argon2id
 * (crypto_pwhash), then XChaCha20-Poly1305-IETF. Used for files that leave the device
 * (the beneficiary's backup), where no device key can be assumed on the other end.
 *
 * crypto_pwhash exists only in libsodium's "sumo" build, several times larger than the
 * standard one; it is imported here on first use so that only an export or an import
 * of a backup ever loads it.
 *
 * Layout (all integers big-endian):
 *   magic "TDPB" (4) ‖ version u8 ‖ opslimit u32 ‖ memlimit in KiB u32 ‖ salt (16) ‖
 *   nonce (24) ‖ ciphertext (plaintext + 16-byte tag)
 * Additional data = the whole header (magic … nonce) ‖ UTF-8(purpose), so no header byte
 * can change and a box made for one purpose does not open as another.
 */
import type { Sodium } from './sodium.ts';

export const PASSPHRASE_BOX_MAGIC = 'TDPB';
export const PASSPHRASE_BOX_VERSION = 1;
const MAGIC_BYTES = 4;
const SALT_BYTES = 16;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HEADER_BYTES = MAGIC_BYTES + 1 + 4 + 4 + SALT_BYTES + NONCE_BYTES;

/** Argon2id cost used when sealing: libsodium's INTERACTIVE (2 passes, 64 MiB). */
export const PASSPHRASE_OPSLIMIT = 2;
export const PASSPHRASE_MEMLIMIT_KIB = 64 * 1024;
/** Largest costs accepted when opening: a crafted file must not make us allocate gigabytes. */
const MAX_OPSLIMIT = 10;
const MAX_MEMLIMIT_KIB = 256 * 1024;
const MIN_MEMLIMIT_KIB = 8 * 1024;

export type PassphraseOpenError =
  /** Not a passphrase box at all (wrong magic, too short). */
  | 'not-sealed'
  /** A box from a newer Tandem. */
  | 'unsupported-version'
  /** Costs outside what this version accepts (crafted or damaged header). */
  | 'unsupported-parameters'
  /** Authentication failed: wrong passphrase, or the file was modified. */
  | 'wrong-passphrase-or-modified';

export type PassphraseOpenResult =
  | { readonly ok: true; readonly plaintext: Uint8Array }
  | { readonly ok: false; readonly error: PassphraseOpenError };

let sumo: Promise<Sodium> | undefined;

async function loadSumo(): Promise<Sodium> {
  sumo ??= import('libsodium-wrappers-sumo').then(async ({ default: lib }) => {
    await lib.ready;
    return lib as unknown as Sodium;
  });
  return sumo;
}

function passphraseBytes(passphrase: string): Uint8Array {
  const normalised = passphrase.normalize('NFC');
  if (normalised.length === 0) throw new RangeError('the passphrase must not be empty');
  return new TextEncoder().encode(normalised);
}

function additionalData(header: Uint8Array, purpose: string): Uint8Array {
  const tail = new TextEncoder().encode(purpose);
  const ad = new Uint8Array(header.length + tail.length);
  ad.set(header);
  ad.set(tail, header.length);
  return ad;
}

function deriveKey(
  lib: Sodium,
  passphrase: Uint8Array,
  salt: Uint8Array,
  opslimit: number,
  memlimitKiB: number,
): Uint8Array {
  return lib.crypto_pwhash(
    KEY_BYTES,
    passphrase,
    salt,
    opslimit,
    memlimitKiB * 1024,
    lib.crypto_pwhash_ALG_ARGON2ID13,
  );
}

/**
 * Seals `plaintext` under `passphrase` for `purpose` (a fixed, versioned string such as
 * 'tandem-backup/1'). Takes a second or two: Argon2id is slow on purpose.
 */
export async function sealWithPassphrase(
  passphrase: string,
  plaintext: Uint8Array,
  purpose: string,
): Promise<Uint8Array> {
  const secret = passphraseBytes(passphrase);
  const lib = await loadSumo();
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(new TextEncoder().encode(PASSPHRASE_BOX_MAGIC), 0);
  header[MAGIC_BYTES] = PASSPHRASE_BOX_VERSION;
  view.setUint32(MAGIC_BYTES + 1, PASSPHRASE_OPSLIMIT);
  view.setUint32(MAGIC_BYTES + 5, PASSPHRASE_MEMLIMIT_KIB);
  header.set(salt, MAGIC_BYTES + 9);
  header.set(nonce, MAGIC_BYTES + 9 + SALT_BYTES);
  const key = deriveKey(lib, secret, salt, PASSPHRASE_OPSLIMIT, PASSPHRASE_MEMLIMIT_KIB);
  try {
    const ciphertext = lib.crypto_aead_xchacha20poly1305_ietf_encrypt(
      plaintext,
      additionalData(header, purpose),
      null,
      nonce,
      key,
    );
    const box = new Uint8Array(HEADER_BYTES + ciphertext.length);
    box.set(header);
    box.set(ciphertext, HEADER_BYTES);
    return box;
  } finally {
    lib.memzero(key);
  }
}

/** True if `bytes` starts like a passphrase box (cheap check before asking for a passphrase). */
export function isPassphraseBox(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC_BYTES) return false;
  return new TextDecoder().decode(bytes.subarray(0, MAGIC_BYTES)) === PASSPHRASE_BOX_MAGIC;
}

/** Opens a passphrase box; every failure is a typed error, never a partial plaintext. */
export async function openWithPassphrase(
  passphrase: string,
  box: Uint8Array,
  purpose: string,
): Promise<PassphraseOpenResult> {
  if (!isPassphraseBox(box)) return { ok: false, error: 'not-sealed' };
  if (box.length < MAGIC_BYTES + 1) return { ok: false, error: 'not-sealed' };
  if (box[MAGIC_BYTES] !== PASSPHRASE_BOX_VERSION) {
    return { ok: false, error: 'unsupported-version' };
  }
  if (box.length < HEADER_BYTES + TAG_BYTES) return { ok: false, error: 'not-sealed' };
  const header = box.subarray(0, HEADER_BYTES);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const opslimit = view.getUint32(MAGIC_BYTES + 1);
  const memlimitKiB = view.getUint32(MAGIC_BYTES + 5);
  if (
    opslimit < 1 ||
    opslimit > MAX_OPSLIMIT ||
    memlimitKiB < MIN_MEMLIMIT_KIB ||
    memlimitKiB > MAX_MEMLIMIT_KIB
  ) {
    return { ok: false, error: 'unsupported-parameters' };
  }
  const salt = header.subarray(MAGIC_BYTES + 9, MAGIC_BYTES + 9 + SALT_BYTES);
  const nonce = header.subarray(MAGIC_BYTES + 9 + SALT_BYTES, HEADER_BYTES);
  const secret = passphraseBytes(passphrase);
  const lib = await loadSumo();
  const key = deriveKey(lib, secret, salt, opslimit, memlimitKiB);
  try {
    const plaintext = lib.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      box.subarray(HEADER_BYTES),
      additionalData(header, purpose),
      nonce,
      key,
    );
    return { ok: true, plaintext };
  } catch {
    return { ok: false, error: 'wrong-passphrase-or-modified' };
  } finally {
    lib.memzero(key);
  }
}
