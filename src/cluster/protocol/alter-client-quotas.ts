import type {ApiDefinition} from './api.js'
import {readEntity, writeEntity, type QuotaEntityData} from './quota-entity.js'

/** AlterClientQuotas (49) v0–v1 (v1 flexible), KIP-546. `remove` deletes the key from the entity. */
export interface AlterClientQuotasRequest {
  readonly entries: readonly {
    readonly entity: readonly QuotaEntityData[]
    readonly ops: readonly {readonly key: string; readonly value: number; readonly remove: boolean}[]
  }[]
  readonly validateOnly: boolean
}

export interface AlterClientQuotasResponse {
  readonly throttleTimeMs: number
  readonly entries: readonly {errorCode: number; errorMessage: string | null; entity: QuotaEntityData[]}[]
}

export const AlterClientQuotas: ApiDefinition<AlterClientQuotasRequest, AlterClientQuotasResponse> = {
  apiKey: 49,
  name: 'AlterClientQuotas',
  minVersion: 0,
  maxVersion: 1,
  firstFlexibleVersion: 1,
  encode(w, _version, req) {
    w.array(req.entries, (w, e) => {
      writeEntity(w, e.entity)
      w.array(e.ops, (w, op) => w.string(op.key).float64(op.value).bool(op.remove).tags())
      w.tags()
    })
    w.bool(req.validateOnly).tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const entries = r.array((r) => {
      const e = {errorCode: r.int16(), errorMessage: r.nullableString(), entity: readEntity(r)}
      r.tags()
      return e
    })
    r.tags()
    return {throttleTimeMs, entries}
  },
}
