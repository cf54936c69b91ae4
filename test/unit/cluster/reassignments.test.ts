import {describe, expect, it} from 'vitest'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {AlterPartitionReassignments} from '../../../src/cluster/protocol/alter-partition-reassignments.js'
import {ListPartitionReassignments} from '../../../src/cluster/protocol/list-partition-reassignments.js'
import {hex} from './hex.js'

describe('AlterPartitionReassignments (45) v0', () => {
  it('encodes target replicas and a null list that cancels', () => {
    const body = encodeRequestBody(AlterPartitionReassignments, 0, {
      timeoutMs: 30_000,
      topics: [{name: 't', partitions: [{partition: 0, replicas: [1, 2, 3]}, {partition: 1, replicas: null}]}],
    })
    expect(body).toEqual(hex('00', '00007530', '02', '02 74', '03', '00000000 04 00000001 00000002 00000003 00', '00000001 00 00', '00', '00'))
  })

  it('decodes per-partition errors', () => {
    const res = decodeResponseBody(AlterPartitionReassignments, 0, hex('00', '00000000', '0000', '00', '02', '02 74', '02', '00000001 0055 00 00', '00', '00'))
    expect(res).toEqual({throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses: [{name: 't', partitions: [{partition: 1, errorCode: 85, errorMessage: null}]}]})
  })
})

describe('ListPartitionReassignments (46) v0', () => {
  it('encodes all topics (null) and a topic filter', () => {
    expect(encodeRequestBody(ListPartitionReassignments, 0, {timeoutMs: 30_000, topics: null})).toEqual(hex('00', '00007530', '00', '00'))
    expect(encodeRequestBody(ListPartitionReassignments, 0, {timeoutMs: 30_000, topics: [{name: 't', partitions: [0]}]}))
      .toEqual(hex('00', '00007530', '02', '02 74', '02 00000000', '00', '00'))
  })

  it('decodes ongoing reassignments with adding and removing replicas', () => {
    const payload = hex('00', '00000000', '0000', '00', '02', '02 74', '02', '00000000', '04 00000001 00000002 00000003', '02 00000003', '02 00000001', '00', '00', '00')
    expect(decodeResponseBody(ListPartitionReassignments, 0, payload).topics).toEqual([
      {name: 't', partitions: [{partition: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1]}]},
    ])
  })
})
