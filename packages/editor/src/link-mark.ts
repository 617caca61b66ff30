import { Mark, mergeAttributes } from '@tiptap/core';
import { parseLinkHref } from './links.ts';

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    safeLink: {
      /** Links the selection to an href already checked by `parseLinkHref`. */
      setLink: (attributes: { href: string }) => ReturnType;
      unsetLink: () => ReturnType;
    };
  }
}

const LINK_REL = 'noopener noreferrer nofollow';

/**
 * A link mark that only ever renders web and e-mail hrefs. The check is on rendering as
 * well as on input: a mark can arrive from the other device's document without going
 * through this editor's parser. Lighter than @tiptap/extension-link (no autolinking), and
 * stored the same way (a `link` mark with an `href` attribute).
 */
export const SafeLink = Mark.create({
  name: 'link',
  priority: 1000,
  inclusive: false,
  keepOnSplit: false,
  exitable: true,

  addAttributes() {
    return {
      href: {
        default: null,
        parseHTML: (element: HTMLElement) => element.getAttribute('href'),
      },
    };
  },

  parseHTML() {
    return [
      {
        tag: 'a[href]',
        getAttrs: (element: HTMLElement) =>
          parseLinkHref(element.getAttribute('href') ?? '').ok ? null : false,
      },
    ];
  },

  renderHTML({ HTMLAttributes }) {
    const href = parseLinkHref(typeof HTMLAttributes.href === 'string' ? HTMLAttributes.href : '');
    return [
      'a',
      mergeAttributes(HTMLAttributes, {
        href: href.ok ? href.href : null,
        rel: LINK_REL,
        target: '_blank',
      }),
      0,
    ];
  },

  addCommands() {
    return {
      setLink:
        ({ href }) =>
        ({ chain }) => {
          const parsed = parseLinkHref(href);
          if (!parsed.ok) return false;
          return chain()
            .setMark(this.name, { href: parsed.href })
            .setMeta('preventAutolink', true)
            .run();
        },
      unsetLink:
        () =>
        ({ chain }) =>
          chain().unsetMark(this.name, { extendEmptyMarkRange: true }).run(),
    };
  },
});
