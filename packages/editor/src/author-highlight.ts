import { Extension } from '@tiptap/core';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';

/**
 * Who wrote a piece of text, as far as this device can tell: one of the two parties'
 * devices (`trusted`), or a device that is neither (`unknown`), named by `label` (its key
 * fingerprint, e.g. "3f2a 91c0 7b4e 22d1").
 */
export type AuthorClass =
  { readonly kind: 'trusted' } | { readonly kind: 'unknown'; readonly label: string };

export interface AuthorHighlightOptions {
  /** Classifies a Yjs client id; called often, must be cheap (the caller caches). */
  classify: (clientId: number) => AuthorClass;
  /** Text for the title/aria description of a highlighted range, e.g. (label) => `Texte d'un appareil inconnu (${label})`. */
  describe: (label: string) => string;
}

/** Class of the inline decoration over text written by an unknown device (styled by the client). */
export const AUTHOR_UNKNOWN_CLASS = 'author-unknown';

/**
 * After a local edit the highlights are mapped through it at once and recomputed from the
 * Yjs items at most this long after (typing inside a highlighted run would otherwise
 * extend the highlight over the local text for that long). Remote edits and
 * {@link refreshAuthorHighlight} recompute at once.
 */
export const AUTHOR_HIGHLIGHT_DELAY_MS = 100;

/** A run of visible text written by one unknown device, in ProseMirror positions. */
export interface UnknownAuthorRange {
  readonly from: number;
  readonly to: number;
  readonly label: string;
  /** The run's text, as Yjs has it. */
  readonly text: string;
}

interface PluginValue {
  readonly decorations: DecorationSet;
  /** The document changed locally since `decorations` were computed from the Yjs items. */
  readonly stale: boolean;
}

type Meta = { readonly refresh: true } | { readonly decorations: DecorationSet };

export const authorHighlightPluginKey = new PluginKey<PluginValue>('authorHighlight');

/** The y-tiptap binding's state, read through its plugin key (fields used here only). */
interface SyncBinding {
  readonly type: Y.XmlFragment;
  readonly binding: { readonly mapping: ReadonlyMap<unknown, unknown> };
}

/**
 * Highlights text written by devices that are not one of the two parties': each run of
 * visible text whose Yjs item was created by a client id that `classify` calls `unknown`
 * gets an inline decoration (class {@link AUTHOR_UNKNOWN_CLASS}, `title` and
 * `aria-description` from `describe(label)`, `data-author` = label). Needs the
 * Collaboration extension (the y-tiptap sync plugin). Call {@link refreshAuthorHighlight}
 * when classifications change.
 */
export const AuthorHighlight = Extension.create<AuthorHighlightOptions>({
  name: 'authorHighlight',

  addOptions() {
    return {
      classify: () => ({ kind: 'trusted' }),
      describe: (label) => label,
    };
  },

  addProseMirrorPlugins() {
    return [authorHighlightPlugin(this.options)];
  },
});

/** `AuthorHighlight.configure(options)`. */
export const authorHighlight = (options: AuthorHighlightOptions) =>
  AuthorHighlight.configure(options);

/** Recomputes the highlights, e.g. after a device's claim or pin changed its class. */
export function refreshAuthorHighlight(view: EditorView): void {
  const meta: Meta = { refresh: true };
  view.dispatch(view.state.tr.setMeta(authorHighlightPluginKey, meta));
}

/** The ranges currently highlighted (for tests and diagnostics). */
export function authorHighlightRanges(
  state: EditorState,
): { from: number; to: number; label: string }[] {
  const value = authorHighlightPluginKey.getState(state);
  if (!value) return [];
  return value.decorations
    .find()
    .map((d) => ({ from: d.from, to: d.to, label: String(d.spec.label) }));
}

function authorHighlightPlugin(options: AuthorHighlightOptions): Plugin<PluginValue> {
  const compute = (state: EditorState, doc: ProseMirrorNode): DecorationSet | null => {
    const sync = ySyncPluginKey.getState(state) as SyncBinding | undefined;
    if (!sync) return null;
    const ranges = unknownAuthorRanges(sync.type, doc, options.classify, sync.binding.mapping);
    return ranges && decorate(doc, ranges, options.describe);
  };

  return new Plugin<PluginValue>({
    key: authorHighlightPluginKey,
    state: {
      init: (_config, state) => ({
        decorations: compute(state, state.doc) ?? DecorationSet.empty,
        stale: true,
      }),
      apply(tr: Transaction, value, oldState) {
        const meta = tr.getMeta(authorHighlightPluginKey) as Meta | undefined;
        if (meta && 'decorations' in meta) return { decorations: meta.decorations, stale: false };
        const sync = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined;
        // A remote (or undo/redo) change: y-tiptap has already applied it to Yjs and
        // rebuilt its mapping, and its transaction replaces the whole document, through
        // which nothing could be mapped. Recompute now, so the text never shows plain.
        if (meta?.refresh || (tr.docChanged && sync?.isChangeOrigin)) {
          const fresh = compute(oldState, tr.doc);
          if (fresh) return { decorations: fresh, stale: false };
        }
        if (!tr.docChanged) return meta?.refresh ? { ...value, stale: true } : value;
        // A local change: Yjs gets it only in the sync plugin's view update, after this.
        return { decorations: value.decorations.map(tr.mapping, tr.doc), stale: true };
      },
    },
    props: {
      decorations: (state) => authorHighlightPluginKey.getState(state)?.decorations,
    },
    view(initial) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let current: EditorView | null = initial;
      const run = () => {
        timer = undefined;
        const view = current;
        if (!view || !authorHighlightPluginKey.getState(view.state)?.stale) return;
        const fresh = compute(view.state, view.state.doc);
        if (!fresh) return;
        const meta: Meta = { decorations: fresh };
        view.dispatch(view.state.tr.setMeta(authorHighlightPluginKey, meta));
      };
      const schedule = (view: EditorView) => {
        current = view;
        if (timer === undefined && authorHighlightPluginKey.getState(view.state)?.stale) {
          timer = setTimeout(run, AUTHOR_HIGHLIGHT_DELAY_MS);
        }
      };
      schedule(initial);
      return {
        update: schedule,
        destroy() {
          clearTimeout(timer);
          current = null;
        },
      };
    },
  });
}

function decorate(
  doc: ProseMirrorNode,
  ranges: readonly UnknownAuthorRange[],
  describe: (label: string) => string,
): DecorationSet {
  const descriptions = new Map<string, string>();
  const decorations = ranges.map(({ from, to, label }) => {
    let description = descriptions.get(label);
    if (description === undefined) {
      description = describe(label);
      descriptions.set(label, description);
    }
    return Decoration.inline(
      from,
      to,
      {
        class: AUTHOR_UNKNOWN_CLASS,
        title: description,
        'aria-description': description,
        'data-author': label,
      },
      { label },
    );
  });
  return DecorationSet.create(doc, decorations);
}

/**
 * The runs of visible text in `fragment` written by devices `classify` calls unknown, as
 * positions in `doc`, the ProseMirror document y-tiptap renders from it; adjacent runs
 * of one device are merged.
 *
 * One pass over the Yjs items, counting ProseMirror positions as y-tiptap renders them:
 * an element opens and closes (one position each; a leaf such as a hard break takes one),
 * a text item takes its length, deleted items and formatting markers take none. Elements
 * y-tiptap did not render (absent from the schema, or from its `mapping`) are skipped.
 * Each top-level block is checked against `doc` (its size, and each run's text), so a
 * moment when Yjs and ProseMirror are not in step gives null rather than a run on the
 * wrong text.
 */
export function unknownAuthorRanges(
  fragment: Y.XmlFragment,
  doc: ProseMirrorNode,
  classify: (clientId: number) => AuthorClass,
  mapping?: ReadonlyMap<unknown, unknown>,
): UnknownAuthorRange[] | null {
  const classes = new Map<number, AuthorClass>();
  const classOf = (client: number): AuthorClass => {
    let found = classes.get(client);
    if (found === undefined) {
      found = classify(client);
      classes.set(client, found);
    }
    return found;
  };

  const schema = doc.type.schema;
  const ranges: { from: number; to: number; label: string; text: string }[] = [];
  let pos = 0;

  const walkText = (text: Y.XmlText) => {
    for (let item = text._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue;
      const length = item.length;
      const author = classOf(item.id.client);
      if (author.kind === 'unknown') {
        const str = item.content instanceof Y.ContentString ? item.content.str : '';
        const last = ranges[ranges.length - 1];
        if (last !== undefined && last.to === pos && last.label === author.label) {
          last.to += length;
          last.text += str;
        } else {
          ranges.push({ from: pos, to: pos + length, label: author.label, text: str });
        }
      }
      pos += length;
    }
  };

  /** The element's node type when y-tiptap rendered it, else undefined. */
  const rendered = (element: Y.XmlElement) => {
    const nodeType = schema.nodes[element.nodeName];
    return nodeType === undefined || (mapping && !mapping.has(element)) ? undefined : nodeType;
  };

  const walkElement = (element: Y.XmlElement, leaf: boolean) => {
    pos += 1;
    if (leaf) return; // e.g. a hard break: a leaf node has no closing position
    for (let item = element._start; item !== null; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentType)) continue;
      const child = item.content.type;
      if (child instanceof Y.XmlText) walkText(child);
      else if (child instanceof Y.XmlElement) {
        const nodeType = rendered(child);
        if (nodeType) walkElement(child, nodeType.isLeaf);
      }
    }
    pos += 1;
  };

  let index = 0;
  for (let item = fragment._start; item !== null; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentType)) continue;
    const child = item.content.type;
    const nodeType = child instanceof Y.XmlElement ? rendered(child) : undefined;
    if (!nodeType) continue; // y-tiptap renders top-level elements only
    const node = index < doc.childCount ? doc.child(index++) : null;
    const start = pos;
    const first = ranges.length;
    walkElement(child as Y.XmlElement, nodeType.isLeaf);
    if (node === null || pos - start !== node.nodeSize) return null;
    for (let i = first; i < ranges.length; i++) {
      const range = ranges[i]!;
      if (node.textBetween(range.from - start - 1, range.to - start - 1) !== range.text)
        return null;
    }
  }
  return index === doc.childCount ? ranges : null;
}
