/**
 * Satisfaction surveys (Qualiopi evidence): at the end of the bilan (à chaud) and at the
 * follow-up interview (à froid). Answered by the beneficiary only; scores and choices, with
 * an optional short comment. They are evidence, not content: the counsellor's device copies
 * them into the evidence record, which outlives the destroyed bilan.
 */
import { bytesEqual } from '@tandem/protocol';
import type * as Y from 'yjs';
import { MAX_SATISFACTION_COMMENT_CHARS } from './limits.ts';
import { readMeta } from './meta.ts';
import { authorise, type AuthoriseError } from './parties.ts';
import { isOneOf, isPlainObject, parseInt, parsePublicKey, parseTime, readText } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { satisfactionMap } from './schema.ts';

export const SURVEY_IDS = ['a-chaud', 'a-froid'] as const;
export type SurveyId = (typeof SURVEY_IDS)[number];

/** Where the project stands at follow-up. */
export const PROJECT_OUTCOMES = ['realised', 'in-progress', 'changed', 'on-hold'] as const;
export type ProjectOutcome = (typeof PROJECT_OUTCOMES)[number];

/** A score question is answered 1 (not at all) … 5 (fully); a choice question by an option id. */
export type SurveyQuestion =
  | { readonly id: string; readonly kind: 'score' }
  | { readonly id: string; readonly kind: 'choice'; readonly options: readonly string[] };

export const SURVEYS: Readonly<Record<SurveyId, readonly SurveyQuestion[]>> = {
  'a-chaud': [
    { id: 'overall', kind: 'score' },
    { id: 'expectations', kind: 'score' },
    { id: 'methods', kind: 'score' },
    { id: 'counsellor', kind: 'score' },
    { id: 'recommend', kind: 'score' },
  ],
  'a-froid': [
    { id: 'outcome', kind: 'choice', options: PROJECT_OUTCOMES },
    { id: 'usefulness', kind: 'score' },
    { id: 'action-plan', kind: 'score' },
    { id: 'overall', kind: 'score' },
  ],
};

export const SCORE_MIN = 1;
export const SCORE_MAX = 5;

export type SurveyAnswers = Readonly<Record<string, number | string>>;

export interface SurveyResponse {
  readonly survey: SurveyId;
  readonly answers: SurveyAnswers;
  readonly comment: string;
  readonly at: number;
}

/** Answers of one survey checked against its questions: every question, valid values only. */
export function parseAnswers(survey: SurveyId, value: unknown): SurveyAnswers | null {
  if (!isPlainObject(value)) return null;
  const answers: Record<string, number | string> = {};
  for (const question of SURVEYS[survey]) {
    const answer = value[question.id];
    if (question.kind === 'score') {
      const score = parseInt(answer, SCORE_MIN, SCORE_MAX);
      if (score === null) return null;
      answers[question.id] = score;
    } else {
      if (!isOneOf(answer, question.options)) return null;
      answers[question.id] = answer;
    }
  }
  return answers;
}

/** The beneficiary's responses, one per survey at most. Never throws. */
export function readSatisfaction(doc: Y.Doc): SurveyResponse[] {
  const beneficiary = readMeta(doc).beneficiary;
  if (beneficiary === null) return [];
  const responses: SurveyResponse[] = [];
  for (const survey of SURVEY_IDS) {
    const value = satisfactionMap(doc).get(survey);
    if (!isPlainObject(value)) continue;
    const author = parsePublicKey(value.authorKey);
    if (!author || !bytesEqual(author, beneficiary.publicKey)) continue;
    const answers = parseAnswers(survey, value.answers);
    const at = parseTime(value.at);
    if (answers === null || at === null) continue;
    const comment = readText(value.comment, MAX_SATISFACTION_COMMENT_CHARS).trim();
    responses.push({ survey, answers, comment, at });
  }
  return responses;
}

export type SatisfactionError =
  AuthoriseError | 'invalid-survey' | 'invalid-answers' | 'invalid-comment' | 'invalid-time';

/** Records (or replaces) the beneficiary's answers to one survey. */
export function answerSurvey(
  doc: Y.Doc,
  actorKey: Uint8Array,
  survey: SurveyId,
  input: { readonly answers: SurveyAnswers; readonly comment?: string },
  now: number,
): Result<void, SatisfactionError> {
  const role = authorise(doc, actorKey, ['beneficiary']);
  if (!role.ok) return role;
  if (!isOneOf(survey, SURVEY_IDS)) return err('invalid-survey');
  const answers = parseAnswers(survey, input.answers);
  if (answers === null) return err('invalid-answers');
  const comment = typeof input.comment === 'string' ? input.comment.trim() : '';
  if (comment.length > MAX_SATISFACTION_COMMENT_CHARS) return err('invalid-comment');
  if (parseTime(now) === null) return err('invalid-time');
  satisfactionMap(doc).set(survey, {
    authorKey: new Uint8Array(actorKey),
    answers: { ...answers },
    comment,
    at: now,
  });
  return ok(undefined);
}

/**
 * Survey responses as kept in the evidence record (plain data, outside the document).
 * A missing list reads as none; anything malformed is left out. Never throws.
 */
export function parseSurveyResponses(value: unknown): SurveyResponse[] {
  if (!Array.isArray(value)) return [];
  const responses: SurveyResponse[] = [];
  for (const item of value) {
    if (!isPlainObject(item) || !isOneOf(item.survey, SURVEY_IDS)) continue;
    if (responses.some((r) => r.survey === item.survey)) continue;
    const answers = parseAnswers(item.survey, item.answers);
    const at = parseTime(item.at);
    if (answers === null || at === null) continue;
    const comment = readText(item.comment, MAX_SATISFACTION_COMMENT_CHARS).trim();
    responses.push({ survey: item.survey, answers, comment, at });
  }
  return responses;
}

/** Responses kept in the evidence, updated by newer ones (a wiped document loses none). */
export function mergeSurveyResponses(
  kept: readonly SurveyResponse[],
  next: readonly SurveyResponse[],
): SurveyResponse[] {
  return SURVEY_IDS.flatMap((survey) => {
    const candidates = [...kept, ...next].filter((r) => r.survey === survey);
    return candidates.length === 0 ? [] : [candidates.reduce((a, b) => (b.at >= a.at ? b : a))];
  });
}
