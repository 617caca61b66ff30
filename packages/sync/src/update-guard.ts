import * as Y from 'yjs';
import { HELD_UPDATE_MS, MAX_HELD_BYTES, MAX_HELD_UPDATES } from './constants.ts';

/** Why a Yjs update from a peer was refused before it touched the document. */
export type UpdateProblem =
  /** Does not parse as a Yjs (v1) update. */
  | 'undecodable'
  /** A struct of zero length, or a delete range of zero length. */
  | 'empty-range'
  /** A struct refers to its own client's history at or after its own clock. */
  | 'forward-reference'
  /** A client's structs come in two blocks: Yjs would silently keep only the last one. */
  | 'repeated-client';

/** An id the receiving document must hold before an update can apply whole. */
export interface MissingId {
  readonly client: number;
  readonly clock: number;
}

/**
 * What to do with an update from the network: apply it (Yjs will apply all of it and keep
 * nothing pending), refuse it (it can never apply cleanly), or wait until the document
 * holds `missing` (it needs something the document lacks).
 */
export type Verdict =
  | { readonly kind: 'apply' }
  | { readonly kind: 'refuse'; readonly problem: UpdateProblem }
  | { readonly kind: 'wait'; readonly missing: MissingId };

/** What became of an update handed to `UpdateGuard.receive`. */
export type Outcome = 'applied' | 'held' | 'refused';

interface IdLike {
  readonly client: number;
  readonly clock: number;
}

const isId = (value: unknown): value is IdLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as IdLike).client === 'number' &&
  typeof (value as IdLike).clock === 'number';

type Struct = Y.Item | Y.GC | Y.Skip;

interface Decoded {
  readonly structs: Struct[];
  readonly ds: ReturnType<typeof Y.decodeUpdate>['ds'];
  /** The client of each struct block, in order (Yjs reads one `readClient` per block). */
  readonly blocks: number[];
}

let recordingBlocks: number[] | null = null;

/** Yjs's v1 decoder, noting each struct block's client as Yjs reads it. */
class BlockRecordingDecoder extends Y.UpdateDecoderV1 {
  override readClient(): number {
    const client = super.readClient();
    recordingBlocks?.push(client);
    return client;
  }
}

function decode(update: Uint8Array): Decoded | null {
  const blocks: number[] = [];
  recordingBlocks = blocks;
  try {
    const { structs, ds } = Y.decodeUpdateV2(update, BlockRecordingDecoder);
    return { structs, ds, blocks };
  } catch {
    return null;
  } finally {
    recordingBlocks = null;
  }
}

function staticProblem(decoded: Decoded): UpdateProblem | null {
  const blockClients = new Set<number>();
  for (const client of decoded.blocks) {
    if (blockClients.has(client)) return 'repeated-client';
    blockClients.add(client);
  }
  for (const struct of decoded.structs) {
    if (!(struct.length >= 1)) return 'empty-range';
    // Every struct belongs to a block we saw: if not, Yjs reads updates differently than
    // this guard assumes, and nothing it concludes would hold. Fail closed.
    if (!blockClients.has(struct.id.client)) return 'undecodable';
    if (!(struct instanceof Y.Item)) continue;
    const { client, clock } = struct.id;
    for (const ref of [struct.origin, struct.rightOrigin, struct.parent]) {
      if (isId(ref) && ref.client === client && ref.clock >= clock) return 'forward-reference';
    }
  }
  for (const ranges of decoded.ds.clients.values()) {
    for (const range of ranges) if (!(range.len >= 1)) return 'empty-range';
  }
  return null;
}

/**
 * The first id `decoded` needs that neither `doc` holds nor the update itself brings, or
 * null when `Y.applyUpdate` would integrate every struct and every delete range (leaving
 * nothing in `doc.store.pendingStructs` or `pendingDs`). Follows Yjs's own order
 * (`integrateStructs`, then `readAndApplyDeleteSet`): a client's structs apply in clock
 * order from the document's state on, each once the ids it refers to in other clients'
 * histories exist; a delete range applies only up to the state reached after the structs.
 */
function firstMissing(doc: Y.Doc, decoded: Decoded): MissingId | null {
  const reached = new Map<number, number>();
  const stateOf = (client: number) => reached.get(client) ?? Y.getState(doc.store, client);
  const byClient = new Map<number, Struct[]>();
  for (const struct of decoded.structs) {
    const list = byClient.get(struct.id.client);
    if (list) list.push(struct);
    else byClient.set(struct.id.client, [struct]);
  }
  const unmetReference = (struct: Struct): MissingId | null => {
    if (!(struct instanceof Y.Item)) return null;
    for (const ref of [struct.origin, struct.rightOrigin, struct.parent]) {
      if (isId(ref) && ref.client !== struct.id.client && ref.clock >= stateOf(ref.client)) {
        return { client: ref.client, clock: ref.clock };
      }
    }
    return null;
  };
  // Each frame advances one client until it holds `need`; a struct that refers to another
  // client's id not held yet pushes that client. A client already on the stack means a
  // cycle, which Yjs would park for good.
  const next = new Map<number, number>();
  const stack: { client: number; need: number }[] = [];
  const onStack = new Set<number>();
  for (const root of byClient.keys()) {
    stack.push({ client: root, need: Number.POSITIVE_INFINITY });
    onStack.add(root);
    while (stack.length > 0) {
      const { client, need } = stack[stack.length - 1]!;
      const known = stateOf(client);
      const structs = byClient.get(client) ?? [];
      const index = next.get(client) ?? 0;
      if (known > need || index >= structs.length) {
        if (known <= need && need !== Number.POSITIVE_INFINITY) return { client, clock: need };
        stack.pop();
        onStack.delete(client);
        continue;
      }
      const struct = structs[index]!;
      if (struct instanceof Y.Skip) {
        // Marks a gap: Yjs passes over it, and the struct after it waits (below).
        next.set(client, index + 1);
        continue;
      }
      if (struct.id.clock > known) return { client, clock: struct.id.clock - 1 };
      const reference = unmetReference(struct);
      if (reference !== null) {
        if (onStack.has(reference.client)) return reference;
        stack.push({ client: reference.client, need: reference.clock });
        onStack.add(reference.client);
        continue;
      }
      reached.set(client, Math.max(known, struct.id.clock + struct.length));
      next.set(client, index + 1);
    }
  }
  for (const [client, ranges] of decoded.ds.clients) {
    const known = stateOf(client);
    for (const { clock, len } of ranges) {
      if (clock + len > known) return { client, clock: clock + len - 1 };
    }
  }
  return null;
}

/**
 * Checks a Yjs update from the network on its own, before `Y.applyUpdate` sees it. Yjs
 * integrates structs before it reads the delete set, and trusts references within one
 * client's history, so a crafted update can be half-applied and then throw (content lands
 * from a message that "failed"), or park structs that make the next honest update throw.
 * An honest update always parses whole, has no empty ranges, has one block per client and
 * only refers back in time. Costs one extra parse of the update.
 */
export function checkUpdate(update: Uint8Array): UpdateProblem | null {
  const decoded = decode(update);
  return decoded === null ? 'undecodable' : staticProblem(decoded);
}

/**
 * `checkUpdate`, then whether `doc` holds all the update needs: every struct's place in
 * its client's history, every id it refers to, every clock its delete set names (or the
 * update brings them itself). An update that needs more would leave Yjs with pending
 * structs or pending delete ranges, which Yjs encodes into the document's state (persisted,
 * sent to a device that joins) and applies whenever the missing part shows up.
 */
export function checkUpdateFor(doc: Y.Doc, update: Uint8Array): Verdict {
  const decoded = decode(update);
  if (decoded === null) return { kind: 'refuse', problem: 'undecodable' };
  const problem = staticProblem(decoded);
  if (problem !== null) return { kind: 'refuse', problem };
  const missing = firstMissing(doc, decoded);
  return missing === null ? { kind: 'apply' } : { kind: 'wait', missing };
}

export interface HoldLimits {
  readonly ms: number;
  readonly updates: number;
  readonly bytes: number;
}

interface Held {
  readonly update: Uint8Array;
  readonly origin: unknown;
  missing: MissingId;
  readonly since: number;
  readonly onDropped: () => void;
}

/**
 * Stands between the network and one document; every path that applies peers' updates
 * (relay, P2P) goes through the same guard. An update is applied only when Yjs will apply
 * all of it (`checkUpdateFor`). One that needs what the document lacks — honest frames
 * overtaking each other, or a crafted delete range past what exists — is held in memory
 * (never applied, encoded, stored or forwarded) and retried whenever the document
 * changes; if what it needs has not come within `HELD_UPDATE_MS`, or room runs out, it is
 * dropped and its `onDropped` runs (count it; ask peers for a sync, whose answer is
 * complete). As a last line, Yjs state left pending by any path (a local copy stored by
 * an older version, a tab of this browser) is removed after each transaction.
 */
export class UpdateGuard {
  private readonly held: Held[] = [];
  private heldBytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private retryQueued = false;
  private removedPending = 0;
  private destroyed = false;

  constructor(
    readonly doc: Y.Doc,
    private readonly limits: HoldLimits = {
      ms: HELD_UPDATE_MS,
      updates: MAX_HELD_UPDATES,
      bytes: MAX_HELD_BYTES,
    },
  ) {
    doc.on('update', this.onUpdate);
    doc.on('afterTransaction', this.afterTransaction);
  }

  /** Updates waiting for what they need. */
  get heldUpdates(): number {
    return this.held.length;
  }

  /** Transactions after which Yjs had pending state that this guard removed. */
  get pendingRemoved(): number {
    return this.removedPending;
  }

  check(update: Uint8Array): Verdict {
    return checkUpdateFor(this.doc, update);
  }

  /** Applies `update` with `origin` if it applies whole, holds it if it waits, or refuses it. */
  receive(update: Uint8Array, origin: unknown, onDropped: () => void): Outcome {
    const verdict = this.check(update);
    if (verdict.kind === 'refuse') return 'refused';
    if (verdict.kind === 'wait') {
      this.hold(update, origin, verdict.missing, onDropped);
      return 'held';
    }
    Y.applyUpdate(this.doc, update, origin);
    return 'applied';
  }

  /** Keeps `update` until the document holds `missing` (then applies it with `origin`). */
  hold(update: Uint8Array, origin: unknown, missing: MissingId, onDropped: () => void): void {
    if (this.destroyed) return;
    if (update.length > this.limits.bytes) {
      onDropped();
      return;
    }
    while (
      this.held.length > 0 &&
      (this.held.length >= this.limits.updates ||
        this.heldBytes + update.length > this.limits.bytes)
    ) {
      this.drop(this.held[0]!);
    }
    // A copy: the bytes may be a view into a larger message buffer.
    this.held.push({
      update: new Uint8Array(update),
      origin,
      missing,
      since: Date.now(),
      onDropped,
    });
    this.heldBytes += update.length;
    this.armTimer();
  }

  /** Forgets held updates without counting them (the session is closing). */
  destroy(): void {
    this.destroyed = true;
    this.doc.off('update', this.onUpdate);
    this.doc.off('afterTransaction', this.afterTransaction);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.held.length = 0;
    this.heldBytes = 0;
  }

  private readonly onUpdate = (): void => {
    if (this.held.length === 0 || this.retryQueued) return;
    this.retryQueued = true;
    // After the transaction that changed the document has finished.
    queueMicrotask(() => this.retry());
  };

  private readonly afterTransaction = (): void => {
    const { store } = this.doc;
    if (store.pendingStructs === null && store.pendingDs === null) return;
    store.pendingStructs = null;
    store.pendingDs = null;
    this.removedPending++;
  };

  private retry(): void {
    this.retryQueued = false;
    for (const entry of this.held.slice()) {
      if (this.destroyed) return;
      if (!this.held.includes(entry)) continue;
      if (Y.getState(this.doc.store, entry.missing.client) <= entry.missing.clock) continue;
      const verdict = this.check(entry.update);
      if (verdict.kind === 'wait') {
        entry.missing = verdict.missing;
        continue;
      }
      this.remove(entry);
      try {
        if (verdict.kind === 'refuse') throw new RangeError(verdict.problem);
        Y.applyUpdate(this.doc, entry.update, entry.origin);
      } catch {
        entry.onDropped();
      }
    }
  }

  private armTimer(): void {
    if (this.timer !== null || this.held.length === 0) return;
    const wait = Math.max(0, this.held[0]!.since + this.limits.ms - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = Date.now();
      while (this.held.length > 0 && this.held[0]!.since + this.limits.ms <= now) {
        this.drop(this.held[0]!);
      }
      this.armTimer();
    }, wait);
  }

  private drop(entry: Held): void {
    this.remove(entry);
    entry.onDropped();
  }

  private remove(entry: Held): void {
    const at = this.held.indexOf(entry);
    if (at < 0) return;
    this.held.splice(at, 1);
    this.heldBytes -= entry.update.length;
  }
}
