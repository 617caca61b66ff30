import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sectionFragment } from './schema.ts';
import {
  canonicalSynthesis,
  countWords,
  sectionText,
  sectionTree,
  SECTIONS,
  synthesisHash,
  synthesisText,
  synthesisWordCount,
} from './synthesis.ts';
import { hash, syncAll } from './test-support.ts';

/** Appends a block the way y-prosemirror stores it: element › text with marks. */
function addBlock(
  parent: Y.XmlFragment | Y.XmlElement,
  name: string,
  runs: [string, Record<string, unknown>?][],
  attrs: Record<string, string> = {},
): Y.XmlElement {
  const element = new Y.XmlElement(name);
  parent.insert(parent.length, [element]);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value);
  if (runs.length > 0) {
    const text = new Y.XmlText();
    element.insert(0, [text]);
    for (const [chunk, marks] of runs) text.insert(text.length, chunk, marks ?? {});
  }
  return element;
}

function sampleDoc(): Y.Doc {
  const doc = new Y.Doc();
  const circ = sectionFragment(doc, 'circonstances');
  addBlock(circ, 'heading', [['Origine de la demande']], { level: '3' });
  addBlock(circ, 'paragraph', [
    ['Demande de ', {}],
    ['reconversion', { bold: {} }],
    [' après 12 ans.', {}],
  ]);
  const list = addBlock(sectionFragment(doc, 'competences'), 'bulletList', []);
  const item = addBlock(list, 'listItem', []);
  addBlock(item, 'paragraph', [['Gestion de projet']]);
  const item2 = addBlock(list, 'listItem', []);
  addBlock(item2, 'paragraph', [['Savoir-être : écoute']]);
  const p = addBlock(sectionFragment(doc, 'projet'), 'paragraph', [['Voir ']]);
  p.insert(p.length, [new Y.XmlElement('hardBreak')]);
  const tail = new Y.XmlText();
  p.insert(p.length, [tail]);
  tail.insert(0, 'France Travail', { link: { href: 'https://www.francetravail.fr' } });
  return doc;
}

describe('synthesis reading', () => {
  it('has the three sections in order', () => {
    expect(SECTIONS.map((s) => s.id)).toEqual(['circonstances', 'competences', 'projet']);
  });

  it('extracts plain text, one line per block', () => {
    const doc = sampleDoc();
    expect(sectionText(doc, 'circonstances')).toBe(
      'Origine de la demande\nDemande de reconversion après 12 ans.',
    );
    expect(sectionText(doc, 'competences')).toBe('Gestion de projet\nSavoir-être : écoute');
    expect(sectionText(doc, 'projet')).toBe('Voir \nFrance Travail');
    expect(synthesisText(doc).split('\n\n')).toHaveLength(3);
  });

  it('counts words like the editor does', () => {
    expect(countWords("l'analyse du conseiller·ère — 12 ans !")).toBe(5);
    expect(countWords('   ')).toBe(0);
    const counts = synthesisWordCount(sampleDoc());
    expect(counts).toEqual({ circonstances: 10, competences: 5, projet: 3, total: 18 });
  });

  it('exposes a typed tree with marks and attributes for exports', () => {
    const tree = sectionTree(sampleDoc(), 'circonstances');
    expect(tree[0]).toEqual({
      type: 'element',
      name: 'heading',
      attrs: { level: '3' },
      children: [{ type: 'text', runs: [{ text: 'Origine de la demande', marks: {} }] }],
    });
    const paragraph = tree[1];
    expect(paragraph?.type === 'element' && paragraph.children[0]).toEqual({
      type: 'text',
      runs: [
        { text: 'Demande de ', marks: {} },
        { text: 'reconversion', marks: { bold: {} } },
        { text: ' après 12 ans.', marks: {} },
      ],
    });
  });

  it('reads an empty document as empty sections', () => {
    const doc = new Y.Doc();
    expect(synthesisWordCount(doc).total).toBe(0);
    expect(sectionTree(doc, 'projet')).toEqual([]);
  });
});

describe('canonical synthesis and its hash', () => {
  it('is identical on two peers that converged from concurrent edits', () => {
    const a = sampleDoc();
    const b = new Y.Doc();
    syncAll(a, b);
    addBlock(sectionFragment(a, 'projet'), 'paragraph', [['Projet principal : formatrice']]);
    addBlock(sectionFragment(b, 'projet'), 'paragraph', [['Projet alternatif : RH']]);
    expect(canonicalSynthesis(a)).not.toBe(canonicalSynthesis(b));
    syncAll(a, b);
    expect(canonicalSynthesis(a)).toBe(canonicalSynthesis(b));
    expect(synthesisHash(a, hash)).toEqual(synthesisHash(b, hash));
  });

  it('changes with text, formatting, links and structure', () => {
    const doc = sampleDoc();
    const seen = new Set([canonicalSynthesis(doc)]);
    const edits: ((d: Y.Doc) => void)[] = [
      (d) => addBlock(sectionFragment(d, 'circonstances'), 'paragraph', [['x']]),
      (d) => firstText(d, 'competences').format(0, 7, { italic: {} }),
      (d) => firstText(d, 'projet', 1).format(0, 6, { link: { href: 'https://evil.example' } }),
      (d) =>
        (sectionFragment(d, 'circonstances').get(0) as Y.XmlElement).setAttribute('level', '4'),
      (d) => firstText(d, 'competences').insert(0, ' '),
    ];
    for (const edit of edits) {
      edit(doc);
      const canonical = canonicalSynthesis(doc);
      expect(seen.has(canonical)).toBe(false);
      seen.add(canonical);
    }
  });

  it('is stable JSON with a format tag', () => {
    const parsed = JSON.parse(canonicalSynthesis(sampleDoc())) as {
      format: string;
      sections: { id: string }[];
    };
    expect(parsed.format).toBe('tandem-synthesis/1');
    expect(parsed.sections.map((s) => s.id)).toEqual(['circonstances', 'competences', 'projet']);
  });

  it('returns null when the injected hash misbehaves', () => {
    expect(synthesisHash(sampleDoc(), () => new Uint8Array(3))).toBeNull();
  });

  it('never throws on hostile content', () => {
    const doc = new Y.Doc();
    const frag = sectionFragment(doc, 'projet');
    let parent: Y.XmlFragment | Y.XmlElement = frag;
    for (let i = 0; i < 200; i++) parent = addBlock(parent, 'blockquote', []);
    addBlock(parent, 'paragraph', [['too deep']]);
    const odd = addBlock(frag, 'paragraph', [
      ['odd', { weird: { n: 10n, b: new Uint8Array([1]) } }],
    ]);
    odd.setAttribute('data', 'x');
    frag.insert(frag.length, [new Y.XmlText('loose text')]);
    frag.insert(frag.length, [new Y.XmlHook('hook') as unknown as Y.XmlElement]);
    expect(() => canonicalSynthesis(doc)).not.toThrow();
    expect(sectionText(doc, 'projet')).toContain('loose text');
    expect(sectionText(doc, 'projet')).not.toContain('too deep');
  });
});

function firstText(doc: Y.Doc, section: 'competences' | 'projet', index = 0): Y.XmlText {
  const found: Y.XmlText[] = [];
  const walk = (node: Y.XmlFragment | Y.XmlElement) => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) found.push(child);
      else if (child instanceof Y.XmlElement) walk(child);
    }
  };
  walk(sectionFragment(doc, section));
  const text = found[index];
  if (!text) throw new Error('no text');
  return text;
}
