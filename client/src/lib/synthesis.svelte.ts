import type {
  BlockType,
  LinkHrefResult,
  SynthesisEditor,
  SynthesisEditorState,
} from '@tandem/editor';
import { SECTION_IDS, sectionFragment, type SectionId } from '@tandem/workspace';
import type { BilanState } from './bilan.svelte.ts';
import { presenceUser } from './presence.ts';

type EditorModule = typeof import('@tandem/editor');

export type FormatAction = 'bold' | 'italic' | 'undo' | 'redo' | 'unsetLink' | BlockType;

/**
 * The synthesis' three section editors. The editor code (Tiptap, ProseMirror) is a
 * separate chunk loaded here, so the home screen does not pay for it.
 */
export class SynthesisState {
  module = $state<'loading' | 'ready' | 'failed'>('loading');
  /** Live state of each mounted section editor (word count, marks, undo stack). */
  sections = $state<Record<SectionId, SynthesisEditorState | null>>(
    Object.fromEntries(SECTION_IDS.map((id) => [id, null])) as Record<
      SectionId,
      SynthesisEditorState | null
    >,
  );
  /** The section the toolbar acts on: the last one focused. */
  active = $state<SectionId | null>(null);

  private readonly bilan: BilanState;
  private readonly describeAuthor: (label: string) => string;
  private api: EditorModule | null = null;
  // Not reactive on purpose: screens read `sections`, never the editors themselves.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly editors = new Map<SectionId, SynthesisEditor>();

  /** @param describeAuthor the tooltip of text from an unknown device, from its label. */
  constructor(bilan: BilanState, describeAuthor: (label: string) => string) {
    this.bilan = bilan;
    this.describeAuthor = describeAuthor;
  }

  get activeState(): SynthesisEditorState | null {
    return this.active ? this.sections[this.active] : null;
  }

  /** Words in the whole synthesis: live counts where an editor runs, stored ones elsewhere. */
  get totalWords(): number {
    return SECTION_IDS.reduce(
      (sum, id) => sum + (this.sections[id]?.wordCount ?? this.bilan.wordCounts[id] ?? 0),
      0,
    );
  }

  async load(): Promise<void> {
    try {
      this.api = await import('@tandem/editor');
      this.module = 'ready';
    } catch {
      this.module = 'failed';
    }
  }

  /** Binds an editor for `section` into `element`; returns the function that unbinds it. */
  mount(section: SectionId, element: HTMLElement, label: string): () => void {
    const api = this.api;
    const session = this.bilan.session;
    if (!api || !session) return () => undefined;
    const editor = api.createSynthesisEditor({
      element,
      fragment: sectionFragment(session.doc, section),
      awareness: session.awareness,
      user: this.caretUser(),
      label,
      editable: this.bilan.isParty,
      // Text from devices that are neither party is highlighted (admission, issue 10).
      authorHighlight: {
        classify: (clientId) => this.bilan.admission.authorClass(clientId),
        describe: (label) => this.describeAuthor(label),
      },
      onState: (state) => {
        this.sections[section] = state;
        if (state.focused) {
          this.active = section;
          this.bilan.noteActivity();
        }
      },
    });
    this.editors.set(section, editor);
    this.sections[section] = editor.state();
    return () => {
      editor.destroy();
      this.editors.delete(section);
      this.sections[section] = null;
      if (this.active === section) this.active = null;
    };
  }

  /** Keeps the caret label in step with the party's name (it changes when joining). */
  refreshUser(): void {
    const user = this.caretUser();
    for (const editor of this.editors.values()) editor.setUser(user);
  }

  /** Re-highlights after authorship claims, pins or the language changed. */
  refreshAuthors(): void {
    for (const editor of this.editors.values()) editor.refreshAuthors();
  }

  run(action: FormatAction): void {
    const editor = this.active ? this.editors.get(this.active) : undefined;
    if (!editor) return;
    switch (action) {
      case 'bold':
        return editor.toggleBold();
      case 'italic':
        return editor.toggleItalic();
      case 'undo':
        return void editor.undo();
      case 'redo':
        return void editor.redo();
      case 'unsetLink':
        return editor.unsetLink();
      default:
        return editor.setBlock(action);
    }
  }

  setLink(input: string): LinkHrefResult | null {
    const editor = this.active ? this.editors.get(this.active) : undefined;
    return editor ? editor.setLink(input) : null;
  }

  focusActive(): void {
    if (this.active) this.editors.get(this.active)?.focus();
  }

  private caretUser() {
    return presenceUser(this.bilan.selfName, this.bilan.role, this.bilan.deviceKey);
  }
}
