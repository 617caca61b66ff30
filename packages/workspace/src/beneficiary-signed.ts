import type { ConsentRecord, ValidationRecord } from '@tandem/protocol';
import type * as Y from 'yjs';
import { readMeta } from './meta.ts';
import { roleOfKey } from './parties.ts';
import { err, ok, type Result } from './result.ts';
import { encodeSignedEntry } from './signed.ts';

export type StoreBeneficiaryRecordError =
  'not-initialised' | 'wrong-bilan' | 'not-beneficiary' | 'invalid-signature';

/**
 * Appends a record only the beneficiary may sign (consent, validation) to `target`, after
 * checking it is for this bilan and signed by the pinned beneficiary's key.
 */
export function storeBeneficiaryRecord(
  doc: Y.Doc,
  target: Y.Array<unknown>,
  record: ConsentRecord | ValidationRecord,
  signature: Uint8Array,
): Result<void, StoreBeneficiaryRecordError> {
  const meta = readMeta(doc);
  if (meta.bilanId === null) return err('not-initialised');
  if (record.bilanId !== meta.bilanId) return err('wrong-bilan');
  if (record.signerRole !== 'beneficiary' || roleOfKey(meta, record.signerKey) !== 'beneficiary') {
    return err('not-beneficiary');
  }
  const envelope = encodeSignedEntry(record, signature);
  if (envelope === null) return err('invalid-signature');
  target.push([envelope]);
  return ok(undefined);
}
