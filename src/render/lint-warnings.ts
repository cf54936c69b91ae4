import {formatDiagnostic} from '../errors.js'
import type {LintDiagnostic} from '../lint/rule.js'

/** How many findings of one rule plan/apply print before they summarise the rest. */
export const WARNINGS_PER_RULE = 10

/**
 * The lint findings plan and apply print beside their plan, as warnings: at most WARNINGS_PER_RULE
 * of each rule, then one line counting the rest. An estate of 12,000 unowned topics would
 * otherwise bury the plan under 24,000 warnings; `streamctl lint` lists every one.
 */
export function lintWarningLines(findings: readonly LintDiagnostic[], perRule = WARNINGS_PER_RULE): string[] {
  const byRule = new Map<string, LintDiagnostic[]>()
  for (const f of findings) {
    const group = byRule.get(f.rule)
    if (group) group.push(f)
    else byRule.set(f.rule, [f])
  }
  const lines: string[] = []
  for (const [rule, group] of byRule) {
    for (const f of group.slice(0, perRule)) lines.push(formatDiagnostic({...f, severity: 'warning'}))
    const rest = group.length - perRule
    if (rest > 0) lines.push(`warning: ${rest.toLocaleString('en')} more finding(s) of rule ${rule} in environment ${group[0]!.environment} not shown (run \`streamctl lint -e ${group[0]!.environment}\` for all of them)`)
  }
  return lines
}
