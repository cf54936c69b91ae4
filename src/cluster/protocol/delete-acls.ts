import type {WireAcl} from '../acl-codes.js'
import type {ApiDefinition} from './api.js'

/**
 * DeleteAcls (31) v1–v3 (flexible from v2; v3 only adds the USER resource type). Ours rather than
 * kafkajs's because kafkajs throws the first error code without saying which filter failed: the
 * response has one result per filter, in request order, each with the ACLs it removed.
 */
export interface DeleteAclsRequest {
  readonly filters: readonly WireAcl[]
}

export interface DeletedAcl {
  readonly errorCode: number
  readonly errorMessage: string | null
  readonly resourceType: number
  readonly resourceName: string
  readonly resourcePatternType: number
  readonly principal: string
  readonly host: string
  readonly operation: number
  readonly permissionType: number
}

export interface DeleteAclsResponse {
  readonly throttleTimeMs: number
  readonly filterResults: readonly {readonly errorCode: number; readonly errorMessage: string | null; readonly matchingAcls: readonly DeletedAcl[]}[]
}

export const DeleteAcls: ApiDefinition<DeleteAclsRequest, DeleteAclsResponse> = {
  apiKey: 31,
  name: 'DeleteAcls',
  minVersion: 1,
  maxVersion: 3,
  firstFlexibleVersion: 2,
  encode(w, _version, req) {
    w.array(req.filters, (w, f) => {
      w.int8(f.resourceType).string(f.resourceName).int8(f.resourcePatternType)
      w.string(f.principal).string(f.host).int8(f.operation).int8(f.permissionType)
      w.tags()
    })
    w.tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const filterResults = r.array((r) => {
      const errorCode = r.int16()
      const errorMessage = r.nullableString()
      const matchingAcls = r.array((r) => {
        const m: DeletedAcl = {
          errorCode: r.int16(),
          errorMessage: r.nullableString(),
          resourceType: r.int8(),
          resourceName: r.string(),
          resourcePatternType: r.int8(),
          principal: r.string(),
          host: r.string(),
          operation: r.int8(),
          permissionType: r.int8(),
        }
        r.tags()
        return m
      })
      r.tags()
      return {errorCode, errorMessage, matchingAcls}
    })
    r.tags()
    return {throttleTimeMs, filterResults}
  },
}
