import {COMPATIBILITY_LEVELS, SCHEMA_TYPES, type CompatibilityLevel, type SchemaReference, type SchemaType} from '../model/state.js'
import {REGISTRY_ERROR_CODES as E, RegistryHttpError, invalidSchema, invalidVersion} from './http-error.js'
import {REGISTRY_MODES, type RegistryMode} from './schema-types.js'

/** Validation of request bodies and path parameters into typed values, with Confluent's error codes. */
export interface SchemaRequest {
  schema: string
  schemaType: SchemaType
  references: SchemaReference[]
  id?: number
  version?: number
}

const MAX_VERSION = 2 ** 31 - 1

export function parseSchemaRequest(body: unknown): SchemaRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RegistryHttpError(E.BAD_REQUEST, 'Request body must be a JSON object')
  const b = body as Record<string, unknown>
  if (typeof b['schema'] !== 'string') throw invalidSchema("the request has no 'schema' string")
  const schemaType = (b['schemaType'] ?? 'AVRO') as SchemaType
  if (!SCHEMA_TYPES.includes(schemaType)) throw invalidSchema(`unknown schemaType '${String(b['schemaType'])}' (expected one of ${SCHEMA_TYPES.join(', ')})`)
  const refs = b['references'] ?? []
  if (!Array.isArray(refs)) throw invalidSchema("'references' must be an array")
  const references = refs.map((r, i) => {
    const ref = r as Record<string, unknown>
    if (typeof ref?.['name'] !== 'string' || typeof ref['subject'] !== 'string' || !Number.isInteger(ref['version'])) {
      throw invalidSchema(`references[${i}] needs a string name, a string subject and an integer version`)
    }
    return {name: ref['name'], subject: ref['subject'], version: ref['version'] as number}
  })
  const out: SchemaRequest = {schema: b['schema'], schemaType, references}
  if (b['id'] !== undefined && b['id'] !== null) {
    if (!Number.isInteger(b['id']) || (b['id'] as number) < 1) throw new RegistryHttpError(E.BAD_REQUEST, "'id' must be a positive integer")
    out.id = b['id'] as number
  }
  if (b['version'] !== undefined && b['version'] !== null) {
    if (!Number.isInteger(b['version']) || (b['version'] as number) < 1) throw invalidVersion(String(b['version']))
    out.version = b['version'] as number
  }
  return out
}

/** A version path parameter: a number in [1, 2^31-1], or `latest` / `-1`. */
export function parseVersionParam(raw: string): number | 'latest' {
  if (raw === 'latest' || raw === '-1') return 'latest'
  if (!/^\d+$/.test(raw)) throw invalidVersion(raw)
  const v = Number(raw)
  if (v < 1 || v > MAX_VERSION) throw invalidVersion(raw)
  return v
}

export function parseCompatibility(body: unknown): CompatibilityLevel {
  const raw = (body as Record<string, unknown> | null)?.['compatibility'] ?? (body as Record<string, unknown> | null)?.['compatibilityLevel']
  const level = typeof raw === 'string' ? raw.toUpperCase() : ''
  if (!COMPATIBILITY_LEVELS.includes(level as CompatibilityLevel)) {
    throw new RegistryHttpError(E.INVALID_COMPATIBILITY_LEVEL,
      'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive')
  }
  return level as CompatibilityLevel
}

export function parseMode(body: unknown): RegistryMode {
  const raw = (body as Record<string, unknown> | null)?.['mode']
  const mode = typeof raw === 'string' ? raw.toUpperCase() : ''
  if (!REGISTRY_MODES.includes(mode as RegistryMode)) {
    throw new RegistryHttpError(E.INVALID_MODE, `Invalid mode. Valid values are ${REGISTRY_MODES.join(', ')}`)
  }
  return mode as RegistryMode
}

export function parseId(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new RegistryHttpError(E.SCHEMA_NOT_FOUND, 'Schema not found')
  return Number(raw)
}
