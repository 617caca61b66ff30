/**
 * The synthesis (document de synthèse): three sections, each a top-level Y.XmlFragment the
 * editor binds to. Here: reading it without an editor — a typed tree for exports, plain text
 * and word count, and the canonical serialisation whose hash the beneficiary signs.
 */
import * as Y from 'yjs';
import { canonicalJson, toJsonValue, type JsonValue } from './canonical-json.ts';
import { HASH_BYTES } from './limits.ts';
import { SECTION_IDS, sectionFragment, type SectionId } from './schema.ts';
import type { HashBytes } from './signed.ts';

export { SECTION_IDS, sectionFragment, type SectionId } from './schema.ts';

/**
 * The sections in order with the optional practice topics each may cover (DOMAIN.md).
 * Titles and hints are UI text: the client maps these ids to French and English.
 */
export const SECTIONS = [
  { id: 'circonstances', topics: ['origin-of-request', 'conditions', 'request-and-objectives'] },
  {
    id: 'competences',
    topics: ['savoirs', 'savoir-faire', 'savoir-etre', 'aptitudes', 'strengths', 'vigilance'],
  },
  {
    id: 'projet',
    topics: ['professional-project', 'training-project', 'alternative-project', 'main-steps'],
  },
] as const satisfies readonly { id: SectionId; topics: readonly string[] }[];

/** A run of text with its marks (Tiptap's bold, italic, link {href}…). */
export interface TextRun {
  readonly text: string;
  readonly marks: Readonly<Record<string, JsonValue>>;
}

/** A node of a section, as stored by the ProseMirror binding. */
export type SynthesisNode =
  | {
      readonly type: 'element';
      /** ProseMirror node name: 'paragraph', 'heading', 'bulletList', 'listItem', 'hardBreak'… */
      readonly name: string;
      readonly attrs: Readonly<Record<string, JsonValue>>;
      readonly children: readonly SynthesisNode[];
    }
  | { readonly type: 'text'; readonly runs: readonly TextRun[] };

/** Elements nested deeper than this are dropped: no real synthesis gets close. */
const MAX_TREE_DEPTH = 48;
/** Inline nodes: part of the line around them, not blocks of their own. */
const INLINE_NODES: ReadonlySet<string> = new Set(['hardBreak', 'image', 'mention']);

/** The content of one section as a typed tree. Never throws on odd content. */
export function sectionTree(doc: Y.Doc, section: SectionId): SynthesisNode[] {
  return childrenOf(sectionFragment(doc, section), 0);
}

function childrenOf(parent: Y.XmlFragment | Y.XmlElement, depth: number): SynthesisNode[] {
  if (depth > MAX_TREE_DEPTH) return [];
  const nodes: SynthesisNode[] = [];
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlText) {
      const runs = textRuns(child);
      if (runs.length > 0) nodes.push({ type: 'text', runs });
    } else if (child instanceof Y.XmlElement) {
      const attrs = toJsonValue(child.getAttributes());
      nodes.push({
        type: 'element',
        name: child.nodeName,
        attrs: attrs !== null && typeof attrs === 'object' && !Array.isArray(attrs) ? attrs : {},
        children: childrenOf(child, depth + 1),
      });
    }
  }
  return nodes;
}

function textRuns(text: Y.XmlText): TextRun[] {
  const runs: TextRun[] = [];
  for (const op of text.toDelta() as { insert?: unknown; attributes?: unknown }[]) {
    if (typeof op.insert !== 'string' || op.insert.length === 0) continue;
    const marks = toJsonValue(op.attributes ?? {});
    runs.push({
      text: op.insert,
      marks: marks !== null && typeof marks === 'object' && !Array.isArray(marks) ? marks : {},
    });
  }
  return runs;
}

/** Plain text of a section: one line per block, hard breaks as new lines. */
export function sectionText(doc: Y.Doc, section: SectionId): string {
  const lines: string[] = [];
  collectLines(sectionTree(doc, section), lines);
  return lines.join('\n');
}

function collectLines(nodes: readonly SynthesisNode[], lines: string[]): void {
  let line: string | null = null;
  const flush = () => {
    if (line !== null) lines.push(line);
    line = null;
  };
  for (const node of nodes) {
    if (node.type === 'text') {
      line = (line ?? '') + node.runs.map((r) => r.text).join('');
    } else if (node.name === 'hardBreak') {
      line = (line ?? '') + '\n';
    } else if (INLINE_NODES.has(node.name)) {
      line = line ?? '';
    } else {
      flush();
      collectLines(node.children, lines);
    }
  }
  flush();
}

/** Plain text of the whole synthesis, sections separated by a blank line. */
export function synthesisText(doc: Y.Doc): string {
  return SECTION_IDS.map((id) => sectionText(doc, id)).join('\n\n');
}

// Same rule as @tandem/editor's live count: a word is a run of non-space characters with
// at least one letter or digit, so "conseiller·ère" and "l'analyse" count once.
const TOKEN = /\S+/gu;
const WORDLIKE = /[\p{L}\p{N}]/u;

export function countWords(text: string): number {
  let count = 0;
  for (const match of text.matchAll(TOKEN)) if (WORDLIKE.test(match[0])) count += 1;
  return count;
}

/** Word count per section and in total. */
export function synthesisWordCount(doc: Y.Doc): { total: number } & Record<SectionId, number> {
  const counts = Object.fromEntries(
    SECTION_IDS.map((id) => [id, countWords(sectionText(doc, id))]),
  ) as Record<SectionId, number>;
  return { ...counts, total: SECTION_IDS.reduce((sum, id) => sum + counts[id], 0) };
}

/** Format tag inside the canonical serialisation; bump it if the layout ever changes. */
export const SYNTHESIS_CANONICAL_FORMAT = 'tandem-synthesis/1';

/**
 * One string per synthesis content: structure, text, marks and attributes of the three
 * sections, keys sorted. Formatting and links are included — the beneficiary validates
 * what they read, and a changed link is a changed document.
 */
export function canonicalSynthesis(doc: Y.Doc): string {
  return canonicalJson({
    format: SYNTHESIS_CANONICAL_FORMAT,
    sections: SECTION_IDS.map((id) => ({ id, content: sectionTree(doc, id).map(nodeJson) })),
  });
}

function nodeJson(node: SynthesisNode): JsonValue {
  if (node.type === 'text') return { t: node.runs.map((r) => [r.text, { ...r.marks }]) };
  return { n: node.name, a: { ...node.attrs }, c: node.children.map(nodeJson) };
}

/** Hash of the canonical synthesis (the value a validation signs); null if `hash` misbehaves. */
export function synthesisHash(doc: Y.Doc, hash: HashBytes): Uint8Array | null {
  const digest = hash(new TextEncoder().encode(canonicalSynthesis(doc)));
  return digest instanceof Uint8Array && digest.length === HASH_BYTES ? digest : null;
}
