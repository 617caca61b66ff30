import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { heartbeat, startSession, stopSession } from './ledger.ts';
import { markActivity } from './settings.ts';
import { bilanSummary } from './summary.ts';
import { HOUR, makePair, MINUTE, syncAll, T0, verify } from './test-support.ts';

describe('bilanSummary', () => {
  it('gives the home screen its line', () => {
    const { a, b, counsellor: c, beneficiary: k } = makePair({ hourCapSeconds: 20 * 3600 });
    startSession(a, c.publicKey, T0 + HOUR);
    for (let t = T0 + HOUR; t <= T0 + 2 * HOUR; t += MINUTE) heartbeat(a, c.publicKey, t);
    stopSession(a, c.publicKey, T0 + 2 * HOUR);
    markActivity(b, k.publicKey, T0 + 3 * HOUR);
    syncAll(a, b);
    expect(bilanSummary(b, T0 + 4 * HOUR, verify)).toEqual({
      bilanId: expect.any(String),
      counsellorName: 'Claire Martin',
      beneficiaryName: 'Karim Benali',
      phase: 'preliminaire',
      secondsUsed: 3600,
      capSeconds: 20 * 3600,
      sessionRunning: false,
      endedAt: null,
      retention: { state: 'not-ended' },
      lastActivityAt: T0 + 3 * HOUR,
    });
  });

  it('works on an empty document', () => {
    expect(bilanSummary(new Y.Doc(), T0, verify)).toMatchObject({
      bilanId: null,
      counsellorName: null,
      secondsUsed: 0,
      lastActivityAt: null,
    });
  });
});
