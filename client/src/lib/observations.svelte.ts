import {
  addObservation,
  deleteObservation,
  editObservation,
  listObservations,
  observeObservations,
  type Observation,
  type ObservationError,
  SharedName,
  type SectionId,
} from '@tandem/workspace';
import type * as Y from 'yjs';

interface BilanContext {
  readonly doc: Y.Doc | null;
  readonly deviceKey: Uint8Array;
  noteActivity(): void;
}

/** The beneficiary's observations on the synthesis, as reactive state, and their edits. */
export class ObservationsState {
  list = $state.raw<Observation[]>([]);
  private readonly bilan: BilanContext;

  constructor(bilan: BilanContext) {
    this.bilan = bilan;
  }

  attach(doc: Y.Doc): () => void {
    this.list = listObservations(doc);
    const stopObservations = observeObservations(doc, (list) => (this.list = list));
    // Observations are only listed once the beneficiary is pinned (meta changes too).
    const refresh = () => (this.list = listObservations(doc));
    const meta = doc.getMap(SharedName.meta);
    meta.observe(refresh);
    return () => {
      stopObservations();
      meta.unobserve(refresh);
    };
  }

  add(text: string, section: SectionId | null): ObservationError | null {
    return this.write((doc, key) => addObservation(doc, key, { text, section }, Date.now()));
  }

  edit(id: string, text: string): ObservationError | null {
    return this.write((doc, key) => editObservation(doc, key, id, text, Date.now()));
  }

  remove(id: string): ObservationError | null {
    return this.write((doc, key) => deleteObservation(doc, key, id));
  }

  private write(
    writer: (
      doc: Y.Doc,
      actorKey: Uint8Array,
    ) => { ok: true } | { ok: false; error: ObservationError },
  ): ObservationError | null {
    const doc = this.bilan.doc;
    if (!doc) return 'not-initialised';
    const result = writer(doc, this.bilan.deviceKey);
    if (!result.ok) return result.error;
    this.bilan.noteActivity();
    return null;
  }
}
