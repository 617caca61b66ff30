/** The synthesis as Markdown (CommonMark): readable as plain text, convertible anywhere. */
import type { Block, ExportDocument, Run } from './model.ts';

// Characters that would start markup anywhere in a line, and at the start of one.
const INLINE_SPECIAL = /[\\`*_[\]<>|~]/g;
const LINE_START_MARK = /^(\s*)([#>+=-])/;
const LINE_START_NUMBER = /^(\s*)(\d+)([.)])/;

/** Escapes text so that it reads back as the same characters, never as markup. */
export function escapeMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(INLINE_SPECIAL, '\\$&')
        .replace(LINE_START_MARK, '$1\\$2')
        .replace(LINE_START_NUMBER, '$1$2\\$3'),
    )
    .join('\n');
}

/** A value inside a list item: later lines stay in the item. */
function itemText(text: string): string {
  return escapeMarkdown(text).replace(/\n/g, '  \n  ');
}

function inline(runs: readonly Run[]): string {
  return runs
    .map((run) => {
      if (run.text === '\n') return '  \n';
      let text = escapeMarkdown(run.text);
      const trimmed = text.trim();
      if (trimmed === '') return text;
      // Markers must hug the words: keep surrounding spaces outside them.
      const lead = text.slice(0, text.length - text.trimStart().length);
      const tail = text.slice(text.trimEnd().length);
      let core = trimmed;
      if (run.bold) core = `**${core}**`;
      if (run.italic) core = `*${core}*`;
      if (run.href) core = `[${core}](<${run.href.replace(/[<>\s]/g, encodeURIComponent)}>)`;
      text = lead + core + tail;
      return text;
    })
    .join('');
}

function blockLines(block: Block, indent = ''): string[] {
  switch (block.kind) {
    case 'paragraph': {
      const text = inline(block.runs);
      return text.trim() === '' ? [] : [indent + text.replace(/\n/g, `\n${indent}`), ''];
    }
    case 'heading':
      return [`${indent}${'#'.repeat(block.level)} ${inline(block.runs)}`, ''];
    case 'list': {
      const lines: string[] = [];
      block.items.forEach((item, index) => {
        const marker = block.ordered ? `${index + 1}. ` : '- ';
        const inner = item.flatMap((b) => blockLines(b, ' '.repeat(marker.length)));
        const body = inner.filter((line, i) => !(line === '' && i === inner.length - 1));
        const first = body[0]?.trimStart() ?? '';
        lines.push(indent + marker + first, ...body.slice(1).map((l) => (l ? indent + l : l)));
      });
      lines.push('');
      return lines;
    }
  }
}

export function toMarkdown(document: ExportDocument): string {
  const { labels } = document;
  const lines: string[] = [`# ${escapeMarkdown(document.title)}`, ''];
  lines.push(`> ${escapeMarkdown(labels.confidential)}`, '');
  for (const fact of document.facts) {
    lines.push(`- **${escapeMarkdown(fact.label)}** : ${itemText(fact.value)}`);
  }
  lines.push('', `*${escapeMarkdown(document.status)}*`, '');
  document.sections.forEach((section, index) => {
    lines.push(`## ${index + 1}. ${escapeMarkdown(section.title)}`, '');
    const body = section.blocks.flatMap((block) => blockLines(block));
    lines.push(...(body.length > 0 ? body : [`*${escapeMarkdown(labels.emptySection)}*`, '']));
  });
  if (document.observations.length > 0) {
    lines.push(`## ${escapeMarkdown(labels.observations)}`, '');
    for (const observation of document.observations) {
      lines.push(`- **${escapeMarkdown(observation.about)}** : ${itemText(observation.text)}`);
    }
    lines.push('');
  }
  lines.push(`## ${escapeMarkdown(labels.actionPlan)}`, '');
  if (document.actionPlan.length === 0)
    lines.push(`*${escapeMarkdown(labels.emptyActionPlan)}*`, '');
  document.actionPlan.forEach((row, index) => {
    const title = row.objective.trim() || labels.none;
    lines.push(`### ${index + 1}. ${escapeMarkdown(title)}`, '');
    for (const fact of row.facts) {
      lines.push(`- **${escapeMarkdown(fact.label)}** : ${itemText(fact.value)}`);
    }
    lines.push('');
  });
  lines.push('---', '', escapeMarkdown(labels.confidential), '');
  return lines.join('\n');
}
