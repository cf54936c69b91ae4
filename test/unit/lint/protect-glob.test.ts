import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {protectGlobProblem} from '../../../src/lint/rules/protect-glob.js'
import {globToRegExp} from '../../../src/plan/topic-scope.js'

const SEED = Number(process.env.FC_SEED ?? 17017)
const validTopic = (n: string): boolean => /^[a-zA-Z0-9._-]{1,249}$/.test(n) && n !== '.' && n !== '..'

/** A name the glob matches when one exists: the rule must say "no problem" exactly then. */
function witness(glob: string): string {
  let w = glob.replace(/\?/g, 'a')
  const star = w.indexOf('*')
  if (star >= 0 && (w.replace(/\*/g, '') === '' || /^\.{1,2}$/.test(w.replace(/\*/g, '')))) w = `${w.slice(0, star)}a${w.slice(star + 1)}`
  return w.replace(/\*/g, '')
}

describe('protect-glob rule', () => {
  it('flags exactly the globs no valid topic name matches', () => {
    console.log(`protect-glob property seed ${SEED}`)
    const chars = fc.constantFrom('a', 'Z', '0', '.', '_', '-', '*', '?', '/', ' ', ':', 'é')
    fc.assert(fc.property(fc.oneof(
      fc.array(chars, {minLength: 1, maxLength: 12}).map((cs) => cs.join('')),
      fc.tuple(fc.integer({min: 240, max: 260}), fc.boolean()).map(([n, star]) => `${'a'.repeat(n)}${star ? '*' : ''}`),
    ), (glob) => {
      const w = witness(glob)
      const matchable = validTopic(w) && globToRegExp(glob).test(w)
      expect(protectGlobProblem(glob) === undefined).toBe(matchable)
    }), {seed: SEED, numRuns: 500})
  })

  it('names the offending characters', () => {
    expect(protectGlobProblem('shop/*')).toMatch(/"\/"/)
    expect(protectGlobProblem('shop.*')).toBeUndefined()
    expect(protectGlobProblem('..')).toMatch(/not a valid topic name/)
  })
})
