import type {ApiDefinition} from './api.js'

/**
 * EndTxn (26) v1–v3 (flexible from v3): commit or abort. The coordinator answers once the
 * transaction is prepared (its markers are then written asynchronously); the same EndTxn sent
 * again for a transaction already completed that way is answered without error, so a lost answer
 * can be asked again. v5's epoch bump on every transaction (KIP-890 part 2) is not asked for.
 */
export interface EndTxnRequest {
  readonly transactionalId: string
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly committed: boolean
}

export interface EndTxnResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
}

export const EndTxn: ApiDefinition<EndTxnRequest, EndTxnResponse> = {
  apiKey: 26,
  name: 'EndTxn',
  minVersion: 1,
  maxVersion: 3,
  firstFlexibleVersion: 3,
  encode(w, _version, req) {
    w.string(req.transactionalId).int64(req.producerId).int16(req.producerEpoch).bool(req.committed).tags()
  },
  decode(r) {
    const res = {throttleTimeMs: r.int32(), errorCode: r.int16()}
    r.tags()
    return res
  },
}
