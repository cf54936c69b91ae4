import protobuf from 'protobufjs'
import descriptor from 'protobufjs/ext/descriptor/index.js'
import {parseSchema} from './parse-schema.js'
import type {ResolvedReference} from './schema-types.js'

/**
 * A Protobuf schema as a base64 FileDescriptorProto: what Confluent's registry answers for
 * `?format=serialized`, and what Confluent's clients (confluent-kafka's Protobuf serializer and
 * deserializer) ask for and parse. Built from the stored .proto text: the main file's messages,
 * enums, package, imports and syntax, with type names fully qualified.
 */
export function serializedProto(text: string, refs: readonly ResolvedReference[]): string {
  const parsed = parseSchema('PROTOBUF', text, refs)
  if (parsed.schemaType !== 'PROTOBUF') throw new Error('not a Protobuf schema')
  const {root, main} = parsed
  const imports = protobuf.parse(text, new protobuf.Root(), {keepCase: true}).imports ?? []
  const messageType: unknown[] = []
  const enumType: unknown[] = []
  for (const name of main.typeNames) {
    const t = root.lookup(name)
    if (!t || t.parent instanceof protobuf.Type) continue
    // toDescriptor comes from protobufjs's descriptor extension (imported above), not its typings.
    const d = (t as unknown as {toDescriptor(syntax: string): unknown}).toDescriptor(main.syntax)
    if (t instanceof protobuf.Type) messageType.push(withProtocRanges(d as DescriptorMessage, main.syntax))
    else if (t instanceof protobuf.Enum) enumType.push(d)
  }
  const FileDescriptorProto = (descriptor as unknown as {FileDescriptorProto: protobuf.Type}).FileDescriptorProto
  const file = FileDescriptorProto.fromObject({
    name: 'default', ...(main.package ? {package: main.package} : {}), dependency: imports, messageType, enumType, syntax: main.syntax,
  })
  return Buffer.from(FileDescriptorProto.encode(file).finish()).toString('base64')
}

interface DescriptorMessage {
  field?: {name: string; oneofIndex?: number; proto3Optional?: boolean}[]
  oneofDecl?: {name: string}[]
  nestedType?: DescriptorMessage[]
  reservedRange?: {start: number; end: number}[]
}

/**
 * protobufjs writes a reserved range's end inclusive and leaves proto3 `optional` as a bare
 * synthetic oneof; protoc (and so Confluent's clients) write the end exclusive and flag the field
 * `proto3_optional`. The descriptor is made to say what protoc would.
 */
function withProtocRanges(m: DescriptorMessage, syntax: string): DescriptorMessage {
  for (const r of m.reservedRange ?? []) r.end += 1
  if (syntax === 'proto3') {
    // Unset fields of a protobufjs message read as the prototype's default (oneofIndex 0): only own ones count.
    const oneofOf = (g: {oneofIndex?: number}): number | undefined => (Object.hasOwn(g, 'oneofIndex') ? g.oneofIndex : undefined)
    for (const f of m.field ?? []) {
      const index = oneofOf(f)
      const o = index === undefined ? undefined : m.oneofDecl?.[index]
      const alone = (m.field ?? []).filter((g) => oneofOf(g) === index).length === 1
      if (o && alone && o.name === `_${f.name}`) f.proto3Optional = true
    }
  }
  for (const n of m.nestedType ?? []) withProtocRanges(n, syntax)
  return m
}
