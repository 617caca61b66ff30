/**
 * The synthesis as a Word document: the smallest valid OOXML package (content types,
 * relationships, document, styles, numbering, core properties) zipped with fflate.
 * Opens in Word, LibreOffice and Google Docs; styles are real headings and lists, so the
 * beneficiary can keep editing it.
 */
import { strToU8, zipSync } from 'fflate';
import type { Block, ExportDocument, Run } from './model.ts';

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL_BASE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const BULLET_ABSTRACT = 0;
const DECIMAL_ABSTRACT = 1;

/** XML text: escaped, and without the control characters XML 1.0 forbids. */
export function xmlText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Collects what document.xml refers to: hyperlinks and list instances. */
class Parts {
  readonly links: string[] = [];
  readonly lists: { abstract: number }[] = [];

  link(href: string): string {
    this.links.push(href);
    return `rLink${this.links.length}`;
  }

  list(ordered: boolean): number {
    this.lists.push({ abstract: ordered ? DECIMAL_ABSTRACT : BULLET_ABSTRACT });
    return this.lists.length; // w:numId starts at 1
  }
}

function textRun(text: string, props = ''): string {
  const rPr = props ? `<w:rPr>${props}</w:rPr>` : '';
  return text
    .split('\n')
    .map(
      (line, i) =>
        (i > 0 ? `<w:r>${rPr}<w:br/></w:r>` : '') +
        (line ? `<w:r>${rPr}<w:t xml:space="preserve">${xmlText(line)}</w:t></w:r>` : ''),
    )
    .join('');
}

function runs(list: readonly Run[], parts: Parts): string {
  return list
    .map((run) => {
      let props = '';
      if (run.bold) props += '<w:b/>';
      if (run.italic) props += '<w:i/>';
      if (!run.href) return textRun(run.text, props);
      const id = parts.link(run.href);
      return `<w:hyperlink r:id="${id}">${textRun(run.text, `<w:rStyle w:val="Hyperlink"/>${props}`)}</w:hyperlink>`;
    })
    .join('');
}

function paragraph(content: string, style?: string, numbering?: { numId: number; level: number }) {
  const props: string[] = [];
  if (style) props.push(`<w:pStyle w:val="${style}"/>`);
  if (numbering) {
    props.push(
      `<w:numPr><w:ilvl w:val="${numbering.level}"/><w:numId w:val="${numbering.numId}"/></w:numPr>`,
    );
  }
  const pPr = props.length ? `<w:pPr>${props.join('')}</w:pPr>` : '';
  return `<w:p>${pPr}${content}</w:p>`;
}

function blocks(list: readonly Block[], parts: Parts, level = 0): string {
  return list
    .map((block) => {
      switch (block.kind) {
        case 'paragraph':
          return paragraph(runs(block.runs, parts), level > 0 ? 'ListParagraph' : undefined);
        case 'heading':
          return paragraph(runs(block.runs, parts), block.level === 3 ? 'Heading3' : 'Heading4');
        case 'list': {
          const numId = parts.list(block.ordered);
          return block.items
            .map((item) =>
              item
                .map((inner, i) =>
                  inner.kind === 'list'
                    ? blocks([inner], parts, Math.min(level + 1, 8))
                    : i === 0 && inner.kind === 'paragraph'
                      ? paragraph(runs(inner.runs, parts), 'ListParagraph', {
                          numId,
                          level: Math.min(level, 8),
                        })
                      : blocks([inner], parts, level + 1),
                )
                .join(''),
            )
            .join('');
        }
      }
    })
    .join('');
}

const plain = (text: string, props = '') => textRun(text, props);
const labelled = (label: string, value: string) =>
  paragraph(plain(`${label} : `, '<w:b/>') + plain(value));

function documentXml(document: ExportDocument, parts: Parts): string {
  const { labels } = document;
  const body: string[] = [];
  body.push(paragraph(plain(document.title), 'Title'));
  body.push(paragraph(plain(labels.confidential, '<w:i/>'), 'Notice'));
  for (const fact of document.facts) body.push(labelled(fact.label, fact.value));
  body.push(paragraph(plain(document.status, '<w:b/>')));
  document.sections.forEach((section, index) => {
    body.push(paragraph(plain(`${index + 1}. ${section.title}`), 'Heading1'));
    body.push(
      section.blocks.length > 0
        ? blocks(section.blocks, parts)
        : paragraph(plain(labels.emptySection, '<w:i/>')),
    );
  });
  if (document.observations.length > 0) {
    body.push(paragraph(plain(labels.observations), 'Heading1'));
    for (const observation of document.observations) {
      body.push(labelled(observation.about, observation.text));
    }
  }
  body.push(paragraph(plain(labels.actionPlan), 'Heading1'));
  if (document.actionPlan.length === 0) {
    body.push(paragraph(plain(labels.emptyActionPlan, '<w:i/>')));
  }
  document.actionPlan.forEach((row, index) => {
    body.push(paragraph(plain(`${index + 1}. ${row.objective.trim() || labels.none}`), 'Heading2'));
    for (const fact of row.facts) body.push(labelled(fact.label, fact.value));
  });
  body.push(paragraph(plain(labels.confidential, '<w:i/>'), 'Notice'));
  const section =
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>' +
    '<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr>';
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<w:document xmlns:w="${W_NS}" xmlns:r="${R_NS}"><w:body>${body.join('')}${section}</w:body></w:document>`
  );
}

function stylesXml(): string {
  const heading = (id: string, name: string, size: number, level: number) =>
    `<w:style w:type="paragraph" w:styleId="${id}"><w:name w:val="${name}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
    `<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="${level}"/></w:pPr>` +
    `<w:rPr><w:b/><w:color w:val="1D3A8A"/><w:sz w:val="${size}"/></w:rPr></w:style>`;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<w:styles xmlns:w="${W_NS}">` +
    '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri"/><w:sz w:val="22"/><w:lang w:val="fr-FR"/></w:rPr></w:rPrDefault>' +
    '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>' +
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>' +
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:b/><w:sz w:val="40"/></w:rPr></w:style>' +
    heading('Heading1', 'heading 1', 30, 0) +
    heading('Heading2', 'heading 2', 26, 1) +
    heading('Heading3', 'heading 3', 24, 2) +
    heading('Heading4', 'heading 4', 22, 3) +
    '<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="60"/></w:pPr></w:style>' +
    '<w:style w:type="paragraph" w:styleId="Notice"><w:name w:val="Notice"/><w:basedOn w:val="Normal"/><w:pPr><w:pBdr><w:left w:val="single" w:sz="18" w:space="8" w:color="1D3A8A"/></w:pBdr></w:pPr><w:rPr><w:color w:val="333333"/></w:rPr></w:style>' +
    '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:rPr><w:color w:val="1D4ED8"/><w:u w:val="single"/></w:rPr></w:style>' +
    '</w:styles>'
  );
}

function numberingXml(parts: Parts): string {
  const levels = (ordered: boolean) =>
    Array.from({ length: 9 }, (_, level) => {
      const indent = 720 * (level + 1);
      const format = ordered
        ? `<w:numFmt w:val="decimal"/><w:lvlText w:val="%${level + 1}."/>`
        : `<w:numFmt w:val="bullet"/><w:lvlText w:val="${level % 2 === 0 ? '•' : '◦'}"/>`;
      return `<w:lvl w:ilvl="${level}"><w:start w:val="1"/>${format}<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="${indent}" w:hanging="360"/></w:pPr></w:lvl>`;
    }).join('');
  const abstracts =
    `<w:abstractNum w:abstractNumId="${BULLET_ABSTRACT}"><w:multiLevelType w:val="hybridMultilevel"/>${levels(false)}</w:abstractNum>` +
    `<w:abstractNum w:abstractNumId="${DECIMAL_ABSTRACT}"><w:multiLevelType w:val="hybridMultilevel"/>${levels(true)}</w:abstractNum>`;
  // One instance per list, so each numbered list starts again at 1.
  const nums = parts.lists
    .map(
      (list, i) =>
        `<w:num w:numId="${i + 1}"><w:abstractNumId w:val="${list.abstract}"/>` +
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>',
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<w:numbering xmlns:w="${W_NS}">${abstracts}${nums}</w:numbering>`
  );
}

function documentRels(parts: Parts): string {
  const links = parts.links
    .map(
      (href, i) =>
        `<Relationship Id="rLink${i + 1}" Type="${REL_BASE}/hyperlink" Target="${xmlText(href)}" TargetMode="External"/>`,
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    `<Relationship Id="rStyles" Type="${REL_BASE}/styles" Target="styles.xml"/>` +
    `<Relationship Id="rNumbering" Type="${REL_BASE}/numbering" Target="numbering.xml"/>` +
    `${links}</Relationships>`
  );
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
  '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
  '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>' +
  '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
  '</Types>';

const ROOT_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  `<Relationship Id="rDocument" Type="${REL_BASE}/officeDocument" Target="word/document.xml"/>` +
  '<Relationship Id="rCore" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
  '</Relationships>';

function coreXml(title: string, createdIso: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${xmlText(title)}</dc:title><dc:creator>Tandem</dc:creator>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${createdIso}</dcterms:created>` +
    '</cp:coreProperties>'
  );
}

/** The .docx file's bytes. `now` dates the file (and the zip entries, for reproducibility). */
export function toDocx(document: ExportDocument, now: number): Uint8Array {
  const parts = new Parts();
  const body = documentXml(document, parts); // fills parts (links, lists) first
  const created = new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const mtime = new Date(now);
  return zipSync(
    {
      '[Content_Types].xml': strToU8(CONTENT_TYPES),
      '_rels/.rels': strToU8(ROOT_RELS),
      'docProps/core.xml': strToU8(coreXml(document.title, created)),
      'word/document.xml': strToU8(body),
      'word/styles.xml': strToU8(stylesXml()),
      'word/numbering.xml': strToU8(numberingXml(parts)),
      'word/_rels/document.xml.rels': strToU8(documentRels(parts)),
    },
    { level: 6, mtime },
  );
}
