import {StreamctlError} from '../errors.js'
import {createKafka, unreachable, type JobConnection} from './connection.js'
import {applyDeclarativeRules, isEmptyTransform, type DeclarativeTransform} from './declarative-transform.js'
import {defaultJobName, outputTopics, runOptions, type CommonJobOptions} from './job-options.js'
import {loadRecordFunction, looksLikeModulePath, type RecordModule} from './load-module.js'
import {compileFilterExpression, fromView, normaliseTransformResult, toView, type FilterFn, type RecordCodecs, type TransformFn} from './record-function.js'
import {formatReport, type InputRecord, type JobReport, type OutputRecord} from './record.js'
import {recordStage, type RecordFn} from './record-stage.js'
import {runJob} from './runner.js'
import {jobDefinition} from './job-definition.js'
import type {ValueContext} from './registry-value-codec.js'
import {createSchemaUpgrade, type SchemaUpgrade, type SchemaUpgradeOptions} from './schema-upgrade.js'
import {describeTopicShape, ensureTopic, partitionCount, topicExists} from './topics.js'
import {readJsonBytes, stringifyJson} from './json-value.js'
import {codecFor, type DataFormat} from './value-format.js'

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
  /** A JS expression over `record`/`value`/`key`/`headers`/`header(name)`, or a module path exporting `filter(record)`. */
  readonly filter?: string
  readonly deadLetter?: string
  readonly partitions?: number
  /** Registry values (`--value-format avro|protobuf|json-schema`, `--to-subject`): decoded with the writer's schema, encoded with the target's. */
  readonly schemaUpgrade?: SchemaUpgradeOptions
  /** `preserve`: each record keeps its source partition; `murmur2`: Kafka's default partitioner on the output key. Default: preserve when the partition counts match. */
  readonly partitioner?: Partitioner
  /** What a filter or transform sees of keys and values (value-format.ts). Default: the declared schema's format, else bytes. */
  readonly keyFormat?: DataFormat
  readonly valueFormat?: DataFormat
}

export const PARTITIONERS = ['murmur2', 'preserve'] as const
export type Partitioner = (typeof PARTITIONERS)[number]

export interface MigrateReport extends JobReport {
  readonly crossCluster: boolean
  readonly targetCreated: boolean
  readonly partitioner: Partitioner
  /** Why that partitioner: given by the option, or chosen from the partition counts. */
  readonly partitionerReason: string
  readonly sourcePartitions: number
  readonly targetPartitions: number
}

export function formatMigrateReport(r: MigrateReport, sourceLabel: string, targetLabel: string): string {
  return [
    formatReport(r),
    `  partitioner   ${r.partitioner}: ${r.partitionerReason}`,
    ...(r.crossCluster ? [`  cross-cluster: ${sourceLabel} → ${targetLabel}`] : []),
  ].join('\n')
}

export function sameCluster(a: JobConnection, b: JobConnection): boolean {
  return [...a.spec.bootstrap].sort().join(',') === [...b.spec.bootstrap].sort().join(',')
}

/**
 * The partitioner of a migration: kept partitions when the counts match (as MirrorMaker does), so
 * records placed by a custom partitioner stay where they were and every partition's order is kept;
 * murmur2 on the output key when the counts differ. Pure: the counts come from the caller.
 */
export function choosePartitioner(asked: Partitioner | undefined, sourcePartitions: number, targetPartitions: number): {partitioner: Partitioner; reason: string} {
  const counts = `source ${sourcePartitions}, target ${targetPartitions} partitions`
  if (asked === 'preserve' && sourcePartitions !== targetPartitions) {
    throw new StreamctlError('USAGE', `--partitioner preserve needs as many target partitions as source partitions (${counts})`, {hint: 'use --partitioner murmur2, or a target with the source\'s partition count'})
  }
  if (asked) return {partitioner: asked, reason: `--partitioner ${asked} (${counts})`}
  return sourcePartitions === targetPartitions
    ? {partitioner: 'preserve', reason: `same partition count (${counts}): each record keeps its partition`}
    : {partitioner: 'murmur2', reason: `partition counts differ (${counts}): murmur2 on the key`}
}

export interface MigrateRecordOptions {
  readonly to: string
  readonly transform?: TransformFn
  readonly filter?: FilterFn
  readonly declarative?: DeclarativeTransform
  readonly upgrade?: SchemaUpgrade
  /** Default: keys and values as bytes. */
  readonly codecs?: RecordCodecs
  /** Write each record to its source partition (the default partitioner is murmur2 on the output key). */
  readonly preservePartition?: boolean
  /** Whether the filter and transform see tombstones; otherwise a null value passes them untouched. */
  readonly filterTombstones?: boolean
  readonly transformTombstones?: boolean
}

const BYTES: RecordCodecs = {key: codecFor('bytes', 'key'), value: codecFor('bytes', 'value')}

/** No filter, transform, declarative rule that changes anything, or schema upgrade: each record is written as it was read. */
export function isPlainCopy(o: MigrateRecordOptions): boolean {
  return !o.transform && !o.filter && !(o.declarative && !isEmptyTransform(o.declarative)) && !o.upgrade
}

/**
 * The per-record function of a migration. It writes the record's own bytes (key, value, every
 * header in order, timestamp) except what was asked to change: a filter decodes without
 * re-encoding; declarative rules that change nothing leave the original value; a transform's
 * untouched key or value keeps its bytes (record-function.ts).
 */
export function migrateRecordFn(o: MigrateRecordOptions): RecordFn {
  const decl = o.declarative && !isEmptyTransform(o.declarative) ? o.declarative : undefined
  const up = o.upgrade
  const codecs = o.codecs ?? BYTES
  const keep = o.preservePartition === true
  const copy = (r: InputRecord, value: Buffer | null = r.value): OutputRecord => keep
    ? {topic: o.to, key: r.key, value, headers: r.headers, timestamp: r.timestamp, partition: r.partition}
    : {topic: o.to, key: r.key, value, headers: r.headers, timestamp: r.timestamp}
  if (isPlainCopy(o)) {
    // Plain copy: bytes in, bytes out, nothing decoded.
    return (r) => copy(r)
  }
  if (decl && !o.filter && !o.transform && !up) {
    // Declarative rules alone run synchronously, on the value just parsed (no copy, no promise
    // per record), and the writer trusts the rules' word that the result is plain JSON.
    return (r) => {
      if (r.value === null) return copy(r)
      const read = readJsonBytes(r.value)
      const applied = applyDeclarativeRules(read.value, decl, {owned: true, plain: read.plain})
      return copy(r, applied.changed ? Buffer.from(stringifyJson(applied.value, applied.plain), 'utf8') : r.value)
    }
  }
  // Declarative rules read JSON whatever the value format says: they are JSON rules.
  const declCodec = codecs.value.format === 'json' ? codecs.value : codecFor('json', 'value')
  return async (r) => {
    const tombstone = r.value === null
    const filtering = o.filter !== undefined && (!tombstone || o.filterTombstones === true)
    const transforming = o.transform !== undefined && (!tombstone || o.transformTombstones === true)
    if (!filtering && !transforming && !up && (!decl || tombstone)) return copy(r)
    // Registry values decode with their writer's schema; everything else with the value format.
    // Registry values decode with their writer's schema (kept in `from` for the encoding); everything else with the value format.
    let from: ValueContext | undefined
    let value: unknown
    if (tombstone) value = null
    else if (up) ({value, from} = await up.decode(r.value))
    else if (filtering || transforming) value = codecs.value.decode(r.value!)
    const decoded = filtering || transforming ? toView(r, codecs, value) : undefined
    if (filtering && !(await o.filter!(decoded!.view))) return []
    if (!transforming) {
      if (up) return copy(r, tombstone ? null : await up.encode(decl ? applyDeclarativeRules(value, decl).value : value, from))
      if (!decl || tombstone) return copy(r)
      const before = codecs.value.format === 'json' && value !== undefined ? value : declCodec.decode(r.value!)
      const applied = applyDeclarativeRules(before, decl)
      return copy(r, applied.changed ? await declCodec.encode(applied.value) : r.value)
    }
    const views = normaliseTransformResult(await o.transform!(decoded!.view))
    const out: OutputRecord[] = []
    for (let v of views) {
      // JSON in hand (a registry-decoded object, or the json format): the rules apply before encoding.
      const jsonInHand = up !== undefined || codecs.value.format === 'json'
      if (decl && jsonInHand && v.value !== null && v.value !== undefined) {
        const applied = applyDeclarativeRules(v.value, decl)
        if (applied.changed) v = {...v, value: applied.value}
      }
      let e = await fromView(v, decoded!, r, up ? {key: codecs.key, value: {format: 'registry', decode: () => undefined, encode: async (x) => (await up.encode(x, from)) ?? Buffer.alloc(0)}} : codecs, up !== undefined)
      if (decl && !jsonInHand && e.value !== null) {
        // The transform handed back bytes or text: the rules read them as JSON.
        const applied = applyDeclarativeRules(declCodec.decode(e.value), decl)
        if (applied.changed) e = {...e, value: await declCodec.encode(applied.value)}
      }
      out.push(keep
        ? {topic: o.to, key: e.key, value: e.value, headers: e.headers, timestamp: e.timestamp, partition: r.partition}
        : {topic: o.to, key: e.key, value: e.value, headers: e.headers, timestamp: e.timestamp})
    }
    return out
  }
}

export async function migrate(o: MigrateOptions): Promise<MigrateReport> {
  const crossCluster = !sameCluster(o.source, o.target)
  if (!crossCluster && o.from === o.to) throw new StreamctlError('USAGE', 'source and target are the same topic on the same cluster', {hint: 'choose another --to topic or another target cluster'})
  if (o.schemaUpgrade && o.valueFormat) {
    throw new StreamctlError('USAGE', `--value-format ${o.valueFormat} cannot be combined with a schema upgrade: the registry decodes those values`, {hint: 'drop --value-format, or drop --to-subject/--to-schema-id'})
  }
  const transform = o.transformModule ? await loadRecordFunction(o.transformModule, 'transform') : undefined
  let filter: RecordModule<FilterFn> | undefined
  if (o.filter) {
    try {
      filter = looksLikeModulePath(o.filter) ? await loadRecordFunction(o.filter, 'filter') : {fn: compileFilterExpression(o.filter), handlesTombstones: false}
    } catch (err) {
      if (err instanceof SyntaxError) throw new StreamctlError('USAGE', `--filter: ${err.message}`, {hint: 'e.g. --value-format json --filter "value.status === \'paid\'" or --filter ./filter.js'})
      throw err
    }
  }
  const upgrade = o.schemaUpgrade ? await createSchemaUpgrade(o.schemaUpgrade) : undefined
  const codecs: RecordCodecs = {key: codecFor(o.keyFormat ?? 'bytes', 'key'), value: codecFor(o.valueFormat ?? 'bytes', 'value')}
  const job = o.job ?? defaultJobName('migrate', o.from, o.to)
  const sourceKafka = createKafka(o.source)
  const targetKafka = crossCluster ? createKafka(o.target) : sourceKafka
  const sa = sourceKafka.admin()
  const ta = crossCluster ? targetKafka.admin() : sa
  let targetCreated = false
  let sourcePartitions: number
  let targetPartitions: number
  try {
    await sa.connect().catch((err) => Promise.reject(unreachable(o.source, err)))
    if (crossCluster) await ta.connect().catch((err) => Promise.reject(unreachable(o.target, err)))
    if (!(await topicExists(sa, o.from))) throw new StreamctlError('JOB_FAILED', `source topic '${o.from}' does not exist on ${o.source.label}`)
    const shape = await describeTopicShape(sa, o.from)
    sourcePartitions = shape.partitions
    if (await topicExists(ta, o.to)) {
      targetPartitions = await partitionCount(ta, o.to)
      if (o.partitions !== undefined && o.partitions !== targetPartitions) {
        throw new StreamctlError('USAGE', `target topic '${o.to}' exists with ${targetPartitions} partitions, not ${o.partitions}`, {hint: 'drop --partitions to use the existing topic, or choose a new --to topic'})
      }
    } else {
      targetPartitions = o.partitions ?? shape.partitions
    }
    // Decided before the target is created: a refused --partitioner leaves the cluster untouched.
    choosePartitioner(o.partitioner, sourcePartitions, targetPartitions)
    targetCreated = await ensureTopic(ta, o.to, {...shape, partitions: targetPartitions})
    if (o.deadLetter) await ensureTopic(ta, o.deadLetter, {partitions: 1, replicationFactor: shape.replicationFactor, config: {}})
  } finally {
    await sa.disconnect()
    if (crossCluster) await ta.disconnect()
  }
  const {partitioner, reason} = choosePartitioner(o.partitioner, sourcePartitions, targetPartitions)
  o.onEvent?.({type: 'status', message: `partitioner ${partitioner}: ${reason}`})
  const recordOptions: MigrateRecordOptions = {
    to: o.to, transform: transform?.fn, filter: filter?.fn, declarative: o.declarative, upgrade, codecs, preservePartition: partitioner === 'preserve',
    filterTombstones: filter?.handlesTombstones, transformTombstones: transform?.handlesTombstones,
  }
  const fn = migrateRecordFn(recordOptions)
  // A plain copy into the same partitions can write the fetched batches whole (Stage.passthrough).
  const stage = recordStage(job, fn, o.deadLetter)
  const report = await runJob({
    job, source: {kafka: sourceKafka, connection: o.source, topic: o.from, label: o.source.label}, target: {kafka: targetKafka, connection: o.target}, crossCluster,
    stage: isPlainCopy(recordOptions) && partitioner === 'preserve' ? {...stage, passthrough: {topic: o.to}} : stage, outputTopics: outputTopics(o),
    mode: o.follow ? 'follow' : 'bounded', signal: o.signal, onEvent: o.onEvent, unreachableTimeoutMs: o.unreachableTimeoutMs,
    deadLetter: o.deadLetter, ...runOptions(o), definition: await jobDefinition('migrate', {...o, partitions: targetPartitions, partitioner, keyFormat: codecs.key.format, valueFormat: codecs.value.format}),
  })
  return {...report, crossCluster, targetCreated, partitioner, partitionerReason: reason, sourcePartitions, targetPartitions}
}
