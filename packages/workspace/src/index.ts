/**
 * @tandem/workspace — the bilan's Y.Doc schema and every domain rule, as pure TypeScript.
 *
 * Conventions of this API:
 * - Writers take the doc, the acting device's public key, then their input, and `now`
 *   (epoch ms) where time matters; they validate and return `Result` ({ok, value} or
 *   {ok: false, error: 'code'}) instead of throwing. Error codes are stable: translate them.
 * - Readers never throw, whatever a peer wrote; garbage reads as defaults or is left out.
 * - Signed records are built here, signed by @tandem/crypto, then stored here (two steps,
 *   so signing may be async); verification is injected as a synchronous `VerifyRecord`.
 */
export type { Result } from './result.ts';
export * from './limits.ts';
export {
  SECTION_IDS,
  SharedName,
  ALL_SHARED_NAMES,
  sectionFragmentName,
  sectionFragment,
  observeBilan,
  type SectionId,
} from './schema.ts';
export {
  readMeta,
  statedParties,
  initBilan,
  parseHourCap,
  parseWarningThresholds,
  effectiveWarningThresholds,
  PHASE_IDS,
  MODES,
  ROLES,
  RETENTION_POLICIES,
  END_REASONS,
  type BilanMeta,
  type Party,
  type PhaseId,
  type Mode,
  type Role,
  type RetentionPolicy,
  type EndReason,
  type InitBilanInput,
  type InitBilanError,
} from './meta.ts';
export { anchorPins, anchoredPins, pinConflicts, type PinConflict } from './trust.ts';
export {
  authorClaim,
  storeAuthorClaim,
  verifiedAuthors,
  classifyAuthor,
  parseClaimKey,
  type AuthorKind,
  type StoreAuthorClaimError,
} from './authors.ts';
export { markExcluded, excludedKeys, isExcluded, type MarkExcludedError } from './exclusions.ts';
export {
  classifyDevice,
  pinBeneficiary,
  renameSelf,
  authorise,
  type DeviceRole,
  type AuthoriseError,
  type PinBeneficiaryError,
  type RenameError,
} from './parties.ts';
export {
  setHourCap,
  setWarningThresholds,
  setConventionDate,
  setDefaultMode,
  setRetentionPolicy,
  markActivity,
  type SettingError,
} from './settings.ts';
export {
  PHASE_PURPOSES,
  phaseIndex,
  nextPhase,
  previousPhase,
  checkPhaseChange,
  currentPhase,
  setPhase,
  type PhasePurpose,
  type PhaseChangeError,
  type SetPhaseError,
} from './phases.ts';
export {
  SECTIONS,
  SYNTHESIS_CANONICAL_FORMAT,
  sectionTree,
  sectionText,
  synthesisText,
  countWords,
  synthesisWordCount,
  canonicalSynthesis,
  synthesisHash,
  type SynthesisNode,
  type TextRun,
} from './synthesis.ts';
export type { JsonValue } from './canonical-json.ts';
export {
  FUNDING_SOURCES,
  ROW_STATUSES,
  LINKED_PROJECTS,
  ACTION_ROW_FIELDS,
  EMPTY_ROW,
  listRows,
  addRow,
  updateField,
  moveRow,
  deleteRow,
  observeActionPlan,
  parseFieldValue,
  type FundingSource,
  type RowStatus,
  type LinkedProject,
  type ActionRowFields,
  type ActionRowField,
  type ActionRow,
  type AddRowOptions,
  type MoveTarget,
  type ActionPlanError,
} from './action-plan.ts';
export { keyBetween, isOrderKey } from './fractional-index.ts';
export {
  listObservations,
  addObservation,
  editObservation,
  deleteObservation,
  observeObservations,
  type Observation,
  type ObservationError,
} from './observations.ts';
export {
  computeTotals,
  capStatus,
  type SessionInterval,
  type Totals,
  type CapLevel,
  type CapStatus,
} from './hours.ts';
export {
  readLedger,
  canStartSession,
  startSession,
  heartbeat,
  stopSession,
  type SessionState,
  type LedgerSession,
  type RejectedSession,
  type LedgerView,
  type StartSessionError,
  type HeartbeatOutcome,
} from './ledger.ts';
export {
  attendanceReport,
  attendanceRecordFor,
  sessionsAwaitingSignature,
  storeAttendanceSignature,
  type AttendanceSignature,
  type AttendanceState,
  type AttendanceEntry,
  type AttendanceReport,
  type AttendanceRecordError,
  type StoreAttendanceError,
} from './attendance.ts';
export {
  EVIDENCE_FORMAT,
  EVIDENCE_VERSION,
  evidenceFromDoc,
  parseEvidence,
  certifyEvidence,
  mergeEvidence,
  type EvidenceRecord,
  type EvidenceParty,
  type EvidenceSession,
  type EvidenceParseError,
  type CertifiedEvidence,
  type CertifiedSession,
} from './evidence.ts';
export {
  CONSENT_TOPICS,
  readConsents,
  activeConsents,
  consentRecordFor,
  storeConsent,
  type Consent,
  type ConsentsView,
  type ConsentDecision,
  type ConsentError,
} from './consents.ts';
export {
  validationState,
  validationRecordFor,
  storeValidation,
  type ValidationStatus,
  type ValidationError,
} from './validation.ts';
export { retentionDeadline, isPastRetention, type RetentionDeadline } from './retention.ts';
export { endBilan, followUpDate, type EndBilanError } from './lifecycle.ts';
export {
  DESTROY_REASONS,
  destroyContext,
  verifyDestroyOrder,
  tombstoneState,
  destroyOrderFor,
  storeDestroyOrder,
  type DestroyContext,
  type DestroyOrderCheck,
  type TombstoneState,
  type DestroyOrderError,
} from './tombstone.ts';
export { bilanSummary, type BilanSummary } from './summary.ts';
export {
  SURVEY_IDS,
  SURVEYS,
  PROJECT_OUTCOMES,
  SCORE_MIN,
  SCORE_MAX,
  readSatisfaction,
  answerSurvey,
  parseAnswers,
  type SurveyId,
  type SurveyQuestion,
  type SurveyAnswers,
  type SurveyResponse,
  type ProjectOutcome,
  type SatisfactionError,
} from './satisfaction.ts';
export {
  decodeSignedEntry,
  type VerifyRecord,
  type HashBytes,
  type SignedEntry,
  type PinnedKeys,
  type SignatureProblem,
} from './signed.ts';
export { toHex } from './bytes.ts';
