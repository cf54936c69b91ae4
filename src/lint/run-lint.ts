import type {DesiredState, RuleSeverity} from '../model/desired.js'
import {didYouMean} from '../manifest/suggest.js'
import type {LintDiagnostic} from './rule.js'
import {LINT_RULE_IDS, LINT_RULES} from './rules.js'
import {IMPACT_RULE_IDS, impactRuleSettings, parseWindow} from '../plan/impact.js'

/**
 * Runs every rule on one environment's desired state. Policy resources set a rule's severity
 * (error / warning / off) and options; a later Policy overrides an earlier one for the same rule.
 * A Policy naming an unknown rule is itself an error, so a typo cannot silently disable a check.
 */
export function runLint(desired: DesiredState): LintDiagnostic[] {
  const environment = desired.environment.name
  const settings = new Map<string, {severity: RuleSeverity; options: Readonly<Record<string, unknown>>}>()
  const out: LintDiagnostic[] = []
  for (const p of desired.policies) {
    for (const [id, s] of Object.entries(p.rules)) {
      if ((IMPACT_RULE_IDS as readonly string[]).includes(id)) continue
      if (!LINT_RULE_IDS.includes(id)) {
        const known = [...LINT_RULE_IDS, ...IMPACT_RULE_IDS]
        out.push({severity: 'error', rule: 'policy', environment, resource: `Policy/${p.name}`, location: p.location,
          message: `unknown lint rule "${id}"`, hint: didYouMean(id, known) ?? `known rules: ${known.join(', ')}`})
        continue
      }
      settings.set(id, {severity: s.severity, options: s.options ?? {}})
    }
  }
  // The plan's safety rules run against the cluster's activity; here only their options are checked.
  for (const s of impactRuleSettings(desired)) {
    if (s.rule === 'active-delete' && s.options.window !== undefined && parseWindow(s.options.window) === undefined) {
      out.push({severity: 'error', rule: 'policy', environment, resource: s.resource, ...(s.location ? {location: s.location} : {}),
        message: `${s.rule}: cannot read window ${JSON.stringify(s.options.window)}`, hint: 'write a duration such as 7d, 12h, 30m, or milliseconds as a number'})
    }
  }
  for (const rule of LINT_RULES) {
    const setting = settings.get(rule.id)
    const severity = setting?.severity ?? rule.defaultSeverity
    if (severity === 'off') continue
    for (const f of rule.check(desired, setting?.options ?? {})) out.push({severity, rule: rule.id, environment, ...f})
  }
  return out.sort((a, b) => (a.location?.file ?? '').localeCompare(b.location?.file ?? '') || (a.location?.line ?? 0) - (b.location?.line ?? 0))
}
