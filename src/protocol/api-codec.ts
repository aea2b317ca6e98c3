import type { Reader } from './primitives/reader.ts';
import type { Writer } from './primitives/writer.ts';

/**
 * The codecs and version facts of one Kafka API, as registered in `generated/index.ts`.
 *
 * @example
 * ```ts
 * const codec = API_CODECS.get(18)!; // ApiVersions
 * const req = codec.decodeRequest(reader, 3);
 * ```
 */
export interface ApiCodec {
  readonly apiKey: number;
  readonly name: string;
  readonly validVersions: { readonly min: number; readonly max: number };
  /** First flexible version, or null when no version is flexible. */
  readonly flexibleMin: number | null;
  decodeRequest(r: Reader, version: number): unknown;
  encodeRequest(w: Writer, version: number, data: unknown): void;
  decodeResponse(r: Reader, version: number): unknown;
  encodeResponse(w: Writer, version: number, data: unknown): void;
}
