/**
 * Devices the counsellor shut out by changing the bilan key. Written into the document
 * under the new key — which only the admitted devices hold — so both parties show the
 * text such a device wrote before as coming from an excluded device, not as a live threat.
 */
import type * as Y from 'yjs';
import { fromHex, toHex } from './bytes.ts';
import { authorise, type AuthoriseError } from './parties.ts';
import { parsePublicKey, parseTime } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { excludedMap } from './schema.ts';

export type MarkExcludedError = AuthoriseError | 'invalid-key' | 'invalid-time';

/** Counsellor: records that these device keys were shut out at `at` (epoch ms). */
export function markExcluded(
  doc: Y.Doc,
  actorKey: Uint8Array,
  keys: readonly Uint8Array[],
  at: number,
): Result<void, MarkExcludedError> {
  const role = authorise(doc, actorKey, ['counsellor']);
  if (!role.ok) return role;
  if (parseTime(at) === null) return err('invalid-time');
  const parsed = keys.map(parsePublicKey);
  if (parsed.some((key) => key === null)) return err('invalid-key');
  const map = excludedMap(doc);
  doc.transact(() => {
    for (const key of parsed) if (key && !map.has(toHex(key))) map.set(toHex(key), at);
  });
  return ok(undefined);
}

/** True when `key` was recorded as shut out by a key change (with a plausible time). */
export function isExcluded(doc: Y.Doc, key: Uint8Array): boolean {
  return parsePublicKey(key) !== null && parseTime(excludedMap(doc).get(toHex(key))) !== null;
}

/** Hex of every excluded device key (entries of any other shape are ignored). */
export function excludedKeys(doc: Y.Doc): Set<string> {
  const keys = new Set<string>();
  excludedMap(doc).forEach((at, hex) => {
    const key = fromHex(hex);
    if (key !== null && key.length === 32 && parseTime(at) !== null) keys.add(hex);
  });
  return keys;
}
