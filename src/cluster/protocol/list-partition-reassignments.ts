import type {ApiDefinition} from './api.js'
import type {Reader} from './wire.js'

/** ListPartitionReassignments (46) v0, flexible (KIP-455). Null topics: every ongoing reassignment. */
export interface ListPartitionReassignmentsRequest {
  readonly timeoutMs: number
  readonly topics: readonly {readonly name: string; readonly partitions: readonly number[]}[] | null
}

export interface ListPartitionReassignmentsResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly errorMessage: string | null
  readonly topics: readonly {
    name: string
    partitions: readonly {partition: number; replicas: number[]; addingReplicas: number[]; removingReplicas: number[]}[]
  }[]
}

export const ListPartitionReassignments: ApiDefinition<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse> = {
  apiKey: 46,
  name: 'ListPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: 0,
  encode(w, _version, req) {
    w.int32(req.timeoutMs)
    w.array(req.topics, (w, t) => w.string(t.name).array(t.partitions, (w, p) => w.int32(p)).tags())
    w.tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const errorCode = r.int16()
    const errorMessage = r.nullableString()
    const topics = r.array((r) => {
      const name = r.string()
      const partitions = r.array((r) => {
        const p = {partition: r.int32(), replicas: ids(r), addingReplicas: ids(r), removingReplicas: ids(r)}
        r.tags()
        return p
      })
      r.tags()
      return {name, partitions}
    })
    r.tags()
    return {throttleTimeMs, errorCode, errorMessage, topics}
  },
}

function ids(r: Reader): number[] {
  return r.array((r) => r.int32())
}
