import type {BrokerSession} from './broker-session.js'
import {byKey, chunks} from './batching.js'
import {kafkaErrorName, throwIfErrors} from './errors.js'
import type {CommittedOffset, GroupDescription, GroupListing, GroupMemberInfo, PartitionOffset, PartitionOffsetQuery, PartitionProducer, PartitionRef} from './gateway.js'
import {ConsumerGroupDescribe} from './protocol/consumer-group-describe.js'
import {decodeAssignment, decodeSubscription} from './protocol/consumer-protocol.js'
import {DescribeGroups, type DescribedGroupMember} from './protocol/describe-groups.js'
import {DescribeProducers} from './protocol/describe-producers.js'
import {ListGroups} from './protocol/list-groups.js'
import {ListOffsets} from './protocol/list-offsets.js'
import {OffsetFetch, OffsetFetchGroups} from './protocol/offset-fetch.js'
import {fetchMetadata} from './topic-metadata.js'
import {chooseVersion} from './protocol/api.js'

/** Groups per DescribeGroups / ConsumerGroupDescribe / OffsetFetch request: an empty group's answer is ~100 bytes, a member's a few hundred. */
export const GROUPS_PER_REQUEST = 500
/** Partitions per ListOffsets / DescribeProducers request. */
export const PARTITIONS_PER_REQUEST = 1000
/** A group that vanished between listing and describing is not an error, just no longer there. */
const GONE = ['GROUP_ID_NOT_FOUND']
const TOPIC_AUTHORIZATION_FAILED = 'TOPIC_AUTHORIZATION_FAILED'
const GROUP_AUTHORIZATION_FAILED = 'GROUP_AUTHORIZATION_FAILED'

export async function listGroups(session: BrokerSession): Promise<GroupListing[]> {
  const brokers = await session.allBrokers()
  const perBroker = await Promise.all(brokers.map(async (broker) => {
    const res = await session.send(broker, ListGroups, {})
    throwIfErrors('ListGroups', [{code: res.errorCode, resource: `broker ${broker.nodeId}`}])
    return res.groups.map((g): GroupListing => ({
      groupId: g.groupId, coordinator: broker.nodeId, protocolType: g.protocolType, state: g.groupState, type: g.groupType ?? 'classic',
    }))
  }))
  return perBroker.flat().sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
}

/** A classic consumer member's topics: its subscription and its assignment (either may be empty outside Stable). */
function classicMemberTopics(protocolType: string, m: DescribedGroupMember): string[] {
  if (protocolType !== 'consumer') return []
  const topics = new Set<string>()
  try {
    if (m.memberMetadata.length > 0) for (const t of decodeSubscription(m.memberMetadata).topics) topics.add(t)
    if (m.memberAssignment.length > 0) for (const a of decodeAssignment(m.memberAssignment).assignedPartitions) topics.add(a.topic)
  } catch {
    // A client with its own embedded protocol under the `consumer` type: its topics show in its offsets.
  }
  return [...topics].sort()
}

/**
 * Describes the listed groups. A group the caller may not describe (GROUP_AUTHORIZATION_FAILED:
 * ListGroups lists every group to a principal that may describe the cluster) is named in `denied`.
 */
export async function describeGroups(session: BrokerSession, groups: readonly GroupListing[]): Promise<{groups: GroupDescription[]; denied: string[]}> {
  const out: GroupDescription[] = []
  const denied: string[] = []
  const collectDenied = (answers: readonly {groupId: string; errorCode: number}[]): void => {
    for (const g of answers) if (kafkaErrorName(g.errorCode).name === GROUP_AUTHORIZATION_FAILED) denied.push(g.groupId)
  }
  const requests = [...byKey(groups, (g) => `${g.coordinator}/${g.type === 'consumer' ? 'consumer' : 'classic'}`)]
    .flatMap(([key, list]) => chunks(list, GROUPS_PER_REQUEST).map((batch) => ({key, batch})))
  await Promise.all(requests.map(async ({batch}) => {
    const broker = await session.broker(batch[0]!.coordinator)
    const listed = new Map(batch.map((g) => [g.groupId, g]))
    if (batch[0]!.type === 'consumer') {
      const res = await session.send(broker, ConsumerGroupDescribe, {groupIds: batch.map((g) => g.groupId)})
      throwIfErrors('ConsumerGroupDescribe', res.groups.map((g) => ({code: g.errorCode, message: g.errorMessage ?? undefined, resource: `group ${g.groupId}`})), [...GONE, GROUP_AUTHORIZATION_FAILED])
      collectDenied(res.groups)
      for (const g of res.groups) {
        if (g.errorCode !== 0) continue
        const members = g.members.map((m): GroupMemberInfo => ({
          memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost,
          topics: [...new Set([...m.subscribedTopicNames, ...m.assignment.map((a) => a.topicName)])].sort(),
        }))
        out.push({groupId: g.groupId, type: 'consumer', state: g.groupState, protocolType: listed.get(g.groupId)?.protocolType ?? 'consumer', assignor: g.assignorName, members})
      }
      return
    }
    const res = await session.send(broker, DescribeGroups, {groups: batch.map((g) => g.groupId)})
    throwIfErrors('DescribeGroups', res.groups.map((g) => ({code: g.errorCode, resource: `group ${g.groupId}`})), [...GONE, GROUP_AUTHORIZATION_FAILED])
    collectDenied(res.groups)
    for (const g of res.groups) {
      if (g.errorCode !== 0 || g.groupState === 'Dead') continue
      out.push({
        groupId: g.groupId, type: listed.get(g.groupId)?.type ?? 'classic', state: g.groupState, protocolType: g.protocolType, assignor: g.protocolData,
        members: g.members.map((m) => ({memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, topics: classicMemberTopics(g.protocolType, m)})),
      })
    }
  }))
  return {groups: out.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0)), denied: denied.sort()}
}

/**
 * Batched OffsetFetch (v8) per coordinator; a broker before Kafka 3.0 is asked group by group.
 * Only the named topics' offsets are asked for, so the answer does not grow with the estate.
 */
export async function fetchCommittedOffsets(session: BrokerSession, groups: readonly GroupListing[], topics: readonly {name: string; partitions: readonly number[]}[]): Promise<CommittedOffset[]> {
  const wanted = topics.map((t) => ({name: t.name, partitionIndexes: [...t.partitions].sort((a, b) => a - b)}))
  if (groups.length === 0 || wanted.length === 0) return []
  const out: CommittedOffset[] = []
  const collect = (groupId: string, answer: readonly {name: string; partitions: readonly {partitionIndex: number; committedOffset: bigint; errorCode: number}[]}[]): void => {
    throwIfErrors('OffsetFetch', answer.flatMap((t) => t.partitions.map((p) => ({code: p.errorCode, resource: `group ${groupId} ${t.name}-${p.partitionIndex}`}))), ['UNKNOWN_TOPIC_OR_PARTITION'])
    for (const t of answer) for (const p of t.partitions) {
      if (p.errorCode === 0 && p.committedOffset >= 0n) out.push({groupId, topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset)})
    }
  }
  const requests = [...byKey(groups, (g) => g.coordinator)].flatMap(([coordinator, list]) => chunks(list, GROUPS_PER_REQUEST).map((batch) => ({coordinator, batch})))
  await Promise.all(requests.map(async ({coordinator, batch}) => {
    const broker = await session.broker(coordinator)
    if (chooseVersion(OffsetFetchGroups, broker.versions?.[OffsetFetchGroups.apiKey]) !== undefined) {
      const res = await session.send(broker, OffsetFetchGroups, {groups: batch.map((g) => ({groupId: g.groupId, topics: wanted})), requireStable: false})
      // A group the caller may not describe: describeGroups names it.
      throwIfErrors('OffsetFetch', res.groups.map((g) => ({code: g.errorCode, resource: `group ${g.groupId}`})), [...GONE, GROUP_AUTHORIZATION_FAILED])
      for (const g of res.groups) if (g.errorCode === 0) collect(g.groupId, g.topics)
      return
    }
    for (const g of batch) {
      const res = await session.send(broker, OffsetFetch, {groupId: g.groupId, topics: wanted, requireStable: false})
      throwIfErrors('OffsetFetch', [{code: res.errorCode, resource: `group ${g.groupId}`}], [...GONE, GROUP_AUTHORIZATION_FAILED])
      if (res.errorCode === 0) collect(g.groupId, res.topics)
    }
  }))
  return out.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0) || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0) || a.partition - b.partition)
}

/** Partition → leader for the topics of `items`: as given, else from one Metadata request. */
async function leadersOf(session: BrokerSession, items: readonly PartitionRef[]): Promise<Map<string, number>> {
  if (items.every((i) => i.leader !== undefined)) return new Map(items.map((i) => [`${i.topic}\u0000${i.partition}`, i.leader!]))
  const md = await fetchMetadata(session, [...new Set(items.map((i) => i.topic))])
  throwIfErrors('Metadata', md.topics.map((t) => ({code: t.errorCode, resource: `topic ${t.name}`})))
  const leaders = new Map<string, number>()
  for (const t of md.topics) for (const p of t.partitions) leaders.set(`${t.name}\u0000${p.partition}`, p.leader)
  return leaders
}

function leaderOf(leaders: ReadonlyMap<string, number>, api: string, topic: string, partition: number): number {
  const leader = leaders.get(`${topic}\u0000${partition}`)
  if (leader === undefined || leader < 0) throw Object.assign(new Error(`${api}: ${topic}-${partition} has no leader`), {retriable: true})
  return leader
}

/**
 * Kafka refuses a ListOffsets that names a partition twice, so the queries for one partition go
 * in successive rounds (round n holds every partition's n-th query), each batched per leader.
 */
export async function listOffsets(session: BrokerSession, queries: readonly PartitionOffsetQuery[]): Promise<PartitionOffset[]> {
  if (queries.length === 0) return []
  const leaders = await leadersOf(session, queries)
  const rounds: PartitionOffsetQuery[][] = []
  const seen = new Map<string, number>()
  for (const q of queries) {
    const key = `${q.topic}\u0000${q.partition}`
    const n = seen.get(key) ?? 0
    seen.set(key, n + 1)
    ;(rounds[n] ??= []).push(q)
  }
  const out: PartitionOffset[] = []
  for (const round of rounds) {
    const requests = [...byKey(round, (q) => leaderOf(leaders, 'ListOffsets', q.topic, q.partition))]
      .flatMap(([leader, list]) => chunks(list, PARTITIONS_PER_REQUEST).map((batch) => ({leader, batch})))
    await Promise.all(requests.map(async ({leader, batch}) => {
      const broker = await session.broker(leader)
      const asked = new Map(batch.map((q) => [`${q.topic}\u0000${q.partition}`, q.timestamp]))
      const topics = [...byKey(batch, (q) => q.topic)].map(([topic, list]) => ({topic, partitions: list.map((q) => ({partition: q.partition, timestamp: q.timestamp}))}))
      const res = await session.send(broker, ListOffsets, {isolationLevel: 0, topics})
      throwIfErrors('ListOffsets', res.topics.flatMap((t) => t.partitions.map((p) => ({code: p.errorCode, resource: `${t.topic}-${p.partition}`}))))
      for (const t of res.topics) for (const p of t.partitions) {
        const query = asked.get(`${t.topic}\u0000${p.partition}`) ?? 0n
        out.push({topic: t.topic, partition: p.partition, query, offset: p.offset < 0n ? null : Number(p.offset), timestamp: p.timestamp < 0n ? null : Number(p.timestamp)})
      }
    }))
  }
  return out
}

/** Looks up a listOffsets answer by partition and the query asked (several queries per partition). */
export function offsetAnswers(offsets: readonly PartitionOffset[]): (topic: string, partition: number, query: bigint) => PartitionOffset | undefined {
  const answers = new Map(offsets.map((o) => [`${o.topic}\u0000${o.partition}\u0000${o.query}`, o]))
  return (topic, partition, query) => answers.get(`${topic}\u0000${partition}\u0000${query}`)
}

/**
 * Active producers per partition. DescribeProducers needs READ on the topic: a topic the caller may
 * not read is listed in `denied`, not an error, so a plan can say what it could not see.
 */
export async function describeProducers(session: BrokerSession, partitions: readonly PartitionRef[]): Promise<{producers: PartitionProducer[]; denied: string[]}> {
  if (partitions.length === 0) return {producers: [], denied: []}
  const denied = new Set<string>()
  const leaders = await leadersOf(session, partitions)
  const requests = [...byKey(partitions, (p) => leaderOf(leaders, 'DescribeProducers', p.topic, p.partition))]
    .flatMap(([leader, list]) => chunks(list, PARTITIONS_PER_REQUEST).map((batch) => ({leader, batch})))
  const out: PartitionProducer[] = []
  await Promise.all(requests.map(async ({leader, batch}) => {
    const broker = await session.broker(leader)
    const topics = [...byKey(batch, (p) => p.topic)].map(([name, list]) => ({name, partitionIndexes: list.map((p) => p.partition)}))
    const res = await session.send(broker, DescribeProducers, {topics})
    throwIfErrors('DescribeProducers', res.topics.flatMap((t) => t.partitions.map((p) => ({code: p.errorCode, message: p.errorMessage ?? undefined, resource: `${t.name}-${p.partitionIndex}`}))), [TOPIC_AUTHORIZATION_FAILED])
    for (const t of res.topics) for (const p of t.partitions) if (kafkaErrorName(p.errorCode).name === TOPIC_AUTHORIZATION_FAILED) denied.add(t.name)
    for (const t of res.topics) for (const p of t.partitions) for (const a of p.activeProducers) {
      out.push({topic: t.name, partition: p.partitionIndex, producerId: a.producerId.toString(), lastTimestamp: Number(a.lastTimestamp), inTransaction: a.currentTxnStartOffset >= 0n})
    }
  }))
  return {producers: out, denied: [...denied].sort()}
}
