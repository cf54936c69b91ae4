import {describe, expect, it} from 'vitest'
import {parseSchema} from '../../../src/registry/parse-schema.js'
import {parseSchemaRequest, parseVersionParam, parseCompatibility} from '../../../src/registry/request.js'

const code = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    return [(e as {errorCode: number}).errorCode, (e as Error).message]
  }
  return undefined
}

describe('schema parsing and request validation', () => {
  it.each([
    ['AVRO', '{"type":"record","name":"R"}', 'non-array record fields'],
    ['AVRO', '{bad', 'not valid JSON'],
    ['JSON', '{"type":"strin"}', 'schema is invalid'],
    ['JSON', '[1]', 'must be an object or a boolean'],
    ['PROTOBUF', 'syntax = "proto3"; message {', "illegal type name '{'"],
    ['PROTOBUF', 'syntax = "proto3"; message M { Missing m = 1; }', "no such Type or Enum 'Missing'"],
  ] as const)('%s %s → 42201 naming the problem', (type, text, expected) => {
    const [c, msg] = code(() => parseSchema(type, text))!
    expect(c).toBe(42201)
    expect(msg).toContain(expected)
  })

  it('canonical Avro and JSON text ignores whitespace', () => {
    expect(parseSchema('AVRO', '{ "type" : "string" }').canonical).toBe('{"type":"string"}')
    expect(parseSchema('JSON', '{ "type" : "string" }').canonical).toBe('{"type":"string"}')
  })

  it('resolves references for each type', () => {
    const addr = '{"type":"record","name":"Addr","namespace":"x","fields":[{"name":"c","type":"string"}]}'
    expect(() => parseSchema('AVRO', '{"type":"record","name":"U","namespace":"x","fields":[{"name":"a","type":"x.Addr"}]}', [{name: 'x.Addr', schemaType: 'AVRO', schema: addr}])).not.toThrow()
    expect(code(() => parseSchema('AVRO', '{"type":"record","name":"U","namespace":"x","fields":[{"name":"a","type":"x.Addr"}]}'))?.[0]).toBe(42201)
    const p = parseSchema('PROTOBUF', 'syntax = "proto3"; package a; import "b.proto"; message U { b.B x = 1; }', [{name: 'b.proto', schemaType: 'PROTOBUF', schema: 'syntax = "proto3"; package b; message B { string y = 1; }'}])
    expect(p.schemaType === 'PROTOBUF' && p.main.typeNames).toEqual(['a.U'])
    expect(() => parseSchema('JSON', '{"$ref":"addr.json"}', [{name: 'addr.json', schemaType: 'JSON', schema: '{"type":"object"}'}])).not.toThrow()
  })

  it('rejects malformed requests with Confluent codes', () => {
    expect(code(() => parseSchemaRequest({schemaType: 'AVRO'}))?.[0]).toBe(42201)
    expect(code(() => parseSchemaRequest({schema: '"string"', schemaType: 'XML'}))?.[0]).toBe(42201)
    expect(parseSchemaRequest({schema: '"string"'}).schemaType).toBe('AVRO')
    expect(code(() => parseVersionParam('0'))?.[0]).toBe(42202)
    expect(code(() => parseVersionParam('abc'))?.[0]).toBe(42202)
    expect(parseVersionParam('-1')).toBe('latest')
    expect(code(() => parseCompatibility({compatibility: 'SIDEWAYS'}))?.[0]).toBe(42203)
    expect(parseCompatibility({compatibility: 'full_transitive'})).toBe('FULL_TRANSITIVE')
  })
})
