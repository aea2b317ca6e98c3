import { SluiceError } from '../errors.ts';

/**
 * A Kafka wire frame could not be decoded: it is truncated, a length is negative or larger than
 * the bytes left, or a version is not supported. The broker closes the connection that sent it.
 *
 * @example
 * ```ts
 * try { decodeFetchRequest(reader, 11); } catch (e) { if (e instanceof ProtocolError) socket.destroy(); }
 * ```
 */
export class ProtocolError extends SluiceError {}

/**
 * A record batch failed validation: wrong magic byte, bad CRC-32C, or a length that does not fit
 * the bytes sent. Produce answers CORRUPT_MESSAGE (2) for the partition.
 *
 * @example
 * ```ts
 * try { validateRecordBatches(bytes); } catch (e) { if (e instanceof CorruptRecordError) errorCode = 2; }
 * ```
 */
export class CorruptRecordError extends SluiceError {}
