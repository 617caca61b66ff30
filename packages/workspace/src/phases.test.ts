import { describe, expect, it } from 'vitest';
import {
  checkPhaseChange,
  currentPhase,
  nextPhase,
  PHASE_IDS,
  PHASE_PURPOSES,
  phaseIndex,
  previousPhase,
  setPhase,
} from './phases.ts';
import { endBilan } from './lifecycle.ts';
import { HOUR, makePair, syncAll, T0 } from './test-support.ts';

describe('phases', () => {
  it('come in order, each with purposes', () => {
    expect(PHASE_IDS).toEqual(['preliminaire', 'investigation', 'conclusion']);
    expect(PHASE_IDS.map(phaseIndex)).toEqual([0, 1, 2]);
    expect(nextPhase('preliminaire')).toBe('investigation');
    expect(nextPhase('conclusion')).toBeNull();
    expect(previousPhase('preliminaire')).toBeNull();
    expect(previousPhase('conclusion')).toBe('investigation');
    for (const phase of PHASE_IDS) expect(PHASE_PURPOSES[phase].length).toBeGreaterThan(0);
  });

  it('move forward one step at a time, back any number of steps', () => {
    expect(checkPhaseChange('preliminaire', 'investigation').ok).toBe(true);
    expect(checkPhaseChange('preliminaire', 'conclusion')).toEqual({
      ok: false,
      error: 'skips-a-phase',
    });
    expect(checkPhaseChange('conclusion', 'preliminaire').ok).toBe(true);
    expect(checkPhaseChange('investigation', 'investigation')).toEqual({
      ok: false,
      error: 'same-phase',
    });
    expect(checkPhaseChange('investigation', 'x' as 'conclusion')).toEqual({
      ok: false,
      error: 'unknown-phase',
    });
  });

  it('are changed by the counsellor only, and never after the end', () => {
    const { a, b, counsellor, beneficiary } = makePair();
    expect(setPhase(b, beneficiary.publicKey, 'investigation')).toEqual({
      ok: false,
      error: 'not-allowed',
    });
    expect(setPhase(a, counsellor.publicKey, 'investigation').ok).toBe(true);
    syncAll(a, b);
    expect(currentPhase(b)).toBe('investigation');
    expect(setPhase(a, counsellor.publicKey, 'conclusion').ok).toBe(true);
    expect(endBilan(a, counsellor.publicKey, T0 + HOUR, 'completed').ok).toBe(true);
    expect(setPhase(a, counsellor.publicKey, 'investigation')).toEqual({
      ok: false,
      error: 'ended',
    });
  });
});
