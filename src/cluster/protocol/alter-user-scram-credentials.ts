import type {ApiDefinition} from './api.js'

/**
 * AlterUserScramCredentials (51) v0, flexible (KIP-554). The client sends the salted password
 * (RFC 5802 Hi()), never the password itself.
 */
export interface AlterUserScramCredentialsRequest {
  readonly deletions: readonly {readonly user: string; readonly mechanism: number}[]
  readonly upsertions: readonly {
    readonly user: string
    readonly mechanism: number
    readonly iterations: number
    readonly salt: Buffer
    readonly saltedPassword: Buffer
  }[]
}

export interface AlterUserScramCredentialsResponse {
  readonly throttleTimeMs: number
  readonly results: readonly {user: string; errorCode: number; errorMessage: string | null}[]
}

export const AlterUserScramCredentials: ApiDefinition<AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse> = {
  apiKey: 51,
  name: 'AlterUserScramCredentials',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: 0,
  encode(w, _version, req) {
    w.array(req.deletions, (w, d) => w.string(d.user).int8(d.mechanism).tags())
    w.array(req.upsertions, (w, u) =>
      w.string(u.user).int8(u.mechanism).int32(u.iterations).bytes(u.salt).bytes(u.saltedPassword).tags(),
    )
    w.tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const results = r.array((r) => {
      const res = {user: r.string(), errorCode: r.int16(), errorMessage: r.nullableString()}
      r.tags()
      return res
    })
    r.tags()
    return {throttleTimeMs, results}
  },
}
