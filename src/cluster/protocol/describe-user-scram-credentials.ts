import type {ApiDefinition} from './api.js'

/** DescribeUserScramCredentials (50) v0, flexible (KIP-554). Null users: every user with credentials. */
export const SCRAM_MECHANISMS = {'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2} as const

export interface DescribeUserScramCredentialsResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly errorMessage: string | null
  readonly results: readonly {
    user: string
    errorCode: number
    errorMessage: string | null
    credentials: readonly {mechanism: number; iterations: number}[]
  }[]
}

export const DescribeUserScramCredentials: ApiDefinition<{readonly users: readonly string[] | null}, DescribeUserScramCredentialsResponse> = {
  apiKey: 50,
  name: 'DescribeUserScramCredentials',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: 0,
  encode(w, _version, req) {
    w.array(req.users, (w, u) => w.string(u).tags()).tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const errorCode = r.int16()
    const errorMessage = r.nullableString()
    const results = r.array((r) => {
      const user = r.string()
      const ec = r.int16()
      const em = r.nullableString()
      const credentials = r.array((r) => {
        const c = {mechanism: r.int8(), iterations: r.int32()}
        r.tags()
        return c
      })
      r.tags()
      return {user, errorCode: ec, errorMessage: em, credentials}
    })
    r.tags()
    return {throttleTimeMs, errorCode, errorMessage, results}
  },
}
