import type {ApiDefinition} from './api.js'
import {readEntity, type QuotaEntityData} from './quota-entity.js'

/** DescribeClientQuotas (48) v0–v1 (v1 flexible), KIP-546. Match types: 0 exact, 1 default, 2 any. */
export const QUOTA_MATCH = {EXACT: 0, DEFAULT: 1, ANY: 2} as const

export interface DescribeClientQuotasRequest {
  readonly components: readonly {readonly entityType: string; readonly matchType: number; readonly match: string | null}[]
  readonly strict: boolean
}

export interface DescribeClientQuotasResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly errorMessage: string | null
  readonly entries: readonly {entity: QuotaEntityData[]; values: {key: string; value: number}[]}[]
}

export const DescribeClientQuotas: ApiDefinition<DescribeClientQuotasRequest, DescribeClientQuotasResponse> = {
  apiKey: 48,
  name: 'DescribeClientQuotas',
  minVersion: 0,
  maxVersion: 1,
  firstFlexibleVersion: 1,
  encode(w, _version, req) {
    w.array(req.components, (w, c) => w.string(c.entityType).int8(c.matchType).string(c.match).tags())
    w.bool(req.strict).tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const errorCode = r.int16()
    const errorMessage = r.nullableString()
    const entries = r.nullableArray((r) => {
      const entity = readEntity(r)
      const values = r.array((r) => {
        const v = {key: r.string(), value: r.float64()}
        r.tags()
        return v
      })
      r.tags()
      return {entity, values}
    }) ?? []
    r.tags()
    return {throttleTimeMs, errorCode, errorMessage, entries}
  },
}
