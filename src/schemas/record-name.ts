import protobuf from 'protobufjs'
import type {SchemaType} from '../model/state.js'

/**
 * The record's full name, the subject under RecordNameStrategy (as Confluent's serializers derive
 * it): Avro `namespace.name` of the top-level record, JSON Schema `title`, Protobuf
 * `package.FirstMessage`. Undefined when the schema has none.
 */
export function recordFullName(type: SchemaType, text: string): string | undefined {
  try {
    if (type === 'PROTOBUF') {
      const parsed = protobuf.parse(text, {keepCase: true})
      const first = firstMessage(parsed.root)
      return first?.fullName.replace(/^\./, '')
    }
    const json = JSON.parse(text) as Record<string, unknown>
    if (type === 'JSON') return typeof json.title === 'string' ? json.title : undefined
    if (typeof json !== 'object' || json === null || typeof json.name !== 'string') return undefined
    if (json.name.includes('.')) return json.name
    return typeof json.namespace === 'string' && json.namespace !== '' ? `${json.namespace}.${json.name}` : json.name
  } catch {
    return undefined
  }
}

function firstMessage(ns: protobuf.NamespaceBase): protobuf.Type | undefined {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) return nested
    if (nested instanceof protobuf.Namespace) {
      const found = firstMessage(nested)
      if (found) return found
    }
  }
  return undefined
}
