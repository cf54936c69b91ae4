import fc from 'fast-check'
import {isLosslessNumber, parse, stringify} from 'lossless-json'
import {describe, expect, it} from 'vitest'
import {applyDeclarativeRules} from '../../../src/operations/declarative-transform.js'
import {LosslessNumber, parseJsonText, stringifyJson} from '../../../src/operations/json-value.js'

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
console.log(`json value properties: FC_SEED=${seed}`)

/** The lossless reader alone: what parseJsonText must return, fast path or not. */
function losslessOnly(text: string): unknown {
  return parse(text, null, (t) => (String(Number(t)) === t ? Number(t) : new LosslessNumber(t)))
}

/** A value's shape exactly: key order, own "__proto__" fields, LosslessNumbers by their text, prototypes. */
function shape(v: unknown): unknown {
  if (isLosslessNumber(v)) return {lossless: v.toString()}
  if (Array.isArray(v)) return {array: v.map(shape)}
  if (v !== null && typeof v === 'object') {
    return {proto: Object.getPrototypeOf(v) === Object.prototype, entries: Object.keys(v).map((k) => [k, shape((v as Record<string, unknown>)[k])])}
  }
  return {[typeof v]: Object.is(v, -0) ? '-0' : v}
}

function outcome(f: () => unknown): unknown {
  try {
    return {value: shape(f())}
  } catch {
    return {error: true}
  }
}

/** Number texts a double holds exactly and ones it does not (big integers, trailing zeros, exponents, -0). */
const numberText = fc.oneof(
  fc.integer().map(String),
  fc.double({noNaN: true, noDefaultInfinity: true}).map((d) => JSON.stringify(d)),
  fc.bigInt({min: -(10n ** 30n), max: 10n ** 30n}).map(String),
  fc.constantFrom('1.10', '1e3', '1E3', '-0', '0.0', '1e400', '12345678901234567891', '5e-324', '1.7976931348623157e308', '0.1', '-1.5e-7'),
)
const space = fc.constantFrom('', ' ', '\n', '\t', '\r\n ', '  ')
const key = fc.oneof(fc.string({maxLength: 6}), fc.constantFrom('__proto__', 'constructor', 'a"b', 'a\\', '\\"', 'é', '\u2028'))

/** JSON text with random spacing and numbers, sometimes with a repeated key (which the reader must refuse). */
const jsonText: fc.Arbitrary<string> = fc.letrec((tie) => ({
  value: fc.oneof({depthSize: 'small'}, numberText, fc.string({maxLength: 8}).map((s) => JSON.stringify(s)), fc.constantFrom('true', 'false', 'null'), tie('array'), tie('object')),
  array: fc.tuple(fc.array(tie('value'), {maxLength: 4}), space).map(([xs, s]) => `[${s}${xs.join(`${s},${s}`)}${s}]`),
  object: fc.tuple(fc.array(fc.tuple(key, tie('value')), {maxLength: 4}), space, fc.boolean()).map(([entries, s, repeat]) => {
    const all = repeat && entries.length > 0 ? [...entries, [entries[0]![0], 'null'] as [string, string]] : entries
    return `{${s}${all.map(([k, v]) => `${JSON.stringify(k)}${s}:${s}${v}`).join(`${s},${s}`)}${s}}`
  }),
})).value as fc.Arbitrary<string>

describe('parseJsonText: the native fast path returns what the lossless reader returns', () => {
  it('on random JSON texts (numbers of every kind, spacing, repeated keys, escapes)', () => {
    fc.assert(fc.property(jsonText, (text) => {
      expect(outcome(() => parseJsonText(text))).toEqual(outcome(() => losslessOnly(text)))
    }), {seed, numRuns: 3000})
  })

  it('on random strings that are mostly not JSON', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
      expect(outcome(() => parseJsonText(text))).toEqual(outcome(() => losslessOnly(text)))
    }), {seed, numRuns: 2000})
  })

  it('keeps exact what a double cannot hold, refuses repeated keys, and keeps "__proto__" a field', () => {
    const v = parseJsonText('{"big":12345678901234567891,"money":1.10,"plain":2.5,"n":[1e3,-0]}') as Record<string, unknown>
    expect(isLosslessNumber(v.big) && v.big.toString()).toBe('12345678901234567891')
    expect(isLosslessNumber(v.money) && v.money.toString()).toBe('1.10')
    expect(v.plain).toBe(2.5)
    expect(stringifyJson(v)).toBe('{"big":12345678901234567891,"money":1.10,"plain":2.5,"n":[1e3,-0]}')
    expect(() => parseJsonText('{"a":1,"b":{"c":1,"c":2}}')).toThrow(/not valid JSON/)
    const p = parseJsonText('{"__proto__":{"x":1}}') as Record<string, unknown>
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype)
    expect(Object.keys(p)).toEqual(['__proto__'])
  })

  it('takes values nested past the native limit the lossless way, with the same result', () => {
    const deep = `${'['.repeat(200)}12345678901234567891${']'.repeat(200)}`
    expect(shape(parseJsonText(deep))).toEqual(shape(losslessOnly(deep)))
  })
})

describe('stringifyJson: the native writer only where it writes what lossless-json writes', () => {
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    v: fc.oneof({depthSize: 'small'},
      fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined),
      fc.bigInt(), numberText.map((t) => new LosslessNumber(t)), fc.date({noInvalidDate: true}),
      fc.array(tie('v'), {maxLength: 4}), fc.dictionary(key, tie('v'), {maxKeys: 4})),
  })).v
  it('on random values (LosslessNumbers, bigints, NaN, undefined, dates among plain data)', () => {
    fc.assert(fc.property(value, (v) => {
      const expected = stringify(v)
      if (expected === undefined) expect(() => stringifyJson(v)).toThrow(/cannot write/)
      else expect(stringifyJson(v)).toBe(expected)
    }), {seed, numRuns: 3000})
  })
})

describe('declarative rules on fields named like Object.prototype members', () => {
  it('never reach the prototype: "__proto__" and "constructor" are fields like any other', () => {
    const value = parseJsonText('{"__proto__":{"a":1},"x":1}')
    const r = applyDeclarativeRules(value, {rename: [['x', '__proto__.b'], ['constructor', 'c']], drop: [], defaults: [['toString.y', 2]], cast: []})
    expect(stringifyJson(r.value)).toBe('{"__proto__":{"a":1,"b":1},"toString":{"y":2}}')
    expect(({} as Record<string, unknown>).b).toBeUndefined()
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'b')).toBe(false)
  })
})

describe('migrate with declarative rules alone (the synchronous path on the value just parsed)', () => {
  const field = fc.constantFrom('a', 'b', 'c', 'a.b', 'n.x', '__proto__', 'big')
  const rules = fc.record({
    rename: fc.array(fc.tuple(field, field), {maxLength: 2}),
    drop: fc.array(field, {maxLength: 2}),
    defaults: fc.array(fc.tuple(field, fc.oneof(fc.integer(), fc.constant(new LosslessNumber('1.10')), fc.constant({k: [1, '2']}))), {maxLength: 2}),
    cast: fc.array(fc.tuple(field, fc.constantFrom('int', 'float', 'string', 'bool', 'json' as const)), {maxLength: 2}),
  // No rules at all is a plain copy, which never parses.
  }).filter((t) => t.rename.length + t.drop.length + t.defaults.length + t.cast.length > 0)
  const objectText = jsonText.filter((t) => t.trimStart().startsWith('{'))
  const asText = (r: unknown): unknown => {
    if (r instanceof Error) return {error: true}
    const o = (Array.isArray(r) ? r[0] : r) as {value: Buffer | null}
    return {value: o.value?.toString('utf8') ?? null}
  }
  it('writes what the rules on a copy, then the lossless writer, write (or the same bytes, or the same error)', async () => {
    const {migrateRecordFn} = await import('../../../src/operations/migrate.js')
    fc.assert(fc.property(objectText, rules, (text, t) => {
      const record = {topic: 's', partition: 0, offset: 0, key: null, value: Buffer.from(text), headers: [], timestamp: 0}
      let got: unknown
      try {
        got = migrateRecordFn({to: 't', declarative: t})(record)
      } catch (err) {
        got = err
      }
      let expected: unknown
      try {
        const applied = applyDeclarativeRules(losslessOnly(text), t)
        expected = {value: applied.changed ? stringify(applied.value)! : text}
      } catch (err) {
        expected = err
      }
      expect(asText(got)).toEqual(expected instanceof Error ? {error: true} : expected)
    }), {seed, numRuns: 2000})
  })
})
