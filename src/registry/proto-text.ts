import descriptor from 'protobufjs/ext/descriptor/index.js'
import type protobuf from 'protobufjs'

/**
 * Confluent's Protobuf serializers register a schema as a base64 FileDescriptorProto (what
 * Confluent's registry accepts beside .proto text). The dev registry stores .proto text, so the
 * descriptor is written back as .proto source: syntax, package, imports, messages (nested, maps,
 * oneofs, proto3 `optional`, reserved), enums, and the field options `packed` and `deprecated`.
 * File options (java_package, ...) and services are not schema content a reader needs and are left out.
 */
const FileDescriptorProto = (descriptor as unknown as {FileDescriptorProto: protobuf.Type}).FileDescriptorProto

interface FieldD {
  name: string; number: number; label?: string; type?: string; typeName?: string; defaultValue?: string
  oneofIndex?: number; proto3Optional?: boolean; options?: {packed?: boolean; deprecated?: boolean}
}
interface EnumD { name: string; value?: {name: string; number: number}[]; reservedName?: string[] }
interface MessageD {
  name: string; field?: FieldD[]; nestedType?: MessageD[]; enumType?: EnumD[]; oneofDecl?: {name: string}[]
  options?: {mapEntry?: boolean}; reservedRange?: {start: number; end: number}[]; reservedName?: string[]
}
interface FileD { name?: string; package?: string; dependency?: string[]; messageType?: MessageD[]; enumType?: EnumD[]; syntax?: string }

const SCALARS: Record<string, string> = {
  TYPE_DOUBLE: 'double', TYPE_FLOAT: 'float', TYPE_INT64: 'int64', TYPE_UINT64: 'uint64', TYPE_INT32: 'int32', TYPE_FIXED64: 'fixed64',
  TYPE_FIXED32: 'fixed32', TYPE_BOOL: 'bool', TYPE_STRING: 'string', TYPE_BYTES: 'bytes', TYPE_UINT32: 'uint32', TYPE_SFIXED32: 'sfixed32',
  TYPE_SFIXED64: 'sfixed64', TYPE_SINT32: 'sint32', TYPE_SINT64: 'sint64',
}

/** The descriptor's .proto text, or undefined when `text` is not a base64 FileDescriptorProto. */
export function protoTextOfSerialized(text: string): string | undefined {
  const compact = text.trim()
  // .proto source always has a `;` or `{`; base64 never does.
  if (compact === '' || !/^[A-Za-z0-9+/\s]+={0,2}$/.test(compact)) return undefined
  let file: FileD
  try {
    file = FileDescriptorProto.toObject(FileDescriptorProto.decode(Buffer.from(compact, 'base64')), {enums: String, defaults: false}) as FileD
  } catch {
    return undefined
  }
  if ((file.messageType ?? []).length === 0 && (file.enumType ?? []).length === 0) return undefined
  const syntax = file.syntax === 'proto3' ? 'proto3' : 'proto2'
  const out = [`syntax = "${syntax}";`]
  if (file.package) out.push(`package ${file.package};`)
  for (const d of file.dependency ?? []) out.push(`import "${d}";`)
  for (const m of file.messageType ?? []) out.push('', ...messageLines(m, syntax, ''))
  for (const e of file.enumType ?? []) out.push('', ...enumLines(e, ''))
  return `${out.join('\n')}\n`
}

function typeOf(f: FieldD): string {
  if (f.type === 'TYPE_MESSAGE' || f.type === 'TYPE_ENUM' || f.type === 'TYPE_GROUP') return f.typeName ?? ''
  return SCALARS[f.type ?? ''] ?? 'bytes'
}

function fieldOptions(f: FieldD, syntax: string): string {
  const opts: string[] = []
  if (f.defaultValue !== undefined && syntax === 'proto2') opts.push(`default = ${f.type === 'TYPE_STRING' || f.type === 'TYPE_BYTES' ? JSON.stringify(f.defaultValue) : f.defaultValue}`)
  if (f.options?.packed !== undefined) opts.push(`packed = ${f.options.packed}`)
  if (f.options?.deprecated) opts.push('deprecated = true')
  return opts.length > 0 ? ` [${opts.join(', ')}]` : ''
}

function messageLines(m: MessageD, syntax: string, indent: string): string[] {
  const inner = `${indent}  `
  const maps = new Map((m.nestedType ?? []).filter((n) => n.options?.mapEntry).map((n) => [n.name, n]))
  const lines = [`${indent}message ${m.name} {`]
  const fieldLine = (f: FieldD, at: string, inOneof: boolean): string => {
    const entry = f.label === 'LABEL_REPEATED' && f.typeName ? maps.get(f.typeName.split('.').pop()!) : undefined
    if (entry) {
      const [k, v] = [entry.field?.find((x) => x.number === 1), entry.field?.find((x) => x.number === 2)]
      return `${at}map<${typeOf(k!)}, ${typeOf(v!)}> ${f.name} = ${f.number}${fieldOptions(f, syntax)};`
    }
    const label = inOneof ? '' : f.label === 'LABEL_REPEATED' ? 'repeated ' : f.label === 'LABEL_REQUIRED' ? 'required ' : syntax === 'proto2' || f.proto3Optional ? 'optional ' : ''
    return `${at}${label}${typeOf(f)} ${f.name} = ${f.number}${fieldOptions(f, syntax)};`
  }
  const oneofs = m.oneofDecl ?? []
  // A proto3 `optional` field sits in a synthetic oneof of its own, which the source does not show.
  const synthetic = new Set((m.field ?? []).filter((f) => f.proto3Optional && f.oneofIndex !== undefined).map((f) => f.oneofIndex!))
  const emitted = new Set<number>()
  for (const f of m.field ?? []) {
    const o = f.oneofIndex
    if (o === undefined || synthetic.has(o)) {
      lines.push(fieldLine(f, inner, false))
      continue
    }
    if (emitted.has(o)) continue
    emitted.add(o)
    lines.push(`${inner}oneof ${oneofs[o]?.name ?? `oneof_${o}`} {`)
    for (const g of m.field ?? []) if (g.oneofIndex === o) lines.push(fieldLine(g, `${inner}  `, true))
    lines.push(`${inner}}`)
  }
  for (const r of m.reservedRange ?? []) lines.push(`${inner}reserved ${r.end - 1 === r.start ? r.start : `${r.start} to ${r.end - 1}`};`)
  if ((m.reservedName ?? []).length > 0) lines.push(`${inner}reserved ${m.reservedName!.map((n) => JSON.stringify(n)).join(', ')};`)
  for (const n of m.nestedType ?? []) if (!n.options?.mapEntry) lines.push(...messageLines(n, syntax, inner))
  for (const e of m.enumType ?? []) lines.push(...enumLines(e, inner))
  lines.push(`${indent}}`)
  return lines
}

function enumLines(e: EnumD, indent: string): string[] {
  return [
    `${indent}enum ${e.name} {`,
    ...(e.value ?? []).map((v) => `${indent}  ${v.name} = ${v.number};`),
    ...((e.reservedName ?? []).length > 0 ? [`${indent}  reserved ${e.reservedName!.map((n) => JSON.stringify(n)).join(', ')};`] : []),
    `${indent}}`,
  ]
}
