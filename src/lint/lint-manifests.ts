import {checkManifests, type CheckOptions} from '../manifest/check-manifests.js'
import type {LintDiagnostic} from './rule.js'
import {runLint} from './run-lint.js'

export interface LintResult {
  readonly environments: readonly string[]
  /** Findings; one reported for several environments lists them all in `environment`. */
  readonly findings: readonly LintDiagnostic[]
  readonly errors: number
  readonly warnings: number
}

/** Validates the manifests, then lints each selected environment's desired state. */
export async function lintManifests(opts: CheckOptions): Promise<LintResult> {
  const checked = await checkManifests(opts)
  const merged = new Map<string, LintDiagnostic>()
  for (const {name, desired} of checked.environments) {
    for (const f of runLint(desired)) {
      const k = `${f.rule}|${f.severity}|${f.location?.file}:${f.location?.line}|${f.message}`
      const prev = merged.get(k)
      merged.set(k, prev ? {...prev, environment: `${prev.environment},${name}`} : f)
    }
  }
  const findings = [...merged.values()]
  return {
    environments: checked.environments.map((e) => e.name),
    findings,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  }
}
