import type {ApiDefinition} from './api.js'

/** DescribeCluster (60) v0–v1, flexible from v0; v1 adds the endpoint type (KIP-919: 1 = brokers). */
export interface DescribeClusterResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly errorMessage: string | null
  readonly clusterId: string
  readonly controllerId: number
  readonly brokers: readonly {nodeId: number; host: string; port: number; rack: string | null}[]
  /** A bit per AclOperation code the caller may perform on the cluster (KIP-430); INT32_MIN when not asked. */
  readonly clusterAuthorizedOperations: number
}

export const DescribeCluster: ApiDefinition<{readonly includeClusterAuthorizedOperations?: boolean}, DescribeClusterResponse> = {
  apiKey: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  firstFlexibleVersion: 0,
  encode(w, version, req) {
    w.bool(req.includeClusterAuthorizedOperations ?? false)
    if (version >= 1) w.int8(1)
    w.tags()
  },
  decode(r, version) {
    const throttleTimeMs = r.int32()
    const errorCode = r.int16()
    const errorMessage = r.nullableString()
    if (version >= 1) r.int8()
    const clusterId = r.string()
    const controllerId = r.int32()
    const brokers = r.array((r) => {
      const b = {nodeId: r.int32(), host: r.string(), port: r.int32(), rack: r.nullableString()}
      r.tags()
      return b
    })
    const clusterAuthorizedOperations = r.int32()
    r.tags()
    return {throttleTimeMs, errorCode, errorMessage, clusterId, controllerId, brokers, clusterAuthorizedOperations}
  },
}
