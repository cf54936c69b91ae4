import type {CompatibilityLevel} from '../../model/state.js'
import type {ParsedSchema} from '../parse-schema.js'
import {checkAvro} from './avro.js'
import type {Direction} from './direction.js'
import {checkJsonSchema} from './json-schema.js'
import {checkProtobuf} from './protobuf.js'

export interface PreviousVersion {
  readonly version: number
  readonly parsed: ParsedSchema
}

/** Which one-way checks a level needs and whether it looks past the latest version. */
export function levelRule(level: CompatibilityLevel): {directions: Direction[]; transitive: boolean} {
  const transitive = level.endsWith('_TRANSITIVE')
  const base = level.replace('_TRANSITIVE', '')
  const directions: Direction[] = base === 'BACKWARD' ? ['backward'] : base === 'FORWARD' ? ['forward'] : base === 'FULL' ? ['backward', 'forward'] : []
  return {directions, transitive}
}

/**
 * Reasons why `candidate` may not be registered after `previous` (oldest first, deleted versions
 * already left out) under `level`; empty means compatible. Non-transitive levels compare with
 * the latest version only, as Confluent does. Each reason starts with the level's name and the
 * version it conflicts with (`BACKWARD_TRANSITIVE incompatible with version 1: …`); a FULL
 * level's two directions phrase the same change alike, so a reason is given once.
 */
export function checkCompatibility(level: CompatibilityLevel, candidate: ParsedSchema, previous: readonly PreviousVersion[]): string[] {
  const {directions, transitive} = levelRule(level)
  if (directions.length === 0 || previous.length === 0) return []
  const against = transitive ? previous : previous.slice(-1)
  const out = new Set<string>()
  for (const prev of [...against].reverse()) {
    for (const direction of directions) {
      for (const reason of checkPair(candidate, prev.parsed, direction)) out.add(`${level} incompatible with version ${prev.version}: ${reason}`)
    }
  }
  return [...out]
}

/** One direction between a new and an old schema, as (reader, writer). */
export function checkPair(newSchema: ParsedSchema, oldSchema: ParsedSchema, direction: Direction): string[] {
  const [reader, writer] = direction === 'backward' ? [newSchema, oldSchema] : [oldSchema, newSchema]
  if (reader.schemaType !== writer.schemaType) {
    return [`schema type changed from ${oldSchema.schemaType} to ${newSchema.schemaType}`]
  }
  switch (reader.schemaType) {
    case 'AVRO': return checkAvro(reader.type, (writer as typeof reader).type, direction)
    case 'JSON': return checkJsonSchema(reader.json, (writer as typeof reader).json, direction)
    case 'PROTOBUF': return checkProtobuf(reader, writer as typeof reader, direction)
  }
}
