/**
 * A job writes a record's own bytes except what it was asked to change. Property tests over
 * generated records (binary keys and values, invalid UTF-8, repeated and null headers, tombstones),
 * with the seed logged: STREAMCTL_FC_SEED=<seed> replays a run.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {encodeRecordBatch} from '../../../src/cluster/protocol/record-batch.js'
import {readPartitionRecords} from '../../../src/cluster/protocol/record-batch-reader.js'
import {parseDeclarativeFlags} from '../../../src/operations/declarative-transform.js'
import {versionedRecord} from '../../../src/operations/derive-versioned.js'
import {choosePartitioner, migrateRecordFn} from '../../../src/operations/migrate.js'
import type {RecordCodecs, RecordView} from '../../../src/operations/record-function.js'
import type {InputRecord, OutputRecord} from '../../../src/operations/record.js'
import {codecFor, declaredFormat, ValueDecodeError} from '../../../src/operations/value-format.js'

const seed = Number(process.env.STREAMCTL_FC_SEED ?? Date.now() % 2 ** 31)
console.log(`record-fidelity: fast-check seed ${seed} (replay with STREAMCTL_FC_SEED=${seed})`)
const params = {seed, numRuns: 300}

const bytes = fc.oneof(fc.uint8Array({maxLength: 40}), fc.constant(new Uint8Array([0xff, 0xfe, 0x00, 0xc3])), fc.constant(new Uint8Array(0))).map((a) => Buffer.from(a))
const header = fc.tuple(fc.constantFrom('a', 'b', 'trace', 'é'), fc.option(bytes, {nil: null}))
const record = fc.record({
  partition: fc.integer({min: 0, max: 5}),
  offset: fc.integer({min: 0, max: 2 ** 40}),
  timestamp: fc.integer({min: 0, max: 2 ** 42}),
  key: fc.option(bytes, {nil: null}),
  value: fc.option(bytes, {nil: null}),
  headers: fc.array(header, {maxLength: 6}),
}).map((r): InputRecord => ({topic: 'src', ...r}))

const bytesCodecs: RecordCodecs = {key: codecFor('bytes', 'key'), value: codecFor('bytes', 'value')}
const jsonCodecs: RecordCodecs = {key: codecFor('bytes', 'key'), value: codecFor('json', 'value')}
const one = (o: OutputRecord | OutputRecord[]): OutputRecord => {
  const list = [o].flat()
  expect(list).toHaveLength(1)
  return list[0]!
}
const asBytes = (v: Buffer | string | null | undefined) => (v === null || v === undefined ? v : Buffer.from(v))
const sameAsInput = (o: OutputRecord, r: InputRecord) => {
  expect(asBytes(o.key)).toEqual(r.key)
  expect(asBytes(o.value)).toEqual(r.value)
  expect((o.headers ?? []).map(([k, v]) => [k, asBytes(v)])).toEqual(r.headers.map(([k, v]) => [k, v]))
  expect(Number(o.timestamp)).toBe(r.timestamp)
}

describe('migrate writes what it was not asked to change byte for byte', () => {
  it.each([
    ['a plain copy', {}],
    ['a filter that passes everything (bytes format)', {filter: () => true}],
    ['an identity transform', {transform: (v: RecordView) => v}],
    ['a transform returning a spread copy', {transform: (v: RecordView) => ({...v})}],
  ])('%s', async (_name, extra) => {
    const fn = migrateRecordFn({to: 'dst', codecs: bytesCodecs, ...extra})
    await fc.assert(fc.asyncProperty(record, async (r) => sameAsInput(one(await fn(r)), r)), params)
  })

  it('tombstones pass declarative rules, filters and transforms that do not handle them', async () => {
    const fn = migrateRecordFn({
      to: 'dst', codecs: jsonCodecs, declarative: parseDeclarativeFlags({rename: ['a=b']}),
      filter: (v) => (v.value as {keep: boolean}).keep, transform: () => { throw new Error('not called for a tombstone') },
    })
    await fc.assert(fc.asyncProperty(record, async (r) => {
      const t = {...r, value: null}
      sameAsInput(one(await fn(t)), t)
    }), params)
    // A module that says it handles tombstones sees them.
    const seen: unknown[] = []
    const handling = migrateRecordFn({to: 'dst', codecs: jsonCodecs, transform: (v) => { seen.push(v.value); return null }, transformTombstones: true})
    expect(await handling({topic: 's', partition: 0, offset: 0, timestamp: 1, key: Buffer.from('k'), value: null, headers: []})).toEqual([])
    expect(seen).toEqual([null])
  })

  it('a filter over JSON and declarative rules that change nothing keep the original value bytes', async () => {
    const decl = migrateRecordFn({to: 'dst', codecs: jsonCodecs, filter: (v) => (v.value as {n: unknown}).n !== undefined, declarative: parseDeclarativeFlags({rename: ['missing=other'], drop: ['absent']})})
    const json = fc.tuple(fc.jsonValue({maxDepth: 2}), fc.dictionary(fc.string({maxLength: 6}), fc.jsonValue({maxDepth: 2}), {maxKeys: 4}))
      .map(([n, rest]) => JSON.stringify({...rest, n}, null, n === null ? 1 : undefined))
    const texts = fc.oneof(json, fc.constantFrom('{"n": 12345678901234567891, "d": 1.10}', '{ "n" : 1e3 ,"x":[1.0, -0]}'))
    await fc.assert(fc.asyncProperty(record, texts, async (r, text) => {
      const rec = {...r, value: Buffer.from(text)}
      sameAsInput(one(await decl(rec)), rec)
    }), params)
  })

  it('a transform that changes one field keeps numbers beyond 2^53 and decimals exact', async () => {
    const fn = migrateRecordFn({to: 'dst', codecs: jsonCodecs, transform: (v) => ({...v, value: {...(v.value as object), seen: true}})})
    const r: InputRecord = {topic: 's', partition: 0, offset: 0, timestamp: 1, key: Buffer.from([0xff]), headers: [['h', null], ['h', Buffer.from([0xc3])]],
      value: Buffer.from('{"id":12345678901234567891,"price":1.10,"e":1E+2,"neg":-0,"nested":[99999999999999999999.5]}')}
    const o = one(await fn(r))
    expect(o.value!.toString()).toBe('{"id":12345678901234567891,"price":1.10,"e":1E+2,"neg":-0,"nested":[99999999999999999999.5],"seen":true}')
    expect(o.key).toEqual(Buffer.from([0xff]))
    expect(o.headers).toEqual(r.headers)
  })

  it('declarative casts stay exact: a big integer string cast to int, a decimal cast to float', async () => {
    const fn = migrateRecordFn({to: 'dst', declarative: parseDeclarativeFlags({cast: ['id=int', 'p=float', 's=string'], default: ['big=98765432109876543210']})})
    const r: InputRecord = {topic: 's', partition: 0, offset: 0, timestamp: 1, key: null, headers: [], value: Buffer.from('{"id":"12345678901234567891","p":"2.50","s":12345678901234567892}')}
    expect(one(await fn(r)).value!.toString()).toBe('{"id":12345678901234567891,"p":2.50,"s":"12345678901234567892","big":98765432109876543210}')
  })

  it('a value that does not decode in its format is a record error with the reason', async () => {
    const fn = migrateRecordFn({to: 'dst', codecs: jsonCodecs, transform: (v) => v})
    const r: InputRecord = {topic: 's', partition: 0, offset: 0, timestamp: 1, key: null, headers: [], value: Buffer.from([0x7b, 0xff])}
    await expect(fn(r)).rejects.toThrow('value is not valid UTF-8 text')
    await expect(fn({...r, value: Buffer.from('{"a":1,"a":2}')})).rejects.toThrow(/value is not valid JSON: Duplicate key 'a'/)
    const text = migrateRecordFn({to: 'dst', codecs: {key: codecFor('text', 'key'), value: codecFor('text', 'value')}, filter: () => true})
    await expect(text({...r, value: Buffer.from('ok'), key: Buffer.from([0xc3, 0x28])})).rejects.toThrow('key is not valid UTF-8 text')
    const bad = migrateRecordFn({to: 'dst', codecs: bytesCodecs, transform: (v) => ({...v, value: 'a string'})})
    await expect(bad({...r, value: Buffer.from('x')})).rejects.toThrow(ValueDecodeError)
  })

  it('keeps each record on its source partition with the preserve partitioner, murmur2 leaves it to the producer', async () => {
    const keep = migrateRecordFn({to: 'dst', preservePartition: true, transform: (v) => [v, v]})
    const free = migrateRecordFn({to: 'dst'})
    await fc.assert(fc.asyncProperty(record, async (r) => {
      // A tombstone passes the transform (which would fan it out) as one record.
      expect([await keep(r)].flat().map((o) => o.partition)).toEqual(r.value === null ? [r.partition] : [r.partition, r.partition])
      expect(one(await free(r)).partition).toBeUndefined()
    }), params)
  })

  it('chooses preserve for equal partition counts, murmur2 otherwise, and refuses preserve across counts', () => {
    expect(choosePartitioner(undefined, 6, 6).partitioner).toBe('preserve')
    expect(choosePartitioner(undefined, 6, 12).partitioner).toBe('murmur2')
    expect(choosePartitioner('murmur2', 6, 6)).toMatchObject({partitioner: 'murmur2', reason: '--partitioner murmur2 (source 6, target 6 partitions)'})
    expect(() => choosePartitioner('preserve', 6, 12)).toThrow(/--partitioner preserve needs as many target partitions/)
  })
})

describe('record batches carry every header in order', () => {
  it('encodes and decodes keys, values and header lists (repeated names, null values) unchanged', () => {
    fc.assert(fc.property(fc.array(record, {minLength: 1, maxLength: 8}), (rs) => {
      const batch = encodeRecordBatch(rs, {producerId: 1n, producerEpoch: 0, baseSequence: 0, transactional: false})
      const back = readPartitionRecords(batch, {topic: 't', partition: 0, fromOffset: 0, readCommitted: false, abortedTransactions: []}).records
      expect(back.map((b) => [b.key, b.value, b.headers, b.timestamp])).toEqual(rs.map((r) => [r.key, r.value, r.headers, r.timestamp]))
    }), params)
  })
})

describe('derive versioned', () => {
  const o = {to: 'v', service: 'shop', entity: 'order', versionField: 'version'}
  it('keeps the value bytes and headers, takes big integer ids exactly, and refuses a key that is not UTF-8', () => {
    const r: InputRecord = {topic: 't', partition: 0, offset: 0, timestamp: 5, key: Buffer.from('k1'), headers: [['a', null], ['a', Buffer.from([0xff])]], value: Buffer.from('{"version": 3, "id": 12345678901234567891, "p": 1.10}')}
    const [out] = versionedRecord(r, o)
    expect(out).toEqual({topic: 'v', key: 'shop-order-k1-v3', value: r.value, headers: r.headers, timestamp: 5})
    expect(versionedRecord(r, {...o, idField: 'id'})[0]!.key).toBe('shop-order-12345678901234567891-v3')
    expect(() => versionedRecord({...r, key: Buffer.from([0xff, 0xfe])}, o)).toThrow('key is not valid UTF-8 text')
    expect(versionedRecord({...r, value: null}, o)).toEqual([])
  })
})

describe('value formats', () => {
  it('follows a declared JSON schema, else bytes', () => {
    const schemas = [{name: 'orders', subject: 's', type: 'JSON' as const, schema: '{}', references: []}, {name: 'avro', subject: 'a', type: 'AVRO' as const, schema: '{}', references: []}]
    expect(declaredFormat({name: 't', labels: {}, valueSchema: {schema: 'orders', strategy: 'topic'}}, schemas, 'value')).toBe('json')
    expect(declaredFormat({name: 't', labels: {}, valueSchema: {schema: 'avro', strategy: 'topic'}}, schemas, 'value')).toBeUndefined()
    expect(declaredFormat({name: 't', labels: {}}, schemas, 'value')).toBeUndefined()
    expect(declaredFormat(undefined, schemas, 'key')).toBeUndefined()
  })
  it('text keeps a byte order mark and round-trips valid UTF-8', async () => {
    const c = codecFor('text', 'value')
    const b = Buffer.from('\ufeffhé', 'utf8')
    expect(c.decode(b)).toBe('\ufeffhé')
    expect(await c.encode(c.decode(b))).toEqual(b)
  })
})
