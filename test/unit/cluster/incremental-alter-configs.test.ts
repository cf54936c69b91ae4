import {describe, expect, it} from 'vitest'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {IncrementalAlterConfigs} from '../../../src/cluster/protocol/incremental-alter-configs.js'
import {hex} from './hex.js'

const request = {
  resources: [{type: 2, name: 't', configs: [{name: 'rm', op: 0, value: '1'}, {name: 'ss', op: 1, value: null}]}],
  validateOnly: true,
}

describe('IncrementalAlterConfigs (44)', () => {
  it('encodes v0: SET with a value, DELETE with a null value, ValidateOnly', () => {
    expect(encodeRequestBody(IncrementalAlterConfigs, 0, request)).toEqual(hex(
      '00000001', '02', '0001 74', '00000002', '0002 726d', '00', '0001 31', '0002 7373', '01', 'ffff', '01',
    ))
  })

  it('encodes v1 (flexible)', () => {
    expect(encodeRequestBody(IncrementalAlterConfigs, 1, request)).toEqual(hex(
      '00', '02', '02', '02 74', '03', '03 726d 00 02 31 00', '03 7373 01 00 00', '00', '01', '00',
    ))
  })

  it('decodes v0 and v1 responses with per-resource errors', () => {
    const v0 = hex('00000000', '00000001', '0028', '0002 6e6f', '02', '0001 74')
    const v1 = hex('00', '00000000', '02', '0028', '03 6e6f', '02', '02 74', '00', '00')
    const expected = {throttleTimeMs: 0, responses: [{errorCode: 40, errorMessage: 'no', type: 2, name: 't'}]}
    expect(decodeResponseBody(IncrementalAlterConfigs, 0, v0)).toEqual(expected)
    expect(decodeResponseBody(IncrementalAlterConfigs, 1, v1)).toEqual(expected)
  })
})
