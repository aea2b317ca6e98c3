/**
 * Generates the Kafka wire codecs in `src/protocol/generated/` from Apache Kafka's JSON message
 * schemas: one file per API (request + response), one per header/data schema, and `index.ts`,
 * the registry by API key.
 *
 * @example
 * ```sh
 * npm run generate:protocol                       # reads vendor/kafka-protocol/message
 * npx tsx scripts/generate-protocol.ts path/to/message            # another schema folder
 * npx tsx scripts/generate-protocol.ts path/to/message out/dir    # write elsewhere (freshness test)
 * ```
 */
import { readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

interface FieldSpec {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  flexibleVersions?: string;
  fields?: FieldSpec[];
  about?: string;
}

interface MessageSpec {
  apiKey?: number;
  type: 'request' | 'response' | 'header' | 'data';
  name: string;
  validVersions: string;
  flexibleVersions?: string;
  fields: FieldSpec[];
  commonStructs?: { name: string; versions?: string; fields: FieldSpec[] }[];
}

/** An inclusive version range; `null` means "none". */
type Range = { min: number; max: number } | null;
const INF = 0x7fff;

function parseRange(s: string | undefined): Range {
  if (s === undefined || s === 'none') return null;
  if (s.endsWith('+')) return { min: Number(s.slice(0, -1)), max: INF };
  const [a, b] = s.split('-');
  return { min: Number(a), max: Number(b ?? a) };
}

function intersect(a: Range, b: Range): Range {
  if (!a || !b) return null;
  const r = { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
  return r.min > r.max ? null : r;
}

function showRange(r: Range): string {
  if (!r) return 'none';
  if (r.max === INF) return `${r.min}+`;
  return r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`;
}

/** A JS condition on `v` that is true for versions in `r`, given that `v` is within `ctx`. */
function cond(r: Range, ctx: Range): string {
  const i = intersect(r, ctx);
  if (!i || !ctx) return 'false';
  const parts: string[] = [];
  if (i.min > ctx.min) parts.push(`v >= ${i.min}`);
  if (i.max < ctx.max) parts.push(`v <= ${i.max}`);
  return parts.length === 0 ? 'true' : parts.join(' && ');
}

const guard = (c: string, body: string): string =>
  c === 'true' ? body : body.startsWith('if ') ? `if (${c}) { ${body} }` : `if (${c}) ${body}`;
const pick = (c: string, a: string, b: string): string => (c === 'true' ? a : c === 'false' ? b : `(${c}) ? ${a} : ${b}`);
const camel = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
const kebab = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();

const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'int32', 'int64', 'uint16', 'float64', 'string', 'bytes', 'records', 'uuid']);

interface StructDef {
  /** Name in the schema. */
  schemaName: string;
  /** Name in the generated TS. */
  tsName: string;
  fields: FieldSpec[];
  /** Versions in which the struct can occur (context for field conditions). */
  ctx: Range;
  /** Whether it is used as a single (non-array) field and needs a default value factory. */
  single: boolean;
}

/** Generates the code of one message (request, response, header or data schema). */
class MessageGen {
  readonly valid: Range;
  readonly flex: Range;
  readonly structs = new Map<string, StructDef>();
  private readonly common = new Map<string, FieldSpec[]>();

  constructor(
    readonly spec: MessageSpec,
    private readonly rename: (schemaName: string) => string,
  ) {
    this.valid = parseRange(spec.validVersions);
    this.flex = parseRange(spec.flexibleVersions);
    for (const c of spec.commonStructs ?? []) this.common.set(c.name, c.fields);
    this.collect(spec.fields, this.valid);
  }

  static structNames(spec: MessageSpec): string[] {
    const names: string[] = [];
    const walk = (fields: FieldSpec[]): void => {
      for (const f of fields) {
        if (f.fields) {
          names.push(f.type.replace(/^\[\]/, ''));
          walk(f.fields);
        }
      }
    };
    walk(spec.fields);
    for (const c of spec.commonStructs ?? []) {
      names.push(c.name);
      walk(c.fields);
    }
    return [...new Set(names)];
  }

  private collect(fields: FieldSpec[], ctx: Range): void {
    for (const f of fields) {
      const elem = f.type.replace(/^\[\]/, '');
      if (PRIMITIVES.has(elem)) continue;
      const inner = f.fields ?? this.common.get(elem);
      if (!inner) throw new Error(`${this.spec.name}: unknown type ${f.type} of field ${f.name}`);
      const fctx = intersect(parseRange(f.versions), ctx);
      const existing = this.structs.get(elem);
      const single = !f.type.startsWith('[]');
      if (existing) {
        existing.single ||= single;
        if (fctx && existing.ctx) existing.ctx = { min: Math.min(existing.ctx.min, fctx.min), max: Math.max(existing.ctx.max, fctx.max) };
        existing.ctx ??= fctx;
      } else {
        this.structs.set(elem, { schemaName: elem, tsName: this.rename(elem), fields: inner, ctx: fctx, single });
      }
      this.collect(inner, fctx);
    }
  }

  private struct(name: string): StructDef {
    const s = this.structs.get(name);
    if (!s) throw new Error(`${this.spec.name}: no struct ${name}`);
    return s;
  }

  private tsType(f: FieldSpec, ctx: Range): string {
    const nullable = intersect(parseRange(f.nullableVersions), ctx) !== null;
    const n = nullable ? ' | null' : '';
    if (f.type.startsWith('[]')) {
      const elem = f.type.slice(2);
      const e = PRIMITIVES.has(elem) ? this.tsType({ name: '', type: elem }, ctx) : this.struct(elem).tsName;
      return `${e}[]${n}`;
    }
    switch (f.type) {
      case 'bool': return 'boolean';
      case 'int64': return 'bigint';
      case 'int8': case 'int16': case 'int32': case 'uint16': case 'float64': return 'number';
      case 'string': return `string${n}`;
      case 'bytes': case 'records': return `Buffer${n}`;
      case 'uuid': return 'Uint8Array';
      default: return `${this.struct(f.type).tsName}${n}`;
    }
  }

  /** The value of a field that is absent from a version (or not sent as a tagged field). */
  private defaultValue(f: FieldSpec, ctx: Range): string {
    const d = f.default === undefined ? undefined : String(f.default);
    const nullable = intersect(parseRange(f.nullableVersions), ctx) !== null;
    if (d === 'null' && nullable) return 'null';
    if (f.type.startsWith('[]')) return '[]';
    switch (f.type) {
      case 'bool': return d === 'true' ? 'true' : 'false';
      case 'int64': return `${BigInt(d ?? 0)}n`;
      case 'int8': case 'int16': case 'int32': case 'uint16': case 'float64': return String(Number(d ?? 0));
      case 'string': return JSON.stringify(d ?? '');
      case 'bytes': case 'records': return 'EMPTY_BYTES';
      case 'uuid': return 'ZERO_UUID';
      default: return `default${this.struct(f.type).tsName}()`;
    }
  }

  /** Expression reading one value of `type`. */
  private readExpr(type: string, nullable: boolean, compact: string, ctx: Range): string {
    const alt = (base: string): string =>
      pick(compact, `r.compact${nullable ? 'Nullable' : ''}${base}()`, `r.${nullable ? `nullable${base}` : camel(base)}()`);
    switch (type) {
      case 'bool': case 'int8': case 'int16': case 'int32': case 'int64': case 'uint16': case 'float64': case 'uuid': return `r.${type}()`;
      case 'string': return alt('String');
      case 'bytes': case 'records': return alt('Bytes');
      default: {
        const s = this.struct(type);
        const read = `read${s.tsName}(r, v)`;
        return nullable ? `(r.int8() < 0 ? null : ${read})` : read;
      }
    }
  }

  private writeStmt(type: string, nullable: boolean, compact: string, x: string, ctx: Range): string {
    const alt = (base: string): string =>
      compact === 'true' || compact === 'false'
        ? `${pick(compact, `w.compact${nullable ? 'Nullable' : ''}${base}(${x})`, `w.${nullable ? `nullable${base}` : camel(base)}(${x})`)};`
        : `if (${compact}) w.compact${nullable ? 'Nullable' : ''}${base}(${x}); else w.${nullable ? `nullable${base}` : camel(base)}(${x});`;
    switch (type) {
      case 'bool': case 'int8': case 'int16': case 'int32': case 'int64': case 'uint16': case 'float64': case 'uuid': return `w.${type}(${x});`;
      case 'string': return alt('String');
      case 'bytes': case 'records': return alt('Bytes');
      default: {
        const s = this.struct(type);
        return nullable
          ? `if (${x} === null) w.int8(-1); else { w.int8(1); write${s.tsName}(w, v, ${x}); }`
          : `write${s.tsName}(w, v, ${x});`;
      }
    }
  }

  private fieldRead(f: FieldSpec, outer: Range): string {
    const ctx = intersect(parseRange(f.versions), outer);
    const nullable = intersect(parseRange(f.nullableVersions), ctx) !== null;
    const compact = f.flexibleVersions !== undefined ? cond(parseRange(f.flexibleVersions), ctx) : cond(this.flex, ctx);
    if (f.type.startsWith('[]')) {
      const elem = f.type.slice(2);
      const e = this.readExpr(elem, false, compact, ctx);
      const arr = `readArray(r, ${compact}, (r) => ${e})`;
      return nullable ? arr : `${arr} ?? []`;
    }
    return this.readExpr(f.type, nullable, compact, ctx);
  }

  private fieldWrite(f: FieldSpec, outer: Range, x: string): string {
    const ctx = intersect(parseRange(f.versions), outer);
    const nullable = intersect(parseRange(f.nullableVersions), ctx) !== null;
    const compact = f.flexibleVersions !== undefined ? cond(parseRange(f.flexibleVersions), ctx) : cond(this.flex, ctx);
    if (f.type.startsWith('[]')) {
      const elem = f.type.slice(2);
      return `writeArray(w, ${compact}, ${x}, (w, e) => { ${this.writeStmt(elem, false, compact, 'e', ctx)} });`;
    }
    return this.writeStmt(f.type, nullable, compact, x, ctx);
  }

  /** Whether a field is optional in the TS interface (tagged, or absent from some version). */
  private optional(f: FieldSpec, ctx: Range): boolean {
    if (f.taggedVersions !== undefined) return true;
    const r = parseRange(f.versions);
    return !ctx || !r || r.min > ctx.min || r.max < ctx.max;
  }

  private nonDefaultCheck(f: FieldSpec, ctx: Range, x: string): string {
    const def = this.defaultValue(f, ctx);
    if (f.type.startsWith('[]')) return def === 'null' ? `${x} != null` : `${x} != null && ${x}.length > 0`;
    if (PRIMITIVES.has(f.type) && !['bytes', 'records', 'uuid'].includes(f.type)) return `${x} !== undefined && ${x} !== ${def}`;
    if (f.type === 'bytes' || f.type === 'records') return `${x} != null && ${x}.length > 0`;
    return `${x} != null`;
  }

  /** Interface, default factory, reader and writer of one struct (or the message itself). */
  genStruct(tsName: string, fields: FieldSpec[], ctx: Range, opts: { exported: boolean; single: boolean; about?: string }): string {
    const out: string[] = [];
    const flexC = cond(this.flex, ctx);
    const present = fields.filter((f) => intersect(parseRange(f.versions), ctx) !== null);
    const untaggedRange = (f: FieldSpec): Range => {
      const fr = intersect(parseRange(f.versions), ctx);
      const t = parseRange(f.taggedVersions);
      if (!t || !fr) return fr;
      // Versions where the field is a regular field: its versions minus its tagged versions.
      if (t.min <= fr.min) return null;
      return { min: fr.min, max: Math.min(fr.max, t.min - 1) };
    };
    out.push(opts.about ? `/** ${opts.about} */` : `/** ${tsName} (versions ${showRange(ctx)}). */`);
    out.push(`export interface ${tsName} {`);
    for (const f of present) {
      const extra = [f.versions ? `v${f.versions}` : '', f.taggedVersions ? `tag ${f.tag} in v${f.taggedVersions}` : ''].filter(Boolean).join(', ');
      const doc = `${(f.about ?? f.name).replace(/\*\//g, '* /')} (${extra})`;
      out.push(`  /** ${doc} */`);
      out.push(`  ${camel(f.name)}${this.optional(f, ctx) ? '?' : ''}: ${this.tsType(f, ctx)};`);
    }
    out.push('}', '');
    if (opts.single) {
      out.push(`function default${tsName}(): ${tsName} {`);
      out.push(`  return { ${present.map((f) => `${camel(f.name)}: ${this.defaultValue(f, ctx)}`).join(', ')} };`);
      out.push('}', '');
    }
    const readName = opts.exported ? `decode${tsName}` : `read${tsName}`;
    const writeName = opts.exported ? `encode${tsName}` : `write${tsName}`;
    // reader
    if (opts.exported) out.push(`/** Reads ${tsName} of version \`v\` from \`r\`; throws ProtocolError on malformed input. */`);
    out.push(`${opts.exported ? 'export ' : ''}function ${readName}(r: Reader, v: number): ${tsName} {`);
    out.push(`  const d = {} as ${tsName};`);
    for (const f of present) {
      const x = `d.${camel(f.name)}`;
      const u = untaggedRange(f);
      const c = cond(u, ctx);
      const def = this.defaultValue(f, ctx);
      if (c === 'false') out.push(`  ${x} = ${def};`);
      else if (c === 'true') out.push(`  ${x} = ${this.fieldRead(f, ctx)};`);
      else out.push(`  ${x} = ${c} ? ${this.fieldRead(f, ctx)} : ${def};`);
    }
    const tagged = present.filter((f) => f.taggedVersions !== undefined).sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0));
    if (flexC !== 'false') {
      if (tagged.length === 0) out.push(`  ${guard(flexC, 'skipTaggedFields(r);')}`);
      else {
        out.push(`  ${guard(flexC, '{')}`);
        out.push('    for (let n = r.uvarint(); n > 0; n--) {');
        out.push('      const tag = r.uvarint();');
        out.push('      const end = r.uvarint() + r.offset;');
        out.push('      switch (tag) {');
        for (const f of tagged) {
          const tc = cond(intersect(parseRange(f.taggedVersions), parseRange(f.versions)), intersect(this.flex, ctx));
          const assign = `d.${camel(f.name)} = ${this.fieldRead(f, ctx)};`;
          out.push(`        case ${f.tag}: ${tc === 'true' ? assign : `if (${tc}) ${assign}`} break;`);
        }
        out.push('      }');
        out.push('      r.skip(end - r.offset);');
        out.push('    }');
        out.push('  }');
      }
    }
    out.push('  return d;', '}', '');
    // writer
    if (opts.exported) out.push(`/** Writes ${tsName} as version \`v\` to \`w\`. */`);
    out.push(`${opts.exported ? 'export ' : ''}function ${writeName}(w: Writer, v: number, d: ${tsName}): void {`);
    for (const f of present) {
      const u = untaggedRange(f);
      const c = cond(u, ctx);
      if (c === 'false') continue;
      const x = `d.${camel(f.name)}`;
      const nullable = intersect(parseRange(f.nullableVersions), ctx) !== null;
      const def = this.defaultValue(f, ctx);
      const val = !this.optional(f, ctx) ? x : nullable ? `(${x} === undefined ? ${def} : ${x})` : `(${x} ?? ${def})`;
      out.push(`  ${guard(c, this.fieldWrite(f, ctx, val))}`);
    }
    if (flexC !== 'false') {
      if (tagged.length === 0) out.push(`  ${guard(flexC, 'w.uvarint(0);')}`);
      else {
        out.push(`  ${guard(flexC, '{')}`);
        const checks = tagged.map((f) => {
          const tc = cond(intersect(parseRange(f.taggedVersions), parseRange(f.versions)), intersect(this.flex, ctx));
          const nd = this.nonDefaultCheck(f, ctx, `d.${camel(f.name)}`);
          return tc === 'true' ? `(${nd})` : `(${tc}) && (${nd})`;
        });
        checks.forEach((c, i) => out.push(`    const t${i} = ${c};`));
        out.push(`    w.uvarint(${checks.map((_, i) => `+t${i}`).join(' + ')});`);
        tagged.forEach((f, i) => {
          out.push(`    if (t${i}) writeTaggedField(w, ${f.tag}, (w) => { ${this.fieldWrite(f, ctx, `d.${camel(f.name)}!`)} });`);
        });
        out.push('  }');
      }
    }
    out.push('}', '');
    return out.join('\n');
  }

  generate(): string {
    const parts: string[] = [];
    for (const s of this.structs.values()) parts.push(this.genStruct(s.tsName, s.fields, s.ctx, { exported: false, single: s.single }));
    const about = `${this.spec.name}${this.spec.apiKey !== undefined ? ` (API key ${this.spec.apiKey})` : ''}, versions ${showRange(this.valid)}, flexible ${showRange(this.flex)}.`;
    parts.push(this.genStruct(this.spec.name, this.spec.fields, this.valid, { exported: true, single: false, about }));
    return parts.join('\n');
  }

  /** The wire grammar of every field, indented by nesting, for the file's header comment. */
  grammar(): string[] {
    const lines = [`${this.spec.name} => (versions ${showRange(this.valid)}, flexible ${showRange(this.flex)})`];
    const walk = (fields: FieldSpec[], depth: number): void => {
      for (const f of fields) {
        const notes = [`v${f.versions ?? '0+'}`];
        if (f.nullableVersions) notes.push(`nullable v${f.nullableVersions}`);
        if (f.taggedVersions) notes.push(`tag ${f.tag} v${f.taggedVersions}`);
        if (f.flexibleVersions) notes.push(`flexible ${f.flexibleVersions}`);
        lines.push(`${'  '.repeat(depth)}${f.name}: ${f.type} (${notes.join(', ')})`);
        const elem = f.type.replace(/^\[\]/, '');
        const inner = f.fields ?? (PRIMITIVES.has(elem) ? undefined : this.common.get(elem));
        if (inner) walk(inner, depth + 1);
      }
    };
    walk(this.spec.fields, 1);
    return lines;
  }
}

const HEADER = '// generated by scripts/generate-protocol.ts from Apache Kafka 3.9 message schemas; do not edit';
const GRAMMAR_INTRO = [
  'Wire grammar: all integers big-endian. Flexible versions use COMPACT_STRING/COMPACT_BYTES/',
  'COMPACT_ARRAY (UNSIGNED_VARINT length+1, 0 = null) and end every struct with TAGGED_FIELDS',
  '(UNSIGNED_VARINT count, then per field: UNSIGNED_VARINT tag, UNSIGNED_VARINT size, value).',
  'Older versions use STRING (INT16 length), BYTES and ARRAY (INT32 length, -1 = null).',
  'A field absent from a version takes its default; nullable structs are INT8 -1 (null) or 1.',
];

function load(file: string): MessageSpec {
  const text = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n');
  return JSON.parse(text) as MessageSpec;
}

function fileFor(specs: MessageSpec[], base: string): string {
  const all = specs.flatMap((s) => MessageGen.structNames(s).map((n) => ({ n, s: s.name })));
  const counts = new Map<string, number>();
  for (const { n } of all) counts.set(n, (counts.get(n) ?? 0) + 1);
  const topNames = new Set(specs.map((s) => s.name));
  const gens = specs.map(
    (s) => new MessageGen(s, (n) => ((counts.get(n) ?? 0) > 1 || topNames.has(n) ? `${s.name}${n}` : n)),
  );
  const body = gens.map((g) => g.generate()).join('\n');
  const used = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(body);
  const runtime = ['readArray', 'writeArray', 'skipTaggedFields', 'writeTaggedField', 'EMPTY_BYTES', 'ZERO_UUID'].filter(used);
  const lines = [
    HEADER,
    '//',
    ...GRAMMAR_INTRO.map((l) => `// ${l}`),
    '//',
    ...gens.flatMap((g) => [...g.grammar().map((l) => `// ${l}`), '//']),
    `// ${base}`,
    "import type { Reader } from '../primitives/reader.ts';",
    "import type { Writer } from '../primitives/writer.ts';",
  ];
  if (runtime.length > 0) lines.push(`import { ${runtime.join(', ')} } from '../primitives/codec-helpers.ts';`);
  lines.push('', body);
  return lines.join('\n');
}

function main(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const dir = resolve(process.argv[2] ?? join(root, 'vendor/kafka-protocol/message'));
  const outDir = resolve(process.argv[3] ?? join(root, 'src/protocol/generated'));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const specs = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => load(join(dir, f)));
  const apis = new Map<number, { request?: MessageSpec; response?: MessageSpec }>();
  for (const s of specs) {
    if (s.type === 'request' || s.type === 'response') {
      const e = apis.get(s.apiKey!) ?? {};
      e[s.type] = s;
      apis.set(s.apiKey!, e);
    } else {
      writeFileSync(join(outDir, `${kebab(s.name)}.ts`), fileFor([s], `${s.name} (${s.type} schema)`));
    }
  }
  const registry: string[] = [];
  const imports: string[] = [];
  for (const [apiKey, { request, response }] of [...apis].sort((a, b) => a[0] - b[0])) {
    if (!request || !response) throw new Error(`API key ${apiKey} lacks a request or response schema`);
    const api = request.name.replace(/Request$/, '');
    const mod = camel(api);
    writeFileSync(join(outDir, `${kebab(api)}.ts`), fileFor([request, response], `${api} (API key ${apiKey})`));
    imports.push(`import * as ${mod} from './${kebab(api)}.ts';`);
    const valid = parseRange(request.validVersions)!;
    const flex = parseRange(request.flexibleVersions);
    registry.push(
      `  [${apiKey}, { apiKey: ${apiKey}, name: '${api}', validVersions: { min: ${valid.min}, max: ${valid.max} }, ` +
        `flexibleMin: ${flex ? flex.min : 'null'}, decodeRequest: ${mod}.decode${request.name}, encodeRequest: ${mod}.encode${request.name}, ` +
        `decodeResponse: ${mod}.decode${response.name}, encodeResponse: ${mod}.encode${response.name} } as ApiCodec],`,
    );
  }
  const index = [
    HEADER,
    '// The registry of every API: key -> name, versions, and its request/response codecs.',
    "import type { ApiCodec } from '../api-codec.ts';",
    ...imports,
    '',
    '/** Every Kafka API by key, with its codecs. */',
    'export const API_CODECS: ReadonlyMap<number, ApiCodec> = new Map<number, ApiCodec>([',
    ...registry,
    ']);',
    '',
  ];
  writeFileSync(join(outDir, 'index.ts'), index.join('\n'));
  console.log(`generated ${apis.size} APIs into ${outDir}`);
}

main();
