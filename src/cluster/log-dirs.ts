import {throwIfErrors} from './errors.js'
import type {BrokerSession} from './broker-session.js'
import type {LogDirTopicSize, TopicDescription} from './gateway.js'
import {DescribeLogDirs} from './protocol/describe-log-dirs.js'

/**
 * In KRaft a broker describes only its own log dirs, so every broker is asked (in parallel).
 * Future replicas (a move between dirs in flight) are left out: they are not the live copy.
 */
export async function describeLogDirs(session: BrokerSession, topics?: readonly TopicDescription[]): Promise<LogDirTopicSize[]> {
  const filter = topics ? topics.map((t) => ({topic: t.name, partitions: t.partitions.map((p) => p.partition)})) : null
  const brokers = await session.allBrokers()
  const perBroker = await Promise.all(brokers.map(async (broker) => {
    const res = await session.send(broker, DescribeLogDirs, {topics: filter})
    throwIfErrors('DescribeLogDirs', [
      {code: res.errorCode, resource: `broker ${broker.nodeId}`},
      ...res.results.map((r) => ({code: r.errorCode, resource: `broker ${broker.nodeId} log dir ${r.logDir}`})),
    ])
    return res.results.flatMap((dir) => dir.topics.flatMap((t) => t.partitions
      .filter((p) => !p.isFuture)
      .map((p) => ({topic: t.name, partition: p.partition, brokerId: broker.nodeId, logDir: dir.logDir, sizeBytes: Number(p.size)}))))
  }))
  return perBroker.flat().sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.brokerId - b.brokerId)
}
