import type {KjsCluster} from '../cluster/kafkajs-internals.js'
import {kafkaProtocolError} from '../cluster/errors.js'
import {DescribeProducers} from '../cluster/protocol/describe-producers.js'
import {WriteTxnMarkers} from '../cluster/protocol/write-txn-markers.js'
import {sendApi} from '../cluster/send-api.js'

/**
 * Transactions of the job's own producers left open on output partitions after the producer was
 * fenced (a newer epoch of the same producer id holds the transactional id now). Normally that
 * cannot happen: InitProducerId completes or aborts the previous transaction, markers included.
 * It does happen when a restarting single KRaft node completes a transaction without writing its
 * markers ("likely deleted already and hence can be skipped"): the partition's last stable offset
 * then stays at the orphan's first record and read_committed readers see nothing after it.
 */
export interface OrphanTransaction {
  readonly topic: string
  readonly partition: number
  readonly leader: number
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly coordinatorEpoch: number
  readonly startOffset: bigint
  /** The marker to write: COMMIT or ABORT. */
  readonly commit: boolean
}

/** One of our producers: the epoch it holds, and how it last ended a transaction (none open now when set). */
export interface OwnProducer {
  readonly epoch: number
  readonly lastEnd?: 'commit' | 'abort'
  /**
   * Earlier epochs of this producer id whose last transaction this process gave up (a failed send
   * or commit), with how it ended as the committed input position tells: its offsets were committed
   * in it, so they show whether the coordinator committed it.
   */
  readonly decided?: ReadonlyMap<number, boolean>
}

/**
 * Whether an open transaction of `producerEpoch` is an orphan of `own`, and the marker it needs
 * (true: COMMIT), or undefined when it is not ours to end.
 */
export function orphanMarker(producerEpoch: number, own: OwnProducer): boolean | undefined {
  const known = own.decided?.get(producerEpoch)
  if (known !== undefined && producerEpoch < own.epoch) return known
  // A fenced holder's decision is unknown: commit (see endOrphanTransactions).
  if (producerEpoch < own.epoch) return true
  // Our own last transaction ends the way we ended it.
  if (producerEpoch === own.epoch && own.lastEnd) return own.lastEnd === 'commit'
  return undefined
}

/**
 * How the earlier holder's transactions ended, from the coordinator's state just before a new
 * holder fenced the id (DescribeTransactions): [epoch, committed] pairs. A lost-marker orphan's
 * fate is then known, even in a new process. Ongoing (and an epoch fence under way) is aborted by
 * the fencing itself. An abort after someone else's fence carries the bumped epoch, so the data it
 * ended may be one epoch lower; that epoch is left unknown rather than guessed (aborting a
 * transaction whose offsets were committed would lose records). Empty and other states say nothing.
 */
export function priorDecisions(prior: {readonly state: string; readonly producerEpoch: number}): [epoch: number, committed: boolean][] {
  const e = prior.producerEpoch
  switch (prior.state) {
    case 'Ongoing':
    case 'PrepareEpochFence':
      return [[e, false]]
    case 'PrepareCommit':
    case 'CompleteCommit':
      return [[e, true]]
    case 'PrepareAbort':
    case 'CompleteAbort':
      return [[e, false]]
    default:
      return []
  }
}

export const CONSUMER_OFFSETS = '__consumer_offsets'

/**
 * The partition of __consumer_offsets that holds `groupId`'s offsets, as Kafka's group coordinator
 * places it: Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions, with Java's String.hashCode
 * over UTF-16 code units and Kafka's Utils.abs (Math.abs, but Integer.MIN_VALUE gives 0).
 */
export function consumerOffsetsPartition(groupId: string, partitions: number): number {
  let h = 0
  for (let i = 0; i < groupId.length; i++) h = (Math.imul(h, 31) + groupId.charCodeAt(i)) | 0
  return (h === -0x80000000 ? 0 : Math.abs(h)) % partitions
}

/** Where to look for orphans: whole topics, and optionally the partition of __consumer_offsets holding a group's offsets. */
export interface OrphanScope {
  readonly topics: readonly string[]
  /**
   * The group whose offsets the job's transactions commit: a transaction whose markers Kafka lost
   * on the output lost them on the group's offsets partition too, and if only the output got its
   * marker, the offsets stay pending (invisible) and a rerun reads those records again.
   */
  readonly group?: string
}

/**
 * Orphans among the open transactions on the scope's topics (and the group's offsets partition): those of an older epoch of one of our producer
 * ids (fenced, so never live), and those of a producer of ours that has no transaction open (its
 * last one was ended, but Kafka wrote no markers for it).
 */
export async function findOrphanTransactions(cluster: KjsCluster, scope: OrphanScope, ours: ReadonlyMap<bigint, OwnProducer>): Promise<OrphanTransaction[]> {
  if (ours.size === 0 || (scope.topics.length === 0 && scope.group === undefined)) return []
  const byLeader = new Map<number, Map<string, number[]>>()
  const add = (topic: string, keep: (partition: number) => boolean): void => {
    for (const p of cluster.findTopicPartitionMetadata(topic)) {
      if (p.leader === null || p.leader < 0 || !keep(p.partitionId)) continue
      const t = byLeader.get(p.leader) ?? new Map<string, number[]>()
      t.set(topic, [...(t.get(topic) ?? []), p.partitionId])
      byLeader.set(p.leader, t)
    }
  }
  for (const topic of scope.topics) {
    await cluster.addTargetTopic(topic)
    add(topic, () => true)
  }
  if (scope.group !== undefined) {
    await cluster.addTargetTopic(CONSUMER_OFFSETS)
    const count = cluster.findTopicPartitionMetadata(CONSUMER_OFFSETS).length
    // No offsets topic yet: nobody ever committed offsets, so no transaction is pending there.
    if (count > 0) {
      const mine = consumerOffsetsPartition(scope.group, count)
      add(CONSUMER_OFFSETS, (p) => p === mine)
    }
  }
  const found: OrphanTransaction[] = []
  for (const [leader, topicMap] of byLeader) {
    const broker = await cluster.findBroker({nodeId: leader})
    const res = await sendApi(broker, DescribeProducers, {topics: [...topicMap].map(([name, partitionIndexes]) => ({name, partitionIndexes}))})
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw Object.assign(kafkaProtocolError(p.errorCode), {message: `DescribeProducers ${t.name}-${p.partitionIndex}: ${p.errorMessage ?? kafkaProtocolError(p.errorCode).message}`})
        for (const a of p.activeProducers) {
          const own = ours.get(a.producerId)
          if (a.currentTxnStartOffset < 0n || own === undefined) continue
          const commit = orphanMarker(a.producerEpoch, own)
          if (commit === undefined) continue
          found.push({topic: t.name, partition: p.partitionIndex, leader, producerId: a.producerId, producerEpoch: a.producerEpoch, coordinatorEpoch: a.coordinatorEpoch, startOffset: a.currentTxnStartOffset, commit})
        }
      }
    }
  }
  return found
}

/**
 * Writes each orphan's marker. For a fenced holder whose fate we do not know it is COMMIT: committing
 * can only duplicate records (the rerun writes again what its offsets did not cover), where
 * aborting could drop records whose input offsets were committed. Usually the fate is known
 * (OwnProducer.decided): from the coordinator's state read before fencing (priorDecisions), or
 * from the committed input position after a given-up transaction; that wins.
 */
export async function endOrphanTransactions(cluster: KjsCluster, orphans: readonly OrphanTransaction[]): Promise<void> {
  // One request per orphan: Kafka keys a WriteTxnMarkers answer by producer id, and two orphans
  // of one producer on different partitions would share that key.
  for (const o of orphans) {
    const broker = await cluster.findBroker({nodeId: o.leader})
    const res = await sendApi(broker, WriteTxnMarkers, {
      markers: [{producerId: o.producerId, producerEpoch: o.producerEpoch, commit: o.commit, topics: [{name: o.topic, partitionIndexes: [o.partition]}], coordinatorEpoch: o.coordinatorEpoch}],
    })
    const code = res.markers.flatMap((m) => m.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))).find((c) => c !== 0)
    if (code !== undefined) throw Object.assign(kafkaProtocolError(code), {message: `WriteTxnMarkers ${o.topic}-${o.partition}: ${kafkaProtocolError(code).message}`})
  }
}
