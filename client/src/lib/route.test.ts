import { describe, expect, it } from 'vitest';
import { parseRoute } from './route.ts';

const BILAN_ID = 'AAECAwQFBgcICQoLDA0ODw';

describe('parseRoute', () => {
  it('reads the routes the app writes', () => {
    expect(parseRoute({ tandem: { name: 'home' } })).toEqual({ name: 'home' });
    expect(parseRoute({ tandem: { name: 'create' } })).toEqual({ name: 'create' });
    expect(parseRoute({ tandem: { name: 'device-lock' } })).toEqual({ name: 'device-lock' });
    expect(parseRoute({ tandem: { name: 'bilan', bilanId: BILAN_ID } })).toEqual({
      name: 'bilan',
      bilanId: BILAN_ID,
    });
    expect(parseRoute({ tandem: { name: 'link-error', error: 'truncated' } })).toEqual({
      name: 'link-error',
      error: 'truncated',
    });
  });

  it('ignores anything else', () => {
    expect(parseRoute(null)).toBeNull();
    expect(parseRoute('home')).toBeNull();
    expect(parseRoute({ tandem: { name: 'bilan', bilanId: 'not an id' } })).toBeNull();
    expect(parseRoute({ tandem: { name: 'link-error', error: 'nope' } })).toBeNull();
    expect(parseRoute({ tandem: { name: 'admin' } })).toBeNull();
  });
});
