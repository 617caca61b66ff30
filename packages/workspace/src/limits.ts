/**
 * Every limit and time constant of the workspace, defined once with its unit in the name.
 * Timestamps in the document are epoch milliseconds; hour caps and totals are seconds.
 */

const HOUR_S = 3_600;

/** Legal maximum of a bilan (Code du travail R6313-4): 24 hours. */
export const HOUR_CAP_MAX_SECONDS = 24 * HOUR_S;
/** Smallest cap a provider may set. Tiny caps (e.g. 60 s) are legitimate settings, used by tests. */
export const HOUR_CAP_MIN_SECONDS = 1;
/** Cap used when none is set: the legal maximum. */
export const DEFAULT_HOUR_CAP_SECONDS = HOUR_CAP_MAX_SECONDS;

/**
 * Default warnings, as fractions of the cap: 20 h and 23 h of a 24 h cap. Fractions keep
 * them meaningful when the contracted cap is lower (a 12 h cap warns at 10 h and 11 h 30).
 */
export const DEFAULT_WARNING_FRACTIONS: readonly number[] = [20 / 24, 23 / 24];
/** At most this many custom warning thresholds are kept. */
export const MAX_WARNING_THRESHOLDS = 5;

/** How often a client in a running session writes its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/**
 * A running session with no heartbeat for this long is closed at its last heartbeat.
 * Long enough for background tabs, whose timers browsers may throttle to once a minute,
 * and for clock skew of up to about a minute between the two devices.
 */
export const HEARTBEAT_TIMEOUT_MS = 120_000;
/**
 * Wait this long after a session ended before asking for the attendance signature, so a
 * concurrent stop from the other device has arrived and the record no longer changes.
 */
export const ATTENDANCE_SETTLE_MS = 3 * HEARTBEAT_INTERVAL_MS;

/** Timestamps before this are absurd for Tandem (device clock reset, garbage): rejected. */
export const MIN_PLAUSIBLE_TIME_MS = Date.UTC(2024, 0, 1);
/** Timestamps after this are absurd: rejected. */
export const MAX_PLAUSIBLE_TIME_MS = Date.UTC(2100, 0, 1);

/** Retention after the end of the bilan, in years, per policy (décret 2023-1350 / before). */
export const RETENTION_YEARS = { current: 3, legacy: 1 } as const;
/** Default delay of the follow-up interview after the end (à froid). */
export const FOLLOW_UP_MONTHS_DEFAULT = 6;

/** Length of an Ed25519 public key, of a signature, and of the synthesis hash. */
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
export const HASH_BYTES = 32;

/** Text limits (UTF-16 code units). Longer input is refused by writers, clipped by readers. */
export const MAX_NAME_CHARS = 120;
export const MAX_CELL_CHARS = 2_000;
export const MAX_OBSERVATION_CHARS = 10_000;
export const MAX_THIRD_PARTY_CHARS = 200;
/** Optional comment of a satisfaction survey: a few sentences, not a document. */
export const MAX_SATISFACTION_COMMENT_CHARS = 2_000;
export const MAX_ID_CHARS = 64;
/** Fractional order keys longer than this are treated as garbage and sorted last. */
export const MAX_ORDER_KEY_CHARS = 128;

/** Sessions an evidence record may hold; 24 h in one-minute sessions fits with room to spare. */
export const MAX_EVIDENCE_SESSIONS = 2_000;
/** A stored attendance envelope (signature ‖ record) in base64url; real ones are ~250 chars. */
export const MAX_EVIDENCE_ENVELOPE_CHARS = 1_024;
