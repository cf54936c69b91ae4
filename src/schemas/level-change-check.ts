import type {CompatibilityLevel, SubjectState} from '../model/state.js'
import type {RegistryClient} from '../registry/client/registry-client.js'
import {checkCompatibility, levelRule, type PreviousVersion} from '../registry/compat/index.js'
import {parseSchema} from '../registry/parse-schema.js'

/**
 * When an apply changes a subject's level *and* registers a new version, the registry checks the
 * new version at the new level (the level is set first), but its compatibility endpoint can only
 * answer at the current one. For that case the new level's verdict is computed here with the same
 * rules the dev registry uses (src/registry/compat: avsc schema resolution for Avro, Confluent's
 * documented rule sets for JSON Schema and Protobuf) against the versions the registry returns.
 * Undefined when it cannot be computed locally (references, or a text our parsers refuse): the
 * registry's own verdict then stands, and the registry still enforces the level at apply.
 */
export async function verdictAtNewLevel(client: RegistryClient, want: SubjectState, level: CompatibilityLevel): Promise<{compatible: boolean; messages: string[]} | undefined> {
  if (want.references.length > 0) return undefined
  const {directions, transitive} = levelRule(level)
  if (directions.length === 0) return {compatible: true, messages: []}
  try {
    const numbers = await client.versions(want.subject)
    const wanted = transitive ? numbers : numbers.slice(-1)
    const previous: PreviousVersion[] = []
    for (const v of wanted) {
      const s = await client.version(want.subject, v)
      if (s.references.length > 0) return undefined
      previous.push({version: v, parsed: parseSchema(s.schemaType, s.schema)})
    }
    const messages = checkCompatibility(level, parseSchema(want.schemaType, want.schema), previous)
    return {compatible: messages.length === 0, messages}
  } catch {
    return undefined
  }
}
