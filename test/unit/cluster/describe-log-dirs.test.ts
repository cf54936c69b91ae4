import {describe, expect, it} from 'vitest'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {DescribeLogDirs} from '../../../src/cluster/protocol/describe-log-dirs.js'
import {hex} from './hex.js'

const partition = {partition: 0, size: 1024n, offsetLag: 0n, isFuture: false}

describe('DescribeLogDirs (35)', () => {
  it('encodes v1 (all partitions as a null array) and v2 (flexible) with a topic filter', () => {
    expect(encodeRequestBody(DescribeLogDirs, 1, {topics: null})).toEqual(hex('ffffffff'))
    expect(encodeRequestBody(DescribeLogDirs, 2, {topics: [{topic: 't', partitions: [0]}]})).toEqual(hex('00', '02', '02 74', '02 00000000', '00', '00'))
  })

  it('decodes v1', () => {
    const payload = hex('00000000', '00000001', '0000', '0004 2f6c6f67', '00000001', '0001 74', '00000001', '00000000 0000000000000400 0000000000000000 00')
    expect(decodeResponseBody(DescribeLogDirs, 1, payload)).toEqual({
      throttleTimeMs: 0, errorCode: 0,
      results: [{errorCode: 0, logDir: '/log', topics: [{name: 't', partitions: [partition]}], totalBytes: -1n, usableBytes: -1n}],
    })
  })

  it('decodes v4: top-level error code, total and usable bytes', () => {
    const payload = hex('00', '00000000', '0000', '02', '0000', '05 2f6c6f67', '02', '02 74', '02', '00000000 0000000000000400 0000000000000000 00 00', '00',
      '0000000000100000', '0000000000080000', '00', '00')
    expect(decodeResponseBody(DescribeLogDirs, 4, payload).results[0]).toEqual(
      {errorCode: 0, logDir: '/log', topics: [{name: 't', partitions: [partition]}], totalBytes: 0x100000n, usableBytes: 0x80000n},
    )
  })
})
