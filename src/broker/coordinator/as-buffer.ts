/**
 * Views bytes as a Buffer without copying (the generated codecs write Buffers; the coordinator
 * keeps plain Uint8Arrays).
 *
 * @example
 * ```ts
 * const assignment: Buffer = asBuffer(result.assignment);
 * ```
 */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
