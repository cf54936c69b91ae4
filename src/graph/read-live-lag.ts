import type {Admin} from 'kafkajs'
import {StreamctlError} from '../errors.js'
import {lagRows} from '../operations/offsets-plan.js'
import {mapLimited} from '../schemas/observe-subjects.js'
import type {LiveGroupLag, LiveLagOverlay} from './live-overlay.js'

/** Admin requests in flight at once while reading groups and end offsets. */
const CONCURRENCY = 8

/**
 * Reads every consumer group's committed offsets on `topics` and the topics' end offsets, as the
 * overlay `graph --live` draws: ListGroups, DescribeGroups (state and member count of classic
 * groups), one OffsetFetch per group and one ListOffsets round per
 * topic some group has committed on. Lag is counted as `offsets show` counts it. The one module
 * that reads activity for the graph, so a batched observer can take its place.
 */
export async function readLiveLag(admin: Admin, topics: Iterable<string>, opts: {now?: () => Date} = {}): Promise<LiveLagOverlay> {
  const wanted = new Set(topics)
  const observedAt = (opts.now ?? (() => new Date()))().toISOString()
  const listed = await kafka('list the consumer groups', () => admin.listGroups())
  const groupIds = listed.groups.map((g) => g.groupId).sort()
  if (groupIds.length === 0) return {observedAt, groups: []}
  const states = await describeStates(admin, groupIds)
  const committed = await mapLimited(groupIds, CONCURRENCY, async (groupId) => ({
    groupId,
    topics: (await kafka(`read the committed offsets of group ${groupId}`, () => admin.fetchOffsets({groupId})))
      .filter((t) => wanted.has(t.topic) && t.partitions.some((p) => Number(p.offset) >= 0)),
  }))
  const readTopics = [...new Set(committed.flatMap((g) => g.topics.map((t) => t.topic)))].sort()
  const ends = new Map(await mapLimited(readTopics, CONCURRENCY, async (topic) => [topic, await kafka(`read the end offsets of ${topic}`, () => admin.fetchTopicOffsets(topic))] as const))
  const groups: LiveGroupLag[] = []
  for (const g of committed) {
    if (g.topics.length === 0) continue
    const lags = g.topics.map((t) => {
      const byPartition = new Map(t.partitions.map((p) => [p.partition, Number(p.offset)]))
      const rows = lagRows((ends.get(t.topic) ?? []).map((e) => {
        const c = byPartition.get(e.partition)
        return {topic: t.topic, partition: e.partition, committed: c !== undefined && c >= 0 ? c : null, low: Number(e.low), high: Number(e.high)}
      }))
      return {topic: t.topic, records: rows.reduce((n, r) => n + r.lag, 0), partitions: rows.length, uncommittedPartitions: rows.filter((r) => r.committed === null).length}
    })
    groups.push({group: g.groupId, ...states.get(g.groupId), topics: lags})
  }
  return {observedAt, groups}
}

/**
 * DescribeGroups describes classic groups. For a group of another type (a KIP-848 `consumer`
 * group) Kafka answers the versions kafkajs sends (below v6) with state Dead and no members, as
 * for a group it does not know: that answer says nothing, so such a group goes without a state
 * (ConsumerGroupDescribe would tell). A batch kafkajs fails as a whole is asked again group by group.
 */
async function describeStates(admin: Admin, groupIds: readonly string[]): Promise<Map<string, {state: string; members: number}>> {
  const toState = (g: {groupId: string; state: string; members: unknown[]}) => (g.state === 'Dead' ? [] : [[g.groupId, {state: g.state, members: g.members.length}] as const])
  try {
    return new Map((await admin.describeGroups([...groupIds])).groups.flatMap(toState))
  } catch {
    const one = await mapLimited(groupIds, CONCURRENCY, (id) => admin.describeGroups([id]).then((r) => r.groups.flatMap(toState), () => []))
    return new Map(one.flat())
  }
}

async function kafka<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    const e = err as {type?: string; message?: string}
    throw new StreamctlError('KAFKA_ERROR', `cannot ${what}: ${e.type ?? e.message ?? String(err)}`, {
      hint: e.type?.includes('AUTHORIZATION') ? 'the live graph needs DESCRIBE on the groups and topics it reads; drop --live for the declared graph alone' : 'drop --live for the declared graph alone, or retry when the cluster answers',
      cause: err,
    })
  }
}
