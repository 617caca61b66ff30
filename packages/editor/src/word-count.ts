import * as Y from 'yjs';

// A word is a run of non-space characters holding at least one letter or digit, so
// punctuation on its own ("—", "•") does not count and "conseiller·ère" or "l'analyse"
// count once, as word processors do.
const TOKEN = /\S+/gu;
const WORDLIKE = /[\p{L}\p{N}]/u;

export function countWords(text: string): number {
  let count = 0;
  for (const match of text.matchAll(TOKEN)) {
    if (WORDLIKE.test(match[0])) count += 1;
  }
  return count;
}

/**
 * Plain text of a Y.XmlFragment bound to ProseMirror, one line per block, read from the
 * shared type directly so it works without an editor (home list, exports, benchmarks).
 */
export function fragmentText(fragment: Y.XmlFragment): string {
  const lines: string[] = [];
  collectBlocks(fragment, lines);
  return lines.join('\n');
}

function collectBlocks(parent: Y.XmlFragment | Y.XmlElement, lines: string[]): void {
  let inline = '';
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlText) {
      inline += textOf(child);
    } else if (child instanceof Y.XmlElement) {
      if (inline) {
        lines.push(inline);
        inline = '';
      }
      collectBlocks(child, lines);
    }
  }
  if (inline) lines.push(inline);
}

function textOf(text: Y.XmlText): string {
  let out = '';
  for (const op of text.toDelta() as { insert?: unknown }[]) {
    if (typeof op.insert === 'string') out += op.insert;
  }
  return out;
}

export function fragmentWordCount(fragment: Y.XmlFragment): number {
  return countWords(fragmentText(fragment));
}
