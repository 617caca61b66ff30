/**
 * The three phases of a bilan, in order, and the rule for changing phase.
 *
 * Rule: the counsellor (who runs the method) moves the bilan forward one phase at a time —
 * investigation cannot be skipped — and may go back to any earlier phase (e.g. to explore
 * one more option after a first conclusion). Nothing changes once the bilan has ended.
 * A running session keeps the phase it started with; stop and start to split it.
 */
import type * as Y from 'yjs';
import { MetaKey, PHASE_IDS, readMeta, type PhaseId } from './meta.ts';
import { authorise, type AuthoriseError } from './parties.ts';
import { isOneOf } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { metaMap } from './schema.ts';

export { PHASE_IDS, type PhaseId } from './meta.ts';

/**
 * What each phase is for, as stable ids (DOMAIN.md). The client maps them to French and
 * English text.
 */
export const PHASE_PURPOSES = {
  preliminaire: ['analyse-request', 'inform-method', 'initial-objectives'],
  investigation: [
    'values-interests-motivations',
    'competences-aptitudes',
    'transferable-skills',
    'explore-options',
    'labour-market',
    'alternative-project',
  ],
  conclusion: [
    'restitution',
    'project-strengths-vigilance',
    'alternative-project',
    'action-plan',
    'synthesis',
    'follow-up',
  ],
} as const satisfies Record<PhaseId, readonly string[]>;

export type PhasePurpose = (typeof PHASE_PURPOSES)[PhaseId][number];

/** 0, 1 or 2. */
export function phaseIndex(phase: PhaseId): number {
  return PHASE_IDS.indexOf(phase);
}

export function nextPhase(phase: PhaseId): PhaseId | null {
  return PHASE_IDS[phaseIndex(phase) + 1] ?? null;
}

export function previousPhase(phase: PhaseId): PhaseId | null {
  return PHASE_IDS[phaseIndex(phase) - 1] ?? null;
}

export type PhaseChangeError = 'same-phase' | 'skips-a-phase' | 'unknown-phase';

/** Whether going from `from` to `to` follows the rule (one step forward, or any step back). */
export function checkPhaseChange(from: PhaseId, to: PhaseId): Result<void, PhaseChangeError> {
  if (!isOneOf(to, PHASE_IDS)) return err('unknown-phase');
  const delta = phaseIndex(to) - phaseIndex(from);
  if (delta === 0) return err('same-phase');
  if (delta > 1) return err('skips-a-phase');
  return ok(undefined);
}

/** Current phase (préliminaire if unset or garbage). */
export function currentPhase(doc: Y.Doc): PhaseId {
  return readMeta(doc).phase;
}

export type SetPhaseError = AuthoriseError | PhaseChangeError | 'ended';

/** Changes the phase (counsellor only), following `checkPhaseChange`. */
export function setPhase(
  doc: Y.Doc,
  actorKey: Uint8Array,
  to: PhaseId,
): Result<void, SetPhaseError> {
  const role = authorise(doc, actorKey, ['counsellor']);
  if (!role.ok) return role;
  const meta = readMeta(doc);
  if (meta.endedAt !== null) return err('ended');
  const check = checkPhaseChange(meta.phase, to);
  if (!check.ok) return check;
  metaMap(doc).set(MetaKey.phase, to);
  return ok(undefined);
}
