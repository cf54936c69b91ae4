import type {ApiDefinition} from './api.js'

/**
 * FindCoordinator (10) v1–v3 (flexible from v3), one key per request (v4's batched keys are not
 * needed). A job asks it before it joins its group: kafkajs turns a refusal (GROUP_AUTHORIZATION_FAILED)
 * into "Failed to find group coordinator", which reads like an outage and loses the reason.
 */
export const COORDINATOR_GROUP = 0
export const COORDINATOR_TRANSACTION = 1

export interface FindCoordinatorRequest {
  readonly key: string
  readonly keyType: typeof COORDINATOR_GROUP | typeof COORDINATOR_TRANSACTION
}

export interface FindCoordinatorResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly errorMessage: string | null
  readonly nodeId: number
  readonly host: string
  readonly port: number
}

export const FindCoordinator: ApiDefinition<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 1,
  maxVersion: 3,
  firstFlexibleVersion: 3,
  encode(w, version, req) {
    w.string(req.key)
    w.int8(req.keyType)
    if (version >= 3) w.tags()
  },
  decode(r, version) {
    const throttleTimeMs = r.int32()
    const errorCode = r.int16()
    const errorMessage = r.nullableString()
    const nodeId = r.int32()
    const host = r.string()
    const port = r.int32()
    if (version >= 3) r.tags()
    return {throttleTimeMs, errorCode, errorMessage, nodeId, host, port}
  },
}
