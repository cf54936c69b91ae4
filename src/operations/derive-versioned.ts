import {StreamctlError} from '../errors.js'
import {createKafka, unreachable} from './connection.js'
import {defaultJobName, outputTopics, runOptions, type CommonJobOptions} from './job-options.js'
import {decodeUtf8, isLosslessNumber, jsonScalarText, parseJsonBytes} from './json-value.js'
import type {InputRecord, JobReport, OutputRecord} from './record.js'
import {recordStage} from './record-stage.js'
import {runJob} from './runner.js'
import {prepareDerivedTopics, type TopicShape} from './topics.js'
import {jobDefinition} from './job-definition.js'
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
  /** The declared target Topic (partitions, replication factor, config), used when the job creates the target. */
  readonly declaredTarget?: Partial<TopicShape>
}

export function versionedRecord(r: InputRecord, o: Pick<DeriveVersionedOptions, 'to' | 'service' | 'entity' | 'idField' | 'versionField' | 'keyTemplate'>): OutputRecord[] {
  // A tombstone (deleted entity) has no version to record.
  if (r.value === null) return []
  // Only the two fields are read; the value is written with its own bytes. Numbers are read
  // exactly, so an id beyond 2^53 keeps its digits in the key.
  const value = parseJsonBytes(r.value)
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isLosslessNumber(value)) throw new Error('value is not a JSON object')
  const obj = value as Record<string, unknown>
  const field = (name: string): unknown => (Object.hasOwn(obj, name) ? obj[name] : undefined)
  const rawId = o.idField ? field(o.idField) : r.key === null ? undefined : decodeUtf8(r.key, 'key')
  if (rawId === undefined || rawId === null || rawId === '') throw new Error(o.idField ? `value field '${o.idField}' is missing` : 'record has no key to use as id')
  const rawVersion = field(o.versionField)
  const versionText = typeof rawVersion === 'string' || isLosslessNumber(rawVersion) ? rawVersion.toString() : undefined
  const version = versionText !== undefined && /^\d+$/.test(versionText) ? Number(versionText) : rawVersion
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) throw new Error(`value field '${o.versionField}' is not a non-negative integer version`)
  const key = formatVersionedKey({service: o.service, entity: o.entity, id: jsonScalarText(rawId), version}, o.keyTemplate ?? DEFAULT_VERSIONED_KEY_TEMPLATE)
  return [{topic: o.to, key, value: r.value, headers: r.headers, timestamp: r.timestamp}]
}

export async function deriveVersioned(o: DeriveVersionedOptions): Promise<JobReport> {
  if (o.from === o.to) throw new StreamctlError('USAGE', 'source and target topic are the same')
  const job = o.job ?? defaultJobName('versioned', o.from, o.to)
  const kafka = createKafka(o.connection)
  const admin = kafka.admin()
  try {
    await admin.connect().catch((err) => Promise.reject(unreachable(o.connection, err)))
    // A created target is a `versioned` topic (every version kept: delete, retention -1), or the declared Topic.
    await prepareDerivedTopics(admin, {...o, label: o.connection.label, policy: 'versioned', declared: o.declaredTarget})
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
