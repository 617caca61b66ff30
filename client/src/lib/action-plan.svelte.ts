import {
  addRow,
  deleteRow,
  listRows,
  moveRow,
  observeActionPlan,
  updateField,
  type ActionPlanError,
  type ActionRow,
  type ActionRowField,
  type ActionRowFields,
  type MoveTarget,
} from '@tandem/workspace';
import type * as Y from 'yjs';

interface BilanContext {
  readonly doc: Y.Doc | null;
  readonly deviceKey: Uint8Array;
  noteActivity(): void;
}

/** The action plan's rows as reactive state, and its edits (through @tandem/workspace). */
export class ActionPlanState {
  rows = $state.raw<ActionRow[]>([]);
  private readonly bilan: BilanContext;

  constructor(bilan: BilanContext) {
    this.bilan = bilan;
  }

  attach(doc: Y.Doc): () => void {
    this.rows = listRows(doc);
    return observeActionPlan(doc, (rows) => (this.rows = rows));
  }

  /** Adds an empty row at the end; returns its id, or null if refused. */
  add(): string | null {
    const result = this.write((doc, key) => addRow(doc, key));
    return result.ok ? result.value : null;
  }

  update<K extends ActionRowField>(
    rowId: string,
    field: K,
    value: ActionRowFields[K],
  ): ActionPlanError | null {
    const result = this.write((doc, key) => updateField(doc, key, rowId, field, value));
    return result.ok ? null : result.error;
  }

  move(rowId: string, to: MoveTarget): ActionPlanError | null {
    const result = this.write((doc, key) => moveRow(doc, key, rowId, to));
    return result.ok ? null : result.error;
  }

  remove(rowId: string): ActionPlanError | null {
    const result = this.write((doc, key) => deleteRow(doc, key, rowId));
    return result.ok ? null : result.error;
  }

  private write<T>(
    writer: (
      doc: Y.Doc,
      actorKey: Uint8Array,
    ) => { ok: true; value: T } | { ok: false; error: ActionPlanError },
  ): { ok: true; value: T } | { ok: false; error: ActionPlanError } {
    const doc = this.bilan.doc;
    if (!doc) return { ok: false, error: 'not-initialised' };
    const result = writer(doc, this.bilan.deviceKey);
    if (result.ok) this.bilan.noteActivity();
    return result;
  }
}
