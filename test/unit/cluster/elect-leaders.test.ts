import {describe, expect, it} from 'vitest'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {ElectLeaders} from '../../../src/cluster/protocol/elect-leaders.js'
import {hex} from './hex.js'

const request = {electionType: 0, topicPartitions: [{topic: 't', partitions: [0, 1]}], timeoutMs: 30_000}

describe('ElectLeaders (43)', () => {
  it('encodes v1 with the election type', () => {
    expect(encodeRequestBody(ElectLeaders, 1, request)).toEqual(hex('00', '00000001', '0001 74', '00000002 00000000 00000001', '00007530'))
  })

  it('encodes v2 (flexible), and a null partition list meaning all partitions', () => {
    expect(encodeRequestBody(ElectLeaders, 2, request)).toEqual(hex('00', '00', '02', '02 74', '03 00000000 00000001', '00', '00007530', '00'))
    expect(encodeRequestBody(ElectLeaders, 2, {...request, electionType: 1, topicPartitions: null})).toEqual(hex('00', '01', '00', '00007530', '00'))
  })

  it('decodes v1 and v2 responses', () => {
    const expected = {throttleTimeMs: 0, errorCode: 0, results: [{topic: 't', partitions: [{partition: 0, errorCode: 84, errorMessage: null}]}]}
    expect(decodeResponseBody(ElectLeaders, 1, hex('00000000', '0000', '00000001', '0001 74', '00000001', '00000000 0054 ffff'))).toEqual(expected)
    expect(decodeResponseBody(ElectLeaders, 2, hex('00', '00000000', '0000', '02', '02 74', '02', '00000000 0054 00 00', '00', '00'))).toEqual(expected)
  })
})
