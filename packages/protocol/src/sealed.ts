/**
 * Byte layout of a sealed relay message (the encryption itself is in @tandem/crypto):
 *
 *   version (1) ‖ kind (1) ‖ nonce (24) ‖ XChaCha20-Poly1305 ciphertext ‖ tag (16)
 *   additional data = UTF-8(topic) ‖ version ‖ kind
 *
 * DESIGN.md says "version ‖ nonce ‖ ciphertext" with the kind only in the additional
 * data. We also carry the kind in clear after the version: a receiver must know which
 * kind to put in the additional data before it can open the message, and the AD still
 * binds it, so a flipped kind byte fails authentication like any other tampering.
 * Version and kind are the last two AD bytes, fixed-size, so topic ‖ version ‖ kind
 * cannot be read two ways.
 */
import {
  AEAD_TAG_BYTES,
  MAX_SEALED_BYTES,
  NONCE_BYTES,
  SEALED_HEADER_BYTES,
  SEALED_OVERHEAD_BYTES,
} from './limits.ts';
import { encodeUtf8 } from './bytes.ts';
import {
  isMessageKind,
  OpenError,
  PROTOCOL_VERSION,
  type MessageKind,
  type Result,
} from './wire.ts';

const VERSION_OFFSET = 0;
const KIND_OFFSET = 1;
const NONCE_OFFSET = SEALED_HEADER_BYTES;
const CIPHERTEXT_OFFSET = NONCE_OFFSET + NONCE_BYTES;

/** A sealed message split into its fields; views into the input, nothing decrypted. */
export interface SealedParts {
  readonly version: typeof PROTOCOL_VERSION;
  readonly kind: MessageKind;
  readonly nonce: Uint8Array;
  /** Ciphertext followed by the 16-byte tag. */
  readonly ciphertext: Uint8Array;
}

/** Assembles header, nonce and ciphertext (with tag) into one sealed message. */
export function encodeSealedMessage(
  kind: MessageKind,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  if (!isMessageKind(kind)) throw new RangeError(`unknown message kind ${String(kind)}`);
  if (nonce.length !== NONCE_BYTES) throw new RangeError(`nonce must be ${NONCE_BYTES} bytes`);
  if (ciphertext.length < AEAD_TAG_BYTES) throw new RangeError('ciphertext shorter than its tag');
  const out = new Uint8Array(CIPHERTEXT_OFFSET + ciphertext.length);
  if (out.length > MAX_SEALED_BYTES)
    throw new RangeError(`sealed message over ${MAX_SEALED_BYTES} bytes`);
  out[VERSION_OFFSET] = PROTOCOL_VERSION;
  out[KIND_OFFSET] = kind;
  out.set(nonce, NONCE_OFFSET);
  out.set(ciphertext, CIPHERTEXT_OFFSET);
  return out;
}

/**
 * Checks a sealed message's size and header before any decryption. Size first, so an
 * oversize input costs nothing; then version, then kind.
 */
export function parseSealedMessage(sealed: Uint8Array): Result<SealedParts, OpenError> {
  if (sealed.length === 0) return { ok: false, error: OpenError.Empty };
  if (sealed.length > MAX_SEALED_BYTES) return { ok: false, error: OpenError.Oversize };
  if (sealed.length < SEALED_OVERHEAD_BYTES) return { ok: false, error: OpenError.Truncated };
  if (sealed[VERSION_OFFSET] !== PROTOCOL_VERSION)
    return { ok: false, error: OpenError.UnknownVersion };
  const kind = sealed[KIND_OFFSET]!;
  if (!isMessageKind(kind)) return { ok: false, error: OpenError.UnknownKind };
  return {
    ok: true,
    value: {
      version: PROTOCOL_VERSION,
      kind,
      nonce: sealed.subarray(NONCE_OFFSET, CIPHERTEXT_OFFSET),
      ciphertext: sealed.subarray(CIPHERTEXT_OFFSET),
    },
  };
}

/** Additional data bound to a sealed message: UTF-8(topic) ‖ version ‖ kind. */
export function sealedAdditionalData(topic: string, kind: MessageKind): Uint8Array {
  const topicBytes = encodeUtf8(topic);
  const ad = new Uint8Array(topicBytes.length + 2);
  ad.set(topicBytes, 0);
  ad[topicBytes.length] = PROTOCOL_VERSION;
  ad[topicBytes.length + 1] = kind;
  return ad;
}
