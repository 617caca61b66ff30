import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnswerCoalescer } from './answer-coalescer.ts';

describe('AnswerCoalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const lowest = (pending: number | undefined, next: number) =>
    pending === undefined ? next : Math.min(pending, next);

  it('answers the first request at once and merges the rest into one answer per interval', () => {
    const answers: number[] = [];
    const coalescer = new AnswerCoalescer(500, lowest, (request) => answers.push(request));
    coalescer.request(5);
    expect(answers).toEqual([5]);
    for (const request of [9, 3, 7]) coalescer.request(request);
    expect(answers).toEqual([5]);
    vi.advanceTimersByTime(499);
    expect(answers).toEqual([5]);
    vi.advanceTimersByTime(1);
    expect(answers).toEqual([5, 3]);
    // A thousand requests in the next second cost two answers, not a thousand.
    for (let i = 0; i < 1000; i++) {
      coalescer.request(i);
      vi.advanceTimersByTime(1);
    }
    expect(answers.length).toBeLessThanOrEqual(5);
    vi.advanceTimersByTime(1000);
    coalescer.request(42);
    expect(answers.at(-1)).toBe(42);
  });

  it('sends nothing after destroy', () => {
    const answers: number[] = [];
    const coalescer = new AnswerCoalescer(500, lowest, (request) => answers.push(request));
    coalescer.request(1);
    coalescer.request(2);
    coalescer.destroy();
    vi.advanceTimersByTime(1000);
    expect(answers).toEqual([1]);
  });
});
