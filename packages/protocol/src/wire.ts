/**
 * The wire vocabulary shared by every Tandem byte format: the protocol version, the
 * kinds of sealed messages, the parties' roles, and every error code, defined once.
 * Byte layouts live beside this file (`sealed.ts`, `records.ts`, `link.ts`).
 */

/** Version byte at the head of every sealed message. Bump it to change the layout. */
export const PROTOCOL_VERSION = 1;

/** A parser's answer: a typed value or a typed error, never a half-parsed value. */
export type Result<T, E> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

// ---------------------------------------------------------------------------------------
// Message kinds (the clear-text kind byte of a sealed message)

/**
 * What a sealed message carries. 0 is never a kind, so an all-zero buffer is rejected;
 * new kinds take the next free byte and old receivers reject them as `unknown-kind`.
 */
export const MessageKind = {
  /** A y-protocols sync message (sync step 1, sync step 2 or update). */
  Sync: 1,
  /** A y-protocols awareness update (presence, carets). */
  Awareness: 2,
  /** A signed destroy order, announced (and re-announced) to the other party. */
  Tombstone: 3,
  /** Empty heartbeat on the relay topic: tells the other devices this one is online. */
  Presence: 4,
  /** A signed key rotation: the bilan moved to a new key, sealed for the admitted devices. */
  Rotation: 5,
} as const;

export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

const MESSAGE_KINDS: ReadonlySet<number> = new Set(Object.values(MessageKind));

export function isMessageKind(byte: number): byte is MessageKind {
  return MESSAGE_KINDS.has(byte);
}

/** A sealed relay message once opened, as a tagged union on its kind. */
export type WireMessage =
  | { readonly kind: typeof MessageKind.Sync; readonly payload: Uint8Array }
  | { readonly kind: typeof MessageKind.Awareness; readonly payload: Uint8Array }
  | { readonly kind: typeof MessageKind.Tombstone; readonly payload: Uint8Array }
  | { readonly kind: typeof MessageKind.Presence; readonly payload: Uint8Array }
  | { readonly kind: typeof MessageKind.Rotation; readonly payload: Uint8Array };

// ---------------------------------------------------------------------------------------
// Parties

/** The two parties of a bilan, with the byte each is encoded as in links and records. */
export const PartyRole = {
  counsellor: 1,
  beneficiary: 2,
} as const;

export type PartyRole = keyof typeof PartyRole;

// ---------------------------------------------------------------------------------------
// Error codes. Strings, so a counter or a test failure reads without a lookup table.

/** Why a sealed message was rejected. Nothing of its plaintext is ever returned. */
export const OpenError = {
  /** Zero bytes. */
  Empty: 'empty',
  /** Shorter than the header, nonce and tag. */
  Truncated: 'truncated',
  /** Longer than MAX_SEALED_BYTES; rejected before any decryption. */
  Oversize: 'oversize',
  /** Version byte this build does not speak. */
  UnknownVersion: 'unknown-version',
  /** Kind byte this build does not know. */
  UnknownKind: 'unknown-kind',
  /** Authentication failed: wrong key, wrong topic, altered kind, or tampered bytes. */
  DecryptFailed: 'decrypt-failed',
} as const;

export type OpenError = (typeof OpenError)[keyof typeof OpenError];

/** Why an invite/open link fragment was rejected. */
export const LinkError = {
  /** No fragment at all (the link was cut before `#`, or opened without one). */
  Empty: 'empty',
  /** The fragment is not a Tandem link (does not start with `v<digits>.`). */
  UnknownScheme: 'unknown-scheme',
  /** A Tandem link from a newer (or unknown) version. */
  UnknownVersion: 'unknown-version',
  /** Characters that are not base64url, or a non-canonical encoding. */
  BadBase64: 'bad-base64',
  /** Fewer bytes than a link carries: the link was cut when copied. */
  Truncated: 'truncated',
  /** More bytes than a link carries: something was pasted after it. */
  TooLong: 'too-long',
  /** The checksum does not match: a character was mistyped. */
  ChecksumMismatch: 'checksum-mismatch',
  /** The checksum matches but the role byte is not one we know. */
  BadRole: 'bad-role',
} as const;

export type LinkError = (typeof LinkError)[keyof typeof LinkError];

/** Why a signed record (or its signature) was rejected. */
export const RecordError = {
  Empty: 'empty',
  /** The bytes end inside a field. */
  Truncated: 'truncated',
  /** Bytes remain after the last field: encodings are canonical, so this is tampering. */
  TrailingBytes: 'trailing-bytes',
  UnknownVersion: 'unknown-version',
  /** Record-kind byte this build does not know. */
  UnknownKind: 'unknown-kind',
  /** An enumerated field (phase, mode, role, topic, reason) holds an unknown byte. */
  BadTag: 'bad-tag',
  /** A string field is not valid UTF-8, or is longer than its limit. */
  BadString: 'bad-string',
  /** A number or boolean outside its range (timestamps past 2^53, end before start, …). */
  OutOfRange: 'out-of-range',
  /** The record is not the kind the caller expected. */
  WrongKind: 'wrong-kind',
  /** The signature is not 64 bytes, or does not verify. */
  BadSignature: 'bad-signature',
  /** The record names a signer key other than the one it is verified against. */
  SignerMismatch: 'signer-mismatch',
} as const;

export type RecordError = (typeof RecordError)[keyof typeof RecordError];

/** Why key bytes from storage or a peer were rejected. */
export const KeyError = {
  /** Not the length this kind of key has. */
  BadLength: 'bad-length',
  /** A stored identity whose secret and public halves do not belong together. */
  Mismatch: 'mismatch',
  /** A stored identity in a format version this build does not read. */
  UnknownVersion: 'unknown-version',
  /** Not the shape of a stored identity at all. */
  Malformed: 'malformed',
} as const;

export type KeyError = (typeof KeyError)[keyof typeof KeyError];
