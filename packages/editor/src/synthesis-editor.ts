import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import Bold from '@tiptap/extension-bold';
import Document from '@tiptap/extension-document';
import HardBreak from '@tiptap/extension-hard-break';
import Heading from '@tiptap/extension-heading';
import Italic from '@tiptap/extension-italic';
import { BulletList, ListItem, ListKeymap, OrderedList } from '@tiptap/extension-list';
import Paragraph from '@tiptap/extension-paragraph';
import Text from '@tiptap/extension-text';
import { yUndoPluginKey } from '@tiptap/y-tiptap';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import {
  AuthorHighlight,
  refreshAuthorHighlight,
  type AuthorHighlightOptions,
} from './author-highlight.ts';
import { renderCaret, renderSelection, type CaretUser } from './carets.ts';
import {
  SECTION_HEADING_LEVELS,
  UNDO_CAPTURE_TIMEOUT_MS,
  type SectionHeadingLevel,
} from './constants.ts';
import { SafeLink } from './link-mark.ts';
import { parseLinkHref, type LinkHrefResult } from './links.ts';
import { countWords } from './word-count.ts';

export interface SynthesisEditorOptions {
  /** Where the editable area is mounted. */
  element: HTMLElement;
  /** The section's shared content; the editor never replaces it, only edits it. */
  fragment: Y.XmlFragment;
  /** Shared presence: carries this party's caret and shows the other party's. */
  awareness: Awareness;
  /** Published as the awareness `user` field (extra fields such as a role are kept). */
  user: CaretUser;
  /** Accessible name of the editable area (the section title). */
  label: string;
  editable?: boolean;
  undo?: {
    /** Edits closer together than this are one undo step. */
    captureTimeoutMs?: number;
  };
  /** Called after every change of content, selection, focus or undo stack. */
  onState?: (state: SynthesisEditorState) => void;
  /**
   * Highlights text written by devices that are neither party's (see `AuthorHighlight`);
   * absent: nothing is highlighted. Call `refreshAuthors()` when a classification changes.
   */
  authorHighlight?: AuthorHighlightOptions;
}

export type BlockType = 'paragraph' | 'heading3' | 'heading4' | 'bulletList' | 'orderedList';

export interface SynthesisEditorState {
  wordCount: number;
  canUndo: boolean;
  canRedo: boolean;
  focused: boolean;
  editable: boolean;
  bold: boolean;
  italic: boolean;
  link: string | null;
  block: BlockType;
}

export interface SynthesisEditor {
  state(): SynthesisEditorState;
  toggleBold(): void;
  toggleItalic(): void;
  setBlock(block: BlockType): void;
  /** Links the selection (or the word at the caret) to `input`, once it is a safe URL. */
  setLink(input: string): LinkHrefResult;
  unsetLink(): void;
  /** Undoes this party's own last edit in this section; the other party's edits stay. */
  undo(): boolean;
  redo(): boolean;
  setUser(user: CaretUser): void;
  setEditable(editable: boolean): void;
  /**
   * Recomputes the author highlights with the current classifications (a device became
   * known or unknown: a claim or a pin arrived). Does nothing without `authorHighlight`.
   */
  refreshAuthors(): void;
  focus(): void;
  destroy(): void;
}

/**
 * A rich-text editor bound to one synthesis section. The content lives in `fragment`
 * (Yjs): both parties edit it at once, each sees the other's caret, and undo only
 * reverts the local party's edits (the Yjs undo manager tracks only the local origin).
 * With `authorHighlight`, text whose Yjs items were created by a device that is neither
 * party's is marked (`.author-unknown`, see author-highlight.ts).
 */
export function createSynthesisEditor(options: SynthesisEditorOptions): SynthesisEditor {
  const { fragment, awareness } = options;
  const listeners = options.onState;
  let cachedWordCount: number | null = null;

  const editor = new Editor({
    element: options.element,
    editable: options.editable ?? true,
    // Tiptap would otherwise add a <style> element, which the CSP forbids; its
    // rules are in the client's stylesheet.
    injectCSS: false,
    editorProps: {
      attributes: {
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-label': options.label,
        class: 'synthesis-prose',
        spellcheck: 'true',
      },
    },
    extensions: [
      // Only what a synthesis needs (no code blocks, rules, tables…): a smaller chunk,
      // and nothing the other party could paste that the exports cannot render.
      Document,
      Paragraph,
      Text,
      HardBreak,
      Heading.configure({ levels: [...SECTION_HEADING_LEVELS] }),
      Bold,
      Italic,
      BulletList,
      OrderedList,
      ListItem,
      ListKeymap,
      SafeLink,
      Collaboration.configure({
        fragment,
        yUndoOptions: {
          // Only the local binding's origin is tracked: remote edits are never undone here.
          trackedOrigins: [],
        },
      }),
      CollaborationCaret.configure({
        provider: { awareness },
        user: { ...options.user },
        render: renderCaret,
        selectionRender: renderSelection,
      }),
      ...(options.authorHighlight ? [AuthorHighlight.configure(options.authorHighlight)] : []),
    ],
  });

  const undoManager = (): Y.UndoManager | null =>
    (yUndoPluginKey.getState(editor.state) as { undoManager?: Y.UndoManager } | undefined)
      ?.undoManager ?? null;

  const captureTimeout = options.undo?.captureTimeoutMs ?? UNDO_CAPTURE_TIMEOUT_MS;
  const manager = undoManager();
  if (manager) manager.captureTimeout = captureTimeout;

  const state = (): SynthesisEditorState => {
    if (cachedWordCount === null) {
      const doc = editor.state.doc;
      cachedWordCount = countWords(doc.textBetween(0, doc.content.size, '\n', '\n'));
    }
    const um = undoManager();
    const link = editor.getAttributes('link') as { href?: unknown };
    return {
      wordCount: cachedWordCount,
      canUndo: (um?.undoStack.length ?? 0) > 0,
      canRedo: (um?.redoStack.length ?? 0) > 0,
      focused: editor.isFocused,
      editable: editor.isEditable,
      bold: editor.isActive('bold'),
      italic: editor.isActive('italic'),
      link: typeof link.href === 'string' ? link.href : null,
      block: currentBlock(editor),
    };
  };

  const emit = () => listeners?.(state());
  editor.on('transaction', ({ transaction }) => {
    if (transaction.docChanged) cachedWordCount = null;
    emit();
  });
  editor.on('focus', emit);
  editor.on('blur', emit);

  return {
    state,
    toggleBold: () => void editor.chain().focus().toggleBold().run(),
    toggleItalic: () => void editor.chain().focus().toggleItalic().run(),
    setBlock: (block) => void setBlock(editor, block),
    setLink(input) {
      const parsed = parseLinkHref(input);
      if (!parsed.ok) return parsed;
      if (editor.state.selection.empty && !editor.isActive('link')) {
        // Nothing selected: the address itself becomes the linked text.
        editor
          .chain()
          .focus()
          .insertContent({
            type: 'text',
            text: parsed.href.replace(/^mailto:/, ''),
            marks: [{ type: 'link', attrs: { href: parsed.href } }],
          })
          .run();
      } else {
        editor.chain().focus().extendMarkRange('link').setLink({ href: parsed.href }).run();
      }
      return parsed;
    },
    unsetLink: () => void editor.chain().focus().extendMarkRange('link').unsetLink().run(),
    undo: () => editor.chain().focus().undo().run(),
    redo: () => editor.chain().focus().redo().run(),
    setUser: (user) => void editor.commands.updateUser({ ...user }),
    setEditable(editable) {
      editor.setEditable(editable);
      emit();
    },
    refreshAuthors() {
      if (options.authorHighlight && !editor.isDestroyed) refreshAuthorHighlight(editor.view);
    },
    focus: () => void editor.commands.focus(),
    destroy: () => editor.destroy(),
  };
}

function currentBlock(editor: Editor): BlockType {
  if (editor.isActive('bulletList')) return 'bulletList';
  if (editor.isActive('orderedList')) return 'orderedList';
  if (editor.isActive('heading', { level: 3 })) return 'heading3';
  if (editor.isActive('heading', { level: 4 })) return 'heading4';
  return 'paragraph';
}

function setBlock(editor: Editor, block: BlockType): boolean {
  const chain = editor.chain().focus();
  switch (block) {
    case 'paragraph':
      return liftLists(editor, chain).setParagraph().run();
    case 'heading3':
    case 'heading4': {
      const level: SectionHeadingLevel = block === 'heading3' ? 3 : 4;
      return liftLists(editor, chain).setHeading({ level }).run();
    }
    case 'bulletList':
      return editor.isActive('bulletList') ? true : chain.toggleBulletList().run();
    case 'orderedList':
      return editor.isActive('orderedList') ? true : chain.toggleOrderedList().run();
  }
}

type Chain = ReturnType<Editor['chain']>;

function liftLists(editor: Editor, chain: Chain): Chain {
  if (editor.isActive('bulletList')) return chain.toggleBulletList();
  if (editor.isActive('orderedList')) return chain.toggleOrderedList();
  return chain;
}
