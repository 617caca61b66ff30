// @vitest-environment happy-dom
import type { Editor } from '@tiptap/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  AUTHOR_HIGHLIGHT_DELAY_MS,
  AUTHOR_UNKNOWN_CLASS,
  authorHighlightRanges,
  type AuthorClass,
} from './author-highlight.ts';
import { createSynthesisEditor, type SynthesisEditor } from './synthesis-editor.ts';

const FIELD = 'synthesis:projet';
const COUNSELLOR = 101; // this device: the editor under test
const BENEFICIARY = 202; // the other party's device
const INTRUDER = 303; // someone who obtained the bilan link
const INTRUDER_LABEL = '3f2a 91c0 7b4e 22d1';

/** Three devices' copies of one section, kept in sync as a relay would. */
function devices() {
  const make = (clientID: number) => {
    const doc = new Y.Doc();
    doc.clientID = clientID;
    return doc;
  };
  const docs = [make(COUNSELLOR), make(BENEFICIARY), make(INTRUDER)] as const;
  for (const from of docs) {
    from.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'relay') return;
      for (const to of docs) if (to !== from) Y.applyUpdate(to, update, 'relay');
    });
  }
  const [counsellor, beneficiary, intruder] = docs.map((d) => d.getXmlFragment(FIELD));
  return { docs, counsellor: counsellor!, beneficiary: beneficiary!, intruder: intruder! };
}

/** Appends a block (`paragraph` or a heading level) holding `text`. */
function addBlock(fragment: Y.XmlFragment, text: string, level?: 3 | 4): void {
  const block = new Y.XmlElement(level ? 'heading' : 'paragraph');
  if (level) block.setAttribute('level', level as unknown as string);
  block.insert(0, [new Y.XmlText(text)]);
  fragment.insert(fragment.length, [block]);
}

/** Types `text` at `index` of block `block`'s text (as a device's editor would). */
function typeAt(fragment: Y.XmlFragment, block: number, index: number, text: string): void {
  const element = fragment.get(block) as Y.XmlElement;
  (element.get(0) as Y.XmlText).insert(index, text);
}

const mounted: SynthesisEditor[] = [];
afterEach(() => {
  while (mounted.length) mounted.pop()!.destroy();
  document.body.innerHTML = '';
});

function mount(
  fragment: Y.XmlFragment,
  classes: Map<number, AuthorClass> | null,
): { element: HTMLElement; editor: SynthesisEditor; tiptap: () => Editor } {
  const element = document.createElement('div');
  document.body.append(element);
  const editor = createSynthesisEditor({
    element,
    fragment,
    awareness: new Awareness(fragment.doc!),
    user: { name: 'Conseillère', color: '#1d4ed8' },
    label: 'Projet',
    ...(classes && {
      authorHighlight: {
        classify: (id: number) => classes.get(id) ?? { kind: 'trusted' },
        describe: (label: string) => `Texte d'un appareil inconnu (${label})`,
      },
    }),
  });
  mounted.push(editor);
  const tiptap = () =>
    (element.querySelector('.ProseMirror') as unknown as { editor: Editor }).editor;
  return { element, editor, tiptap };
}

/** The highlighted runs as the page shows them: adjacent spans of one device joined. */
function highlighted(element: HTMLElement): string[] {
  const runs: string[] = [];
  let previous: Element | null = null;
  for (const span of element.querySelectorAll(`.${AUTHOR_UNKNOWN_CLASS}`)) {
    const joined = previous !== null && previous.nextSibling === span;
    if (joined) runs[runs.length - 1] += span.textContent;
    else runs.push(span.textContent ?? '');
    previous = span;
  }
  return runs;
}

const unknown: AuthorClass = { kind: 'unknown', label: INTRUDER_LABEL };
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AuthorHighlight', () => {
  it("highlights exactly the unknown device's text, inside trusted paragraphs and headings", () => {
    const { counsellor, beneficiary, intruder } = devices();
    addBlock(counsellor, 'Projet de reconversion');
    addBlock(beneficiary, 'Objectifs', 3);
    addBlock(beneficiary, 'Devenir ébéniste.');
    const { element } = mount(counsellor, new Map([[INTRUDER, unknown]]));
    expect(highlighted(element)).toEqual([]);

    typeAt(intruder, 0, 7, 'FAUX '); // inside the counsellor's paragraph
    typeAt(intruder, 1, 0, 'Mes 🎯 '); // at the start of the beneficiary's heading
    typeAt(intruder, 2, 17, ' Ou pas.'); // at the end of the beneficiary's paragraph
    addBlock(intruder, 'Titre ajouté', 4);
    addBlock(intruder, 'Un paragraphe entier.');
    typeAt(beneficiary, 4, 3, 'vrai '); // a trusted edit inside the intruder's paragraph

    expect(counsellor.toJSON()).toContain('Projet FAUX de reconversion');
    expect(highlighted(element)).toEqual([
      'FAUX ',
      'Mes 🎯 ',
      ' Ou pas.',
      'Titre ajouté',
      'Un ',
      'paragraphe entier.',
    ]);
    const span = element.querySelector(`.${AUTHOR_UNKNOWN_CLASS}`)!;
    expect(span.getAttribute('data-author')).toBe(INTRUDER_LABEL);
    expect(span.getAttribute('title')).toBe(`Texte d'un appareil inconnu (${INTRUDER_LABEL})`);
    expect(span.closest('h4, h3, p')?.tagName).toBe('P');
    expect(element.querySelector(`h3 .${AUTHOR_UNKNOWN_CLASS}`)?.textContent).toBe('Mes 🎯 ');
    expect(element.querySelector(`h4 .${AUTHOR_UNKNOWN_CLASS}`)?.textContent).toBe('Titre ajouté');
  });

  it('maps positions past hard breaks, list items and formatted text', () => {
    const { counsellor, intruder } = devices();
    addBlock(counsellor, 'Début');
    const { element, tiptap } = mount(counsellor, new Map([[INTRUDER, unknown]]));
    const editor = tiptap();
    editor.chain().setTextSelection(6).setHardBreak().insertContent('après').run();
    editor.commands.insertContentAt(editor.state.doc.content.size, {
      type: 'bulletList',
      content: [
        {
          type: 'listItem',
          content: [
            {
              type: 'paragraph',
              content: [{ type: 'text', text: 'gras', marks: [{ type: 'bold' }] }],
            },
          ],
        },
      ],
    });
    expect(counsellor.toString()).toBe(
      '<paragraph>Début<hardbreak></hardbreak>après</paragraph>' +
        '<bulletlist><listitem><paragraph><bold>gras</bold></paragraph></listitem></bulletlist>',
    );
    const list = intruder.get(1) as Y.XmlElement;
    const item = (list.get(0) as Y.XmlElement).get(0) as Y.XmlElement;
    (item.get(0) as Y.XmlText).insert(2, 'XX', { bold: true });
    const paragraph = intruder.get(0) as Y.XmlElement;
    (paragraph.get(2) as Y.XmlText).insert(5, ' fin');

    expect(highlighted(element)).toEqual([' fin', 'XX']);
    expect(element.querySelector(`li .${AUTHOR_UNKNOWN_CLASS}`)?.textContent).toBe('XX');
  });

  it('highlights nothing when every device is trusted, or without the option', () => {
    const trusted = devices();
    addBlock(trusted.counsellor, 'Un');
    addBlock(trusted.beneficiary, 'Deux');
    typeAt(trusted.intruder, 0, 2, ' et trois');
    expect(highlighted(mount(trusted.counsellor, new Map()).element)).toEqual([]);
    expect(highlighted(mount(trusted.beneficiary, null).element)).toEqual([]);
  });

  it('follows a change of classification on refreshAuthors()', () => {
    const { counsellor, beneficiary, intruder } = devices();
    addBlock(counsellor, 'Texte commun');
    typeAt(intruder, 0, 5, 'ajouté ');
    typeAt(beneficiary, 0, 0, 'Notre ');
    const classes = new Map<number, AuthorClass>();
    const { element, editor } = mount(counsellor, classes);
    expect(highlighted(element)).toEqual([]);

    classes.set(INTRUDER, unknown); // its claim turned out to name no party's key
    editor.refreshAuthors();
    expect(highlighted(element)).toEqual(['ajouté ']);

    classes.set(BENEFICIARY, { kind: 'unknown', label: 'aaaa bbbb cccc dddd' });
    editor.refreshAuthors();
    expect(highlighted(element)).toEqual(['Notre ', 'ajouté ']);
    const labels = [...element.querySelectorAll(`.${AUTHOR_UNKNOWN_CLASS}`)].map((e) =>
      e.getAttribute('data-author'),
    );
    expect(labels).toEqual(['aaaa bbbb cccc dddd', INTRUDER_LABEL]);

    classes.clear(); // both devices pinned as trusted
    editor.refreshAuthors();
    expect(highlighted(element)).toEqual([]);
  });

  it('drops the highlight once the unknown text is deleted, here or on another device', () => {
    const { counsellor, beneficiary, intruder } = devices();
    addBlock(counsellor, 'Premier');
    addBlock(counsellor, 'Second');
    typeAt(intruder, 0, 7, ' intrus');
    typeAt(intruder, 1, 0, 'Autre ');
    const { element, tiptap } = mount(counsellor, new Map([[INTRUDER, unknown]]));
    expect(highlighted(element)).toEqual([' intrus', 'Autre ']);

    // Deleted by the beneficiary (a remote change).
    const second = (beneficiary.get(1) as Y.XmlElement).get(0) as Y.XmlText;
    second.delete(0, 6);
    expect(highlighted(element)).toEqual([' intrus']);

    // Partly, then wholly, deleted here (a local change).
    tiptap().commands.deleteRange({ from: 8, to: 12 }); // " int"
    expect(highlighted(element)).toEqual(['rus']);
    tiptap().commands.deleteRange({ from: 8, to: 11 });
    expect(highlighted(element)).toEqual([]);
    expect(counsellor.toString()).toBe(
      '<paragraph>Premier</paragraph><paragraph>Second</paragraph>',
    );
  });

  it('does not extend a highlight over text typed here inside it', async () => {
    const { counsellor, intruder } = devices();
    addBlock(counsellor, 'Avant ');
    typeAt(intruder, 0, 6, 'inconnu');
    const { element, tiptap } = mount(counsellor, new Map([[INTRUDER, unknown]]));
    tiptap().commands.insertContentAt(10, 'XYZ'); // "Avant inc|XYZ|onnu"
    await wait(AUTHOR_HIGHLIGHT_DELAY_MS * 2);
    expect(highlighted(element)).toEqual(['inc', 'onnu']);
    expect(authorHighlightRanges(tiptap().state)).toEqual([
      { from: 7, to: 10, label: INTRUDER_LABEL },
      { from: 13, to: 17, label: INTRUDER_LABEL },
    ]);
  });
});
