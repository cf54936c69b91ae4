import type {ApiDefinition} from './api.js'

/**
 * InitProducerId (22) v1–v4 (flexible from v2): a transactional producer's id and epoch from its
 * transaction coordinator. Each call bumps the epoch, which fences every earlier holder of the
 * transactional id and completes or aborts its open transaction first (CONCURRENT_TRANSACTIONS
 * until it is). v3 lets an initialised producer name its id and epoch; v5's TRANSACTION_ABORTABLE
 * (KIP-890) is not asked for.
 */
export interface InitProducerIdRequest {
  readonly transactionalId: string | null
  readonly transactionTimeoutMs: number
  /** v3+: the id and epoch already held, or -1 for a fresh start. */
  readonly producerId?: bigint
  readonly producerEpoch?: number
}

export interface InitProducerIdResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly producerId: bigint
  readonly producerEpoch: number
}

export const InitProducerId: ApiDefinition<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 1,
  maxVersion: 4,
  firstFlexibleVersion: 2,
  encode(w, version, req) {
    w.string(req.transactionalId).int32(req.transactionTimeoutMs)
    if (version >= 3) w.int64(req.producerId ?? -1n).int16(req.producerEpoch ?? -1)
    w.tags()
  },
  decode(r) {
    const res = {throttleTimeMs: r.int32(), errorCode: r.int16(), producerId: r.int64(), producerEpoch: r.int16()}
    r.tags()
    return res
  },
}
