/**
 * Validation of the synthesis: the beneficiary signs the hash of its canonical
 * serialisation (synthesis.ts). The synthesis is 'valid' while its current hash equals one
 * the beneficiary signed; any later edit makes it 'stale' (visibly un-validated), until
 * they validate again or the text returns to a signed version. Only a valid synthesis may
 * be exported as final.
 */
import { bytesEqual, type ValidationRecord } from '@tandem/protocol';
import type * as Y from 'yjs';
import { storeBeneficiaryRecord, type StoreBeneficiaryRecordError } from './beneficiary-signed.ts';
import { readMeta } from './meta.ts';
import { pinnedKeys, roleOfKey } from './parties.ts';
import { parseTime } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { validationsArray } from './schema.ts';
import {
  decodeSignedEntry,
  signatureProblem,
  type HashBytes,
  type SignatureProblem,
  type VerifyRecord,
} from './signed.ts';
import { synthesisHash, synthesisWordCount } from './synthesis.ts';

export interface ValidationStatus {
  /** none: never validated · valid: this exact text is signed · stale: edited since. */
  readonly state: 'none' | 'valid' | 'stale';
  /** The validation matching the current text (valid), else the latest one (stale), or null. */
  readonly record: ValidationRecord | null;
  /** Validations that failed verification (shown as an alert, never trusted). */
  readonly rejected: readonly (SignatureProblem | 'wrong-role')[];
}

/** Where the synthesis stands. Never throws. */
export function validationState(
  doc: Y.Doc,
  verify: VerifyRecord,
  hash: HashBytes,
): ValidationStatus {
  const meta = readMeta(doc);
  const pinned = pinnedKeys(meta);
  const rejected: ValidationStatus['rejected'][number][] = [];
  const trusted: ValidationRecord[] = [];
  for (const value of validationsArray(doc).toArray()) {
    const entry = decodeSignedEntry(value);
    if (entry === null || entry.record.kind !== 'validation') {
      rejected.push('malformed');
      continue;
    }
    const problem = signatureProblem(entry, meta.bilanId, pinned, verify);
    if (problem !== null || entry.record.signerRole !== 'beneficiary') {
      rejected.push(problem ?? 'wrong-role');
      continue;
    }
    trusted.push(entry.record);
  }
  if (trusted.length === 0) return { state: 'none', record: null, rejected };
  trusted.sort((a, b) => a.at - b.at);
  const current = synthesisHash(doc, hash);
  const matching = current && trusted.filter((r) => bytesEqual(r.synthesisHash, current)).pop();
  if (matching) return { state: 'valid', record: matching, rejected };
  return { state: 'stale', record: trusted[trusted.length - 1] ?? null, rejected };
}

export type ValidationError =
  | 'not-initialised'
  | 'not-beneficiary'
  | 'not-conclusion'
  | 'empty-synthesis'
  | 'invalid-time'
  | 'hash-failed';

/** The record the beneficiary signs to validate the synthesis as it is now (conclusion only). */
export function validationRecordFor(
  doc: Y.Doc,
  signerKey: Uint8Array,
  now: number,
  hash: HashBytes,
): Result<ValidationRecord, ValidationError> {
  const meta = readMeta(doc);
  if (meta.bilanId === null) return err('not-initialised');
  if (roleOfKey(meta, signerKey) !== 'beneficiary') return err('not-beneficiary');
  if (meta.phase !== 'conclusion') return err('not-conclusion');
  if (parseTime(now) === null) return err('invalid-time');
  if (synthesisWordCount(doc).total === 0) return err('empty-synthesis');
  const digest = synthesisHash(doc, hash);
  if (digest === null) return err('hash-failed');
  return ok({
    kind: 'validation',
    bilanId: meta.bilanId,
    synthesisHash: digest,
    at: now,
    signerRole: 'beneficiary',
    signerKey: new Uint8Array(signerKey),
  });
}

/** Appends a signed validation after checking who signed it. */
export function storeValidation(
  doc: Y.Doc,
  record: ValidationRecord,
  signature: Uint8Array,
): Result<void, StoreBeneficiaryRecordError> {
  return storeBeneficiaryRecord(doc, validationsArray(doc), record, signature);
}
