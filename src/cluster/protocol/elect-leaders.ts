import type {ApiDefinition} from './api.js'

/** ElectLeaders (43) v1–v2 (v2 flexible); v1 added the election type (KIP-460), v0 had only preferred. */
export const ELECTION_TYPES = {PREFERRED: 0, UNCLEAN: 1} as const

export interface ElectLeadersRequest {
  readonly electionType: number
  /** null: every partition of the cluster. */
  readonly topicPartitions: readonly {readonly topic: string; readonly partitions: readonly number[]}[] | null
  readonly timeoutMs: number
}

export interface ElectLeadersResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly results: readonly {
    topic: string
    partitions: readonly {partition: number; errorCode: number; errorMessage: string | null}[]
  }[]
}

export const ElectLeaders: ApiDefinition<ElectLeadersRequest, ElectLeadersResponse> = {
  apiKey: 43,
  name: 'ElectLeaders',
  minVersion: 1,
  maxVersion: 2,
  firstFlexibleVersion: 2,
  encode(w, _version, req) {
    w.int8(req.electionType)
    w.array(req.topicPartitions, (w, tp) => w.string(tp.topic).array(tp.partitions, (w, p) => w.int32(p)).tags())
    w.int32(req.timeoutMs).tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const errorCode = r.int16()
    const results = r.array((r) => {
      const topic = r.string()
      const partitions = r.array((r) => {
        const p = {partition: r.int32(), errorCode: r.int16(), errorMessage: r.nullableString()}
        r.tags()
        return p
      })
      r.tags()
      return {topic, partitions}
    })
    r.tags()
    return {throttleTimeMs, errorCode, results}
  },
}
