import {StreamctlError} from '../errors.js'
import {createKafka, unreachable} from './connection.js'
import {defaultJobName, outputTopics, runOptions, type CommonJobOptions} from './job-options.js'
import {decodeValue} from './record-function.js'
import type {InputRecord, JobReport, OutputRecord} from './record.js'
import {recordStage} from './record-stage.js'
import {runJob} from './runner.js'
import {jobDefinition} from './job-definition.js'
import {prepareDerivedTopics} from './topics.js'
import {DEFAULT_VERSIONED_KEY_TEMPLATE, formatVersionedKey} from './versioned-key.js'

/**
 * `derive versioned`: every update of a table (compacted topic keyed by entity id) becomes one
 * record keyed `<service>-<entity>-<id>-v<version>`, so history survives compaction. The id is the
 * table key unless `idField` names a value field; the version comes from `versionField`.
 * Replaying the same table update gives the same versioned key, so the output stays idempotent
 * under compaction even beyond the exactly-once guarantee.
 */
export interface DeriveVersionedOptions extends CommonJobOptions {
  readonly from: string
  readonly to: string
  readonly service: string
  readonly entity: string
  readonly idField?: string
  readonly versionField: string
  readonly keyTemplate?: string
  readonly partitions?: number
  readonly deadLetter?: string
}

export function versionedRecord(r: InputRecord, o: Pick<DeriveVersionedOptions, 'to' | 'service' | 'entity' | 'idField' | 'versionField' | 'keyTemplate'>): OutputRecord[] {
  // A tombstone (deleted entity) has no version to record.
  if (r.value === null) return []
  const value = decodeValue(r.value)
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('value is not a JSON object')
  const obj = value as Record<string, unknown>
  const rawId = o.idField ? obj[o.idField] : r.key?.toString('utf8')
  if (rawId === undefined || rawId === null || rawId === '') throw new Error(o.idField ? `value field '${o.idField}' is missing` : 'record has no key to use as id')
  const rawVersion = obj[o.versionField]
  const version = typeof rawVersion === 'string' && /^\d+$/.test(rawVersion) ? Number(rawVersion) : rawVersion
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) throw new Error(`value field '${o.versionField}' is not a non-negative integer version`)
  const key = formatVersionedKey({service: o.service, entity: o.entity, id: String(rawId), version}, o.keyTemplate ?? DEFAULT_VERSIONED_KEY_TEMPLATE)
  return [{topic: o.to, key, value: r.value, headers: r.headers, timestamp: r.timestamp}]
}

export async function deriveVersioned(o: DeriveVersionedOptions): Promise<JobReport> {
  if (o.from === o.to) throw new StreamctlError('USAGE', 'source and target topic are the same')
  const job = o.job ?? defaultJobName('versioned', o.from, o.to)
  const kafka = createKafka(o.connection)
  const admin = kafka.admin()
  try {
    await admin.connect().catch((err) => Promise.reject(unreachable(o.connection, err)))
    // Versioned keys are unique per version: compaction only removes exact replays.
    await prepareDerivedTopics(admin, {...o, label: o.connection.label})
  } finally {
    await admin.disconnect()
  }
  return runJob({
    job, source: {kafka, connection: o.connection, topic: o.from}, target: {kafka, connection: o.connection}, crossCluster: false,
    stage: recordStage(job, (r) => versionedRecord(r, o), o.deadLetter), outputTopics: outputTopics(o),
    mode: o.follow ? 'follow' : 'bounded', signal: o.signal, onEvent: o.onEvent,
    deadLetter: o.deadLetter, ...runOptions(o), definition: await jobDefinition('derive-versioned', o),
  })
}
