import * as Y from 'yjs';

/**
 * Gives an empty section its first (empty) paragraph, once, on the device that creates
 * the bilan. Without it, two parties typing into a brand-new section at the same moment
 * would each create that first paragraph, and the section would start with two.
 * Only structure is written, never content: the editor does not `setContent`.
 * Imports Yjs only, so the creation screen does not load the editor.
 */
export function seedEmptySection(fragment: Y.XmlFragment): boolean {
  if (fragment.length > 0) return false;
  fragment.insert(0, [new Y.XmlElement('paragraph')]);
  return true;
}
