import type {SchemaType} from '../model/state.js'

/**
 * Whether two schema texts are the same schema for planning: AVRO and JSON are compared as parsed
 * JSON with keys sorted (registries store compact or reformatted JSON, so text equality would
 * plan a new version forever); PROTOBUF as text without comments and with whitespace collapsed
 * (registries may re-render it, so the observe step also asks the registry's lookup).
 */
export function sameSchemaText(type: SchemaType, a: string, b: string): boolean {
  return canonicalSchemaText(type, a) === canonicalSchemaText(type, b)
}

export function canonicalSchemaText(type: SchemaType, text: string): string {
  if (type === 'PROTOBUF') return normaliseProto(text)
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)))
  } catch {
    // Invalid JSON is compared as text; the registry reports it (42201) before anything is planned.
    return text.trim()
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k])
    return out
  }
  return v
}

function normaliseProto(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{}();=,<>[\]])\s*/g, '$1')
    .trim()
}
