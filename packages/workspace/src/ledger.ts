/**
 * The hours ledger: sessions started and stopped explicitly by either party, kept alive by
 * heartbeats, and read back as one consistent answer on every device.
 *
 * Storage: `ledger` is a Y.Map of sessionId → Y.Map. A session's fixed fields (start, who,
 * phase, mode) are written once with it; after that each device writes only its own keys
 * (`hb:<device key hex>` its last heartbeat, `stop:<device key hex>` its stop), so no two
 * devices ever write the same key and nothing is lost to a conflict.
 *
 * Reading (a pure function of the document and `now`):
 * - a session ends at the earliest stop from a pinned party;
 * - with no heartbeat for HEARTBEAT_TIMEOUT_MS it is closed at its last heartbeat (a crashed
 *   or sleeping device loses at most one heartbeat interval); a stop that comes later than
 *   that (device woke up) is ignored for the same reason;
 * - timestamps come from each device's clock: a skewed clock shifts its own timestamps, but
 *   both devices compute the same totals from the same document;
 * - entries from unknown devices and absurd timestamps are ignored, garbage never throws.
 */
import * as Y from 'yjs';
import { fromHex, toHex } from './bytes.ts';
import {
  capStatus,
  computeTotals,
  type CapStatus,
  type SessionInterval,
  type Totals,
} from './hours.ts';
import { newId } from './ids.ts';
import { HEARTBEAT_TIMEOUT_MS } from './limits.ts';
import {
  effectiveWarningThresholds,
  MODES,
  PHASE_IDS,
  readMeta,
  type BilanMeta,
  type Mode,
  type PhaseId,
  type Role,
} from './meta.ts';
import { authorise, roleOfKey, type AuthoriseError } from './parties.ts';
import { asYMap, isOneOf, parseId, parsePublicKey, parseTime } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { ledgerMap } from './schema.ts';

export const SessionKey = {
  startedAt: 'startedAt',
  startedByKey: 'startedByKey',
  phase: 'phase',
  mode: 'mode',
} as const;
const HEARTBEAT_PREFIX = 'hb:';
const STOP_PREFIX = 'stop:';

/** running: counting now · stopped: a party pressed stop · timed-out: no heartbeat in time. */
export type SessionState = 'running' | 'stopped' | 'timed-out';

export interface LedgerSession extends SessionInterval {
  readonly startedBy: Role;
  readonly state: SessionState;
  readonly stoppedBy: Role | null;
  /** Latest of the start and every pinned device's last heartbeat. */
  readonly lastActivityAt: number;
  /** Parties whose device started, heartbeated or stopped the session. */
  readonly present: readonly Role[];
}

export interface RejectedSession {
  readonly id: string;
  readonly reason: 'malformed' | 'unknown-starter';
}

export interface LedgerView {
  /** Valid sessions by start time; a running one ends at `now`. */
  readonly sessions: readonly LedgerSession[];
  /** Entries that are not sessions (garbage, or started by an unknown device). */
  readonly rejected: readonly RejectedSession[];
  /** Time used, every valid session included, counted once and clipped at the cap. */
  readonly totals: Totals;
  readonly cap: CapStatus;
  /** The running session (the earliest, if concurrent starts made two), or null. */
  readonly running: LedgerSession | null;
}

/** Reads the ledger at `now` (epoch ms). Never throws. */
export function readLedger(doc: Y.Doc, now: number): LedgerView {
  return ledgerFromMeta(doc, readMeta(doc), now);
}

export function ledgerFromMeta(doc: Y.Doc, meta: BilanMeta, now: number): LedgerView {
  const sessions: LedgerSession[] = [];
  const rejected: RejectedSession[] = [];
  for (const [key, value] of ledgerMap(doc).entries()) {
    const id = parseId(key);
    const map = asYMap(value);
    if (id === null || map === null) {
      rejected.push({ id: key.slice(0, 64), reason: 'malformed' });
      continue;
    }
    const session = resolveSession(id, map, meta, now);
    if ('reason' in session) rejected.push(session);
    else sessions.push(session);
  }
  sessions.sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
  const totals = computeTotals(sessions, meta.hourCapSeconds);
  return {
    sessions,
    rejected,
    totals,
    cap: capStatus(totals.ms, meta.hourCapSeconds, effectiveWarningThresholds(meta)),
    running: sessions.find((s) => s.state === 'running') ?? null,
  };
}

/** Per-device entries of a session, attributed to pinned parties; other devices ignored. */
function deviceEntries(
  map: Y.Map<unknown>,
  prefix: string,
  meta: BilanMeta,
): { role: Role; at: number }[] {
  const entries: { role: Role; at: number }[] = [];
  for (const [key, value] of map.entries()) {
    if (!key.startsWith(prefix)) continue;
    const publicKey = fromHex(key.slice(prefix.length));
    const at = parseTime(value);
    const role = publicKey === null ? 'unknown' : roleOfKey(meta, publicKey);
    if (role !== 'unknown' && at !== null) entries.push({ role, at });
  }
  return entries;
}

function resolveSession(
  id: string,
  map: Y.Map<unknown>,
  meta: BilanMeta,
  now: number,
): LedgerSession | RejectedSession {
  const startedAt = parseTime(map.get(SessionKey.startedAt));
  const phase = map.get(SessionKey.phase);
  const mode = map.get(SessionKey.mode);
  const starterKey = parsePublicKey(map.get(SessionKey.startedByKey));
  if (startedAt === null || !isOneOf(phase, PHASE_IDS) || !isOneOf(mode, MODES) || !starterKey) {
    return { id, reason: 'malformed' };
  }
  const startedBy = roleOfKey(meta, starterKey);
  if (startedBy === 'unknown') return { id, reason: 'unknown-starter' };
  const heartbeats = deviceEntries(map, HEARTBEAT_PREFIX, meta);
  // Ties between stops go to the counsellor, so `stoppedBy` is the same on every copy.
  const stops = deviceEntries(map, STOP_PREFIX, meta).sort(
    (a, b) => a.at - b.at || (a.role === b.role ? 0 : a.role === 'counsellor' ? -1 : 1),
  );
  const lastActivityAt = Math.max(startedAt, ...heartbeats.map((h) => h.at));
  const present = new Set<Role>([startedBy, ...heartbeats.map((h) => h.role)]);
  for (const stop of stops) present.add(stop.role);
  const firstStop = stops[0];
  let state: SessionState;
  let endedAt: number;
  if (firstStop !== undefined) {
    const diedFirst = firstStop.at > lastActivityAt + HEARTBEAT_TIMEOUT_MS;
    state = diedFirst ? 'timed-out' : 'stopped';
    endedAt = diedFirst ? lastActivityAt : Math.max(startedAt, firstStop.at);
  } else if (!(now - lastActivityAt <= HEARTBEAT_TIMEOUT_MS)) {
    state = 'timed-out';
    endedAt = lastActivityAt;
  } else {
    state = 'running';
    endedAt = Math.max(startedAt, now);
  }
  return {
    id,
    startedAt,
    endedAt,
    phase,
    mode,
    startedBy,
    state,
    stoppedBy: state === 'stopped' && firstStop ? firstStop.role : null,
    lastActivityAt,
    present: ['counsellor', 'beneficiary'].filter((r) => present.has(r as Role)) as Role[],
  };
}

export type StartSessionError =
  | AuthoriseError
  | 'invalid-time'
  | 'invalid-mode'
  | 'no-beneficiary'
  | 'ended'
  | 'already-running'
  | 'cap-reached';

/** Whether the actor may start a session now (the UI disables the button otherwise). */
export function canStartSession(
  doc: Y.Doc,
  actorKey: Uint8Array,
  now: number,
): Result<void, StartSessionError> {
  const role = authorise(doc, actorKey, ['counsellor', 'beneficiary']);
  if (!role.ok) return role;
  if (parseTime(now) === null) return err('invalid-time');
  const meta = readMeta(doc);
  if (meta.beneficiary === null) return err('no-beneficiary');
  if (meta.endedAt !== null) return err('ended');
  const view = ledgerFromMeta(doc, meta, now);
  if (view.running !== null) return err('already-running');
  if (view.cap.level === 'reached') return err('cap-reached');
  return ok(undefined);
}

/**
 * Starts a session in the current phase (either party), in `mode` or the default mode.
 * Returns its id. Before a distanciel session the UI reminds both parties to be alone in a
 * closed room.
 */
export function startSession(
  doc: Y.Doc,
  actorKey: Uint8Array,
  now: number,
  options: { readonly mode?: Mode } = {},
): Result<string, StartSessionError> {
  const allowed = canStartSession(doc, actorKey, now);
  if (!allowed.ok) return allowed;
  const meta = readMeta(doc);
  const mode = options.mode ?? meta.defaultMode;
  if (!isOneOf(mode, MODES)) return err('invalid-mode');
  const id = newId();
  doc.transact(() => {
    const session = new Y.Map<unknown>();
    session.set(SessionKey.startedAt, now);
    session.set(SessionKey.startedByKey, new Uint8Array(actorKey));
    session.set(SessionKey.phase, meta.phase satisfies PhaseId);
    session.set(SessionKey.mode, mode);
    session.set(HEARTBEAT_PREFIX + toHex(actorKey), now);
    ledgerMap(doc).set(id, session);
  });
  return ok(id);
}

export interface HeartbeatOutcome {
  /** Sessions this device kept alive. */
  readonly heartbeated: readonly string[];
  /** Sessions stopped because the cap was reached (at the instant it was reached). */
  readonly stoppedAtCap: readonly string[];
}

/**
 * The client's tick while the bilan is open (every HEARTBEAT_INTERVAL_MS, either party):
 * keeps running sessions alive, and stops them at the cap — on each device on its own,
 * even offline. A session already timed out is not revived by this device alone.
 */
export function heartbeat(
  doc: Y.Doc,
  actorKey: Uint8Array,
  now: number,
): Result<HeartbeatOutcome, AuthoriseError | 'invalid-time'> {
  const role = authorise(doc, actorKey, ['counsellor', 'beneficiary']);
  if (!role.ok) return role;
  if (parseTime(now) === null) return err('invalid-time');
  const view = readLedger(doc, now);
  const running = view.sessions.filter((s) => s.state === 'running');
  if (running.length === 0) return ok({ heartbeated: [], stoppedAtCap: [] });
  const hex = toHex(actorKey);
  if (view.cap.level === 'reached') {
    const capAt = view.totals.capReachedAt ?? now;
    writeStops(doc, running, hex, capAt);
    return ok({ heartbeated: [], stoppedAtCap: running.map((s) => s.id) });
  }
  doc.transact(() => {
    for (const session of running) {
      const map = asYMap(ledgerMap(doc).get(session.id));
      const previous = parseTime(map?.get(HEARTBEAT_PREFIX + hex));
      if (previous === null || now > previous) map?.set(HEARTBEAT_PREFIX + hex, now);
    }
  });
  return ok({ heartbeated: running.map((s) => s.id), stoppedAtCap: [] });
}

/**
 * Stops every running session (either party) at `now`, or at the instant the cap was
 * reached if that came first. Returns the ids stopped.
 */
export function stopSession(
  doc: Y.Doc,
  actorKey: Uint8Array,
  now: number,
): Result<string[], AuthoriseError | 'invalid-time' | 'no-running-session'> {
  const role = authorise(doc, actorKey, ['counsellor', 'beneficiary']);
  if (!role.ok) return role;
  if (parseTime(now) === null) return err('invalid-time');
  const view = readLedger(doc, now);
  const running = view.sessions.filter((s) => s.state === 'running');
  if (running.length === 0) return err('no-running-session');
  const capAt = view.totals.capReachedAt;
  writeStops(doc, running, toHex(actorKey), capAt !== null && capAt < now ? capAt : now);
  return ok(running.map((s) => s.id));
}

function writeStops(doc: Y.Doc, sessions: readonly LedgerSession[], hex: string, at: number) {
  doc.transact(() => {
    for (const session of sessions) {
      asYMap(ledgerMap(doc).get(session.id))?.set(
        STOP_PREFIX + hex,
        Math.max(session.startedAt, at),
      );
    }
  });
}
