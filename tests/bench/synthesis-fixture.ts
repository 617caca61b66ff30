/**
 * The 10,000-word synthesis of the cold-join benchmark: three Y.XmlFragment sections of
 * paragraphs, named as in the workspace schema, written paragraph by paragraph with
 * every 7th word bold (so the document has formatting items, as a real one does).
 */
import * as Y from 'yjs';

export const SYNTHESIS_SECTIONS = ['circonstances', 'competences', 'projet'] as const;
const WORDS_PER_PARAGRAPH = 25;
const PARAGRAPHS_PER_SECTION = 134; // 3 × 134 × 25 = 10,050 words
export const VOCABULARY = (
  'compétences projet formation métier expérience parcours entretien objectif ' +
  'accompagnement synthèse valeurs motivation reconversion atelier secteur ' +
  'employeur qualification enquête réseau calendrier étape ressources points forts'
).split(' ');

const fragment = (doc: Y.Doc, section: string) => doc.getXmlFragment(`synthesis:${section}`);

/** Fills `doc` with the synthesis; returns the number of words written. */
export function writeSynthesis(doc: Y.Doc): number {
  let words = 0;
  for (const section of SYNTHESIS_SECTIONS) {
    const sectionFragment = fragment(doc, section);
    for (let p = 0; p < PARAGRAPHS_PER_SECTION; p++) {
      doc.transact(() => {
        const text = new Y.XmlText();
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.insert(0, [text]);
        sectionFragment.insert(sectionFragment.length, [paragraph]);
        for (let w = 0; w < WORDS_PER_PARAGRAPH; w++, words++) {
          const word = `${VOCABULARY[(words * 7 + p) % VOCABULARY.length]} `;
          text.insert(text.length, word, words % 7 === 0 ? { bold: true } : {});
        }
      });
    }
  }
  return words;
}

/** True once every paragraph of every section is in `doc` (a sync applies it at once). */
export const hasSynthesis = (doc: Y.Doc): boolean =>
  SYNTHESIS_SECTIONS.every((section) => fragment(doc, section).length === PARAGRAPHS_PER_SECTION);
