import avro from 'avsc'
import {Ajv2020} from 'ajv/dist/2020.js'
import AjvDraft7 from 'ajv'
import protobuf from 'protobufjs'
import type {SchemaType} from '../model/state.js'
import {invalidSchema} from './http-error.js'
import type {ResolvedReference} from './schema-types.js'
import {protoTextOfSerialized} from './proto-text.js'

/** A schema parsed by the library of its type; what the compatibility checkers work on. */
export type ParsedSchema =
  | {readonly schemaType: 'AVRO'; readonly canonical: string; readonly type: avro.Type}
  | {readonly schemaType: 'JSON'; readonly canonical: string; readonly json: JsonSchemaNode}
  | {readonly schemaType: 'PROTOBUF'; readonly canonical: string; readonly root: protobuf.Root; readonly main: ProtoMain}

export type JsonSchemaNode = boolean | {readonly [k: string]: unknown}

export interface ProtoMain {
  readonly package: string
  readonly syntax: string
  /** Fully qualified names (no leading dot) of the messages and enums the main file declares. */
  readonly typeNames: readonly string[]
}

/**
 * Parses and canonicalises a schema, throwing 42201 with the parser's message when it is invalid.
 * `refs` are the referenced schemas, dependencies first. The canonical text is what is stored and
 * compared: compact JSON for Avro and JSON Schema (so whitespace does not make a new version),
 * trimmed text for Protobuf.
 */
export function parseSchema(schemaType: SchemaType, text: string, refs: readonly ResolvedReference[] = []): ParsedSchema {
  if (typeof text !== 'string' || text.trim() === '') throw invalidSchema('empty schema')
  switch (schemaType) {
    case 'AVRO': return parseAvro(text, refs)
    case 'JSON': return parseJson(text, refs)
    case 'PROTOBUF': return parseProto(text, refs)
  }
}

/** Whitespace-insensitive identity of a schema text, used to find "the same schema" again. */
export function schemaIdentity(schemaType: SchemaType, canonical: string): string {
  return schemaType === 'PROTOBUF' ? canonical.replace(/\s+/g, ' ') : canonical
}

function jsonParse(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw invalidSchema(`${what} is not valid JSON: ${(error as Error).message}`)
  }
}

function parseAvro(text: string, refs: readonly ResolvedReference[]): ParsedSchema {
  const registry: Record<string, avro.Type> = {}
  for (const ref of refs) {
    try {
      avro.Type.forSchema(jsonParse(ref.schema, `reference '${ref.name}'`) as avro.Schema, {registry})
    } catch (error) {
      throw invalidSchema(`reference '${ref.name}': ${(error as Error).message}`)
    }
  }
  const json = jsonParse(text, 'Avro schema')
  try {
    const type = avro.Type.forSchema(json as avro.Schema, {registry})
    return {schemaType: 'AVRO', canonical: JSON.stringify(json), type}
  } catch (error) {
    throw invalidSchema((error as Error).message)
  }
}

function parseJson(text: string, refs: readonly ResolvedReference[]): ParsedSchema {
  const json = jsonParse(text, 'JSON Schema')
  if (typeof json !== 'boolean' && (typeof json !== 'object' || json === null || Array.isArray(json))) {
    throw invalidSchema('a JSON Schema must be an object or a boolean')
  }
  const draft = typeof json === 'object' ? String((json as Record<string, unknown>)['$schema'] ?? '') : ''
  // Draft 2020-12 and 2019-09 documents go to ajv's 2020 validator, everything else to draft-07.
  const ajv = /2020-12|2019-09/.test(draft) ? new Ajv2020({strict: false}) : new AjvDraft7.default({strict: false})
  try {
    for (const ref of refs) ajv.addSchema(jsonParse(ref.schema, `reference '${ref.name}'`) as object, ref.name)
    ajv.compile(json as object)
  } catch (error) {
    throw invalidSchema((error as Error).message)
  }
  return {schemaType: 'JSON', canonical: JSON.stringify(json), json: json as JsonSchemaNode}
}

function parseProto(source: string, refs: readonly ResolvedReference[]): ParsedSchema {
  // Confluent's serializers register a base64 FileDescriptorProto: it is kept as its .proto text.
  const text = protoTextOfSerialized(source) ?? source
  const root = new protobuf.Root()
  const imported = new Set<string>()
  const addWellKnown = (imports: readonly string[] | undefined) => {
    for (const name of imports ?? []) {
      const common = (protobuf.common as unknown as Record<string, unknown>)[name]
      if (common && !imported.has(name)) {
        imported.add(name)
        root.addJSON((common as {nested: Record<string, protobuf.AnyNestedObject>}).nested)
      }
    }
  }
  try {
    for (const ref of refs) addWellKnown(protobuf.parse(ref.schema, root, {keepCase: true}).imports)
  } catch (error) {
    throw invalidSchema(`reference '${refs.at(-1)?.name ?? ''}': ${(error as Error).message}`)
  }
  const before = new Set(listTypes(root))
  let parsed: protobuf.IParserResult
  try {
    parsed = protobuf.parse(text, root, {keepCase: true})
    addWellKnown(parsed.imports)
    root.resolveAll()
  } catch (error) {
    throw invalidSchema((error as Error).message)
  }
  const typeNames = listTypes(root).filter((n) => !before.has(n) && !n.startsWith('google.protobuf.'))
  return {
    schemaType: 'PROTOBUF',
    canonical: text.trim(),
    root,
    main: {package: parsed.package ?? '', syntax: /^\s*syntax\s*=\s*["'](proto[23])["']/m.exec(text)?.[1] ?? 'proto2', typeNames},
  }
}

function listTypes(ns: protobuf.NamespaceBase, out: string[] = []): string[] {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type || child instanceof protobuf.Enum) out.push(child.fullName.slice(1))
    if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) listTypes(child, out)
  }
  return out
}
