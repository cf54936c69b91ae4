import {createRequire} from 'node:module'
import {describe, expect, it} from 'vitest'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {Fetch, type FetchRequest} from '../../../src/cluster/protocol/fetch.js'
import {hex} from './hex.js'

// kafkajs's Fetch request encoders are an independent reading of the same message JSON.
const require = createRequire(import.meta.url)
type KafkajsRequest = (args: Record<string, unknown>) => {encode(): Promise<{buffer: Buffer}>}
const kafkajsFetch = (v: number) => require(`kafkajs/src/protocol/requests/fetch/v${v}/request.js`) as KafkajsRequest

// A fetch offset above 2^32 shows the int64 is written whole.
const request: FetchRequest = {
  maxWaitMs: 500, minBytes: 1, maxBytes: 0x100000, isolationLevel: 1,
  topics: [{topic: 't', partitions: [{partition: 2, fetchOffset: 2 ** 32 + 5, partitionMaxBytes: 0x10000}]}],
}

describe('Fetch (1) request', () => {
  it('encodes v4: replica -1, wait, min/max bytes, isolation level, topics', () => {
    expect(encodeRequestBody(Fetch, 4, request)).toEqual(hex(
      'ffffffff', '000001f4', '00000001', '00100000', '01',
      '00000001', '0001 74', '00000001', '00000002', '0000000100000005', '00010000',
    ))
  })

  it('encodes v7: no fetch session (id 0, epoch -1), log_start_offset -1, no forgotten topics', () => {
    expect(encodeRequestBody(Fetch, 7, request)).toEqual(hex(
      'ffffffff', '000001f4', '00000001', '00100000', '01', '00000000', 'ffffffff',
      '00000001', '0001 74', '00000001', '00000002', '0000000100000005', 'ffffffffffffffff', '00010000',
      '00000000',
    ))
  })

  it('encodes v11: current_leader_epoch -1 and an empty rack id', () => {
    expect(encodeRequestBody(Fetch, 11, request)).toEqual(hex(
      'ffffffff', '000001f4', '00000001', '00100000', '01', '00000000', 'ffffffff',
      '00000001', '0001 74', '00000001', '00000002', 'ffffffff', '0000000100000005', 'ffffffffffffffff', '00010000',
      '00000000',
      '0000',
    ))
  })

  it('agrees byte for byte with kafkajs\'s encoders at v4, v7 and v11', async () => {
    const topics = request.topics.map((t) => ({topic: t.topic, partitions: t.partitions.map((p) => ({partition: p.partition, fetchOffset: String(p.fetchOffset), maxBytes: p.partitionMaxBytes}))}))
    for (const v of [4, 7, 11]) {
      const theirs = await kafkajsFetch(v)({replicaId: -1, maxWaitTime: 500, minBytes: 1, maxBytes: 0x100000, isolationLevel: 1, topics}).encode()
      expect(encodeRequestBody(Fetch, v, request), `v${v}`).toEqual(theirs.buffer)
    }
  })

  it('declares api key 1, versions 4–11, flexible from 12', () => {
    expect([Fetch.apiKey, Fetch.minVersion, Fetch.maxVersion, Fetch.firstFlexibleVersion]).toEqual([1, 4, 11, 12])
  })
})

describe('Fetch (1) response', () => {
  it('decodes v4: no top-level error or log start offset; aborted transactions, a null list and null records', () => {
    const payload = hex(
      '00000000', // throttle_time_ms
      '00000001', '0001 74', '00000002',
      '00000000', '0000', '0000000000000064', '0000000000000060', // partition 0, hw 100, lso 96
      '00000002', '0000000000001092 0000000000000050', '0000000000001093 000000010000002a', // aborted: (4242, 80), (4243, 2^32 + 42)
      '00000003 010203', // records
      '00000001', '0003', 'ffffffffffffffff', 'ffffffffffffffff', // partition 1: UNKNOWN_TOPIC_OR_PARTITION
      'ffffffff', // aborted_transactions: null
      'ffffffff', // records: null
    )
    const res = decodeResponseBody(Fetch, 4, payload)
    expect(res).toEqual({
      throttleTimeMs: 0, errorCode: 0,
      topics: [{topic: 't', partitions: [
        {partition: 0, errorCode: 0, highWatermark: 100, lastStableOffset: 96, logStartOffset: -1,
          abortedTransactions: [{producerId: 4242n, firstOffset: 80}, {producerId: 4243n, firstOffset: 2 ** 32 + 42}], records: hex('010203')},
        {partition: 1, errorCode: 3, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: [], records: null},
      ]}],
    })
  })

  it('decodes v11: error code and session id, log start offset, preferred read replica; records are a view, not a copy', () => {
    const payload = hex(
      '0000000a', '0000', '00000000', // throttle, error, session id
      '00000001', '0001 74', '00000001',
      '00000005', '0000', '0000010000000000', '000000ffffffffff', '0000000000000007', // partition 5, hw 2^40, lso 2^40 - 1, log start 7
      '00000000', // no aborted transactions
      'ffffffff', // preferred_read_replica
      '00000004 aabbccdd',
    )
    const res = decodeResponseBody(Fetch, 11, payload)
    expect(res.throttleTimeMs).toBe(10)
    const p = res.topics[0]!.partitions[0]!
    expect(p).toEqual({partition: 5, errorCode: 0, highWatermark: 2 ** 40, lastStableOffset: 2 ** 40 - 1, logStartOffset: 7, abortedTransactions: [], records: hex('aabbccdd')})
    const records = p.records!
    expect(records.buffer).toBe(payload.buffer)
    expect(records.byteOffset).toBe(payload.byteOffset + payload.length - 4)
    payload[payload.length - 1] = 0xee
    expect(records[3]).toBe(0xee)
  })

  it('decodes a top-level error (v7+) with no topics', () => {
    expect(decodeResponseBody(Fetch, 7, hex('00000000', '0046', '00000000', '00000000'))).toEqual({throttleTimeMs: 0, errorCode: 70, topics: []})
  })

  it('refuses records that run past the response', () => {
    const payload = hex('00000000', '00000001', '0001 74', '00000001', '00000000', '0000', '0000000000000000', '0000000000000000', '0000000000000000',
      '00000000', '00000010 0102')
    expect(() => decodeResponseBody(Fetch, 5, payload)).toThrow(RangeError)
  })
})
