/**
 * What every export (PDF, DOCX, Markdown) prints, read once from the bilan's document:
 * the three sections of the synthesis as simple blocks, the beneficiary's observations, the
 * action plan and the confidentiality notice. Renderers only lay this out; they never read
 * the Y.Doc themselves, so the three formats always say the same thing.
 */
import {
  listObservations,
  listRows,
  readMeta,
  sectionTree,
  SECTION_IDS,
  type ActionRow,
  type FundingSource,
  type LinkedProject,
  type RowStatus,
  type SectionId,
  type SynthesisNode,
} from '@tandem/workspace';
import type * as Y from 'yjs';

/** A run of text with the marks the editor allows. */
export interface Run {
  readonly text: string;
  readonly bold: boolean;
  readonly italic: boolean;
  /** Target of a link (already checked by the editor's safe link mark), or null. */
  readonly href: string | null;
}

export type Block =
  | { readonly kind: 'paragraph'; readonly runs: readonly Run[] }
  | { readonly kind: 'heading'; readonly level: 3 | 4; readonly runs: readonly Run[] }
  | { readonly kind: 'list'; readonly ordered: boolean; readonly items: readonly Block[][] };

/** Every word an export prints that is not the bilan's own content (one language). */
export interface ExportLabels {
  readonly documentTitle: string;
  readonly confidential: string;
  /** One line for page footers. */
  readonly confidentialShort: string;
  readonly beneficiary: string;
  readonly counsellor: string;
  readonly endedOn: string;
  readonly generatedOn: string;
  readonly validation: {
    readonly none: string;
    readonly stale: string;
    readonly valid: (date: string) => string;
  };
  readonly sections: Readonly<Record<SectionId, string>>;
  readonly emptySection: string;
  readonly observations: string;
  readonly observationGeneral: string;
  readonly actionPlan: string;
  readonly emptyActionPlan: string;
  readonly fields: {
    readonly objective: string;
    readonly action: string;
    readonly deadline: string;
    readonly funding: string;
    readonly resources: string;
    readonly contact: string;
    readonly indicator: string;
    readonly status: string;
    readonly project: string;
  };
  readonly statuses: Readonly<Record<RowStatus, string>>;
  readonly fundingSources: Readonly<Record<FundingSource, string>>;
  readonly projects: Readonly<Record<LinkedProject, string>>;
  readonly none: string;
  readonly page: (n: number, total: number) => string;
}

export interface ExportDocument {
  readonly labels: ExportLabels;
  readonly title: string;
  /** "Bénéficiaire : Alex Durand", … in print order. */
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  /** One line saying whether this is the validated (final) version. */
  readonly status: string;
  readonly final: boolean;
  readonly sections: readonly {
    readonly id: SectionId;
    readonly title: string;
    readonly blocks: readonly Block[];
  }[];
  readonly observations: readonly { readonly about: string; readonly text: string }[];
  /** Each row's objective (its title) and its other fields as label/value pairs. */
  readonly actionPlan: readonly {
    readonly objective: string;
    readonly facts: readonly { readonly label: string; readonly value: string }[];
  }[];
}

export interface ExportInput {
  readonly labels: ExportLabels;
  /** 'none' | 'valid' | 'stale' from the workspace's validationState, with its date. */
  readonly validation: { readonly state: 'none' | 'valid' | 'stale'; readonly at: number | null };
  readonly now: number;
  readonly formatDate: (epochMs: number) => string;
  /** 'YYYY-MM-DD' (action plan deadlines) in the reader's format. */
  readonly formatIsoDate: (iso: string) => string;
}

export function buildExportDocument(doc: Y.Doc, input: ExportInput): ExportDocument {
  const { labels } = input;
  const meta = readMeta(doc);
  const facts: { label: string; value: string }[] = [];
  if (meta.beneficiary) facts.push({ label: labels.beneficiary, value: meta.beneficiary.name });
  if (meta.counsellor) facts.push({ label: labels.counsellor, value: meta.counsellor.name });
  if (meta.endedAt !== null) {
    facts.push({ label: labels.endedOn, value: input.formatDate(meta.endedAt) });
  }
  facts.push({ label: labels.generatedOn, value: input.formatDate(input.now) });
  const { state, at } = input.validation;
  const status =
    state === 'valid' && at !== null
      ? labels.validation.valid(input.formatDate(at))
      : state === 'stale'
        ? labels.validation.stale
        : labels.validation.none;
  return {
    labels,
    title: labels.documentTitle,
    facts,
    status,
    final: state === 'valid',
    sections: SECTION_IDS.map((id) => ({
      id,
      title: labels.sections[id],
      // The editor seeds an empty paragraph in each section: blank lines are not content.
      blocks: toBlocks(sectionTree(doc, id)).filter(
        (block) => block.kind !== 'paragraph' || plainText(block.runs).trim() !== '',
      ),
    })),
    observations: listObservations(doc).map((o) => ({
      about: o.section ? labels.sections[o.section] : labels.observationGeneral,
      text: o.text,
    })),
    actionPlan: listRows(doc).map((row) => ({
      objective: row.objective,
      facts: rowFacts(row, labels, input.formatIsoDate),
    })),
  };
}

/** The editor's tree as blocks; unknown nodes keep their text as paragraphs. */
export function toBlocks(nodes: readonly SynthesisNode[]): Block[] {
  const blocks: Block[] = [];
  let loose: Run[] = [];
  const flushLoose = () => {
    if (loose.length > 0) blocks.push({ kind: 'paragraph', runs: loose });
    loose = [];
  };
  for (const node of nodes) {
    if (node.type === 'text') {
      loose.push(...runsOf([node]));
      continue;
    }
    flushLoose();
    switch (node.name) {
      case 'paragraph':
        blocks.push({ kind: 'paragraph', runs: runsOf(node.children) });
        break;
      case 'heading': {
        const level = node.attrs.level === 4 ? 4 : 3;
        blocks.push({ kind: 'heading', level, runs: runsOf(node.children) });
        break;
      }
      case 'bulletList':
      case 'orderedList':
        blocks.push({
          kind: 'list',
          ordered: node.name === 'orderedList',
          items: node.children.map((item) =>
            item.type === 'element' ? toBlocks(item.children) : toBlocks([item]),
          ),
        });
        break;
      default:
        blocks.push(...toBlocks(node.children));
    }
  }
  flushLoose();
  return blocks;
}

function runsOf(nodes: readonly SynthesisNode[]): Run[] {
  const runs: Run[] = [];
  for (const node of nodes) {
    if (node.type === 'text') {
      for (const run of node.runs) {
        const link = run.marks.link;
        const href =
          link !== null && typeof link === 'object' && !Array.isArray(link)
            ? typeof link.href === 'string'
              ? link.href
              : null
            : null;
        runs.push({
          text: run.text,
          bold: 'bold' in run.marks,
          italic: 'italic' in run.marks,
          href,
        });
      }
    } else if (node.name === 'hardBreak') {
      runs.push({ text: '\n', bold: false, italic: false, href: null });
    } else {
      runs.push(...runsOf(node.children));
    }
  }
  return runs;
}

/** Plain text of runs (for formats without inline styling, and for tests). */
export function plainText(runs: readonly Run[]): string {
  return runs.map((r) => r.text).join('');
}

/** One action row as label/value pairs, in print order, empty values left out. */
export function rowFacts(
  row: ActionRow,
  labels: ExportLabels,
  formatIsoDate: (iso: string) => string,
): { label: string; value: string }[] {
  const f = labels.fields;
  const pairs: [string, string][] = [
    [f.action, row.action],
    [f.deadline, row.deadline ? formatIsoDate(row.deadline) : ''],
    [f.funding, row.funding.map((s) => labels.fundingSources[s]).join(', ')],
    [f.resources, row.resources],
    [f.contact, row.contact],
    [f.indicator, row.indicator],
    [f.status, labels.statuses[row.status]],
    [f.project, labels.projects[row.project]],
  ];
  return pairs
    .filter(([, value]) => value.trim() !== '')
    .map(([label, value]) => ({ label, value }));
}
