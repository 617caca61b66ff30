import { describe, expect, it } from 'vitest';
import { createBilanKey, deriveBilanKeys, ready } from './index.ts';

// Vitest runs each file in its own module graph, so here libsodium starts uninitialised.
describe('ready()', () => {
  it('is required before use', () => {
    expect(() => deriveBilanKeys(createBilanKey())).toThrow(/await ready\(\)/);
  });

  it('initialises once and is memoised', async () => {
    const first = ready();
    expect(ready()).toBe(first);
    await first;
    await ready();
    expect(deriveBilanKeys(createBilanKey()).docKey).toHaveLength(32);
  });
});
