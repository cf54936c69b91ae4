import type {ApiDefinition} from './api.js'

/**
 * Metadata (3) v4–v12 (v9+ flexible). Ours rather than kafkajs's because kafkajs throws on the
 * first topic or partition error, while a DBA tool must show a leaderless partition (leader -1)
 * and name every missing topic. v0–v3 are gone from Kafka 4.
 */
export interface MetadataRequest {
  /** null: every topic. */
  readonly topics: readonly string[] | null
}

export interface MetadataPartition {
  errorCode: number
  partition: number
  leader: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
}

export interface MetadataResponse {
  readonly throttleTimeMs: number
  readonly brokers: readonly {nodeId: number; host: string; port: number; rack: string | null}[]
  readonly clusterId: string | null
  readonly controllerId: number
  readonly topics: readonly {errorCode: number; name: string | null; isInternal: boolean; partitions: MetadataPartition[]}[]
}

export const Metadata: ApiDefinition<MetadataRequest, MetadataResponse> = {
  apiKey: 3,
  name: 'Metadata',
  minVersion: 4,
  maxVersion: 12,
  firstFlexibleVersion: 9,
  encode(w, version, req) {
    w.array(req.topics, (w, name) => {
      if (version >= 10) w.uuid()
      w.string(name).tags()
    })
    w.bool(false) // AllowAutoTopicCreation: describing must never create.
    if (version >= 8 && version <= 10) w.bool(false)
    if (version >= 8) w.bool(false)
    w.tags()
  },
  decode(r, version) {
    const throttleTimeMs = r.int32()
    const brokers = r.array((r) => {
      const b = {nodeId: r.int32(), host: r.string(), port: r.int32(), rack: r.nullableString()}
      r.tags()
      return b
    })
    const clusterId = r.nullableString()
    const controllerId = r.int32()
    const ids = () => r.array((r) => r.int32())
    const topics = r.array((r) => {
      const errorCode = r.int16()
      const name = r.nullableString()
      if (version >= 10) r.uuid()
      const isInternal = r.bool()
      const partitions = r.array((r) => {
        const errorCode = r.int16()
        const partition = r.int32()
        const leader = r.int32()
        if (version >= 7) r.int32() // LeaderEpoch
        const replicas = ids()
        const isr = ids()
        const offlineReplicas = ids()
        r.tags()
        return {errorCode, partition, leader, replicas, isr, offlineReplicas}
      })
      if (version >= 8) r.int32() // TopicAuthorizedOperations
      r.tags()
      return {errorCode, name, isInternal, partitions}
    })
    if (version >= 8 && version <= 10) r.int32()
    r.tags()
    return {throttleTimeMs, brokers, clusterId, controllerId, topics}
  },
}
