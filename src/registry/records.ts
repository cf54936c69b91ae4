import type {CompatibilityLevel, SchemaReference, SchemaType} from '../model/state.js'
import type {RegistryMode} from './schema-types.js'

/**
 * The `_schemas` topic's record format, the one Confluent's registry writes (and Karapace reads):
 * JSON keys naming what the record is about, JSON values, null values as tombstones. Keys of the
 * same thing are byte-identical so compaction keeps only the latest record per thing.
 */
export type RecordKey =
  | {keytype: 'SCHEMA'; subject: string; version: number; magic: 1}
  | {keytype: 'CONFIG'; subject: string | null; magic: 0}
  | {keytype: 'MODE'; subject: string | null; magic: 0}
  | {keytype: 'NOOP'; magic: 0}

export interface SchemaValue {
  subject: string
  version: number
  id: number
  schema: string
  /** Left out for AVRO, like Confluent. */
  schemaType?: SchemaType
  references?: SchemaReference[]
  deleted: boolean
}

export interface ConfigValue {
  compatibilityLevel: CompatibilityLevel
}

export interface ModeValue {
  mode: RegistryMode
}

export const schemaKey = (subject: string, version: number): RecordKey => ({keytype: 'SCHEMA', subject, version, magic: 1})
export const configKey = (subject: string | null): RecordKey => ({keytype: 'CONFIG', subject, magic: 0})
export const modeKey = (subject: string | null): RecordKey => ({keytype: 'MODE', subject, magic: 0})

/** Field order is fixed here so equal keys are equal bytes (compaction compares bytes). */
export function encodeKey(key: RecordKey): string {
  switch (key.keytype) {
    case 'SCHEMA': return JSON.stringify({keytype: key.keytype, subject: key.subject, version: key.version, magic: key.magic})
    case 'CONFIG':
    case 'MODE': return JSON.stringify({keytype: key.keytype, subject: key.subject, magic: key.magic})
    case 'NOOP': return JSON.stringify({keytype: key.keytype, magic: key.magic})
  }
}

/** Unknown or malformed records are skipped (returns undefined): other writers may share the topic. */
export function decodeKey(raw: string | undefined): RecordKey | undefined {
  if (!raw) return undefined
  try {
    const k = JSON.parse(raw) as Record<string, unknown>
    if (k['keytype'] === 'SCHEMA' && typeof k['subject'] === 'string' && typeof k['version'] === 'number') {
      return schemaKey(k['subject'], k['version'])
    }
    if ((k['keytype'] === 'CONFIG' || k['keytype'] === 'MODE') && (typeof k['subject'] === 'string' || k['subject'] == null)) {
      return {keytype: k['keytype'], subject: (k['subject'] as string | undefined) ?? null, magic: 0}
    }
    if (k['keytype'] === 'NOOP') return {keytype: 'NOOP', magic: 0}
  } catch {
    // not ours
  }
  return undefined
}
