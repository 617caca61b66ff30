/**
 * A small but complete bilan for the export tests (not shipped): both parties pinned,
 * the three sections with headings, marks, a link, lists and a hard break, observations
 * and an action plan. Keys are random bytes: exports never check signatures.
 */
import { encodeBase64url } from '@tandem/protocol';
import {
  addObservation,
  addRow,
  initBilan,
  pinBeneficiary,
  sectionFragment,
  updateField,
  type SectionId,
} from '@tandem/workspace';
import * as Y from 'yjs';
import type { ExportLabels } from './model.ts';

export const MARKER = 'Phrase-témoin : reconversion en ébénisterie d’art';
export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

const randomBytes = (n: number) => crypto.getRandomValues(new Uint8Array(n));

function text(value: string, marks: Record<string, object> = {}): Y.XmlText {
  const node = new Y.XmlText();
  node.insert(0, value, marks);
  return node;
}

function element(name: string, children: (Y.XmlElement | Y.XmlText)[], attrs = {}) {
  const node = new Y.XmlElement(name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value as string);
  node.insert(0, children);
  return node;
}

function fill(doc: Y.Doc, id: SectionId, nodes: Y.XmlElement[]): void {
  sectionFragment(doc, id).insert(0, nodes);
}

export function fixtureBilan(): {
  doc: Y.Doc;
  counsellorKey: Uint8Array;
  beneficiaryKey: Uint8Array;
} {
  const doc = new Y.Doc();
  const counsellorKey = randomBytes(32);
  const beneficiaryKey = randomBytes(32);
  const init = initBilan(doc, {
    bilanId: encodeBase64url(randomBytes(16)),
    createdAt: T0,
    counsellor: { name: 'Camille Martin', publicKey: counsellorKey },
  });
  if (!init.ok) throw new Error(init.error);
  pinBeneficiary(doc, { name: 'Alex Durand', publicKey: beneficiaryKey });

  const heading = element('heading', [text('Origine de la demande')], { level: 3 });
  fill(doc, 'circonstances', [
    heading,
    element('paragraph', [text(MARKER)]),
    element('paragraph', [
      text('Un point '),
      text('important', { bold: {} }),
      text(' et un autre '),
      text('nuancé', { italic: {} }),
      text('. Voir '),
      text('la fiche métier', { link: { href: 'https://www.example.org/fiche' } }),
      text('.'),
    ]),
  ]);
  fill(doc, 'competences', [
    element('bulletList', [
      element('listItem', [element('paragraph', [text('Savoir-faire : menuiserie')])]),
      element('listItem', [element('paragraph', [text('Savoir-être : patience * rigueur')])]),
    ]),
    element('paragraph', [text('Ligne un'), element('hardBreak', []), text('Ligne deux')]),
  ]);
  fill(doc, 'projet', [
    element('orderedList', [
      element('listItem', [element('paragraph', [text('CAP ébéniste en 2027')])]),
      element('listItem', [element('paragraph', [text('Stage en atelier')])]),
    ]),
    element('paragraph', [text('# pas un titre, <b>pas du HTML</b> & “guillemets” → flèche 🙂')]),
  ]);

  addObservation(
    doc,
    beneficiaryKey,
    { text: 'Je préfère « reconversion ».', section: 'projet' },
    T0,
  );
  const row = addRow(doc, counsellorKey);
  if (!row.ok) throw new Error(row.error);
  updateField(doc, counsellorKey, row.value, 'objective', 'Financer la formation');
  updateField(doc, counsellorKey, row.value, 'action', 'Monter le dossier CPF');
  updateField(doc, counsellorKey, row.value, 'deadline', '2026-09-30');
  updateField(doc, counsellorKey, row.value, 'funding', ['cpf', 'transitions-pro']);
  updateField(doc, counsellorKey, row.value, 'status', 'en_cours');
  return { doc, counsellorKey, beneficiaryKey };
}

export const LABELS: ExportLabels = {
  documentTitle: 'Document de synthèse',
  confidential: 'Document confidentiel : il est remis au/à la seul·e bénéficiaire.',
  confidentialShort: 'Confidentiel',
  beneficiary: 'Bénéficiaire',
  counsellor: 'Conseiller·ère',
  endedOn: 'Fin du bilan',
  generatedOn: 'Édité le',
  validation: {
    none: 'Version de travail',
    stale: 'Modifiée depuis la validation',
    valid: (date) => `Version finale validée le ${date}`,
  },
  sections: {
    circonstances: 'Circonstances du bilan',
    competences: 'Compétences et aptitudes',
    projet: 'Projet',
  },
  emptySection: 'Section vide.',
  observations: 'Observations du/de la bénéficiaire',
  observationGeneral: 'Synthèse en général',
  actionPlan: "Plan d'action",
  emptyActionPlan: 'Aucune action.',
  fields: {
    objective: 'Objectif',
    action: 'Action',
    deadline: 'Échéance',
    funding: 'Financement',
    resources: 'Ressources',
    contact: 'Contact',
    indicator: 'Indicateur',
    status: 'Statut',
    project: 'Projet',
  },
  statuses: { a_faire: 'À faire', en_cours: 'En cours', fait: 'Fait', abandonne: 'Abandonné' },
  fundingSources: {
    cpf: 'CPF',
    'transitions-pro': 'Transitions Pro',
    'france-travail': 'France Travail',
    employer: 'Employeur',
    vae: 'VAE',
    other: 'Autre',
  },
  projects: { main: 'Projet principal', alternative: 'Projet alternatif' },
  none: '—',
  page: (n, total) => `Page ${n} / ${total}`,
};
