import {describe, expect, it} from 'vitest'
import {createKeyExtractor, KeyExtractionError} from '../../../src/operations/key-extract.js'
import {evaluatePath, JsonPathError, parseJsonPath} from '../../../src/operations/json-path.js'
import {formatVersionedKey, parseVersionedKey} from '../../../src/operations/versioned-key.js'

describe('parseJsonPath', () => {
  it.each([
    ['$.a', ['a']],
    ['$.a.b', ['a', 'b']],
    ['$.items[2].id', ['items', 2, 'id']],
    ["$['odd name'].x", ['odd name', 'x']],
    ['$["q\\"uote"]', ['q"uote']],
    ['customer.id', ['customer', 'id']],
  ])('%s', (expr, segs) => {
    expect(parseJsonPath(expr)).toEqual(segs)
  })

  it.each(['$', '$.', '$.a[*]', '$..a', '$[?(@.a)]', '', 'a..b'])('rejects %s', (expr) => {
    expect(() => parseJsonPath(expr)).toThrow(JsonPathError)
  })

  it('evaluates into objects and arrays, undefined when absent', () => {
    const v = {a: {b: [10, {c: 'x'}]}}
    expect(evaluatePath(v, ['a', 'b', 1, 'c'])).toBe('x')
    expect(evaluatePath(v, ['a', 'z'])).toBeUndefined()
    expect(evaluatePath(v, ['a', 'b', 'c'])).toBeUndefined()
  })
})

describe('key extraction', () => {
  const value = (o: unknown) => Buffer.from(JSON.stringify(o))
  it('turns strings, numbers and objects into key text', () => {
    expect(createKeyExtractor('$.c.id').extract(value({c: {id: 'c7'}}))).toBe('c7')
    expect(createKeyExtractor('n').extract(value({n: 42}))).toBe('42')
    expect(createKeyExtractor('$.o').extract(value({o: {b: 1, a: 2}}))).toBe('{"b":1,"a":2}')
  })
  it('fails on a missing key, a null key, a non-JSON value', () => {
    const ex = createKeyExtractor('$.id')
    expect(() => ex.extract(value({x: 1}))).toThrow(KeyExtractionError)
    expect(() => ex.extract(value({id: null}))).toThrow(/missing or null/)
    expect(() => ex.extract(Buffer.from('not json'))).toThrow(/value is not valid JSON/)
    expect(() => ex.extract(Buffer.from([0x7b, 0xff, 0x7d]))).toThrow('value is not valid UTF-8 text')
    expect(() => ex.extract(null)).toThrow(KeyExtractionError)
    // Inherited properties are not fields of the value.
    expect(() => ex.extract(value({}))).toThrow(/missing or null/)
    expect(() => createKeyExtractor('$.constructor').extract(value({}))).toThrow(/missing or null/)
  })
  it('takes numbers beyond 2^53 and decimals as their exact text', () => {
    expect(createKeyExtractor('$.id').extract(Buffer.from('{"id": 12345678901234567891}'))).toBe('12345678901234567891')
    expect(createKeyExtractor('$.id').extract(Buffer.from('{"id": 1.10}'))).toBe('1.10')
    expect(createKeyExtractor('$.o').extract(Buffer.from('{"o": {"n": 98765432109876543210, "d": 2.50}}'))).toBe('{"n":98765432109876543210,"d":2.50}')
  })
})

describe('versioned keys', () => {
  it('formats the default template and parses it back', () => {
    const k = formatVersionedKey({service: 'shop', entity: 'order', id: 'a-b-7', version: 12})
    expect(k).toBe('shop-order-a-b-7-v12')
    expect(parseVersionedKey(k)).toEqual({entityKey: 'shop-order-a-b-7', version: 12})
  })
  it('supports a custom template', () => {
    expect(formatVersionedKey({service: 's', entity: 'e', id: '1', version: 3}, '{entity}/{id}@{version}')).toBe('e/1@3')
  })
  it('rejects keys without a -v<digits> suffix', () => {
    expect(parseVersionedKey('shop-order-1')).toBeUndefined()
    expect(parseVersionedKey('shop-order-1-vx')).toBeUndefined()
    expect(parseVersionedKey('-v1')).toBeUndefined()
  })
})
