import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { authorClaim, classifyAuthor, storeAuthorClaim, verifiedAuthors } from './authors.ts';
import { authorsMap } from './schema.ts';
import {
  makeDevice,
  makePair,
  newBilanId,
  syncAll,
  verify,
  type TestDevice,
} from './test-support.ts';

function claim(
  doc: Y.Doc,
  bilanId: string,
  device: TestDevice,
  role: 'counsellor' | 'beneficiary',
) {
  const record = authorClaim(bilanId, doc.clientID, role, device.publicKey)!;
  const stored = storeAuthorClaim(doc, record, device.sign(record));
  if (!stored.ok) throw new Error(stored.error);
}

describe('authorship claims', () => {
  it('attribute each session client id to its party, and a stranger to its key', () => {
    const { a, b, bilanId, counsellor, beneficiary } = makePair();
    claim(a, bilanId, counsellor, 'counsellor');
    claim(b, bilanId, beneficiary, 'beneficiary');
    const stranger = makeDevice();
    const c = new Y.Doc();
    syncAll(a, b, c);
    claim(c, bilanId, stranger, 'beneficiary');
    syncAll(a, b, c);

    const authors = verifiedAuthors(a, verify);
    expect(classifyAuthor(a, authors, a.clientID)).toEqual({ kind: 'party', role: 'counsellor' });
    expect(classifyAuthor(a, authors, b.clientID)).toEqual({ kind: 'party', role: 'beneficiary' });
    expect(classifyAuthor(a, authors, c.clientID)).toEqual({
      kind: 'unknown',
      publicKey: stranger.publicKey,
    });
    expect(classifyAuthor(a, authors, 12345)).toEqual({ kind: 'unclaimed' });
  });

  it('ignore forged, re-targeted and mis-keyed claims', () => {
    const { a, bilanId, counsellor } = makePair();
    const mallory = makeDevice();
    // Claims the counsellor's key, signed by Mallory.
    const forged = authorClaim(bilanId, 7, 'counsellor', counsellor.publicKey)!;
    storeAuthorClaim(a, forged, mallory.sign(forged));
    // A valid claim for another bilan.
    const elsewhere = authorClaim(newBilanId(), 8, 'counsellor', counsellor.publicKey)!;
    storeAuthorClaim(a, elsewhere, counsellor.sign(elsewhere));
    // A valid claim copied under another client id's map key.
    const moved = authorClaim(bilanId, 9, 'counsellor', counsellor.publicKey)!;
    storeAuthorClaim(a, moved, counsellor.sign(moved));
    const hexKey = Buffer.from(counsellor.publicKey).toString('hex');
    authorsMap(a).set(`10.${hexKey}`, authorsMap(a).get(`9.${hexKey}`));
    const authors = verifiedAuthors(a, verify);
    expect([...authors.keys()]).toEqual([9]);
    expect(classifyAuthor(a, authors, 7)).toEqual({ kind: 'unclaimed' });
    expect(classifyAuthor(a, authors, 10)).toEqual({ kind: 'unclaimed' });
  });

  it('a client id claimed by a party and a stranger reads as the stranger', () => {
    const { a, bilanId, counsellor } = makePair();
    const stranger = makeDevice();
    const mine = authorClaim(bilanId, a.clientID, 'counsellor', counsellor.publicKey)!;
    storeAuthorClaim(a, mine, counsellor.sign(mine));
    const theirs = authorClaim(bilanId, a.clientID, 'counsellor', stranger.publicKey)!;
    storeAuthorClaim(a, theirs, stranger.sign(theirs));
    const authors = verifiedAuthors(a, verify);
    expect(classifyAuthor(a, authors, a.clientID)).toEqual({
      kind: 'unknown',
      publicKey: stranger.publicKey,
    });
  });

  it('refuses client ids Yjs cannot have, and storing twice changes nothing', () => {
    const { a, bilanId, counsellor } = makePair();
    expect(authorClaim(bilanId, -1, 'counsellor', counsellor.publicKey)).toBeNull();
    expect(authorClaim(bilanId, 2 ** 32, 'counsellor', counsellor.publicKey)).toBeNull();
    expect(authorClaim(bilanId, 1.5, 'counsellor', counsellor.publicKey)).toBeNull();
    const record = authorClaim(bilanId, a.clientID, 'counsellor', counsellor.publicKey)!;
    const signature = counsellor.sign(record);
    storeAuthorClaim(a, record, signature);
    const before = Y.encodeStateVector(a);
    storeAuthorClaim(a, record, signature);
    expect(Y.encodeStateVector(a)).toEqual(before);
    expect(storeAuthorClaim(a, record, new Uint8Array(3))).toEqual({
      ok: false,
      error: 'invalid-record',
    });
  });
});
