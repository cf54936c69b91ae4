import type {ApiDefinition} from './api.js'

/**
 * AddOffsetsToTxn (25) v1–v3 (flexible from v3): tells the transaction coordinator that the
 * transaction commits consumer offsets of `groupId` (the partition of __consumer_offsets that holds
 * the group joins the transaction); TxnOffsetCommit to the group coordinator follows.
 */
export interface AddOffsetsToTxnRequest {
  readonly transactionalId: string
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly groupId: string
}

export interface AddOffsetsToTxnResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
}

export const AddOffsetsToTxn: ApiDefinition<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse> = {
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  minVersion: 1,
  maxVersion: 3,
  firstFlexibleVersion: 3,
  encode(w, _version, req) {
    w.string(req.transactionalId).int64(req.producerId).int16(req.producerEpoch).string(req.groupId).tags()
  },
  decode(r) {
    const res = {throttleTimeMs: r.int32(), errorCode: r.int16()}
    r.tags()
    return res
  },
}
