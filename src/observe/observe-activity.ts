import {RECENT_METADATA_MAX_AGE_MS, type AdminGateway, type CommittedOffset, type GroupDescription} from '../cluster/gateway.js'
import {offsetAnswers} from '../cluster/activity.js'
import {EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP} from '../cluster/protocol/list-offsets.js'
import {KafkaApiError} from '../cluster/errors.js'
import type {ActivityRequest, GroupOnTopic, ObservedActivity, PartitionActivity, TopicActivity, UnreadActivity} from '../model/activity.js'

/** Why a part of the activity is missing, with the grant that makes it readable. */
const UNREAD_REASONS = {
  groups: 'the plan\'s principal may not describe the cluster, so Kafka lists only the groups it may describe (grant it DESCRIBE on the cluster)',
  producers: 'the plan\'s principal may not read the topic, which DescribeProducers needs (grant it READ on the topic)',
  size: 'the plan\'s principal may not describe the cluster, which DescribeLogDirs needs (grant it DESCRIBE on the cluster)',
} as const

/**
 * Reads who uses the requested topics, in a number of requests bounded by the brokers and groups,
 * not the topics: ListGroups per broker, DescribeGroups / ConsumerGroupDescribe and OffsetFetch
 * per coordinator (500 groups a request), the leaders the plan's own Metadata read (or one more), ListOffsets and DescribeProducers per
 * leader (earliest, latest, then the newest timestamp for a delete or the cutoff for a retention
 * cut, in successive rounds; producers only for deletes),
 * DescribeLogDirs per broker. Connect workers' own groups are left out: they coordinate workers,
 * not readers (a sink connector's consumers form a `connect-<name>` consumer group, which stays).
 */
export async function observeActivity(gateway: AdminGateway, requests: readonly ActivityRequest[], now: number): Promise<ObservedActivity> {
  if (requests.length === 0) return {observedAt: now, topics: []}
  const names = requests.map((r) => r.topic)
  const [described, listed, cluster] = await Promise.all([gateway.describeTopics(names, {maxAgeMs: RECENT_METADATA_MAX_AGE_MS}), gateway.listGroups(), gateway.describeCluster()])
  const groups = listed.filter((g) => g.protocolType !== 'connect')
  const partitions = described.flatMap((t) => t.partitions.map((p) => ({topic: t.name, partition: p.partition, leader: p.leader})))
  const cutoffs = new Map(requests.flatMap((r) => (r.newRetentionMs === undefined ? [] : [[r.topic, BigInt(now - r.newRetentionMs)] as const])))
  // The newest write matters to a delete (the active-delete window); a retention cut needs its cutoff instead.
  const writes = new Set(requests.filter((r) => r.newRetentionMs === undefined).map((r) => r.topic))
  const written = partitions.filter((p) => writes.has(p.topic))
  const [descriptions, committed, offsets, producers, sizes] = await Promise.all([
    gateway.describeGroups(groups),
    gateway.fetchCommittedOffsets(groups, described.map((t) => ({name: t.name, partitions: t.partitions.map((p) => p.partition)}))),
    gateway.listOffsets([
      ...[EARLIEST_TIMESTAMP, LATEST_TIMESTAMP].flatMap((timestamp) => partitions.map((p) => ({...p, timestamp}))),
      ...partitions.map((p) => ({...p, timestamp: cutoffs.get(p.topic) ?? MAX_TIMESTAMP})),
    ]),
    gateway.describeProducers(written),
    gateway.describeLogDirs(described).catch((error: unknown) => {
      if (error instanceof KafkaApiError && error.kafkaName === 'CLUSTER_AUTHORIZATION_FAILED') return undefined
      throw error
    }),
  ])
  // ListGroups answers every group only to a principal that may describe the cluster; others see the groups they may describe.
  const groupsListedInPart = cluster.authorizedOperations !== undefined && !cluster.authorizedOperations.includes('DESCRIBE')
  const groupsUnread = groupsListedInPart ? UNREAD_REASONS.groups
    : descriptions.denied.length > 0 ? `the plan's principal may not describe ${namedGroups(descriptions.denied)}, which may read it (grant it DESCRIBE on ${descriptions.denied.length > 1 ? 'them' : 'it'})` : undefined
  const unreadOf = (topic: string): UnreadActivity[] => [
    ...(groupsUnread ? [{part: 'groups' as const, reason: groupsUnread}] : []),
    ...(producers.denied.includes(topic) ? [{part: 'producers' as const, reason: UNREAD_REASONS.producers}] : []),
    ...(sizes === undefined ? [{part: 'size' as const, reason: UNREAD_REASONS.size}] : []),
  ]

  const largest = new Map<string, number>()
  for (const s of sizes ?? []) {
    const key = `${s.topic}\u0000${s.partition}`
    largest.set(key, Math.max(largest.get(key) ?? 0, s.sizeBytes))
  }
  const answer = offsetAnswers(offsets)

  const topics = described.map((t): TopicActivity => {
    const cutoff = cutoffs.get(t.name)
    const parts = t.partitions.map((p): PartitionActivity => {
      const earliest = answer(t.name, p.partition, EARLIEST_TIMESTAMP)?.offset ?? 0
      const latest = answer(t.name, p.partition, LATEST_TIMESTAMP)?.offset ?? earliest
      const newest = cutoff === undefined ? answer(t.name, p.partition, MAX_TIMESTAMP) : undefined
      // No record at or after the cutoff: everything goes, the log is kept from its end.
      const kept = cutoff === undefined ? undefined : answer(t.name, p.partition, cutoff)?.offset ?? latest
      return {
        partition: p.partition, earliest, latest, sizeBytes: largest.get(`${t.name}\u0000${p.partition}`) ?? 0,
        newestTimestamp: latest > earliest ? newest?.timestamp ?? null : null,
        ...(kept === undefined ? {} : {keptFrom: Math.max(earliest, Math.min(kept, latest))}),
      }
    })
    return {
      topic: t.name,
      partitions: parts,
      groups: groupsOnTopic(t.name, descriptions.groups, committed),
      producers: producersOf(t.name, producers.producers),
      ...(unreadOf(t.name).length > 0 ? {unread: unreadOf(t.name)} : {}),
      ...(cutoff === undefined ? {} : {retentionCutoff: Number(cutoff)}),
    }
  })
  return {observedAt: now, topics}
}

/** `group a`, `groups a, b`, `groups a, b, c, d, e and 7 more`. */
function namedGroups(ids: readonly string[]): string {
  const shown = ids.slice(0, 5).join(', ')
  return `group${ids.length > 1 ? 's' : ''} ${shown}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`
}

function groupsOnTopic(topic: string, descriptions: readonly GroupDescription[], committed: readonly CommittedOffset[]): GroupOnTopic[] {
  const commits = new Map<string, {partition: number; offset: number}[]>()
  for (const c of committed) if (c.topic === topic) commits.set(c.groupId, [...(commits.get(c.groupId) ?? []), {partition: c.partition, offset: c.offset}])
  const out: GroupOnTopic[] = []
  for (const d of descriptions) {
    const readers = d.members.filter((m) => m.topics.includes(topic))
    const mine = commits.get(d.groupId) ?? []
    if (readers.length === 0 && mine.length === 0) continue
    out.push({
      groupId: d.groupId, type: d.type, state: d.state, assignor: d.assignor, members: readers.length,
      clientIds: [...new Set(readers.map((m) => m.clientId))].sort(),
      committed: mine.sort((a, b) => a.partition - b.partition),
    })
  }
  return out
}

function producersOf(topic: string, producers: readonly {topic: string; partition: number; producerId: string; lastTimestamp: number}[]): TopicActivity['producers'] {
  const byId = new Map<string, {lastTimestamp: number; partitions: number[]}>()
  for (const p of producers) {
    if (p.topic !== topic) continue
    const entry = byId.get(p.producerId) ?? {lastTimestamp: p.lastTimestamp, partitions: []}
    entry.lastTimestamp = Math.max(entry.lastTimestamp, p.lastTimestamp)
    entry.partitions.push(p.partition)
    byId.set(p.producerId, entry)
  }
  return [...byId].map(([producerId, e]) => ({producerId, lastTimestamp: e.lastTimestamp, partitions: e.partitions.sort((a, b) => a - b)}))
    .sort((a, b) => b.lastTimestamp - a.lastTimestamp || (a.producerId < b.producerId ? -1 : 1))
}
