/**
 * The shape of a bilan's Y.Doc: the names of its top-level shared types, each owned by
 * one module. Only the owner writes its type; everybody reads through the owner's parsers.
 *
 * Every shared type is top-level on purpose. Top-level types are identified by name, so
 * two peers "creating" one concurrently get the same type; a type created inside a Y.Map
 * under the same key by two peers would keep only one side's content.
 */
import * as Y from 'yjs';

/** Ids of the synthesis sections, in document order (see DOMAIN.md). */
export const SECTION_IDS = ['circonstances', 'competences', 'projet'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export const SharedName = {
  /** Settings and parties (meta.ts, parties.ts, phases.ts): Y.Map<unknown>. */
  meta: 'meta',
  /** Action plan rows (action-plan.ts): Y.Map<rowId, Y.Map>. */
  actionPlan: 'actionPlan',
  /** Sessions of the hours ledger (ledger.ts, attendance.ts): Y.Map<sessionId, Y.Map>. */
  ledger: 'ledger',
  /** Signed consent decisions (consents.ts): Y.Array<Uint8Array>, append-only. */
  consents: 'consents',
  /** The beneficiary's observations on the synthesis (observations.ts): Y.Map<id, object>. */
  observations: 'observations',
  /** Signed validations of the synthesis (validation.ts): Y.Array<Uint8Array>. */
  validations: 'validations',
  /** Signed destroy orders (tombstone.ts): Y.Array<Uint8Array>. */
  tombstone: 'tombstone',
  /** The beneficiary's satisfaction answers (satisfaction.ts): Y.Map<survey, object>. */
  satisfaction: 'satisfaction',
  /** Signed claims binding Yjs client ids to device keys (authors.ts): Y.Map<key, Uint8Array>. */
  authors: 'authors',
  /** Device keys shut out by a key change (exclusions.ts): Y.Map<hex key, epoch ms>. */
  excluded: 'excluded',
} as const;
export type SharedName = (typeof SharedName)[keyof typeof SharedName];

/** Top-level name of a synthesis section's Y.XmlFragment. */
export function sectionFragmentName(section: SectionId): `synthesis:${SectionId}` {
  return `synthesis:${section}`;
}

/** Every top-level name a bilan uses (for tests, inspection and purge). */
export const ALL_SHARED_NAMES: readonly string[] = [
  ...Object.values(SharedName),
  ...SECTION_IDS.map(sectionFragmentName),
];

export const metaMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(SharedName.meta);
export const actionPlanMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(SharedName.actionPlan);
export const ledgerMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(SharedName.ledger);
export const consentsArray = (doc: Y.Doc): Y.Array<unknown> => doc.getArray(SharedName.consents);
export const observationsMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(SharedName.observations);
export const validationsArray = (doc: Y.Doc): Y.Array<unknown> =>
  doc.getArray(SharedName.validations);
export const tombstoneArray = (doc: Y.Doc): Y.Array<unknown> => doc.getArray(SharedName.tombstone);
export const satisfactionMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(SharedName.satisfaction);
export const authorsMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(SharedName.authors);
export const excludedMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(SharedName.excluded);

/** The section's Y.XmlFragment — what the editor binds to. Never seeded: headings are UI labels. */
export function sectionFragment(doc: Y.Doc, section: SectionId): Y.XmlFragment {
  return doc.getXmlFragment(sectionFragmentName(section));
}

/**
 * Calls `listener` after any change to the bilan, local or remote (one call per transaction).
 * Returns the function that stops listening.
 */
export function observeBilan(doc: Y.Doc, listener: (origin: unknown) => void): () => void {
  const handler = (_update: Uint8Array, origin: unknown) => listener(origin);
  doc.on('update', handler);
  return () => doc.off('update', handler);
}
