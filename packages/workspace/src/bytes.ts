/** Hex for map keys and display; byte equality is `bytesEqual`, all from `@tandem/protocol`. */
export { fromHex, toHex } from '@tandem/protocol';
