import { describe, expect, it } from 'vitest';
import { evidenceFromDoc, mergeEvidence, parseEvidence } from './evidence.ts';
import { answerSurvey, parseSurveyResponses, readSatisfaction } from './satisfaction.ts';
import { satisfactionMap } from './schema.ts';
import { T0, makeDevice, makePair, syncAll } from './test-support.ts';

const chaud = { overall: 5, expectations: 4, methods: 4, counsellor: 5, recommend: 5 };
const froid = { outcome: 'in-progress', usefulness: 4, 'action-plan': 3, overall: 4 };

describe('satisfaction surveys', () => {
  it('records the beneficiary’s answers à chaud and à froid, seen on both copies', () => {
    const { a, b, beneficiary } = makePair();
    expect(answerSurvey(b, beneficiary.publicKey, 'a-chaud', { answers: chaud }, T0)).toEqual({
      ok: true,
      value: undefined,
    });
    const comment = '  Très utile.  ';
    expect(
      answerSurvey(b, beneficiary.publicKey, 'a-froid', { answers: froid, comment }, T0 + 1).ok,
    ).toBe(true);
    syncAll(a, b);
    expect(readSatisfaction(a)).toEqual([
      { survey: 'a-chaud', answers: chaud, comment: '', at: T0 },
      { survey: 'a-froid', answers: froid, comment: 'Très utile.', at: T0 + 1 },
    ]);
  });

  it('lets the beneficiary change their answers; the latest stays', () => {
    const { b, beneficiary } = makePair();
    answerSurvey(b, beneficiary.publicKey, 'a-chaud', { answers: chaud }, T0);
    answerSurvey(
      b,
      beneficiary.publicKey,
      'a-chaud',
      { answers: { ...chaud, overall: 3 } },
      T0 + 5,
    );
    expect(readSatisfaction(b)).toEqual([
      { survey: 'a-chaud', answers: { ...chaud, overall: 3 }, comment: '', at: T0 + 5 },
    ]);
  });

  it('refuses the counsellor, a stranger, and incomplete or out-of-range answers', () => {
    const { a, b, counsellor, beneficiary } = makePair();
    expect(answerSurvey(a, counsellor.publicKey, 'a-chaud', { answers: chaud }, T0)).toEqual({
      ok: false,
      error: 'not-allowed',
    });
    expect(answerSurvey(b, makeDevice().publicKey, 'a-chaud', { answers: chaud }, T0).ok).toBe(
      false,
    );
    const key = beneficiary.publicKey;
    const bad = [
      { ...chaud, overall: 6 },
      { ...chaud, overall: 0 },
      { ...chaud, overall: 2.5 },
      { overall: 5 },
    ];
    for (const answers of bad) {
      expect(answerSurvey(b, key, 'a-chaud', { answers }, T0)).toEqual({
        ok: false,
        error: 'invalid-answers',
      });
    }
    expect(answerSurvey(b, key, 'a-froid', { answers: { ...froid, outcome: 'x' } }, T0).ok).toBe(
      false,
    );
    expect(
      answerSurvey(b, key, 'a-chaud', { answers: chaud, comment: 'x'.repeat(2_001) }, T0),
    ).toEqual({
      ok: false,
      error: 'invalid-comment',
    });
    expect(readSatisfaction(b)).toEqual([]);
  });

  it('ignores answers written by anyone but the pinned beneficiary, and garbage', () => {
    const { a, counsellor } = makePair();
    satisfactionMap(a).set('a-chaud', { authorKey: counsellor.publicKey, answers: chaud, at: T0 });
    satisfactionMap(a).set('a-froid', 'garbage');
    satisfactionMap(a).set('other', { answers: chaud });
    expect(readSatisfaction(a)).toEqual([]);
  });
});

describe('satisfaction in the evidence record', () => {
  it('is copied into the evidence, survives storage, and a wiped document loses none', () => {
    const { a, b, beneficiary } = makePair();
    answerSurvey(b, beneficiary.publicKey, 'a-chaud', { answers: chaud, comment: 'Merci' }, T0);
    syncAll(a, b);
    const evidence = evidenceFromDoc(a, T0 + 10);
    expect(evidence?.satisfaction).toEqual([
      { survey: 'a-chaud', answers: chaud, comment: 'Merci', at: T0 },
    ]);
    const stored = parseEvidence(JSON.parse(JSON.stringify(evidence)));
    expect(stored).toEqual({ ok: true, value: evidence });
    // A record from before surveys existed reads as "no answers".
    const { satisfaction: _none, ...older } = evidence!;
    expect(parseEvidence(older)).toMatchObject({ ok: true, value: { satisfaction: [] } });
    // Later answers à froid are added; nothing kept is lost when the next build has less.
    const later = {
      ...evidence!,
      satisfaction: parseSurveyResponses([{ survey: 'a-froid', answers: froid, at: T0 + 99 }]),
    };
    const merged = mergeEvidence(evidence, later);
    expect(merged.satisfaction.map((r) => r.survey)).toEqual(['a-chaud', 'a-froid']);
  });

  it('leaves out malformed stored responses', () => {
    expect(
      parseSurveyResponses([
        { survey: 'a-chaud', answers: { overall: 9 }, at: T0 },
        { survey: 'nope', answers: chaud, at: T0 },
        'garbage',
        { survey: 'a-chaud', answers: chaud, at: T0 },
        { survey: 'a-chaud', answers: chaud, at: T0 + 1 },
      ]),
    ).toEqual([{ survey: 'a-chaud', answers: chaud, comment: '', at: T0 }]);
    expect(parseSurveyResponses('x')).toEqual([]);
  });
});
