export {
  createSynthesisEditor,
  type BlockType,
  type SynthesisEditor,
  type SynthesisEditorOptions,
  type SynthesisEditorState,
} from './synthesis-editor.ts';
export {
  AuthorHighlight,
  authorHighlight,
  authorHighlightRanges,
  refreshAuthorHighlight,
  unknownAuthorRanges,
  AUTHOR_HIGHLIGHT_DELAY_MS,
  AUTHOR_UNKNOWN_CLASS,
  type AuthorClass,
  type AuthorHighlightOptions,
  type UnknownAuthorRange,
} from './author-highlight.ts';
export { isHexColor, readableTextColor, type CaretUser } from './carets.ts';
export { parseLinkHref, type LinkHrefResult } from './links.ts';
export { countWords, fragmentText, fragmentWordCount } from './word-count.ts';
export { seedEmptySection } from './seed.ts';
export { SECTION_HEADING_LEVELS, UNDO_CAPTURE_TIMEOUT_MS } from './constants.ts';
