import {describe, expect, it} from 'vitest'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {DescribeCluster} from '../../../src/cluster/protocol/describe-cluster.js'
import {authorizedOperations} from '../../../src/cluster/acl-codes.js'
import {hex} from './hex.js'

const broker = '00000001 0a 3132372e302e302e31 0000238c 00 00' // id 1, "127.0.0.1", port 9100, null rack, tags

describe('DescribeCluster (60)', () => {
  it('encodes v0 and v1 (flexible from v0; v1 asks for broker endpoints)', () => {
    expect(encodeRequestBody(DescribeCluster, 0, {})).toEqual(hex('00', '00', '00'))
    expect(encodeRequestBody(DescribeCluster, 1, {})).toEqual(hex('00', '00', '01', '00'))
    expect(encodeRequestBody(DescribeCluster, 1, {includeClusterAuthorizedOperations: true})).toEqual(hex('00', '01', '01', '00'))
  })

  it('decodes v0 and v1 responses', () => {
    const expected = {throttleTimeMs: 0, errorCode: 0, errorMessage: null, clusterId: 'id', controllerId: 1,
      brokers: [{nodeId: 1, host: '127.0.0.1', port: 9100, rack: null}], clusterAuthorizedOperations: -2147483648}
    expect(decodeResponseBody(DescribeCluster, 0, hex('00', '00000000', '0000', '00', '03 6964', '00000001', '02', broker, '80000000', '00'))).toEqual(expected)
    expect(decodeResponseBody(DescribeCluster, 1, hex('00', '00000000', '0000', '00', '01', '03 6964', '00000001', '02', broker, '80000000', '00'))).toEqual(expected)
  })

  it('reads the cluster authorized operations as operation names (bit n = AclOperation code n)', () => {
    // DESCRIBE (8) and IDEMPOTENT_WRITE (12): 0x1100.
    const res = decodeResponseBody(DescribeCluster, 0, hex('00', '00000000', '0000', '00', '03 6964', '00000001', '01', '00001100', '00'))
    expect(res.clusterAuthorizedOperations).toBe(0x1100)
    expect(authorizedOperations(res.clusterAuthorizedOperations)).toEqual(['DESCRIBE', 'IDEMPOTENT_WRITE'])
    expect(authorizedOperations(-2147483648)).toBeUndefined()
  })

  it('skips unknown tagged fields in the response header and body', () => {
    const withTags = hex('01 05 02 abcd', '00000000', '0000', '00', '03 6964', '00000001', '01', '80000000', '01 00 01 ff')
    expect(decodeResponseBody(DescribeCluster, 0, withTags)).toMatchObject({clusterId: 'id', controllerId: 1, brokers: []})
  })
})
