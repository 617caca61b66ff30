/**
 * The beneficiary's observations on the synthesis, kept beside it (DOMAIN.md: the synthesis
 * is submitted for their observations before it is final). Only the beneficiary writes them
 * — they may add, correct and delete their own at any time; the counsellor answers by
 * revising the synthesis, not by replying here. Entries not written by the pinned
 * beneficiary key are ignored when reading.
 */
import { bytesEqual } from '@tandem/protocol';
import type * as Y from 'yjs';
import { newId } from './ids.ts';
import { MAX_OBSERVATION_CHARS } from './limits.ts';
import { readMeta } from './meta.ts';
import { authorise, type AuthoriseError } from './parties.ts';
import { isOneOf, isPlainObject, parseId, parsePublicKey, parseText, parseTime } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { observationsMap, SECTION_IDS, type SectionId } from './schema.ts';

export interface Observation {
  readonly id: string;
  readonly text: string;
  /** The section it is about, or null for the synthesis as a whole. */
  readonly section: SectionId | null;
  readonly at: number;
  /** Last correction, or null if never edited. */
  readonly editedAt: number | null;
}

/** The beneficiary's observations, oldest first. Never throws. */
export function listObservations(doc: Y.Doc): Observation[] {
  const beneficiary = readMeta(doc).beneficiary;
  if (beneficiary === null) return [];
  const list: Observation[] = [];
  for (const [key, value] of observationsMap(doc).entries()) {
    const id = parseId(key);
    if (id === null || !isPlainObject(value)) continue;
    const author = parsePublicKey(value.authorKey);
    const text = parseText(value.text, MAX_OBSERVATION_CHARS);
    const at = parseTime(value.at);
    if (!author || !bytesEqual(author, beneficiary.publicKey) || text === null || at === null) {
      continue;
    }
    const section = isOneOf(value.section, SECTION_IDS) ? value.section : null;
    list.push({ id, text, section, at, editedAt: parseTime(value.editedAt) });
  }
  return list.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
}

export type ObservationError =
  AuthoriseError | 'invalid-text' | 'invalid-section' | 'invalid-time' | 'no-such-observation';

/** Adds an observation (beneficiary only); returns its id. */
export function addObservation(
  doc: Y.Doc,
  actorKey: Uint8Array,
  input: { readonly text: string; readonly section?: SectionId | null },
  now: number,
): Result<string, ObservationError> {
  const role = authorise(doc, actorKey, ['beneficiary']);
  if (!role.ok) return role;
  const text = parseText(input.text, MAX_OBSERVATION_CHARS);
  if (text === null) return err('invalid-text');
  const section = input.section ?? null;
  if (section !== null && !isOneOf(section, SECTION_IDS)) return err('invalid-section');
  if (parseTime(now) === null) return err('invalid-time');
  const id = newId();
  observationsMap(doc).set(id, { authorKey: new Uint8Array(actorKey), text, section, at: now });
  return ok(id);
}

/** Corrects the text of one of the beneficiary's observations. */
export function editObservation(
  doc: Y.Doc,
  actorKey: Uint8Array,
  id: string,
  text: string,
  now: number,
): Result<void, ObservationError> {
  const role = authorise(doc, actorKey, ['beneficiary']);
  if (!role.ok) return role;
  const existing = listObservations(doc).find((o) => o.id === id);
  if (existing === undefined) return err('no-such-observation');
  const parsed = parseText(text, MAX_OBSERVATION_CHARS);
  if (parsed === null) return err('invalid-text');
  if (parseTime(now) === null) return err('invalid-time');
  observationsMap(doc).set(id, {
    authorKey: new Uint8Array(actorKey),
    text: parsed,
    section: existing.section,
    at: existing.at,
    editedAt: now,
  });
  return ok(undefined);
}

/** Deletes one of the beneficiary's observations. */
export function deleteObservation(
  doc: Y.Doc,
  actorKey: Uint8Array,
  id: string,
): Result<void, ObservationError> {
  const role = authorise(doc, actorKey, ['beneficiary']);
  if (!role.ok) return role;
  if (!listObservations(doc).some((o) => o.id === id)) return err('no-such-observation');
  observationsMap(doc).delete(id);
  return ok(undefined);
}

/** Calls `listener` with the observations after every change. Returns unsubscribe. */
export function observeObservations(
  doc: Y.Doc,
  listener: (observations: Observation[]) => void,
): () => void {
  const map = observationsMap(doc);
  const handler = () => listener(listObservations(doc));
  map.observe(handler);
  return () => map.unobserve(handler);
}
