import {describe, expect, it} from 'vitest'
import {applyDeclarative, parseDeclarativeFlags, TransformError} from '../../../src/operations/declarative-transform.js'
import {compileFilterExpression, toView, type RecordCodecs} from '../../../src/operations/record-function.js'
import {codecFor} from '../../../src/operations/value-format.js'
import {migrateRecordFn} from '../../../src/operations/migrate.js'
import {recordStage} from '../../../src/operations/record-stage.js'
import {DLQ_HEADERS} from '../../../src/operations/dead-letter.js'
import {RecordError} from '../../../src/operations/job-errors.js'
import type {InputRecord} from '../../../src/operations/record.js'

const rec = (value: unknown, offset = 5, key: string | null = 'k'): InputRecord => ({
  topic: 'src', partition: 1, offset, timestamp: 1000, key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), headers: [['h', Buffer.from('v')]],
})
const text: RecordCodecs = {key: codecFor('text', 'key'), value: codecFor('json', 'value')}
const json: RecordCodecs = {key: codecFor('text', 'key'), value: codecFor('json', 'value')}

describe('declarative transforms', () => {
  const t = parseDeclarativeFlags({rename: ['amount=total', 'customer.name=customerName'], drop: ['internal'], default: ['currency=EUR', 'n=0', 'tags=[]'], cast: ['total=float', 'qty=int', 'paid=bool', 'id=string']})

  it('renames, drops, defaults and casts in that order', () => {
    const out = applyDeclarative({amount: '12.5', customer: {name: 'Ann'}, internal: 1, qty: '3', paid: 'true', id: 9, n: null}, t)
    expect(out).toEqual({total: 12.5, customer: {}, customerName: 'Ann', qty: 3, paid: true, id: '9', currency: 'EUR', n: 0, tags: []})
  })

  it('does not modify its input', () => {
    const input = {amount: '1'}
    applyDeclarative(input, t)
    expect(input).toEqual({amount: '1'})
  })

  it.each([
    [{qty: '3.5'}, /to int: not a whole number/],
    [{qty: 'x'}, /cannot cast field 'qty'/],
    [{paid: 'maybe'}, /to bool/],
  ])('fails clearly on %j', (v, msg) => {
    expect(() => applyDeclarative(v, t)).toThrow(msg)
  })

  it('refuses a non-object value', () => {
    expect(() => applyDeclarative([1], t)).toThrow(TransformError)
    expect(() => applyDeclarative('x', t)).toThrow('value is not a JSON object')
  })

  it('parses flag forms and rejects bad ones', () => {
    expect(() => parseDeclarativeFlags({cast: ['a=number']})).toThrow(/unknown type 'number'/)
    expect(() => parseDeclarativeFlags({rename: ['a']})).toThrow(/expects name=value/)
    expect(parseDeclarativeFlags({default: ['s=hello']}).defaults).toEqual([['s', 'hello']])
  })
})

describe('filter expressions and the migrate record function', () => {
  it('evaluates expressions over value, key and headers', () => {
    const f = compileFilterExpression("value.status === 'paid' && key === 'k' && header('h') === 'v' && headers[0].key === 'h'")
    expect(f(toView(rec({status: 'paid'}), text).view)).toBe(true)
    expect(f(toView(rec({status: 'open'}), text).view)).toBe(false)
    expect(() => compileFilterExpression('value.(')).toThrow(SyntaxError)
  })

  it('copies bytes untouched when there is nothing to apply', async () => {
    const r = rec('not json at all')
    const out = await migrateRecordFn({to: 'dst'})(r)
    expect(out).toEqual({topic: 'dst', key: r.key, value: r.value, headers: r.headers, timestamp: 1000})
  })

  it('filters, transforms (fan-out) then applies declarative rules', async () => {
    const fn = migrateRecordFn({
      to: 'dst', codecs: json,
      filter: (v) => (v.value as {keep: boolean}).keep,
      transform: (v) => [v, {...v, key: `${String(v.key)}-copy`}],
      declarative: parseDeclarativeFlags({rename: ['keep=kept']}),
    })
    expect(await fn(rec({keep: false}))).toEqual([])
    const out = [await fn(rec({keep: true}))].flat()
    expect(out.map((o) => [o.key?.toString(), o.value?.toString()])).toEqual([['k', '{"kept":true}'], ['k-copy', '{"kept":true}']])
  })
})

describe('record stage', () => {
  const failing = (r: InputRecord) => {
    if (r.offset === 6) throw new Error('bad record')
    return [{topic: 'dst', key: r.key, value: r.value}]
  }

  it('dead-letters a failing record with the error in headers and carries on', async () => {
    const res = await recordStage('job1', failing, 'dlq').process([rec({a: 1}, 5), rec({a: 2}, 6), rec({a: 3}, 7)])
    expect(res).toMatchObject({written: 2, deadLettered: 1, skipped: 0})
    const dead = res.out.find((o) => o.topic === 'dlq')!
    expect(dead.headers).toEqual([['h', Buffer.from('v')], [DLQ_HEADERS.error, 'bad record'], [DLQ_HEADERS.job, 'job1'], [DLQ_HEADERS.topic, 'src'], [DLQ_HEADERS.partition, '1'], [DLQ_HEADERS.offset, '6']])
    expect(res.out.map((o) => o.topic)).toEqual(['dst', 'dlq', 'dst'])
  })

  it('without a dead-letter topic, stops naming the record', async () => {
    await expect(recordStage('job1', failing).process([rec({a: 1}, 5), rec({a: 2}, 6)])).rejects.toThrow(RecordError)
    await expect(recordStage('job1', failing).process([rec({a: 2}, 6)])).rejects.toThrow('src[1]@6: bad record')
  })
})
