import avro from 'avsc'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import type {CompatibilityLevel} from '../../../src/model/state.js'
import {checkCompatibility} from '../../../src/registry/compat/index.js'
import {parseSchema} from '../../../src/registry/parse-schema.js'

/**
 * Our Avro compatibility verdict against avsc's schema resolution, on random schema pairs: fields
 * added or removed with and without defaults, promotions (int → long → float → double, string ↔
 * bytes) and unions. The reference verdict is computed here from avsc alone: BACKWARD = the new
 * schema resolves the old (writer), FORWARD = the old resolves the new, FULL = both.
 */
const SEED = Number(process.env.FC_SEED ?? 20261204)
const RUNS = Number(process.env.FC_RUNS ?? 400)

const PRIMITIVES = ['int', 'long', 'float', 'double', 'string', 'bytes', 'boolean'] as const
const DEFAULTS: Record<string, unknown> = {int: 0, long: 0, float: 0, double: 0, string: '', bytes: '', boolean: false}
const NAMES = ['a', 'b', 'c', 'd', 'e']

type FieldType = string | string[]
const fieldType: fc.Arbitrary<FieldType> = fc.oneof(
  fc.constantFrom(...PRIMITIVES),
  fc.uniqueArray(fc.constantFrom('null', ...PRIMITIVES), {minLength: 2, maxLength: 3}),
)
const field = fc.record({name: fc.constantFrom(...NAMES), type: fieldType, withDefault: fc.boolean()})
const fields = fc.uniqueArray(field, {maxLength: 4, selector: (f) => f.name})

function schemaText(fs: {name: string; type: FieldType; withDefault: boolean}[]): string {
  return JSON.stringify({
    type: 'record', name: 'R', namespace: 'gen',
    fields: fs.map((f) => ({
      name: f.name, type: f.type,
      // A union's default matches its first branch (Avro spec).
      ...(f.withDefault ? {default: Array.isArray(f.type) ? (f.type[0] === 'null' ? null : DEFAULTS[f.type[0]!]) : DEFAULTS[f.type]} : {}),
    })),
  })
}

const resolves = (reader: string, writer: string): boolean => {
  try {
    avro.Type.forSchema(JSON.parse(reader)).createResolver(avro.Type.forSchema(JSON.parse(writer)))
    return true
  } catch {
    return false
  }
}

function reference(level: CompatibilityLevel, newer: string, older: string): boolean {
  const backward = resolves(newer, older)
  const forward = resolves(older, newer)
  return level === 'BACKWARD' ? backward : level === 'FORWARD' ? forward : backward && forward
}

describe('Avro compatibility against avsc schema resolution (generative)', () => {
  it('agrees on random schema pairs for BACKWARD, FORWARD and FULL, and gives a reason whenever it refuses', () => {
    console.log(`avro compatibility generative: fast-check seed ${SEED}, ${RUNS} runs (FC_SEED / FC_RUNS to change)`)
    fc.assert(fc.property(fields, fields, fc.constantFrom<CompatibilityLevel>('BACKWARD', 'FORWARD', 'FULL'), (oldFs, newFs, level) => {
      const older = schemaText(oldFs)
      const newer = schemaText(newFs)
      const reasons = checkCompatibility(level, parseSchema('AVRO', newer), [{version: 1, parsed: parseSchema('AVRO', older)}])
      expect(reasons.length === 0).toBe(reference(level, newer, older))
      for (const r of reasons) expect(r).toMatch(new RegExp(`^${level} incompatible with version 1: .+`))
    }), {seed: SEED, numRuns: RUNS})
  })

  // Fixed examples of the promotions and unions Avro's spec lists.
  it.each([
    ['int → long is BACKWARD', 'BACKWARD', 'int', 'long', true],
    ['long → int is not BACKWARD', 'BACKWARD', 'long', 'int', false],
    ['float → double is BACKWARD, not FORWARD', 'FORWARD', 'float', 'double', false],
    ['string → bytes is FULL', 'FULL', 'string', 'bytes', true],
    ['int → [null, long] is BACKWARD', 'BACKWARD', 'int', ['null', 'long'], true],
  ] as const)('%s', (_n, level, oldT, newT, ok) => {
    const older = schemaText([{name: 'a', type: oldT as FieldType, withDefault: false}])
    const newer = schemaText([{name: 'a', type: newT as FieldType, withDefault: false}])
    expect(checkCompatibility(level, parseSchema('AVRO', newer), [{version: 1, parsed: parseSchema('AVRO', older)}]).length === 0).toBe(ok)
    expect(reference(level, newer, older)).toBe(ok)
  })
})
