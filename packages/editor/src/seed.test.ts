import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fragmentText } from './word-count.ts';
import { seedEmptySection } from './seed.ts';

describe('seedEmptySection', () => {
  it('adds one empty paragraph to an empty section, and nothing after that', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('synthesis:projet');
    expect(seedEmptySection(fragment)).toBe(true);
    expect(seedEmptySection(fragment)).toBe(false);
    expect(fragment.toString()).toBe('<paragraph></paragraph>');
    expect(fragmentText(fragment)).toBe('');
  });

  it('lets two parties who start typing at once share that first paragraph', () => {
    const origin = new Y.Doc();
    seedEmptySection(origin.getXmlFragment('synthesis:projet'));
    const [a, b] = [new Y.Doc(), new Y.Doc()];
    const state = Y.encodeStateAsUpdate(origin);
    Y.applyUpdate(a, state);
    Y.applyUpdate(b, state);
    const type = (doc: Y.Doc, text: string) => {
      const paragraph = doc.getXmlFragment('synthesis:projet').get(0) as Y.XmlElement;
      paragraph.insert(0, [new Y.XmlText(text)]);
    };
    type(a, 'Un ');
    type(b, 'Deux');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const fa = a.getXmlFragment('synthesis:projet');
    expect(fa.length).toBe(1);
    expect(fa.toString()).toBe(b.getXmlFragment('synthesis:projet').toString());
  });
});
