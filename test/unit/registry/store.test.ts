import {describe, expect, it} from 'vitest'
import {decodeKey, encodeKey, schemaKey, configKey, type SchemaValue} from '../../../src/registry/records.js'
import {RegistryStore} from '../../../src/registry/store.js'

const v = (subject: string, version: number, id: number, schema: string, extra: Partial<SchemaValue> = {}): SchemaValue => ({subject, version, id, schema, deleted: false, ...extra})

describe('registry store: the log decides, identically on every instance', () => {
  it('first record for a subject version wins; a later different one is rejected', () => {
    const s = new RegistryStore()
    expect(s.apply(schemaKey('a', 1), v('a', 1, 1, '"string"'))).toBe(true)
    expect(s.apply(schemaKey('a', 1), v('a', 1, 2, '"long"'))).toBe(false)
    expect(s.version('a', 1)?.schema).toBe('"string"')
    // the repair record the loser writes (a copy of the winner) is accepted
    expect(s.apply(schemaKey('a', 1), v('a', 1, 1, '"string"'))).toBe(true)
  })

  it('an id names one schema and a schema has one id', () => {
    const s = new RegistryStore()
    s.apply(schemaKey('a', 1), v('a', 1, 1, '"string"'))
    expect(s.apply(schemaKey('b', 1), v('b', 1, 1, '"long"'))).toBe(false)
    expect(s.apply(schemaKey('b', 1), v('b', 1, 2, '"string"'))).toBe(false)
    expect(s.apply(schemaKey('b', 1), v('b', 1, 1, '"string"'))).toBe(true)
    expect(s.versionsOfId(1).map((e) => e.subject)).toEqual(['a', 'b'])
    expect(s.nextId()).toBe(2)
  })

  it('soft delete hides a version, a tombstone removes it, version numbers keep counting', () => {
    const s = new RegistryStore()
    s.apply(schemaKey('a', 1), v('a', 1, 1, '"string"'))
    s.apply(schemaKey('a', 2), v('a', 2, 2, '"long"'))
    s.apply(schemaKey('a', 2), v('a', 2, 2, '"long"', {deleted: true}))
    expect(s.versions('a').map((e) => e.version)).toEqual([1])
    expect(s.versions('a', true).map((e) => e.version)).toEqual([1, 2])
    expect(s.maxVersion('a')).toBe(2)
    s.apply(schemaKey('a', 2), null)
    expect(s.versions('a', true).map((e) => e.version)).toEqual([1])
    expect(s.schemaById(2)).toBeUndefined()
  })

  it('schema type defaults to AVRO and is part of the identity', () => {
    const s = new RegistryStore()
    s.apply(schemaKey('a', 1), v('a', 1, 1, '{"type":"string"}'))
    expect(s.idOf({schemaType: 'AVRO', schema: '{"type":"string"}', references: []})).toBe(1)
    expect(s.idOf({schemaType: 'JSON', schema: '{"type":"string"}', references: []})).toBeUndefined()
  })

  it('config and mode records set and clear', () => {
    const s = new RegistryStore()
    s.apply(configKey(null), {compatibilityLevel: 'FULL'})
    s.apply(configKey('a'), {compatibilityLevel: 'NONE'})
    expect([s.config(null), s.config('a')]).toEqual(['FULL', 'NONE'])
    s.apply(configKey('a'), null)
    expect(s.config('a')).toBeUndefined()
  })

  it('keys round-trip with a fixed field order (compaction compares bytes)', () => {
    expect(encodeKey(schemaKey('s', 3))).toBe('{"keytype":"SCHEMA","subject":"s","version":3,"magic":1}')
    expect(decodeKey('{"magic":1,"version":3,"subject":"s","keytype":"SCHEMA"}')).toEqual(schemaKey('s', 3))
    expect(decodeKey('not json')).toBeUndefined()
  })
})
