/**
 * The action plan: rows co-edited live by both parties.
 *
 * Storage: `actionPlan` is a Y.Map of rowId → Y.Map row, and each row carries a fractional
 * `order` key (fractional-index.ts). DESIGN.md sketched a Y.Array of rows; a keyed map is
 * safer because a Y.Array can only "move" by delete + re-insert of a copy, which drops a
 * concurrent edit made on the old copy and duplicates a row moved by both parties at once.
 * Here a move rewrites one key of one row: concurrent edits to other fields of that row
 * merge, and two concurrent moves resolve to one position (last writer wins) on every peer.
 * Two parties editing the same cell at once: last writer wins for that cell — the UI should
 * write on change/blur, not per keystroke. Deleting a row wins over a concurrent edit of it.
 */
import * as Y from 'yjs';
import { isOrderKey, keyBetween } from './fractional-index.ts';
import { newId } from './ids.ts';
import { MAX_CELL_CHARS } from './limits.ts';
import { authorise, type AuthoriseError } from './parties.ts';
import { asYMap, isOneOf, parseId, parseIsoDate, readText } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { actionPlanMap } from './schema.ts';

export const FUNDING_SOURCES = [
  'cpf',
  'transitions-pro',
  'france-travail',
  'employer',
  'vae',
  'other',
] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

/** à faire / en cours / fait / abandonné. */
export const ROW_STATUSES = ['a_faire', 'en_cours', 'fait', 'abandonne'] as const;
export type RowStatus = (typeof ROW_STATUSES)[number];

/** Which project a row serves: the main one or the alternative one. */
export const LINKED_PROJECTS = ['main', 'alternative'] as const;
export type LinkedProject = (typeof LINKED_PROJECTS)[number];

export interface ActionRowFields {
  readonly objective: string;
  readonly action: string;
  /** 'YYYY-MM-DD' or null. */
  readonly deadline: string | null;
  readonly funding: readonly FundingSource[];
  /** Free text: resources needed (training, contacts, documents…). */
  readonly resources: string;
  /** Contact or owner of the action. */
  readonly contact: string;
  /** Indicator of success. */
  readonly indicator: string;
  readonly status: RowStatus;
  readonly project: LinkedProject;
}

export type ActionRowField = keyof ActionRowFields;
export const ACTION_ROW_FIELDS: readonly ActionRowField[] = [
  'objective',
  'action',
  'deadline',
  'funding',
  'resources',
  'contact',
  'indicator',
  'status',
  'project',
];

export interface ActionRow extends ActionRowFields {
  readonly id: string;
}

type TextField = 'objective' | 'action' | 'resources' | 'contact' | 'indicator';
const ORDER = 'order';

export const EMPTY_ROW: ActionRowFields = {
  objective: '',
  action: '',
  deadline: null,
  funding: [],
  resources: '',
  contact: '',
  indicator: '',
  status: 'a_faire',
  project: 'main',
};

/** Validates one field value for writing; null if invalid. */
export function parseFieldValue<K extends ActionRowField>(
  field: K,
  value: unknown,
): ActionRowFields[K] | null {
  return parseField(field, value) as ActionRowFields[K] | null;
}

function parseField(field: ActionRowField, value: unknown): unknown {
  switch (field) {
    case 'deadline':
      return value === null ? null : parseIsoDate(value);
    case 'funding':
      if (!Array.isArray(value) || !value.every((v) => isOneOf(v, FUNDING_SOURCES))) return null;
      return FUNDING_SOURCES.filter((source) => value.includes(source));
    case 'status':
      return isOneOf(value, ROW_STATUSES) ? value : null;
    case 'project':
      return isOneOf(value, LINKED_PROJECTS) ? value : null;
    default:
      return typeof value === 'string' && value.length <= MAX_CELL_CHARS ? value : null;
  }
}

interface StoredRow {
  readonly row: ActionRow;
  /** Valid order key, or null for garbage (such rows sort last, by id). */
  readonly order: string | null;
}

function readRow(id: string, map: Y.Map<unknown>): StoredRow {
  const text = (key: TextField) => readText(map.get(key), MAX_CELL_CHARS);
  const funding = map.get('funding');
  const order = map.get(ORDER);
  const status = map.get('status');
  const project = map.get('project');
  return {
    order: isOrderKey(order) ? order : null,
    row: {
      id,
      objective: text('objective'),
      action: text('action'),
      deadline: parseIsoDate(map.get('deadline')),
      funding: Array.isArray(funding) ? FUNDING_SOURCES.filter((s) => funding.includes(s)) : [],
      resources: text('resources'),
      contact: text('contact'),
      indicator: text('indicator'),
      status: isOneOf(status, ROW_STATUSES) ? status : 'a_faire',
      project: isOneOf(project, LINKED_PROJECTS) ? project : 'main',
    },
  };
}

function storedRows(doc: Y.Doc): StoredRow[] {
  const rows: StoredRow[] = [];
  for (const [key, value] of actionPlanMap(doc).entries()) {
    const id = parseId(key);
    const map = asYMap(value);
    if (id !== null && map !== null) rows.push(readRow(id, map));
  }
  return rows.sort(compareRows);
}

function compareRows(a: StoredRow, b: StoredRow): number {
  if (a.order !== null && b.order !== null && a.order !== b.order)
    return a.order < b.order ? -1 : 1;
  if (a.order === null && b.order !== null) return 1;
  if (a.order !== null && b.order === null) return -1;
  return a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0;
}

/** The rows in display order, every field validated (garbage reads as empty/default). */
export function listRows(doc: Y.Doc): ActionRow[] {
  return storedRows(doc).map((s) => s.row);
}

export type ActionPlanError = AuthoriseError | 'no-such-row' | 'invalid-value';

export interface AddRowOptions {
  /** Insert after this row; `null` = at the top; omitted = at the end. */
  readonly after?: string | null;
  readonly fields?: Partial<ActionRowFields>;
}

/** Adds a row (either party) and returns its id. */
export function addRow(
  doc: Y.Doc,
  actorKey: Uint8Array,
  options: AddRowOptions = {},
): Result<string, ActionPlanError> {
  const role = authorise(doc, actorKey, ['counsellor', 'beneficiary']);
  if (!role.ok) return role;
  const fields: Record<string, unknown> = { ...EMPTY_ROW };
  for (const [field, value] of Object.entries(options.fields ?? {})) {
    if (!(ACTION_ROW_FIELDS as readonly string[]).includes(field)) return err('invalid-value');
    const parsed = parseField(field as ActionRowField, value);
    if (parsed === null && !(field === 'deadline' && value === null)) return err('invalid-value');
    fields[field] = parsed;
  }
  const rows = storedRows(doc);
  let index = rows.length;
  if (options.after === null) index = 0;
  else if (options.after !== undefined) {
    const at = rows.findIndex((r) => r.row.id === options.after);
    if (at < 0) return err('no-such-row');
    index = at + 1;
  }
  const id = newId();
  doc.transact(() => {
    const order = orderKeyAt(doc, rows, index);
    const row = new Y.Map<unknown>();
    for (const [field, value] of Object.entries(fields)) if (value !== null) row.set(field, value);
    row.set(ORDER, order);
    actionPlanMap(doc).set(id, row);
  });
  return ok(id);
}

/** Sets one field of a row after validating it (either party). */
export function updateField<K extends ActionRowField>(
  doc: Y.Doc,
  actorKey: Uint8Array,
  rowId: string,
  field: K,
  value: ActionRowFields[K],
): Result<void, ActionPlanError> {
  const role = authorise(doc, actorKey, ['counsellor', 'beneficiary']);
  if (!role.ok) return role;
  const row = rowMap(doc, rowId);
  if (row === null) return err('no-such-row');
  if (!ACTION_ROW_FIELDS.includes(field)) return err('invalid-value');
  const parsed = parseField(field, value);
  if (parsed === null) {
    if (field !== 'deadline' || value !== null) return err('invalid-value');
    row.delete(field);
  } else {
    row.set(field, parsed);
  }
  return ok(undefined);
}

/** Where to move a row: one step up or down, or to an index of the displayed list. */
export type MoveTarget = 'up' | 'down' | { readonly index: number };

/** Moves a row by rewriting its order key only (either party). */
export function moveRow(
  doc: Y.Doc,
  actorKey: Uint8Array,
  rowId: string,
  to: MoveTarget,
): Result<void, ActionPlanError> {
  const role = authorise(doc, actorKey, ['counsellor', 'beneficiary']);
  if (!role.ok) return role;
  const rows = storedRows(doc);
  const from = rows.findIndex((r) => r.row.id === rowId);
  if (from < 0) return err('no-such-row');
  const target = to === 'up' ? from - 1 : to === 'down' ? from + 1 : to.index;
  if (!Number.isSafeInteger(target)) return err('invalid-value');
  const clamped = Math.max(0, Math.min(rows.length - 1, target));
  if (clamped === from) return ok(undefined);
  const others = rows.filter((r) => r.row.id !== rowId);
  doc.transact(() => {
    const order = orderKeyAt(doc, others, clamped);
    rowMap(doc, rowId)?.set(ORDER, order);
  });
  return ok(undefined);
}

/** Deletes a row (either party). */
export function deleteRow(
  doc: Y.Doc,
  actorKey: Uint8Array,
  rowId: string,
): Result<void, ActionPlanError> {
  const role = authorise(doc, actorKey, ['counsellor', 'beneficiary']);
  if (!role.ok) return role;
  if (rowMap(doc, rowId) === null) return err('no-such-row');
  actionPlanMap(doc).delete(rowId);
  return ok(undefined);
}

/** Calls `listener` with the current rows after every change to the plan. Returns unsubscribe. */
export function observeActionPlan(doc: Y.Doc, listener: (rows: ActionRow[]) => void): () => void {
  const map = actionPlanMap(doc);
  const handler = () => listener(listRows(doc));
  map.observeDeep(handler);
  return () => map.unobserveDeep(handler);
}

function rowMap(doc: Y.Doc, rowId: string): Y.Map<unknown> | null {
  return parseId(rowId) === null ? null : asYMap(actionPlanMap(doc).get(rowId));
}

/**
 * An order key that places a row at `index` of `rows` (sorted, without that row). Rows with
 * garbage keys are given valid ones first (they sort last anyway). When neighbours share a
 * key (concurrent inserts), the new key goes just after the shared one.
 */
function orderKeyAt(doc: Y.Doc, rows: StoredRow[], index: number): string {
  const keys = repairOrderKeys(doc, rows);
  const before = keys[index - 1] ?? null;
  const after = keys.slice(index).find((key) => before === null || key > before) ?? null;
  return keyBetween(before, after);
}

function repairOrderKeys(doc: Y.Doc, rows: StoredRow[]): string[] {
  const keys: string[] = [];
  for (const stored of rows) {
    if (stored.order !== null) {
      keys.push(stored.order);
      continue;
    }
    const key = keyBetween(keys[keys.length - 1] ?? null, null);
    rowMap(doc, stored.row.id)?.set(ORDER, key);
    keys.push(key);
  }
  return keys;
}
