import {StreamctlError} from '../errors.js'
import {createKafka, unreachable} from './connection.js'
import {defaultJobName, outputTopics, runOptions, type CommonJobOptions} from './job-options.js'
import {createKeyExtractor} from './key-extract.js'
import {JsonPathError} from './json-path.js'
import type {JobReport} from './record.js'
import {recordStage} from './record-stage.js'
import {runJob} from './runner.js'
import {jobDefinition} from './job-definition.js'
import {describeTopicShape, ensureTopic, partitionCount, topicExists} from './topics.js'

/**
 * Copy a topic into one with another partition count and/or a key taken from the value.
 * Per-key order: records of one source partition are written in offset order by one producer, and
 * one key always maps to one target partition (murmur2), so the order of a key's records within a
 * source partition is kept. When the key is unchanged, all of a key's records share a source
 * partition and its whole order is kept; a *new* key drawn from records that sat in different
 * source partitions has no defined order across those partitions to begin with.
 */
export interface RepartitionOptions extends CommonJobOptions {
  readonly from: string
  readonly to: string
  readonly partitions?: number
  /** JSONPath subset (`$.customer.id`) or a field name; absent: keep the record's key. */
  readonly key?: string
  readonly deadLetter?: string
}

export interface RepartitionReport extends JobReport {
  readonly targetCreated: boolean
  readonly targetPartitions: number
}

export async function repartition(o: RepartitionOptions): Promise<RepartitionReport> {
  if (o.from === o.to) throw new StreamctlError('USAGE', 'source and target topic are the same', {hint: 'choose another --to topic'})
  if (o.partitions !== undefined && (!Number.isInteger(o.partitions) || o.partitions < 1)) {
    throw new StreamctlError('USAGE', `--partitions must be a positive integer, got ${o.partitions}`)
  }
  let extractor
  try {
    extractor = o.key === undefined ? undefined : createKeyExtractor(o.key)
  } catch (err) {
    if (err instanceof JsonPathError) throw new StreamctlError('USAGE', `--key: ${err.message}`, {hint: "use $.field, $.a.b, $.items[0] or $['odd name']"})
    throw err
  }
  const job = o.job ?? defaultJobName('repartition', o.from, o.to)
  const kafka = createKafka(o.connection)
  const admin = kafka.admin()
  let targetCreated = false
  let targetPartitions: number
  try {
    await admin.connect().catch((err) => Promise.reject(unreachable(o.connection, err)))
    if (!(await topicExists(admin, o.from))) throw new StreamctlError('JOB_FAILED', `source topic '${o.from}' does not exist on ${o.connection.label}`)
    const shape = await describeTopicShape(admin, o.from)
    if (await topicExists(admin, o.to)) {
      targetPartitions = await partitionCount(admin, o.to)
      if (o.partitions !== undefined && o.partitions !== targetPartitions) {
        throw new StreamctlError('JOB_FAILED', `target topic '${o.to}' exists with ${targetPartitions} partitions, not ${o.partitions}`, {
          hint: 'drop --partitions to use the existing topic, or choose a new --to topic',
        })
      }
    } else {
      targetPartitions = o.partitions ?? shape.partitions
      targetCreated = await ensureTopic(admin, o.to, {...shape, partitions: targetPartitions})
    }
    if (o.deadLetter && !(await topicExists(admin, o.deadLetter))) {
      await ensureTopic(admin, o.deadLetter, {partitions: 1, replicationFactor: shape.replicationFactor, config: {}})
    }
  } finally {
    await admin.disconnect()
  }
  const stage = recordStage(job, (r) => ({
    topic: o.to, key: extractor ? extractor.extract(r.value) : r.key, value: r.value, headers: r.headers, timestamp: r.timestamp,
  }), o.deadLetter)
  const report = await runJob({
    job, source: {kafka, connection: o.connection, topic: o.from, label: o.connection.label}, target: {kafka, connection: o.connection}, crossCluster: false, stage, outputTopics: outputTopics(o),
    mode: o.follow ? 'follow' : 'bounded', signal: o.signal, onEvent: o.onEvent, unreachableTimeoutMs: o.unreachableTimeoutMs,
    deadLetter: o.deadLetter, ...runOptions(o), definition: await jobDefinition('repartition', {...o, partitions: targetPartitions}),
  })
  return {...report, targetCreated, targetPartitions}
}
