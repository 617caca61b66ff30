/**
 * The bilan's settings and identity, in the top-level `meta` map. Writers validate and
 * refuse; `readMeta` never throws and falls back to defaults on garbage, because any
 * device holding the link can write anything into the document.
 */
import { isBilanId, type PartyRole, type SessionMode, type SessionPhase } from '@tandem/protocol';
import type * as Y from 'yjs';
import {
  DEFAULT_HOUR_CAP_SECONDS,
  DEFAULT_WARNING_FRACTIONS,
  HOUR_CAP_MAX_SECONDS,
  HOUR_CAP_MIN_SECONDS,
  MAX_NAME_CHARS,
  MAX_WARNING_THRESHOLDS,
} from './limits.ts';
import {
  isOneOf,
  isPlainObject,
  parseInt,
  parseIsoDate,
  parsePublicKey,
  parseText,
  parseTime,
} from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { metaMap } from './schema.ts';
import { anchoredParty } from './trust.ts';

export type PhaseId = SessionPhase;
export type Mode = SessionMode;
export type Role = PartyRole;

export const PHASE_IDS: readonly PhaseId[] = ['preliminaire', 'investigation', 'conclusion'];
export const MODES: readonly Mode[] = ['presentiel', 'distanciel'];
export const ROLES: readonly Role[] = ['counsellor', 'beneficiary'];

/**
 * Provider's retention policy. 'current' (default, décret 2023-1350): synthesis and
 * documents kept with the beneficiary's written consent, at most 3 years after the end.
 * 'legacy' (older conventions): at most 1 year.
 */
export type RetentionPolicy = 'current' | 'legacy';
export const RETENTION_POLICIES: readonly RetentionPolicy[] = ['current', 'legacy'];

/** Why the bilan ended: completed (in conclusion) or stopped early — never a fault. */
export type EndReason = 'completed' | 'abandoned';
export const END_REASONS: readonly EndReason[] = ['completed', 'abandoned'];

/** A party as pinned in the document: display name and device public key. */
export interface Party {
  readonly name: string;
  readonly publicKey: Uint8Array;
}

export interface BilanMeta {
  /** Base64url bilan id, or null if the document is not initialised (or garbage). */
  readonly bilanId: string | null;
  readonly createdAt: number | null;
  /** Date of the convention, 'YYYY-MM-DD', if set. */
  readonly conventionDate: string | null;
  /** Contracted hours, in seconds (1 s … 24 h). */
  readonly hourCapSeconds: number;
  /** Custom warning thresholds (seconds used), or null for the defaults scaled to the cap. */
  readonly warningThresholdsSeconds: readonly number[] | null;
  readonly phase: PhaseId;
  /** Mode preselected when a session starts. */
  readonly defaultMode: Mode;
  readonly retentionPolicy: RetentionPolicy;
  /** When the bilan ended (epoch ms), or null while it runs. */
  readonly endedAt: number | null;
  readonly endReason: EndReason | null;
  readonly counsellor: Party | null;
  readonly beneficiary: Party | null;
  /** Last activity any party reported (epoch ms), see `markActivity`. */
  readonly lastActivityAt: number | null;
}

export const MetaKey = {
  bilanId: 'bilanId',
  createdAt: 'createdAt',
  conventionDate: 'conventionDate',
  hourCapSeconds: 'hourCapSeconds',
  warningThresholdsSeconds: 'warningThresholdsSeconds',
  phase: 'phase',
  defaultMode: 'defaultMode',
  retentionPolicy: 'retentionPolicy',
  endedAt: 'endedAt',
  endReason: 'endReason',
  counsellor: 'counsellor',
  beneficiary: 'beneficiary',
} as const;

/** Meta key where a role's last activity is written (one key per role: no conflicts). */
export const activityKey = (role: Role): string => `activity:${role}`;

/** Reads the settings, tolerating anything: garbage becomes the default or null. */
export function readMeta(doc: Y.Doc): BilanMeta {
  const meta = metaMap(doc);
  const bilanId = meta.get(MetaKey.bilanId);
  const cap = parseHourCap(meta.get(MetaKey.hourCapSeconds)) ?? DEFAULT_HOUR_CAP_SECONDS;
  const activity = ROLES.map((role) => parseTime(meta.get(activityKey(role)))).filter(
    (at): at is number => at !== null,
  );
  return {
    bilanId: typeof bilanId === 'string' && isBilanId(bilanId) ? bilanId : null,
    createdAt: parseTime(meta.get(MetaKey.createdAt)),
    conventionDate: parseIsoDate(meta.get(MetaKey.conventionDate)),
    hourCapSeconds: cap,
    warningThresholdsSeconds: parseWarningThresholds(
      meta.get(MetaKey.warningThresholdsSeconds),
      cap,
    ),
    phase: oneOf(meta.get(MetaKey.phase), PHASE_IDS, 'preliminaire'),
    defaultMode: oneOf(meta.get(MetaKey.defaultMode), MODES, 'presentiel'),
    retentionPolicy: oneOf(meta.get(MetaKey.retentionPolicy), RETENTION_POLICIES, 'current'),
    endedAt: parseTime(meta.get(MetaKey.endedAt)),
    endReason: oneOfOrNull(meta.get(MetaKey.endReason), END_REASONS),
    // The keys this device trusts overrule the document's pins (trust.ts).
    counsellor: anchoredParty(doc, 'counsellor', parseParty(meta.get(MetaKey.counsellor))),
    beneficiary: anchoredParty(doc, 'beneficiary', parseParty(meta.get(MetaKey.beneficiary))),
    lastActivityAt: activity.length > 0 ? Math.max(...activity) : null,
  };
}

/**
 * The parties exactly as the document states them, ignoring the anchored keys: what a
 * device learns pins from on first sight, and what it compares them with afterwards.
 */
export function statedParties(doc: Y.Doc): {
  readonly counsellor: Party | null;
  readonly beneficiary: Party | null;
} {
  const meta = metaMap(doc);
  return {
    counsellor: parseParty(meta.get(MetaKey.counsellor)),
    beneficiary: parseParty(meta.get(MetaKey.beneficiary)),
  };
}

function oneOf<T extends string>(value: unknown, options: readonly T[], fallback: T): T {
  return isOneOf(value, options) ? value : fallback;
}

function oneOfOrNull<T extends string>(value: unknown, options: readonly T[]): T | null {
  return isOneOf(value, options) ? value : null;
}

/** An hour cap in seconds within 1 s … 24 h, or null. */
export function parseHourCap(value: unknown): number | null {
  return parseInt(value, HOUR_CAP_MIN_SECONDS, HOUR_CAP_MAX_SECONDS);
}

/** Custom thresholds: 1–5 distinct integers strictly inside (0, cap), sorted; else null. */
export function parseWarningThresholds(value: unknown, capSeconds: number): number[] | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_WARNING_THRESHOLDS) {
    return null;
  }
  const parsed = value.map((v) => parseInt(v, 1, capSeconds - 1));
  if (parsed.some((v) => v === null)) return null;
  const sorted = [...new Set(parsed as number[])].sort((a, b) => a - b);
  return sorted.length === parsed.length ? sorted : null;
}

/**
 * Warning thresholds in effect: custom ones, else 20 h and 23 h scaled to the cap
 * (20/24 and 23/24 of it), dropping duplicates and any that would be at 0 or at the cap.
 */
export function effectiveWarningThresholds(meta: BilanMeta): number[] {
  if (meta.warningThresholdsSeconds) return [...meta.warningThresholdsSeconds];
  const cap = meta.hourCapSeconds;
  const scaled = DEFAULT_WARNING_FRACTIONS.map((f) => Math.floor(cap * f)).filter(
    (s) => s > 0 && s < cap,
  );
  return [...new Set(scaled)];
}

/** A party object {name, publicKey}, or null. */
export function parseParty(value: unknown): Party | null {
  if (!isPlainObject(value)) return null;
  const publicKey = parsePublicKey(value.publicKey);
  const name = parseText(value.name, MAX_NAME_CHARS);
  if (publicKey === null || name === null) return null;
  return { name, publicKey };
}

export interface InitBilanInput {
  /** Base64url bilan id from @tandem/sync (16 random bytes). */
  readonly bilanId: string;
  readonly createdAt: number;
  readonly counsellor: { readonly name: string; readonly publicKey: Uint8Array };
  readonly hourCapSeconds?: number;
  readonly conventionDate?: string | null;
  readonly defaultMode?: Mode;
  readonly retentionPolicy?: RetentionPolicy;
}

export type InitBilanError =
  | 'already-initialised'
  | 'invalid-bilan-id'
  | 'invalid-time'
  | 'invalid-name'
  | 'invalid-key'
  | 'invalid-hour-cap'
  | 'invalid-date'
  | 'invalid-mode'
  | 'invalid-policy';

/**
 * Writes a new bilan's meta on the counsellor's device and pins the counsellor's key.
 * Done once; nothing else needs seeding (section headings are UI labels).
 */
export function initBilan(doc: Y.Doc, input: InitBilanInput): Result<void, InitBilanError> {
  const meta = metaMap(doc);
  if (meta.get(MetaKey.bilanId) !== undefined) return err('already-initialised');
  if (!isBilanId(input.bilanId)) return err('invalid-bilan-id');
  if (parseTime(input.createdAt) === null) return err('invalid-time');
  const name = parseText(input.counsellor.name, MAX_NAME_CHARS);
  if (name === null) return err('invalid-name');
  const publicKey = parsePublicKey(input.counsellor.publicKey);
  if (publicKey === null) return err('invalid-key');
  const cap = input.hourCapSeconds ?? DEFAULT_HOUR_CAP_SECONDS;
  if (parseHourCap(cap) === null) return err('invalid-hour-cap');
  const date = input.conventionDate ?? null;
  if (date !== null && parseIsoDate(date) === null) return err('invalid-date');
  const mode = input.defaultMode ?? 'presentiel';
  if (!isOneOf(mode, MODES)) return err('invalid-mode');
  const policy = input.retentionPolicy ?? 'current';
  if (!isOneOf(policy, RETENTION_POLICIES)) return err('invalid-policy');
  doc.transact(() => {
    meta.set(MetaKey.bilanId, input.bilanId);
    meta.set(MetaKey.createdAt, input.createdAt);
    meta.set(MetaKey.hourCapSeconds, cap);
    if (date !== null) meta.set(MetaKey.conventionDate, date);
    meta.set(MetaKey.phase, 'preliminaire');
    meta.set(MetaKey.defaultMode, mode);
    meta.set(MetaKey.retentionPolicy, policy);
    meta.set(MetaKey.counsellor, { name, publicKey });
  });
  return ok(undefined);
}
