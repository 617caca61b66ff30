/**
 * A bilan id is 16 random bytes. It travels raw in links and signed records, and as
 * canonical base64url (22 characters) everywhere else.
 */
import { decodeBase64url, encodeBase64url } from './base64url.ts';
import { BILAN_ID_BYTES } from './limits.ts';

/** The 16 bytes behind a bilan id, or undefined if `bilanId` is not one. */
export function bilanIdToBytes(bilanId: string): Uint8Array | undefined {
  const bytes = decodeBase64url(bilanId);
  return bytes?.length === BILAN_ID_BYTES ? bytes : undefined;
}

export function bilanIdFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== BILAN_ID_BYTES)
    throw new RangeError(`a bilan id is ${BILAN_ID_BYTES} bytes`);
  return encodeBase64url(bytes);
}

export function isBilanId(text: string): boolean {
  return bilanIdToBytes(text) !== undefined;
}
