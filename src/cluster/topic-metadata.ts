import {kafkaErrorName, throwIfErrors} from './errors.js'
import type {BrokerSession} from './broker-session.js'
import type {TopicDescription} from './gateway.js'
import {Metadata, type MetadataResponse} from './protocol/metadata.js'

/** Metadata from any broker, or from `nodeId`: each broker answers from its own metadata cache. */
export async function fetchMetadata(session: BrokerSession, topics: readonly string[] | null, nodeId?: number): Promise<MetadataResponse> {
  const broker = nodeId === undefined ? await session.anyBroker() : await session.broker(nodeId)
  return session.send(broker, Metadata, {topics: topics ? [...topics] : null})
}

export function toDescriptions(md: MetadataResponse): TopicDescription[] {
  return md.topics
    .filter((t) => t.name !== null && t.errorCode === 0)
    .map((t) => ({
      name: t.name!,
      internal: t.isInternal,
      // A partition without a live leader is reported with leader -1, not as a failure.
      partitions: t.partitions
        .map((p) => ({partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr}))
        .sort((a, b) => a.partition - b.partition),
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** Every named topic, or a KafkaApiError naming each one that is missing. */
export async function describeTopics(session: BrokerSession, names: readonly string[]): Promise<TopicDescription[]> {
  const md = await fetchMetadata(session, names)
  throwIfErrors('Metadata', md.topics.map((t) => ({code: t.errorCode, resource: `topic ${t.name}`})))
  return toDescriptions(md)
}

type Wanted = 'present' | 'absent' | {readonly partitions: ReadonlyMap<string, number>}

/**
 * Waits until the broker we talk to sees what the controller committed: new topics with leaders,
 * deleted topics gone, added partitions there. Without it a describe right after a create can
 * miss the topic on another broker. Bounded by the caller's deadline (BrokerSession.call).
 */
export async function waitForTopics(session: BrokerSession, names: readonly string[], wanted: Wanted, progress?: () => void): Promise<void> {
  let best = -1
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const md = await fetchMetadata(session, names)
    const ready = md.topics.filter((t) => {
      const missing = kafkaErrorName(t.errorCode).name === 'UNKNOWN_TOPIC_OR_PARTITION'
      if (wanted === 'absent') return missing
      if (t.errorCode !== 0 || t.partitions.some((p) => p.leader < 0)) return false
      return wanted === 'present' || t.partitions.length >= (wanted.partitions.get(t.name ?? '') ?? 0)
    }).length
    if (ready === md.topics.length) return
    // More topics ready than at the last look: the broker is making progress.
    if (ready > best) {
      if (best >= 0) progress?.()
      best = ready
    }
    await new Promise((r) => setTimeout(r, delay))
  }
}
