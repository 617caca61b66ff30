/**
 * The two parties and their device keys. The counsellor is pinned when the bilan is
 * created, the beneficiary when they join; the first pin wins and is never replaced.
 * Every write of the domain API names the acting device's key and is authorised here.
 */
import { bytesEqual } from '@tandem/protocol';
import type * as Y from 'yjs';
import { MAX_NAME_CHARS } from './limits.ts';
import { MetaKey, readMeta, type BilanMeta, type Party, type Role } from './meta.ts';
import { parsePublicKey, parseText } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { metaMap } from './schema.ts';
import type { PinnedKeys } from './signed.ts';

/** What a device is to this bilan: one of the two pinned parties, or an unknown device. */
export type DeviceRole = Role | 'unknown';

/** Classifies a device public key against the pinned parties. Never throws. */
export function classifyDevice(doc: Y.Doc, publicKey: Uint8Array): DeviceRole {
  return roleOfKey(readMeta(doc), publicKey);
}

/** Same as `classifyDevice`, from already-read meta. */
export function roleOfKey(meta: BilanMeta, publicKey: Uint8Array): DeviceRole {
  if (!(publicKey instanceof Uint8Array)) return 'unknown';
  if (meta.counsellor && bytesEqual(meta.counsellor.publicKey, publicKey)) return 'counsellor';
  if (meta.beneficiary && bytesEqual(meta.beneficiary.publicKey, publicKey)) return 'beneficiary';
  return 'unknown';
}

/** The pinned keys, for signature checks. */
export function pinnedKeys(meta: BilanMeta): PinnedKeys {
  return {
    counsellor: meta.counsellor?.publicKey ?? null,
    beneficiary: meta.beneficiary?.publicKey ?? null,
  };
}

export type AuthoriseError = 'not-initialised' | 'unknown-device' | 'not-allowed';

/** The actor's role if it is a pinned party allowed to do this; used by every writer. */
export function authorise(
  doc: Y.Doc,
  actorKey: Uint8Array,
  allowed: readonly Role[],
): Result<Role, AuthoriseError> {
  const meta = readMeta(doc);
  if (meta.bilanId === null || meta.counsellor === null) return err('not-initialised');
  const role = roleOfKey(meta, actorKey);
  if (role === 'unknown') return err('unknown-device');
  return allowed.includes(role) ? ok(role) : err('not-allowed');
}

export type PinBeneficiaryError =
  'not-initialised' | 'invalid-name' | 'invalid-key' | 'counsellor-key' | 'already-pinned';

/**
 * Pins the beneficiary's device key and name when they join. The first pin wins: joining
 * again with the same key succeeds (`'already-pinned-same-key'`), another key is refused.
 * If two devices pin concurrently, Yjs keeps one deterministically on every peer; the other
 * device then reads as 'unknown' through `classifyDevice`.
 */
export function pinBeneficiary(
  doc: Y.Doc,
  beneficiary: { readonly name: string; readonly publicKey: Uint8Array },
): Result<'pinned' | 'already-pinned-same-key', PinBeneficiaryError> {
  const meta = readMeta(doc);
  if (meta.bilanId === null || meta.counsellor === null) return err('not-initialised');
  const name = parseText(beneficiary.name, MAX_NAME_CHARS);
  if (name === null) return err('invalid-name');
  const publicKey = parsePublicKey(beneficiary.publicKey);
  if (publicKey === null) return err('invalid-key');
  if (bytesEqual(publicKey, meta.counsellor.publicKey)) return err('counsellor-key');
  if (meta.beneficiary !== null) {
    return bytesEqual(meta.beneficiary.publicKey, publicKey)
      ? ok('already-pinned-same-key')
      : err('already-pinned');
  }
  metaMap(doc).set(MetaKey.beneficiary, { name, publicKey } satisfies Party);
  return ok('pinned');
}

export type RenameError = AuthoriseError | 'invalid-name';

/** Changes the acting party's own display name; the pinned key never changes. */
export function renameSelf(
  doc: Y.Doc,
  actorKey: Uint8Array,
  name: string,
): Result<void, RenameError> {
  const role = authorise(doc, actorKey, ['counsellor', 'beneficiary']);
  if (!role.ok) return role;
  const parsed = parseText(name, MAX_NAME_CHARS);
  if (parsed === null) return err('invalid-name');
  const party = readMeta(doc)[role.value];
  if (party === null) return err('not-initialised');
  metaMap(doc).set(MetaKey[role.value], { name: parsed, publicKey: party.publicKey });
  return ok(undefined);
}
