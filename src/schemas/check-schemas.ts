import {formatLocation, type Diagnostic} from '../errors.js'
import type {RegistryClient} from '../registry/client/registry-client.js'
import type {DesiredSubject} from './desired-subjects.js'
import {schemaFilePath} from './invalid-schema.js'
import {checkDesiredSubjects} from './observe-subjects.js'
import {sameSchemaText} from './canonical.js'

export const SCHEMA_CHECK_STATUSES = ['unchanged', 'new-subject', 'compatible', 'incompatible', 'invalid'] as const
export type SchemaCheckStatus = (typeof SCHEMA_CHECK_STATUSES)[number]

export interface SchemaCheckItem {
  readonly subject: string
  readonly schema: string
  readonly schemaType: string
  readonly status: SchemaCheckStatus
  /** `file:line:col` of the Schema resource in its manifest. */
  readonly manifest?: string
  readonly schemaFile?: string
  readonly latestVersion?: number
  readonly level?: string
  readonly messages: readonly string[]
}

export interface SchemaCheckResult {
  readonly environment: string
  readonly registry: string
  readonly items: readonly SchemaCheckItem[]
  readonly ok: boolean
}

/**
 * `schema check`: every desired subject against the registry, nothing registered. A subject is
 * unchanged, new, a compatible or an incompatible next version, or refused by the parser (42201).
 */
export async function checkSchemas(client: RegistryClient, environment: string, wanted: readonly DesiredSubject[]): Promise<SchemaCheckResult> {
  const checked = await checkDesiredSubjects(client, wanted)
  const observed = new Map(checked.subjects.map((s) => [s.subject, s]))
  const invalid = new Map<string, Diagnostic>(checked.invalid.map((i) => [i.subject, i.diagnostic]))
  const items = wanted.map((w): SchemaCheckItem => {
    const have = observed.get(w.state.subject)
    const base = {
      subject: w.state.subject, schema: w.schema.name, schemaType: w.state.schemaType,
      ...(w.schema.location ? {manifest: formatLocation(w.schema.location)} : {}),
      ...(schemaFilePath(w) === undefined ? {} : {schemaFile: schemaFilePath(w)}),
      ...(have?.version === undefined ? {} : {latestVersion: have.version}),
    }
    const bad = invalid.get(w.state.subject)
    if (bad) return {...base, status: 'invalid', messages: [bad.message], ...(bad.location ? {schemaFile: formatLocation(bad.location)} : {})}
    if (!have) return {...base, status: 'new-subject', messages: []}
    const verdict = have.compatibilityWithDesired
    if (have.matchesDesired || !verdict || (have.schemaType === w.state.schemaType && sameSchemaText(w.state.schemaType, w.state.schema, have.schema))) {
      return {...base, status: 'unchanged', messages: []}
    }
    const level = w.state.compatibility ?? verdict.level
    const status = verdict.compatible || level === 'NONE' ? 'compatible' : 'incompatible'
    return {...base, status, ...(level ? {level} : {}), messages: [...verdict.messages]}
  })
  return {environment, registry: client.url, items, ok: items.every((i) => i.status !== 'incompatible' && i.status !== 'invalid')}
}
