import type {ApiDefinition} from './api.js'

/** IncrementalAlterConfigs (44) v0–v1 (v1 flexible): only the named keys change (KIP-339). */
export const ALTER_CONFIG_OPS = {SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3} as const

export interface IncrementalAlterConfigsRequest {
  readonly resources: readonly {
    readonly type: number
    readonly name: string
    readonly configs: readonly {readonly name: string; readonly op: number; readonly value: string | null}[]
  }[]
  readonly validateOnly: boolean
}

export interface IncrementalAlterConfigsResponse {
  readonly throttleTimeMs: number
  readonly responses: readonly {errorCode: number; errorMessage: string | null; type: number; name: string}[]
}

export const IncrementalAlterConfigs: ApiDefinition<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse> = {
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  firstFlexibleVersion: 1,
  encode(w, _version, req) {
    w.array(req.resources, (w, res) => {
      w.int8(res.type).string(res.name)
      w.array(res.configs, (w, c) => w.string(c.name).int8(c.op).string(c.value).tags())
      w.tags()
    })
    w.bool(req.validateOnly).tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const responses = r.array((r) => {
      const res = {errorCode: r.int16(), errorMessage: r.nullableString(), type: r.int8(), name: r.string()}
      r.tags()
      return res
    })
    r.tags()
    return {throttleTimeMs, responses}
  },
}
