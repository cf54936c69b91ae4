import type {WireAcl} from '../acl-codes.js'
import type {ApiDefinition} from './api.js'

/**
 * CreateAcls (30) v1–v3 (flexible from v2; v3 only adds the USER resource type). Ours rather than
 * kafkajs's because kafkajs throws the first error code and drops which ACL it belonged to: the
 * response has one result per creation, in request order, and the others were created.
 */
export interface CreateAclsRequest {
  readonly creations: readonly WireAcl[]
}

export interface CreateAclsResponse {
  readonly throttleTimeMs: number
  readonly results: readonly {readonly errorCode: number; readonly errorMessage: string | null}[]
}

export const CreateAcls: ApiDefinition<CreateAclsRequest, CreateAclsResponse> = {
  apiKey: 30,
  name: 'CreateAcls',
  minVersion: 1,
  maxVersion: 3,
  firstFlexibleVersion: 2,
  encode(w, _version, req) {
    w.array(req.creations, (w, a) => {
      w.int8(a.resourceType).string(a.resourceName).int8(a.resourcePatternType)
      w.string(a.principal).string(a.host).int8(a.operation).int8(a.permissionType)
      w.tags()
    })
    w.tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const results = r.array((r) => {
      const res = {errorCode: r.int16(), errorMessage: r.nullableString()}
      r.tags()
      return res
    })
    r.tags()
    return {throttleTimeMs, results}
  },
}
