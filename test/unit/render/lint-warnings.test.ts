import {describe, expect, it} from 'vitest'
import type {LintDiagnostic} from '../../../src/lint/rule.js'
import {lintWarningLines} from '../../../src/render/lint-warnings.js'

function finding(rule: string, i: number): LintDiagnostic {
  return {severity: 'warning', rule, environment: 'prod', message: `topic t${i} breaks ${rule}`, resource: `Topic/t${i}`, hint: 'fix it'}
}

describe('lint warnings beside a plan', () => {
  it('prints every finding of a rule up to the cap, then one line counting the rest', () => {
    const findings = [...Array.from({length: 12_000}, (_, i) => finding('owner-required', i)), finding('topic-name', 1), finding('topic-name', 2)]
    const lines = lintWarningLines(findings, 10)
    const text = lines.join('\n')
    expect(text.match(/breaks owner-required/g)).toHaveLength(10)
    expect(text.match(/breaks topic-name/g)).toHaveLength(2)
    expect(text).toContain('11,990 more finding(s) of rule owner-required in environment prod not shown (run `streamctl lint -e prod` for all of them)')
    expect(text).not.toContain('more finding(s) of rule topic-name')
    expect(text.length).toBeLessThan(5_000)
  })

  it('prints all findings when none exceeds the cap, and nothing for none', () => {
    expect(lintWarningLines([finding('a', 1), finding('b', 2)], 1)).toHaveLength(2)
    expect(lintWarningLines([])).toEqual([])
  })
})
