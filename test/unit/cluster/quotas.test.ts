import {describe, expect, it} from 'vitest'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {AlterClientQuotas} from '../../../src/cluster/protocol/alter-client-quotas.js'
import {DescribeClientQuotas} from '../../../src/cluster/protocol/describe-client-quotas.js'
import {hex} from './hex.js'

const describeReq = {components: [{entityType: 'user', matchType: 0, match: 'a'}], strict: false}
const alterReq = {entries: [{entity: [{entityType: 'user', entityName: null}], ops: [{key: 'k', value: 1.5, remove: false}]}], validateOnly: true}

describe('DescribeClientQuotas (48)', () => {
  it('encodes v0 and v1', () => {
    expect(encodeRequestBody(DescribeClientQuotas, 0, describeReq)).toEqual(hex('00000001', '0004 75736572', '00', '0001 61', '00'))
    expect(encodeRequestBody(DescribeClientQuotas, 1, describeReq)).toEqual(hex('00', '02', '05 75736572', '00', '02 61', '00', '00', '00'))
  })

  it('decodes v1 entries (float64 values) and v0 null entries', () => {
    const v1 = hex('00', '00000000', '0000', '00', '02', '02 05 75736572 02 61 00', '02 13 70726f64756365725f627974655f72617465 4090000000000000 00', '00', '00')
    expect(decodeResponseBody(DescribeClientQuotas, 1, v1).entries).toEqual([
      {entity: [{entityType: 'user', entityName: 'a'}], values: [{key: 'producer_byte_rate', value: 1024}]},
    ])
    expect(decodeResponseBody(DescribeClientQuotas, 0, hex('00000000', '0000', 'ffff', 'ffffffff')).entries).toEqual([])
  })
})

describe('AlterClientQuotas (49)', () => {
  it('encodes v0 and v1, the default entity as a null name', () => {
    expect(encodeRequestBody(AlterClientQuotas, 0, alterReq)).toEqual(hex(
      '00000001', '00000001 0004 75736572 ffff', '00000001 0001 6b 3ff8000000000000 00', '01',
    ))
    expect(encodeRequestBody(AlterClientQuotas, 1, alterReq)).toEqual(hex(
      '00', '02', '02 05 75736572 00 00', '02 02 6b 3ff8000000000000 00 00', '00', '01', '00',
    ))
  })

  it('decodes v1 per-entity results', () => {
    expect(decodeResponseBody(AlterClientQuotas, 1, hex('00', '00000000', '02', '0000 00', '02 05 75736572 00 00', '00', '00')).entries)
      .toEqual([{errorCode: 0, errorMessage: null, entity: [{entityType: 'user', entityName: null}]}])
  })
})
