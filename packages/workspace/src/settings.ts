/**
 * Counsellor-side settings of a bilan (hour cap, warnings, convention date, default mode,
 * retention policy) and the activity marker both parties write.
 */
import type * as Y from 'yjs';
import {
  activityKey,
  MetaKey,
  MODES,
  parseHourCap,
  parseWarningThresholds,
  readMeta,
  RETENTION_POLICIES,
  type Mode,
  type RetentionPolicy,
} from './meta.ts';
import { authorise, type AuthoriseError } from './parties.ts';
import { isOneOf, parseIsoDate, parseTime } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { metaMap } from './schema.ts';

export type SettingError = AuthoriseError | 'invalid-value' | 'ended';

/**
 * Sets the contracted hours, 1 s … 24 h. Lowering it below the hours already used is
 * allowed (the cap is then reached: no new session, a running one stops).
 */
export function setHourCap(
  doc: Y.Doc,
  actorKey: Uint8Array,
  seconds: number,
): Result<void, SettingError> {
  return writeSetting(doc, actorKey, () =>
    parseHourCap(seconds) === null ? null : () => metaMap(doc).set(MetaKey.hourCapSeconds, seconds),
  );
}

/**
 * Sets custom warning thresholds (seconds used, each strictly between 0 and the cap), or
 * `null` to go back to the defaults (20 h and 23 h, scaled to the cap).
 */
export function setWarningThresholds(
  doc: Y.Doc,
  actorKey: Uint8Array,
  thresholdsSeconds: readonly number[] | null,
): Result<void, SettingError> {
  return writeSetting(doc, actorKey, () => {
    const map = metaMap(doc);
    if (thresholdsSeconds === null) return () => map.delete(MetaKey.warningThresholdsSeconds);
    const parsed = parseWarningThresholds([...thresholdsSeconds], readMeta(doc).hourCapSeconds);
    return parsed === null ? null : () => map.set(MetaKey.warningThresholdsSeconds, parsed);
  });
}

/** Sets or clears the convention date ('YYYY-MM-DD'). */
export function setConventionDate(
  doc: Y.Doc,
  actorKey: Uint8Array,
  isoDate: string | null,
): Result<void, SettingError> {
  return writeSetting(doc, actorKey, () => {
    const map = metaMap(doc);
    if (isoDate === null) return () => map.delete(MetaKey.conventionDate);
    return parseIsoDate(isoDate) === null ? null : () => map.set(MetaKey.conventionDate, isoDate);
  });
}

/** Sets the mode preselected for new sessions. */
export function setDefaultMode(
  doc: Y.Doc,
  actorKey: Uint8Array,
  mode: Mode,
): Result<void, SettingError> {
  return writeSetting(doc, actorKey, () =>
    isOneOf(mode, MODES) ? () => metaMap(doc).set(MetaKey.defaultMode, mode) : null,
  );
}

/** Sets the provider's retention policy; frozen once the bilan has ended. */
export function setRetentionPolicy(
  doc: Y.Doc,
  actorKey: Uint8Array,
  policy: RetentionPolicy,
): Result<void, SettingError> {
  if (readMeta(doc).endedAt !== null) return err('ended');
  return writeSetting(doc, actorKey, () =>
    isOneOf(policy, RETENTION_POLICIES)
      ? () => metaMap(doc).set(MetaKey.retentionPolicy, policy)
      : null,
  );
}

function writeSetting(
  doc: Y.Doc,
  actorKey: Uint8Array,
  prepare: () => (() => void) | null,
): Result<void, SettingError> {
  const role = authorise(doc, actorKey, ['counsellor']);
  if (!role.ok) return role;
  const write = prepare();
  if (write === null) return err('invalid-value');
  write();
  return ok(undefined);
}

/**
 * Records that the acting party was active at `now` (for "last activity" on the home
 * screen). Call it, throttled, when the user edits. Only ever moves forward.
 */
export function markActivity(
  doc: Y.Doc,
  actorKey: Uint8Array,
  now: number,
): Result<void, AuthoriseError | 'invalid-time'> {
  const role = authorise(doc, actorKey, ['counsellor', 'beneficiary']);
  if (!role.ok) return role;
  if (parseTime(now) === null) return err('invalid-time');
  const map = metaMap(doc);
  const previous = parseTime(map.get(activityKey(role.value)));
  if (previous === null || now > previous) map.set(activityKey(role.value), now);
  return ok(undefined);
}
