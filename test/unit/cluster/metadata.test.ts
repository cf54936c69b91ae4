import {describe, expect, it} from 'vitest'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {Metadata} from '../../../src/cluster/protocol/metadata.js'
import {toDescriptions} from '../../../src/cluster/topic-metadata.js'
import {hex} from './hex.js'

const zeroUuid = '00000000000000000000000000000000'

describe('Metadata (3)', () => {
  it('encodes v4 (all topics as null, no auto-creation) and v12 (flexible, topic ids)', () => {
    expect(encodeRequestBody(Metadata, 4, {topics: null})).toEqual(hex('ffffffff', '00'))
    expect(encodeRequestBody(Metadata, 4, {topics: ['t']})).toEqual(hex('00000001 0001 74', '00'))
    expect(encodeRequestBody(Metadata, 12, {topics: ['t']})).toEqual(hex('00', '02', zeroUuid, '02 74', '00', '00', '00', '00'))
    expect(encodeRequestBody(Metadata, 9, {topics: null})).toEqual(hex('00', '00', '00', '00', '00', '00'))
  })

  it('decodes v12 with a leaderless partition kept (leader -1), not thrown', () => {
    const payload = hex(
      '00', '00000000', // header tags, throttle
      '02', '00000001 0a 3132372e302e302e31 0000238c 00 00', // one broker
      '03 6964', '00000001', // cluster id "id", controller 1
      '02', '0000', '02 74', zeroUuid, '00', // topic "t", not internal
      '03', '0000 00000000 00000001 00000005 02 00000001 02 00000001 01 00', // p0 led by 1
      '0005 00000001 ffffffff 00000005 02 00000002 01 02 00000002 00', // p1 LEADER_NOT_AVAILABLE, leader -1, offline [2]
      '80000000', '00', // topic authorized ops, tags
      '00',
    )
    const md = decodeResponseBody(Metadata, 12, payload)
    expect(md.clusterId).toBe('id')
    expect(md.topics[0]?.partitions[1]).toEqual({errorCode: 5, partition: 1, leader: -1, replicas: [2], isr: [], offlineReplicas: [2]})
    expect(toDescriptions(md)).toEqual([{name: 't', internal: false, partitions: [
      {partition: 0, leader: 1, replicas: [1], isr: [1]},
      {partition: 1, leader: -1, replicas: [2], isr: []},
    ]}])
  })

  it('decodes v4 and leaves out topics with errors from descriptions', () => {
    const payload = hex('00000000', '00000000', 'ffff', '00000001', '00000002',
      '0003 0001 74 00 00000000',
      '0000 0001 75 01 00000001 0000 00000000 00000001 00000001 00000001 00000001 00000001 00000000')
    const md = decodeResponseBody(Metadata, 4, payload)
    expect(md.topics.map((t) => [t.name, t.errorCode])).toEqual([['t', 3], ['u', 0]])
    expect(toDescriptions(md)).toEqual([{name: 'u', internal: true, partitions: [{partition: 0, leader: 1, replicas: [1], isr: [1]}]}])
  })
})
