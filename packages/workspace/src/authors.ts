/**
 * Who wrote what: each device, when it opens a bilan, signs a claim binding the Yjs
 * client id of that session to its device key and stores it in the `authors` map. Any
 * Yjs item (a run of text, a row) can then be attributed through its `id.client`: to a
 * pinned party, to an unknown device (a key that is not pinned — shown with its
 * fingerprint), or to nobody (no valid claim: a modified client or a forged update).
 *
 * Claims are self-signed: they prove which key wrote under a client id, not that the key
 * is welcome; `classifyAuthor` compares the key with the (anchored) pins. A key holder
 * can still write under someone else's client id with a crafted update — Yjs client ids
 * are not authenticated (docs/security.md) — so this exposes the honest-but-unwelcome
 * device (a forwarded link opened in Tandem), not a determined forger.
 */
import { bytesEqual, type AuthorClaim, type PartyRole } from '@tandem/protocol';
import type * as Y from 'yjs';
import { fromHex, toHex } from './bytes.ts';
import { readMeta, type Role } from './meta.ts';
import { roleOfKey } from './parties.ts';
import { err, ok, type Result } from './result.ts';
import { authorsMap } from './schema.ts';
import { decodeSignedEntry, encodeSignedEntry, type VerifyRecord } from './signed.ts';

/** What a Yjs client id is to this device. */
export type AuthorKind =
  | { readonly kind: 'party'; readonly role: Role }
  | { readonly kind: 'unknown'; readonly publicKey: Uint8Array }
  | { readonly kind: 'unclaimed' };

const CLIENT_ID_MAX = 0xffff_ffff;

/** The claim a device signs for the Yjs client id of its session. */
export function authorClaim(
  bilanId: string,
  clientId: number,
  signerRole: PartyRole,
  signerKey: Uint8Array,
): AuthorClaim | null {
  if (!Number.isInteger(clientId) || clientId < 0 || clientId > CLIENT_ID_MAX) return null;
  return { kind: 'author', bilanId, clientId, signerRole, signerKey: Uint8Array.from(signerKey) };
}

export type StoreAuthorClaimError = 'invalid-record';

/** Stores a signed claim (idempotent: a device re-claiming its client id changes nothing). */
export function storeAuthorClaim(
  doc: Y.Doc,
  claim: AuthorClaim,
  signature: Uint8Array,
): Result<void, StoreAuthorClaimError> {
  const envelope = encodeSignedEntry(claim, signature);
  if (envelope === null) return err('invalid-record');
  const key = claimKey(claim.clientId, claim.signerKey);
  const map = authorsMap(doc);
  const existing = map.get(key);
  if (!(existing instanceof Uint8Array && bytesEqual(existing, envelope))) map.set(key, envelope);
  return ok(undefined);
}

/**
 * The keys that validly claim each client id of this bilan. Entries that do not decode,
 * name another bilan, disagree with their map key or fail verification are left out.
 */
export function verifiedAuthors(doc: Y.Doc, verify: VerifyRecord): Map<number, Uint8Array[]> {
  const bilanId = readMeta(doc).bilanId;
  const byClient = new Map<number, Uint8Array[]>();
  if (bilanId === null) return byClient;
  authorsMap(doc).forEach((value, key) => {
    const entry = decodeSignedEntry(value);
    if (entry === null || entry.record.kind !== 'author') return;
    const record = entry.record;
    if (record.bilanId !== bilanId || key !== claimKey(record.clientId, record.signerKey)) return;
    let valid = false;
    try {
      valid = verify(record.signerKey, record, entry.signature) === true;
    } catch {
      valid = false;
    }
    if (!valid) return;
    const keys = byClient.get(record.clientId) ?? [];
    keys.push(record.signerKey);
    byClient.set(record.clientId, keys);
  });
  return byClient;
}

/**
 * Classifies a client id against verified claims and the pins. Several keys claiming one
 * client id: a party only if every one of them is that same party, else the first
 * unpinned key (unknown wins: a device trying to pass as a party must not hide).
 */
export function classifyAuthor(
  doc: Y.Doc,
  authors: ReadonlyMap<number, readonly Uint8Array[]>,
  clientId: number,
): AuthorKind {
  const keys = authors.get(clientId);
  if (!keys || keys.length === 0) return { kind: 'unclaimed' };
  const meta = readMeta(doc);
  const roles = keys.map((key) => roleOfKey(meta, key));
  const unknownAt = roles.indexOf('unknown');
  if (unknownAt >= 0) return { kind: 'unknown', publicKey: keys[unknownAt]! };
  const [first] = roles;
  if (first !== 'unknown' && first !== undefined && roles.every((role) => role === first)) {
    return { kind: 'party', role: first };
  }
  return { kind: 'unknown', publicKey: keys[0]! };
}

/** Map key: "<client id>.<hex key>", so claims by different keys never overwrite each other. */
function claimKey(clientId: number, signerKey: Uint8Array): string {
  return `${clientId}.${toHex(signerKey)}`;
}

/** Parses a map key back (tests, inspection). */
export function parseClaimKey(key: string): { clientId: number; signerKey: Uint8Array } | null {
  const [id, hex] = key.split('.');
  const clientId = Number(id);
  const signerKey = hex === undefined ? null : fromHex(hex);
  if (!Number.isInteger(clientId) || signerKey === null || signerKey.length !== 32) return null;
  return { clientId, signerKey };
}
