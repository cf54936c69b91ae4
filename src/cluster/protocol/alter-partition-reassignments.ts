import type {ApiDefinition} from './api.js'

/** AlterPartitionReassignments (45) v0, flexible (KIP-455). Null replicas cancel a reassignment. */
export interface AlterPartitionReassignmentsRequest {
  readonly timeoutMs: number
  readonly topics: readonly {
    readonly name: string
    readonly partitions: readonly {readonly partition: number; readonly replicas: readonly number[] | null}[]
  }[]
}

export interface AlterPartitionReassignmentsResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly errorMessage: string | null
  readonly responses: readonly {
    name: string
    partitions: readonly {partition: number; errorCode: number; errorMessage: string | null}[]
  }[]
}

export const AlterPartitionReassignments: ApiDefinition<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse> = {
  apiKey: 45,
  name: 'AlterPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: 0,
  encode(w, _version, req) {
    w.int32(req.timeoutMs)
    w.array(req.topics, (w, t) => {
      w.string(t.name)
      w.array(t.partitions, (w, p) => w.int32(p.partition).array(p.replicas, (w, id) => w.int32(id)).tags())
      w.tags()
    })
    w.tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const errorCode = r.int16()
    const errorMessage = r.nullableString()
    const responses = r.array((r) => {
      const name = r.string()
      const partitions = r.array((r) => {
        const p = {partition: r.int32(), errorCode: r.int16(), errorMessage: r.nullableString()}
        r.tags()
        return p
      })
      r.tags()
      return {name, partitions}
    })
    r.tags()
    return {throttleTimeMs, errorCode, errorMessage, responses}
  },
}
