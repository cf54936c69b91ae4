import {describe, expect, it} from 'vitest'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {AddOffsetsToTxn} from '../../../src/cluster/protocol/add-offsets-to-txn.js'
import {AddPartitionsToTxn} from '../../../src/cluster/protocol/add-partitions-to-txn.js'
import {DescribeTransactions} from '../../../src/cluster/protocol/describe-transactions.js'
import {EndTxn} from '../../../src/cluster/protocol/end-txn.js'
import {InitProducerId} from '../../../src/cluster/protocol/init-producer-id.js'
import {OffsetCommit} from '../../../src/cluster/protocol/offset-commit.js'
import {TxnOffsetCommit} from '../../../src/cluster/protocol/txn-offset-commit.js'
import {hex} from './hex.js'

// Fixtures follow the fields of Kafka's message JSON (clients/src/main/resources/common/message) in order.
describe('transaction APIs', () => {
  it('InitProducerId (22): v1 classic, v4 flexible with producer id and epoch (-1: a fresh start)', () => {
    expect(encodeRequestBody(InitProducerId, 1, {transactionalId: 'tx', transactionTimeoutMs: 60_000})).toEqual(hex('0002 7478', '0000ea60'))
    expect(encodeRequestBody(InitProducerId, 4, {transactionalId: 'tx', transactionTimeoutMs: 60_000})).toEqual(hex('00', '03 7478', '0000ea60', 'ffffffffffffffff', 'ffff', '00'))
    expect(decodeResponseBody(InitProducerId, 4, hex('00', '00000000', '0000', '0000000000001001', '0003', '00'))).toEqual({throttleTimeMs: 0, errorCode: 0, producerId: 4097n, producerEpoch: 3})
    expect(decodeResponseBody(InitProducerId, 1, hex('00000000', '0033', 'ffffffffffffffff', 'ffff'))).toEqual({throttleTimeMs: 0, errorCode: 51, producerId: -1n, producerEpoch: -1})
  })

  it('AddPartitionsToTxn (24): v1 and v3 requests; a v3 answer with one failed partition and one not attempted', () => {
    const req = {transactionalId: 't', producerId: 7n, producerEpoch: 2, topics: [{name: 'a', partitions: [0, 5]}]}
    expect(encodeRequestBody(AddPartitionsToTxn, 1, req)).toEqual(hex('0001 74', '0000000000000007', '0002', '00000001', '0001 61', '00000002 00000000 00000005'))
    expect(encodeRequestBody(AddPartitionsToTxn, 3, req)).toEqual(hex('00', '02 74', '0000000000000007', '0002', '02', '02 61', '03 00000000 00000005', '00', '00'))
    expect(decodeResponseBody(AddPartitionsToTxn, 3, hex('00', '00000000', '02', '02 61', '03', '00000000 0035 00', '00000005 0037 00', '00', '00'))).toEqual({
      throttleTimeMs: 0, topics: [{name: 'a', partitions: [{partitionIndex: 0, errorCode: 53}, {partitionIndex: 5, errorCode: 55}]}],
    })
  })

  it('AddOffsetsToTxn (25) and EndTxn (26): v1 and v3', () => {
    expect(encodeRequestBody(AddOffsetsToTxn, 1, {transactionalId: 't', producerId: 1n, producerEpoch: 0, groupId: 'g'})).toEqual(hex('0001 74', '0000000000000001', '0000', '0001 67'))
    expect(encodeRequestBody(AddOffsetsToTxn, 3, {transactionalId: 't', producerId: 1n, producerEpoch: 0, groupId: 'g'})).toEqual(hex('00', '02 74', '0000000000000001', '0000', '02 67', '00'))
    expect(decodeResponseBody(AddOffsetsToTxn, 3, hex('00', '00000000', '0010', '00'))).toEqual({throttleTimeMs: 0, errorCode: 16})
    expect(encodeRequestBody(EndTxn, 1, {transactionalId: 't', producerId: 1n, producerEpoch: 9, committed: true})).toEqual(hex('0001 74', '0000000000000001', '0009', '01'))
    expect(encodeRequestBody(EndTxn, 3, {transactionalId: 't', producerId: 1n, producerEpoch: 9, committed: false})).toEqual(hex('00', '02 74', '0000000000000001', '0009', '00', '00'))
    expect(decodeResponseBody(EndTxn, 1, hex('00000000', '005a'))).toEqual({throttleTimeMs: 0, errorCode: 90})
  })

  it('TxnOffsetCommit (28): v3 carries generation, member id and instance id (KIP-447); v2 adds the leader epoch; v1 neither', () => {
    const req = {transactionalId: 't', groupId: 'g', producerId: 1n, producerEpoch: 0, generationId: 5, memberId: 'm', groupInstanceId: null,
      topics: [{name: 'a', partitions: [{partitionIndex: 2, committedOffset: 100n, committedMetadata: 'd'}]}]}
    expect(encodeRequestBody(TxnOffsetCommit, 3, req)).toEqual(hex('00', '02 74', '02 67', '0000000000000001', '0000', '00000005', '02 6d', '00',
      '02', '02 61', '02', '00000002', '0000000000000064', 'ffffffff', '02 64', '00', '00', '00'))
    expect(encodeRequestBody(TxnOffsetCommit, 1, req)).toEqual(hex('0001 74', '0001 67', '0000000000000001', '0000', '00000001', '0001 61', '00000001', '00000002', '0000000000000064', '0001 64'))
    expect(encodeRequestBody(TxnOffsetCommit, 2, {...req, topics: [{name: 'a', partitions: [{partitionIndex: 2, committedOffset: 100n, committedMetadata: null}]}]})).toEqual(
      hex('0001 74', '0001 67', '0000000000000001', '0000', '00000001', '0001 61', '00000001', '00000002', '0000000000000064', 'ffffffff', 'ffff'))
    expect(decodeResponseBody(TxnOffsetCommit, 3, hex('00', '00000000', '02', '02 61', '02', '00000002 0016 00', '00', '00'))).toEqual({
      throttleTimeMs: 0, topics: [{name: 'a', partitions: [{partitionIndex: 2, errorCode: 22}]}],
    })
  })
})

describe('DescribeTransactions (65)', () => {
  it('v0 (flexible): the ids asked; a state with its producer, epoch and partitions, and an id the coordinator does not know', () => {
    expect(encodeRequestBody(DescribeTransactions, 0, {transactionalIds: ['tx', 'u']})).toEqual(hex('00', '03', '03 7478', '02 75', '00'))
    const answer = hex('00', '00000000', '03',
      '0000', '03 7478', '08 4f6e676f696e67', '0000ea60', '0000018000000000', '0000000000001001', '0007', '02', '02 61', '03 00000000 00000005', '00', '00',
      '0069', '02 75', '01', '00000000', 'ffffffffffffffff', 'ffffffffffffffff', 'ffff', '01', '00', '00')
    expect(decodeResponseBody(DescribeTransactions, 0, answer)).toEqual({
      throttleTimeMs: 0,
      transactionStates: [
        {errorCode: 0, transactionalId: 'tx', transactionState: 'Ongoing', transactionTimeoutMs: 60_000, transactionStartTimeMs: 0x18000000000n, producerId: 4097n, producerEpoch: 7, topics: [{topic: 'a', partitions: [0, 5]}]},
        {errorCode: 105, transactionalId: 'u', transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: []},
      ],
    })
  })
})

describe('OffsetCommit (8)', () => {
  const req = {groupId: 'g', generationId: 3, memberId: 'm', groupInstanceId: null, topics: [{name: 'a', partitions: [{partitionIndex: 1, committedOffset: 9n, committedMetadata: null}]}]}
  it('v2 carries a retention time (-1), v8 (flexible) the instance id and leader epoch', () => {
    expect(encodeRequestBody(OffsetCommit, 2, req)).toEqual(hex('0001 67', '00000003', '0001 6d', 'ffffffffffffffff', '00000001', '0001 61', '00000001', '00000001', '0000000000000009', 'ffff'))
    expect(encodeRequestBody(OffsetCommit, 8, req)).toEqual(hex('00', '02 67', '00000003', '02 6d', '00', '02', '02 61', '02', '00000001', '0000000000000009', 'ffffffff', '00', '00', '00', '00'))
  })
  it('decodes v2 (no throttle time) and v8', () => {
    expect(decodeResponseBody(OffsetCommit, 2, hex('00000001', '0001 61', '00000001', '00000001 0016'))).toEqual({throttleTimeMs: 0, topics: [{name: 'a', partitions: [{partitionIndex: 1, errorCode: 22}]}]})
    expect(decodeResponseBody(OffsetCommit, 8, hex('00', '00000005', '02', '02 61', '02', '00000001 0000 00', '00', '00'))).toEqual({throttleTimeMs: 5, topics: [{name: 'a', partitions: [{partitionIndex: 1, errorCode: 0}]}]})
  })
})
