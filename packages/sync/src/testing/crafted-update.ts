/**
 * Hand-written Yjs v1 updates, for tests that need what honest Yjs never produces: empty
 * ranges, references into the future, delete ranges past what exists, repeated clients.
 */
import * as encoding from 'lib0/encoding';

/** Writes one struct (its info byte, references and content). */
export type StructWriter = (encoder: encoding.Encoder) => void;
export type DeleteRange = [client: number, clock: number, len: number];

export interface StructBlock {
  readonly client: number;
  /** Clock of the first struct; each next struct follows the previous one. */
  readonly clock: number;
  readonly structs: readonly StructWriter[];
}

/** Struct blocks (one per client, in order; a client may be repeated), then a delete set. */
export function craftBlocks(
  blocks: readonly StructBlock[],
  deletes: readonly DeleteRange[] = [],
): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, blocks.length);
  for (const { client, clock, structs } of blocks) {
    encoding.writeVarUint(encoder, structs.length);
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
    for (const write of structs) write(encoder);
  }
  encoding.writeVarUint(encoder, deletes.length);
  for (const [client, clock, len] of deletes) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarUint(encoder, len);
  }
  return encoding.toUint8Array(encoder);
}

/** One client's structs from `clock`, then a delete set (no structs: a delete-only update). */
export function craftUpdate(
  client: number,
  clock: number,
  structs: readonly StructWriter[],
  deletes: readonly DeleteRange[] = [],
): Uint8Array {
  return craftBlocks(structs.length > 0 ? [{ client, clock, structs }] : [], deletes);
}

/** A string item (content ref 4) at the start of a root type. */
export const rootString =
  (root: string, value: string): StructWriter =>
  (encoder) => {
    encoding.writeUint8(encoder, 4);
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarString(encoder, root);
    encoding.writeVarString(encoder, value);
  };

/** A string item inserted right after the item with id (client, clock). */
export const stringAfter =
  (client: number, clock: number, value: string): StructWriter =>
  (encoder) => {
    encoding.writeUint8(encoder, 0x84);
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, value);
  };

/** A string item whose parent is the item with id (client, clock). */
export const parentString =
  (client: number, clock: number, value: string): StructWriter =>
  (encoder) => {
    encoding.writeUint8(encoder, 4);
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, value);
  };

/** A gap of `len` clocks (a Skip struct, as merged updates mark what they lack). */
export const skip =
  (len: number): StructWriter =>
  (encoder) => {
    encoding.writeUint8(encoder, 10);
    encoding.writeVarUint(encoder, len);
  };
