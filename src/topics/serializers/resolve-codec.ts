import { ConfigError } from '../../errors.ts';
import { bytesCodec } from './bytes-codec.ts';
import { doubleCodec } from './double-codec.ts';
import { intCodec } from './int-codec.ts';
import { jsonCodec } from './json-codec.ts';
import { jsonStableCodec } from './json-stable-codec.ts';
import type { CodecName, Deserializer, Serializer } from './serializer.ts';
import { stringCodec } from './string-codec.ts';

const builtIn: Record<CodecName, Serializer<any> & Deserializer<any>> = {
  json: jsonCodec,
  'json-stable': jsonStableCodec,
  string: stringCodec,
  bytes: bytesCodec,
  int: intCodec,
  double: doubleCodec,
};

/**
 * Returns the codec for a built-in name, or the given object when it is already a (de)serializer.
 *
 * @example
 * ```ts
 * resolveSerializer('json', 'valueSerializer').serialize({ a: 1 }, { topic: 't', field: 'value' });
 * ```
 */
export function resolveSerializer<T>(spec: CodecName | Serializer<T>, option: string): Serializer<T> {
  if (typeof spec === 'string') return lookup(spec, option);
  if (spec && typeof spec.serialize === 'function') return spec;
  throw new ConfigError(`${option} must be one of ${names()} or an object with serialize(value)`);
}

/**
 * Like {@link resolveSerializer}, for deserializers.
 *
 * @example
 * ```ts
 * resolveDeserializer('int', 'valueDeserializer').deserialize(Buffer.from([0, 0, 0, 7]), { topic: 't', field: 'value' }); // 7
 * ```
 */
export function resolveDeserializer<T>(spec: CodecName | Deserializer<T>, option: string): Deserializer<T> {
  if (typeof spec === 'string') return lookup(spec, option);
  if (spec && typeof spec.deserialize === 'function') return spec;
  throw new ConfigError(`${option} must be one of ${names()} or an object with deserialize(bytes)`);
}

function lookup(name: string, option: string): Serializer<any> & Deserializer<any> {
  const codec = builtIn[name as CodecName];
  if (!codec) throw new ConfigError(`${option} '${name}' is unknown; use one of ${names()} or pass { serialize, deserialize }`);
  return codec;
}

function names(): string {
  return Object.keys(builtIn).map((n) => `'${n}'`).join(', ');
}
