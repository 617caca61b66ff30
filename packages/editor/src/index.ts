export {
  createSynthesisEditor,
  type BlockType,
  type SynthesisEditor,
  type SynthesisEditorOptions,
  type SynthesisEditorState,
} from './synthesis-editor.ts';
export { isHexColor, readableTextColor, type CaretUser } from './carets.ts';
export { parseLinkHref, type LinkHrefResult } from './links.ts';
export { countWords, fragmentText, fragmentWordCount } from './word-count.ts';
export { seedEmptySection } from './seed.ts';
export { SECTION_HEADING_LEVELS, UNDO_CAPTURE_TIMEOUT_MS } from './constants.ts';
