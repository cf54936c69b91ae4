import {StreamctlError} from '../errors.js'
import {createKafka, unreachable, type JobConnection} from './connection.js'
import {applyDeclarative, isEmptyTransform, type DeclarativeTransform} from './declarative-transform.js'
import {defaultJobName, outputTopics, type CommonJobOptions} from './job-options.js'
import {loadRecordFunction, looksLikeModulePath} from './load-module.js'
import {compileFilterExpression, encodeValue, normaliseTransformResult, toView, type FilterFn, type TransformFn} from './record-function.js'
import type {JobReport, OutputRecord} from './record.js'
import {recordStage, type RecordFn} from './record-stage.js'
import {runJob} from './runner.js'
import type {ValueContext} from './registry-value-codec.js'
import {createSchemaUpgrade, type SchemaUpgrade, type SchemaUpgradeOptions} from './schema-upgrade.js'
import {describeTopicShape, ensureTopic, topicExists} from './topics.js'

/**
 * Copy a topic, possibly to another cluster, through an optional filter and transformation.
 * Same cluster: the usual read-process-write transaction. Across clusters no transaction spans
 * both, so the source positions are committed in the *target's* transaction (checkpoints.ts) and
 * a rerun resumes from there: every source record is in the target exactly once (read_committed),
 * whatever crashed when. Records the filter/transform cannot handle go to the dead-letter topic
 * (on the target cluster) with the error in headers, and the job carries on.
 */
export interface MigrateOptions extends Omit<CommonJobOptions, 'connection'> {
  readonly from: string
  readonly to: string
  readonly source: JobConnection
  readonly target: JobConnection
  /** Path of a module exporting `transform(record)`. */
  readonly transformModule?: string
  readonly declarative?: DeclarativeTransform
  /** A JS expression over `record`/`value`/`key`/`headers`, or a module path exporting `filter(record)`. */
  readonly filter?: string
  readonly deadLetter?: string
  readonly partitions?: number
  /** Registry values (`--value-format avro|protobuf|json-schema`, `--to-subject`): decoded with the writer's schema, encoded with the target's. */
  readonly schemaUpgrade?: SchemaUpgradeOptions
}

export interface MigrateReport extends JobReport {
  readonly crossCluster: boolean
  readonly targetCreated: boolean
}

export function sameCluster(a: JobConnection, b: JobConnection): boolean {
  return [...a.spec.bootstrap].sort().join(',') === [...b.spec.bootstrap].sort().join(',')
}

export function migrateRecordFn(o: {to: string; transform?: TransformFn; filter?: FilterFn; declarative?: DeclarativeTransform; upgrade?: SchemaUpgrade}): RecordFn {
  const decl = o.declarative && !isEmptyTransform(o.declarative) ? o.declarative : undefined
  const up = o.upgrade
  if (!o.transform && !o.filter && !decl && !up) {
    // Plain copy: bytes in, bytes out, nothing decoded.
    return (r) => ({topic: o.to, key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp})
  }
  return async (r) => {
    const view = toView(r)
    // Registry values (schema-upgrade.ts): decoded for the filter/transform, encoded again below.
    let from: ValueContext | undefined
    if (up) ({value: view.value, from} = await up.decode(r.value))
    if (o.filter && !(await o.filter(view))) return []
    let views = o.transform ? normaliseTransformResult(await o.transform(view)) : [view]
    if (decl) views = views.map((v) => ({...v, value: applyDeclarative(v.value, decl)}))
    const out: OutputRecord[] = []
    for (const v of views) {
      const value = up ? await up.encode(v.value, from) : encodeValue(v.value)
      out.push({topic: o.to, key: v.key, value, headers: v.headers, timestamp: v.timestamp})
    }
    return out
  }
}

export async function migrate(o: MigrateOptions): Promise<MigrateReport> {
  const crossCluster = !sameCluster(o.source, o.target)
  if (!crossCluster && o.from === o.to) throw new StreamctlError('USAGE', 'source and target are the same topic on the same cluster', {hint: 'choose another --to topic or another target cluster'})
  const transform = o.transformModule ? await loadRecordFunction(o.transformModule, 'transform') : undefined
  let filter: FilterFn | undefined
  if (o.filter) {
    try {
      filter = looksLikeModulePath(o.filter) ? await loadRecordFunction(o.filter, 'filter') : compileFilterExpression(o.filter)
    } catch (err) {
      if (err instanceof SyntaxError) throw new StreamctlError('USAGE', `--filter: ${err.message}`, {hint: 'e.g. --filter "value.status === \'paid\'" or --filter ./filter.js'})
      throw err
    }
  }
  const upgrade = o.schemaUpgrade ? await createSchemaUpgrade(o.schemaUpgrade) : undefined
  const job = o.job ?? defaultJobName('migrate', o.from, o.to)
  const sourceKafka = createKafka(o.source)
  const targetKafka = crossCluster ? createKafka(o.target) : sourceKafka
  const sa = sourceKafka.admin()
  const ta = crossCluster ? targetKafka.admin() : sa
  let targetCreated = false
  try {
    await sa.connect().catch((err) => Promise.reject(unreachable(o.source, err)))
    if (crossCluster) await ta.connect().catch((err) => Promise.reject(unreachable(o.target, err)))
    if (!(await topicExists(sa, o.from))) throw new StreamctlError('JOB_FAILED', `source topic '${o.from}' does not exist on ${o.source.label}`)
    const shape = await describeTopicShape(sa, o.from)
    targetCreated = await ensureTopic(ta, o.to, {...shape, partitions: o.partitions ?? shape.partitions})
    if (o.deadLetter) await ensureTopic(ta, o.deadLetter, {partitions: 1, replicationFactor: shape.replicationFactor, config: {}})
  } finally {
    await sa.disconnect()
    if (crossCluster) await ta.disconnect()
  }
  const report = await runJob({
    job, source: {kafka: sourceKafka, connection: o.source, topic: o.from, label: o.source.label}, target: {kafka: targetKafka, connection: o.target}, crossCluster,
    stage: recordStage(job, migrateRecordFn({to: o.to, transform, filter, declarative: o.declarative, upgrade}), o.deadLetter), outputTopics: outputTopics(o),
    mode: o.follow ? 'follow' : 'bounded', signal: o.signal, onEvent: o.onEvent, unreachableTimeoutMs: o.unreachableTimeoutMs,
  })
  return {...report, crossCluster, targetCreated}
}
