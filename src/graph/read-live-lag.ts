import type {AdminGateway} from '../cluster/gateway.js'
import {offsetAnswers} from '../cluster/activity.js'
import {EARLIEST_TIMESTAMP, LATEST_TIMESTAMP} from '../cluster/protocol/list-offsets.js'
import {StreamctlError} from '../errors.js'
import {lagRows} from '../operations/offsets-plan.js'
import type {LiveGroupLag, LiveLagOverlay} from './live-overlay.js'

/**
 * Every consumer group's committed offsets on `topics` and the topics' end offsets, as the overlay
 * `graph --live` draws, through the gateway's batched reads (the same as a plan's impact): one
 * Metadata, ListGroups per broker, DescribeGroups / ConsumerGroupDescribe (KIP-848 groups keep
 * their state) and OffsetFetch per coordinator, ListOffsets per leader. Lag is counted as
 * `offsets show` counts it.
 */
export async function readLiveLag(gateway: AdminGateway, topics: Iterable<string>, opts: {now?: () => Date} = {}): Promise<LiveLagOverlay> {
  const observedAt = (opts.now ?? (() => new Date()))().toISOString()
  return kafka(async () => {
    const existing = new Set(await gateway.listTopics())
    const wanted = [...new Set(topics)].filter((t) => existing.has(t)).sort()
    const listed = (await gateway.listGroups()).filter((g) => g.protocolType !== 'connect')
    if (listed.length === 0 || wanted.length === 0) return {observedAt, groups: []}
    const described = await gateway.describeTopics(wanted)
    const [{groups: descriptions}, committed] = await Promise.all([
      gateway.describeGroups(listed),
      gateway.fetchCommittedOffsets(listed, described.map((t) => ({name: t.name, partitions: t.partitions.map((p) => p.partition)}))),
    ])
    const read = new Set(committed.map((c) => c.topic))
    const partitions = described.filter((t) => read.has(t.name)).flatMap((t) => t.partitions.map((p) => ({topic: t.name, partition: p.partition, leader: p.leader})))
    const offsets = await gateway.listOffsets([EARLIEST_TIMESTAMP, LATEST_TIMESTAMP].flatMap((timestamp) => partitions.map((p) => ({...p, timestamp}))))
    const answer = offsetAnswers(offsets)
    const at = (topic: string, partition: number, q: bigint): number => answer(topic, partition, q)?.offset ?? 0
    const states = new Map(descriptions.map((d) => [d.groupId, {state: d.state, members: d.members.length}]))
    const groups: LiveGroupLag[] = []
    for (const groupId of [...new Set(committed.map((c) => c.groupId))].sort()) {
      const mine = committed.filter((c) => c.groupId === groupId)
      const lags = [...new Set(mine.map((c) => c.topic))].sort().map((topic) => {
        const byPartition = new Map(mine.filter((c) => c.topic === topic).map((c) => [c.partition, c.offset]))
        const rows = lagRows(partitions.filter((p) => p.topic === topic).map((p) => ({
          topic, partition: p.partition, committed: byPartition.get(p.partition) ?? null, low: at(topic, p.partition, EARLIEST_TIMESTAMP), high: at(topic, p.partition, LATEST_TIMESTAMP),
        })))
        return {topic, records: rows.reduce((n, r) => n + r.lag, 0), partitions: rows.length, uncommittedPartitions: rows.filter((r) => r.committed === null).length}
      })
      groups.push({group: groupId, ...states.get(groupId), topics: lags})
    }
    return {observedAt, groups}
  })
}

async function kafka<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    if (err instanceof StreamctlError && /AUTHORIZATION/.test(err.message)) {
      throw new StreamctlError(err.code, err.message, {hint: 'the live graph needs DESCRIBE on the cluster, the groups and the topics it reads; drop --live for the declared graph alone', cause: err})
    }
    throw err
  }
}
