import {describe, expect, it} from 'vitest'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {DescribeConfigs, describeConfigsVisiting} from '../../../src/cluster/protocol/describe-configs.js'
import {toObservedEntry} from '../../../src/cluster/config-entries.js'
import {hex} from './hex.js'

const request = {resources: [{type: 2, name: 't', keys: null}], includeSynonyms: true}

describe('DescribeConfigs (32)', () => {
  it('encodes v1: resources, null key list, IncludeSynonyms', () => {
    expect(encodeRequestBody(DescribeConfigs, 1, request)).toEqual(hex('00000001', '02', '0001 74', 'ffffffff', '01'))
  })

  it('encodes v3 with IncludeDocumentation=false', () => {
    expect(encodeRequestBody(DescribeConfigs, 3, request)).toEqual(hex('00000001', '02', '0001 74', 'ffffffff', '01', '00'))
  })

  it('encodes v4 (flexible): header tags, compact fields, struct tags', () => {
    expect(encodeRequestBody(DescribeConfigs, 4, request)).toEqual(hex('00', '02', '02', '02 74', '00', '00', '01', '00', '00'))
  })

  it('decodes a v1 response with synonyms and maps the next synonym down as inherited', () => {
    const payload = hex(
      '00000000', '00000001', // throttle, 1 result
      '0000', 'ffff', '02', '0001 74', // error 0, null message, TOPIC "t"
      '00000001', '0002 726d', '0001 31', '00', '01', '00', // config "rm"="1", not read-only, source TOPIC, not sensitive
      '00000002', '0002 726d', '0001 31', '01', '0003 6c726d', 'ffff', '05', // synonyms: topic "1", default null
    )
    const res = decodeResponseBody(DescribeConfigs, 1, payload)
    const config = res.results[0]!.configs[0]!
    expect(config).toEqual({
      name: 'rm', value: '1', readOnly: false, source: 1, sensitive: false,
      synonyms: [{name: 'rm', value: '1', source: 1}, {name: 'lrm', value: null, source: 5}],
    })
    expect(toObservedEntry(config)).toEqual({value: '1', source: 'TOPIC', readOnly: false, sensitive: false, inheritedValue: null, inheritedSource: 'DEFAULT'})
  })

  it('decodes a v4 response: ConfigType and Documentation, tagged fields everywhere', () => {
    const payload = hex(
      '00', '00000000', '02', // header tags, throttle, 1 result
      '0000', '00', '02', '02 74', // error 0, null message, TOPIC "t"
      '02', '03 726d', '02 31', '00', '02', '01', // config "rm"="1", source DYNAMIC_BROKER, sensitive
      '02', '03 726d', '02 31', '02', '00', // one synonym + tags
      '05', '00', '00', // ConfigType LONG(5), null Documentation, config tags
      '00', '00', // result tags, top-level tags
    )
    const res = decodeResponseBody(DescribeConfigs, 4, payload)
    expect(res.results[0]).toMatchObject({errorCode: 0, type: 2, name: 't'})
    expect(toObservedEntry(res.results[0]!.configs[0]!)).toEqual({
      value: '1', source: 'DYNAMIC_BROKER', readOnly: false, sensitive: true, inheritedValue: '1', inheritedSource: 'DYNAMIC_BROKER',
    })
  })

  it('reports a per-resource error code and message', () => {
    const payload = hex('00000000', '00000001', '0003', '0004 6e6f7065', '02', '0001 74', '00000000')
    expect(decodeResponseBody(DescribeConfigs, 2, payload).results[0]).toEqual({errorCode: 3, errorMessage: 'nope', type: 2, name: 't', configs: []})
  })

  it('visiting decode hands over each resource and keeps only the inherited synonym, with the same observed entry', () => {
    const payload = hex(
      '00000000', '00000001',
      '0000', 'ffff', '02', '0001 74',
      '00000001', '0002 726d', '0001 31', '00', '01', '00',
      '00000003', '0002 726d', '0001 31', '01', '0003 6c726d', '0001 32', '04', '0003 6c7268', 'ffff', '05', // topic, static broker "2", default null
    )
    const seen: unknown[] = []
    const res = decodeResponseBody(describeConfigsVisiting((r) => seen.push(r)), 1, payload)
    expect(res.results).toEqual([])
    const full = decodeResponseBody(DescribeConfigs, 1, payload).results[0]!
    expect(seen).toEqual([{...full, configs: [{...full.configs[0]!, synonyms: [{name: 'lrm', value: '2', source: 4}]}]}])
    expect(toObservedEntry((seen[0] as typeof full).configs[0]!)).toEqual(toObservedEntry(full.configs[0]!))
  })
})
