import * as Y from 'yjs';

/** Why a Yjs update from a peer was refused before it touched the document. */
export type UpdateProblem =
  /** Does not parse as a Yjs (v1) update. */
  | 'undecodable'
  /** A struct of zero length, or a delete range of zero length. */
  | 'empty-range'
  /** A struct refers to its own client's history at or after its own clock. */
  | 'forward-reference';

interface IdLike {
  readonly client: number;
  readonly clock: number;
}

const isId = (value: unknown): value is IdLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as IdLike).client === 'number' &&
  typeof (value as IdLike).clock === 'number';

/**
 * Checks a Yjs update from the network before `Y.applyUpdate` sees it. Yjs integrates
 * structs before it reads the delete set, and trusts references within one client's
 * history, so a crafted update can be half-applied and then throw (content lands from a
 * message that "failed"), or park structs that make the next honest update throw. An
 * honest update always parses whole, has no empty ranges, and only refers back in time.
 * Costs one extra parse of the update.
 */
export function checkUpdate(update: Uint8Array): UpdateProblem | null {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return 'undecodable';
  }
  for (const struct of decoded.structs) {
    if (!(struct.length >= 1)) return 'empty-range';
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
