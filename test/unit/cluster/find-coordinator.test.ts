import {describe, expect, it} from 'vitest'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {COORDINATOR_GROUP, COORDINATOR_TRANSACTION, FindCoordinator} from '../../../src/cluster/protocol/find-coordinator.js'
import {hex} from './hex.js'

describe('FindCoordinator (10)', () => {
  it('encodes v1 (classic strings) and v3 (flexible: compact strings, tagged fields)', () => {
    expect(encodeRequestBody(FindCoordinator, 1, {key: 'g', keyType: COORDINATOR_GROUP})).toEqual(hex('0001 67', '00'))
    expect(encodeRequestBody(FindCoordinator, 3, {key: 'tx', keyType: COORDINATOR_TRANSACTION})).toEqual(hex('00', '03 7478', '01', '00'))
  })

  it('decodes a found coordinator (v1) and a refusal with its message (v3)', () => {
    expect(decodeResponseBody(FindCoordinator, 1, hex('00000000', '0000', 'ffff', '00000002', '0009 3132372e302e302e31', '0000238c'))).toEqual(
      {throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 2, host: '127.0.0.1', port: 9100})
    expect(decodeResponseBody(FindCoordinator, 3, hex('00', '00000000', '001e', '03 6e6f', 'ffffffff', '01', 'ffffffff', '00'))).toEqual(
      {throttleTimeMs: 0, errorCode: 30, errorMessage: 'no', nodeId: -1, host: '', port: -1})
  })
})
