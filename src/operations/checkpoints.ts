import type {Admin} from 'kafkajs'
import type {OffsetsToCommit} from '../cluster/transactional-session.js'
import {partitionCount} from './topics.js'

/**
 * Cross-cluster positions, stored in the *target* cluster inside the same transaction as the
 * output. The trick: a transaction can commit consumer-group offsets (TxnOffsetCommit) atomically
 * with its records, but only for topics that exist on that cluster. So each job gets an empty
 * marker topic on the target, `streamctl.checkpoints.<job>`, with one partition per source
 * partition, and the group `streamctl-ckpt-<job>` commits "source offset N of partition p" as its
 * offset on marker partition p. Reading the positions back is one OffsetFetch — no topic scan — and
 * the offsets live as long as the group (offsets.retention.minutes, 7 days by default, after the
 * last commit). The marker topic itself never holds records.
 */
export class JobCheckpoints {
  readonly topic: string
  readonly groupId: string
  readonly #admin: Admin

  constructor(targetAdmin: Admin, job: string, _sourceTopic: string) {
    this.#admin = targetAdmin
    this.topic = `streamctl.checkpoints.${job}`
    this.groupId = `streamctl-ckpt-${job}`
  }

  async prepare(sourcePartitions: number): Promise<void> {
    const have = await partitionCount(this.#admin, this.topic).catch(() => 0)
    if (have === 0) {
      await this.#admin.createTopics({
        waitForLeaders: true,
        topics: [{topic: this.topic, numPartitions: sourcePartitions, configEntries: [{name: 'retention.ms', value: '3600000'}]}],
      })
    } else if (have < sourcePartitions) {
      await this.#admin.createPartitions({topicPartitions: [{topic: this.topic, count: sourcePartitions}]})
    }
  }

  async read(): Promise<Map<number, number>> {
    return new Map([...await this.readWithMetadata()].map(([p, c]) => [p, c.offset]))
  }

  /** Positions with the metadata committed beside them (the job's definition digest, job-definition.ts). */
  async readWithMetadata(): Promise<Map<number, {offset: number; metadata: string | null}>> {
    const res = await this.#admin.fetchOffsets({groupId: this.groupId, topics: [this.topic]})
    return new Map(res[0]?.partitions.map((p) => [p.partition, {offset: Number(p.offset), metadata: p.metadata ?? null}]) ?? [])
  }

  offsetsFor(partition: number, next: number, metadata?: string): OffsetsToCommit {
    return {groupId: this.groupId, topics: [{topic: this.topic, partitions: [{partition, offset: next, ...(metadata ? {metadata} : {})}]}]}
  }
}
