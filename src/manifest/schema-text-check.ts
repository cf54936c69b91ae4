import {createRequire} from 'node:module'
import type {SchemaType} from '../model/state.js'

// Loaded on first use, synchronously: resolving an environment (synchronous) checks the texts of
// schema files whose paths name variables, and most estates have no schemas at all.
const require = createRequire(import.meta.url)

/**
 * Parses a Schema resource's text the way its registry serde would, so a broken .avsc/.json/.proto
 * fails at validate time instead of at registration. Named types or imports that come from
 * `references` cannot be resolved offline, so AVRO with references is only checked for JSON syntax.
 */
export function schemaTextProblem(type: SchemaType, text: string, hasReferences: boolean): string | undefined {
  try {
    if (type === 'PROTOBUF') {
      const protobuf = require('protobufjs') as typeof import('protobufjs')
      protobuf.parse(text)
      return undefined
    }
    const parsed: unknown = JSON.parse(text)
    if (type === 'JSON') {
      return typeof parsed === 'object' || typeof parsed === 'boolean' ? undefined : 'a JSON Schema must be an object or a boolean'
    }
    if (!hasReferences) {
      const avro = require('avsc') as typeof import('avsc')
      avro.Type.forSchema(parsed as any)
    }
    return undefined
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200)
  }
}
