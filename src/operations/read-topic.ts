import {randomUUID} from 'node:crypto'
import type {Kafka} from 'kafkajs'
import type {InputRecord} from './record.js'
import {topicOffsets} from './topics.js'

/**
 * Reads a whole topic once, read_committed, up to the end offsets captured at the start, without
 * leaving anything behind: a throwaway group that commits nothing and is deleted afterwards.
 * Records are handed over batch by batch, never collected.
 */
export async function readTopicOnce(kafka: Kafka, topic: string, onBatch: (records: InputRecord[]) => void | Promise<void>): Promise<number> {
  const admin = kafka.admin()
  await admin.connect()
  const groupId = `streamctl-read-${randomUUID()}`
  const consumer = kafka.consumer({groupId, readUncommitted: false, maxWaitTimeInMs: 200, allowAutoTopicCreation: false})
  let count = 0
  try {
    const ends = new Map((await topicOffsets(admin, topic)).map((p) => [p.partition, p]))
    const remaining = new Set([...ends.values()].filter((p) => p.high > p.low).map((p) => p.partition))
    if (remaining.size === 0) return 0
    let resolveDone!: () => void
    let rejectDone!: (e: unknown) => void
    const done = new Promise<void>((res, rej) => ((resolveDone = res), (rejectDone = rej)))
    const reached = (p: number, next: number): void => {
      if (next >= (ends.get(p)?.high ?? 0)) remaining.delete(p)
      if (remaining.size === 0) resolveDone()
    }
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      if (e.payload.batchSize === 0) reached(e.payload.partition, Number(e.payload.lastOffset) + 1)
    })
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart) rejectDone(e.payload.error)
    })
    await consumer.connect()
    await consumer.subscribe({topic, fromBeginning: true})
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({batch}) => {
        const end = ends.get(batch.partition)?.high ?? 0
        const records: InputRecord[] = []
        for (const m of batch.messages) {
          if (Number(m.offset) >= end) break
          records.push({topic, partition: batch.partition, offset: Number(m.offset), timestamp: Number(m.timestamp), key: m.key ?? null, value: m.value ?? null, headers: (m.headers ?? {}) as InputRecord['headers']})
        }
        if (records.length > 0) await onBatch(records)
        count += records.length
        reached(batch.partition, Number(batch.lastOffset()) + 1)
      },
    })
    await done
    return count
  } finally {
    await consumer.disconnect().catch(() => {})
    await admin.deleteGroups([groupId]).catch(() => {})
    await admin.disconnect().catch(() => {})
  }
}
