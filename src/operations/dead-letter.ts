import type {InputRecord, OutputRecord} from './record.js'

/**
 * A record that a job cannot handle goes, unchanged, to the dead-letter topic with the reason in
 * headers (the Kafka Connect convention of `__`-prefixed error headers, under our own prefix), in
 * the same transaction as the batch's output: it is either dead-lettered or retried, never lost.
 */
export const DLQ_HEADERS = {
  error: 'streamctl.error',
  job: 'streamctl.job',
  topic: 'streamctl.source.topic',
  partition: 'streamctl.source.partition',
  offset: 'streamctl.source.offset',
} as const

export function deadLetterRecord(dlqTopic: string, job: string, r: InputRecord, error: unknown): OutputRecord {
  const message = error instanceof Error ? error.message : String(error)
  return {
    topic: dlqTopic, key: r.key, value: r.value, timestamp: r.timestamp,
    // The record's own headers first, in order and untouched; the reason after them.
    headers: [
      ...r.headers,
      [DLQ_HEADERS.error, message.slice(0, 2000)],
      [DLQ_HEADERS.job, job],
      [DLQ_HEADERS.topic, r.topic],
      [DLQ_HEADERS.partition, String(r.partition)],
      [DLQ_HEADERS.offset, String(r.offset)],
    ],
  }
}

export function describeRecord(r: InputRecord): string {
  return `${r.topic}[${r.partition}]@${r.offset}`
}
