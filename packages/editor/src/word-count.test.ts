import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { countWords, fragmentText, fragmentWordCount } from './word-count.ts';

describe('countWords', () => {
  it('counts whitespace-separated words holding a letter or digit', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('   \n\t ')).toBe(0);
    expect(countWords('Projet principal : reconversion')).toBe(3);
    expect(countWords("l'analyse de la demande — 24 h")).toBe(6);
    expect(countWords('conseiller·ère et bénéficiaire')).toBe(3);
    expect(countWords('• — …')).toBe(0);
  });
});

describe('fragmentText', () => {
  it('reads block text from the shared type, one line per block, marks ignored', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('synthesis:projet');
    const heading = new Y.XmlElement('heading');
    heading.setAttribute('level', '3');
    const headingText = new Y.XmlText();
    heading.insert(0, [headingText]);
    const paragraph = new Y.XmlElement('paragraph');
    const paragraphText = new Y.XmlText();
    paragraph.insert(0, [paragraphText]);
    const list = new Y.XmlElement('bulletList');
    const item = new Y.XmlElement('listItem');
    const itemParagraph = new Y.XmlElement('paragraph');
    const itemText = new Y.XmlText();
    itemParagraph.insert(0, [itemText]);
    item.insert(0, [itemParagraph]);
    list.insert(0, [item]);
    fragment.insert(0, [heading, paragraph, list]);
    headingText.insert(0, 'Projet principal');
    paragraphText.insert(0, 'Devenir ');
    paragraphText.insert(8, 'formatrice', { bold: {} });
    itemText.insert(0, 'Étape 1 : VAE');

    expect(fragmentText(fragment)).toBe('Projet principal\nDevenir formatrice\nÉtape 1 : VAE');
    expect(fragmentWordCount(fragment)).toBe(7);
  });
});
