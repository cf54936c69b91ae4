import {describe, expect, it} from 'vitest'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {CreateAcls} from '../../../src/cluster/protocol/create-acls.js'
import {DeleteAcls} from '../../../src/cluster/protocol/delete-acls.js'
import {hex} from './hex.js'

// TOPIC(2) "t" LITERAL(3) "User:a" "*" READ(3) ALLOW(3), field by field from CreateAclsRequest.json.
const acl = {resourceType: 2, resourceName: 't', resourcePatternType: 3, principal: 'User:a', host: '*', operation: 3, permissionType: 3}
const principal = '557365723a61'

describe('CreateAcls (30)', () => {
  it('encodes v1 (classic) and v2 (flexible)', () => {
    expect(encodeRequestBody(CreateAcls, 1, {creations: [acl]})).toEqual(hex('00000001', '02', '0001 74', '03', '0006', principal, '0001 2a', '03', '03'))
    expect(encodeRequestBody(CreateAcls, 2, {creations: [acl]})).toEqual(hex('00', '02', '02', '02 74', '03', '07', principal, '02 2a', '03', '03', '00', '00'))
  })

  it('decodes one result per creation, in request order, with the error message', () => {
    const v1 = hex('00000000', '00000002', '0000', 'ffff', '0028', '0002 6e6f')
    const v2 = hex('00', '00000000', '03', '0000', '00', '00', '0028', '03 6e6f', '00', '00')
    const expected = {throttleTimeMs: 0, results: [{errorCode: 0, errorMessage: null}, {errorCode: 40, errorMessage: 'no'}]}
    expect(decodeResponseBody(CreateAcls, 1, v1)).toEqual(expected)
    expect(decodeResponseBody(CreateAcls, 2, v2)).toEqual(expected)
  })
})

describe('DeleteAcls (31)', () => {
  it('encodes a filter with null name/principal/host (v1 and v2)', () => {
    const filter = {resourceType: 1, resourceName: null, resourcePatternType: 1, principal: null, host: null, operation: 1, permissionType: 1}
    expect(encodeRequestBody(DeleteAcls, 1, {filters: [filter]})).toEqual(hex('00000001', '01', 'ffff', '01', 'ffff', 'ffff', '01', '01'))
    expect(encodeRequestBody(DeleteAcls, 2, {filters: [filter]})).toEqual(hex('00', '02', '01', '00', '01', '00', '00', '01', '01', '00', '00'))
  })

  it('decodes per-filter results with the ACLs each removed', () => {
    const matching = (flex: boolean) => flex
      ? hex('0000', '00', '02', '02 74', '03', '07', principal, '02 2a', '03', '03', '00')
      : hex('0000', 'ffff', '02', '0001 74', '03', '0006', principal, '0001 2a', '03', '03')
    const v1 = Buffer.concat([hex('00000000', '00000001', '0000', 'ffff', '00000001'), matching(false)])
    const v2 = Buffer.concat([hex('00', '00000000', '02', '0000', '00', '02'), matching(true), hex('00', '00')])
    const expected = {throttleTimeMs: 0, filterResults: [{errorCode: 0, errorMessage: null, matchingAcls: [{errorCode: 0, errorMessage: null, ...acl}]}]}
    expect(decodeResponseBody(DeleteAcls, 1, v1)).toEqual(expected)
    expect(decodeResponseBody(DeleteAcls, 2, v2)).toEqual(expected)
  })
})
