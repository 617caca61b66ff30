/**
 * Hand-written canonical encoding helpers (lib0 style): fixed field order, u8 tags,
 * u16 length-prefixed UTF-8, u64 big-endian integers, fixed-length byte fields.
 * The writer throws on values that have no encoding (a programming error); the reader
 * throws `DecodeFailure`, which decoders turn into a typed `Result`.
 */
import { RecordError } from './wire.ts';

const TWO_POW_32 = 2 ** 32;

const utf8Encoder = new TextEncoder();
// fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a leading BOM is kept as a
// character, so decoding never drops bytes and re-encoding gives the same bytes.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 bytes of a well-formed string; throws on lone surrogates (no canonical bytes). */
export function encodeUtf8(text: string): Uint8Array {
  const bytes = utf8Encoder.encode(text);
  if (utf8Decoder.decode(bytes) !== text) throw new RangeError('string is not well-formed UTF-16');
  return bytes;
}

/** Strict UTF-8 decoding; undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export class ByteWriter {
  private readonly chunks: number[] = [];

  u8(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xff)
      throw new RangeError('u8 out of range');
    this.chunks.push(value);
    return this;
  }

  u16(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff)
      throw new RangeError('u16 out of range');
    this.chunks.push(value >>> 8, value & 0xff);
    return this;
  }

  /** A non-negative safe integer (e.g. epoch milliseconds) as 8 bytes, big-endian. */
  u64(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError('u64 must be a safe integer ≥ 0');
    const high = Math.floor(value / TWO_POW_32);
    const low = value % TWO_POW_32;
    for (const word of [high, low]) {
      this.chunks.push(
        (word >>> 24) & 0xff,
        (word >>> 16) & 0xff,
        (word >>> 8) & 0xff,
        word & 0xff,
      );
    }
    return this;
  }

  fixed(bytes: Uint8Array, length: number): this {
    if (bytes.length !== length)
      throw new RangeError(`expected ${length} bytes, got ${bytes.length}`);
    for (const byte of bytes) this.chunks.push(byte);
    return this;
  }

  /** u16 byte length then UTF-8 bytes; throws past `maxBytes`. */
  string(text: string, maxBytes: number): this {
    const bytes = encodeUtf8(text);
    if (bytes.length > maxBytes) throw new RangeError(`string longer than ${maxBytes} bytes`);
    this.u16(bytes.length);
    return this.fixed(bytes, bytes.length);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

/** Thrown by ByteReader, caught by decoders; never escapes the package's decoders. */
export class DecodeFailure extends Error {
  constructor(readonly code: RecordError) {
    super(code);
  }
}

export class ByteReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  private take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) throw new DecodeFailure(RecordError.Truncated);
    const slice = this.bytes.slice(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u16(): number {
    const b = this.take(2);
    return (b[0]! << 8) | b[1]!;
  }

  /** 8 bytes big-endian; values past Number.MAX_SAFE_INTEGER are out of range. */
  u64(): number {
    const b = this.take(8);
    const high = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    const low = ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0;
    if (high > 0x1fffff) throw new DecodeFailure(RecordError.OutOfRange);
    return high * TWO_POW_32 + low;
  }

  fixed(length: number): Uint8Array {
    return this.take(length);
  }

  string(maxBytes: number): string {
    const length = this.u16();
    if (length > maxBytes) throw new DecodeFailure(RecordError.BadString);
    const text = decodeUtf8(this.take(length));
    if (text === undefined) throw new DecodeFailure(RecordError.BadString);
    return text;
  }

  /** A u8 that must be one of `tags`' values; returns the matching key. */
  tag<K extends string>(tags: Readonly<Record<K, number>>): K {
    const byte = this.u8();
    for (const key of Object.keys(tags) as K[]) if (tags[key] === byte) return key;
    throw new DecodeFailure(RecordError.BadTag);
  }

  boolean(): boolean {
    const byte = this.u8();
    if (byte > 1) throw new DecodeFailure(RecordError.OutOfRange);
    return byte === 1;
  }

  /** Canonical encodings end exactly at the last field. */
  end(): void {
    if (this.offset !== this.bytes.length) throw new DecodeFailure(RecordError.TrailingBytes);
  }
}
