import type {ApiDefinition} from './api.js'

/**
 * Produce (0) v3–v8, the non-flexible versions every Kafka since 0.11 accepts (4.x dropped v0–v2).
 * `records` is an already encoded record batch (see record-batch.ts): this file only frames it.
 * v5 added log_start_offset, v8 the per-record errors and an error message.
 */
export interface ProduceRequest {
  readonly transactionalId: string | null
  readonly acks: number
  readonly timeoutMs: number
  readonly topics: readonly {readonly topic: string; readonly partitions: readonly {readonly partition: number; readonly records: Buffer}[]}[]
}

export interface ProducePartitionResponse {
  readonly partition: number
  readonly errorCode: number
  readonly baseOffset: bigint
  readonly errorMessage: string | null
  /** v8+: the records of the batch that caused the refusal (index within the batch). */
  readonly recordErrors: readonly {readonly batchIndex: number; readonly message: string | null}[]
}

export interface ProduceResponse {
  readonly topics: readonly {readonly topic: string; readonly partitions: readonly ProducePartitionResponse[]}[]
  readonly throttleTimeMs: number
}

export const Produce: ApiDefinition<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 8,
  firstFlexibleVersion: 9,
  encode(w, _version, req) {
    w.string(req.transactionalId).int16(req.acks).int32(req.timeoutMs)
    w.array(req.topics, (w, t) => w.string(t.topic).array(t.partitions, (w, p) => w.int32(p.partition).bytes(p.records)))
  },
  decode(r, version) {
    const topics = r.array((r) => {
      const topic = r.string()
      const partitions = r.array((r): ProducePartitionResponse => {
        const partition = r.int32()
        const errorCode = r.int16()
        const baseOffset = r.int64()
        r.int64() // log_append_time_ms
        if (version >= 5) r.int64() // log_start_offset
        let errorMessage: string | null = null
        let recordErrors: {batchIndex: number; message: string | null}[] = []
        if (version >= 8) {
          recordErrors = r.array((r) => ({batchIndex: r.int32(), message: r.nullableString()}))
          errorMessage = r.nullableString()
          if (recordErrors.length > 0) errorMessage = [errorMessage, ...recordErrors.map((e) => `record ${e.batchIndex}: ${e.message ?? ''}`)].filter(Boolean).join('; ')
        }
        return {partition, errorCode, baseOffset, errorMessage, recordErrors}
      })
      return {topic, partitions}
    })
    return {topics, throttleTimeMs: r.int32()}
  },
}
