/**
 * Sample records shared by the record tests here and in @tandem/crypto (through
 * `@tandem/protocol/testing`). Values are arbitrary but fixed: the known-answer tests
 * pin their encodings.
 */
import { bilanIdFromBytes } from './bilan-id.ts';
import type {
  AttendanceRecord,
  AuthorClaim,
  ConsentRecord,
  DestroyOrder,
  KeyRotation,
  SignableRecord,
  ValidationRecord,
} from './records.ts';

/** 16 bytes a0 a1 … af. */
export const SAMPLE_BILAN_ID = bilanIdFromBytes(
  Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i),
);

/** Builds one sample record of each kind for a signer key. */
export function sampleRecords(signerKey: Uint8Array): {
  readonly attendance: AttendanceRecord;
  readonly consent: ConsentRecord;
  readonly validation: ValidationRecord;
  readonly destroyOrder: DestroyOrder;
  readonly author: AuthorClaim;
  readonly keyRotation: KeyRotation;
  readonly all: readonly SignableRecord[];
} {
  const attendance: AttendanceRecord = {
    kind: 'attendance',
    bilanId: SAMPLE_BILAN_ID,
    sessionId: 's1',
    startedAt: 1_700_000_000_000,
    endedAt: 1_700_000_360_000,
    phase: 'investigation',
    mode: 'distanciel',
    signerRole: 'counsellor',
    signerKey,
  };
  const consent: ConsentRecord = {
    kind: 'consent',
    bilanId: SAMPLE_BILAN_ID,
    consentId: 'c1',
    topic: 'third-party-sharing',
    thirdParty: 'Pôle',
    granted: true,
    at: 1_700_000_000_000,
    deadline: 1_731_536_000_000,
    signerRole: 'beneficiary',
    signerKey,
  };
  const validation: ValidationRecord = {
    kind: 'validation',
    bilanId: SAMPLE_BILAN_ID,
    synthesisHash: new Uint8Array(32).fill(0x5a),
    at: 1_700_000_000_000,
    signerRole: 'beneficiary',
    signerKey,
  };
  const destroyOrder: DestroyOrder = {
    kind: 'destroy-order',
    bilanId: SAMPLE_BILAN_ID,
    at: 1_700_000_000_000,
    reason: 'retention',
    signerRole: 'counsellor',
    signerKey,
  };
  const author: AuthorClaim = {
    kind: 'author',
    bilanId: SAMPLE_BILAN_ID,
    clientId: 4_294_967_295,
    signerRole: 'beneficiary',
    signerKey,
  };
  const keyRotation: KeyRotation = {
    kind: 'key-rotation',
    bilanId: SAMPLE_BILAN_ID,
    at: 1_700_000_000_000,
    previousTopic: 'AAECAwQFBgcICQoLDA0ODw',
    recipients: [
      { deviceKey: new Uint8Array(32).fill(0x11), sealedKey: new Uint8Array(80).fill(0x22) },
    ],
    signerRole: 'counsellor',
    signerKey,
  };
  return {
    attendance,
    consent,
    validation,
    destroyOrder,
    author,
    keyRotation,
    all: [attendance, consent, validation, destroyOrder, author, keyRotation],
  };
}
