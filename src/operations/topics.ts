import kafkajs, {type Admin} from 'kafkajs'
import {StreamctlError} from '../errors.js'

/**
 * The few admin calls the jobs need, on kafkajs's admin directly for now; they move onto the
 * AdminGateway (src/cluster/gateway.ts) once its implementation lands.
 */
export interface PartitionOffsets {
  readonly partition: number
  readonly low: number
  readonly high: number
}

export async function topicOffsets(admin: Admin, topic: string): Promise<PartitionOffsets[]> {
  await requireTopic(admin, topic)
  const rows = await admin.fetchTopicOffsets(topic)
  return rows.map((r) => ({partition: r.partition, low: Number(r.low), high: Number(r.high)})).sort((a, b) => a.partition - b.partition)
}

export async function topicExists(admin: Admin, topic: string): Promise<boolean> {
  return (await admin.listTopics()).includes(topic)
}

export async function requireTopic(admin: Admin, topic: string): Promise<void> {
  if (!(await topicExists(admin, topic))) {
    throw new StreamctlError('JOB_FAILED', `topic '${topic}' does not exist`, {hint: 'check the topic name (streamctl export lists the topics of an environment)'})
  }
}

export interface TopicShape {
  readonly partitions: number
  readonly replicationFactor: number
  /** Only settings set on the topic itself (not broker defaults), so a copy inherits the same defaults. */
  readonly config: Record<string, string>
}

export async function describeTopicShape(admin: Admin, topic: string): Promise<TopicShape> {
  const meta = await admin.fetchTopicMetadata({topics: [topic]})
  const t = meta.topics[0]
  if (!t) throw new StreamctlError('JOB_FAILED', `topic '${topic}' does not exist`)
  const cfg = await admin.describeConfigs({resources: [{type: kafkajs.ConfigResourceTypes.TOPIC, name: topic}], includeSynonyms: false})
  const config: Record<string, string> = {}
  for (const e of cfg.resources[0]?.configEntries ?? []) {
    // configSource 1 = DYNAMIC_TOPIC_CONFIG (set on the topic).
    if ((e as {configSource?: number}).configSource === 1 && e.configValue !== null && !e.isSensitive) config[e.configName] = e.configValue
  }
  return {partitions: t.partitions.length, replicationFactor: t.partitions[0]?.replicas.length ?? 1, config}
}

/** Creates `name` unless it exists; returns whether it was created. */
export async function ensureTopic(admin: Admin, name: string, shape: TopicShape): Promise<boolean> {
  if (await topicExists(admin, name)) return false
  const brokers = (await admin.describeCluster()).brokers.length
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{
      topic: name, numPartitions: shape.partitions, replicationFactor: Math.min(shape.replicationFactor, brokers),
      configEntries: Object.entries(shape.config).map(([name, value]) => ({name, value})),
    }],
  })
  return true
}

export async function partitionCount(admin: Admin, topic: string): Promise<number> {
  const meta = await admin.fetchTopicMetadata({topics: [topic]})
  return meta.topics[0]?.partitions.length ?? 0
}

/** What a created derive target gets from its policy (README: the `table` and `versioned` policies). */
export const DERIVED_TARGET_CONFIG = {
  table: {'cleanup.policy': 'compact'},
  versioned: {'cleanup.policy': 'delete', 'retention.ms': '-1'},
} as const

/**
 * The topics of a derive job: the source must exist; the target, when absent, is created as its
 * policy says (`table`: compacted; `versioned`: every version kept forever), or as the declared
 * Topic says when the manifests declare it, with the source's shape for what neither sets; and the
 * dead-letter topic when one is named.
 */
export async function prepareDerivedTopics(admin: Admin, o: {
  from: string; to: string; partitions?: number; deadLetter?: string; label: string
  policy?: keyof typeof DERIVED_TARGET_CONFIG
  declared?: Partial<TopicShape>
}): Promise<void> {
  if (!(await topicExists(admin, o.from))) throw new StreamctlError('JOB_FAILED', `source topic '${o.from}' does not exist on ${o.label}`)
  const shape = await describeTopicShape(admin, o.from)
  await ensureTopic(admin, o.to, derivedTargetShape(shape, o))
  if (o.deadLetter) await ensureTopic(admin, o.deadLetter, {partitions: 1, replicationFactor: shape.replicationFactor, config: {}})
}

/** Pure: the shape a derive job creates its target with (explicit --partitions, else declared, else the source's). */
export function derivedTargetShape(source: TopicShape, o: {partitions?: number; policy?: keyof typeof DERIVED_TARGET_CONFIG; declared?: Partial<TopicShape>}): TopicShape {
  const d = o.declared
  return {
    partitions: o.partitions ?? d?.partitions ?? source.partitions,
    replicationFactor: d?.replicationFactor ?? source.replicationFactor,
    config: d?.config ? {...d.config} : {...DERIVED_TARGET_CONFIG[o.policy ?? 'table']},
  }
}
